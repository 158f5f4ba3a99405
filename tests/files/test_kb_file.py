"""The knowledge base file: checked with line-precise errors, reloaded while the
bot runs, a broken edit refused."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot.faq.live_kb import LiveKnowledgeBase
from bot.files.kb import KbError, bundled_kb_path, check_kb_file, load_kb_text
from conversations.model import LANGS
from tests.helpers import GOOD_KB, TOPICS


def test_bundled_kb_passes_kb_check() -> None:
    assert check_kb_file(bundled_kb_path()) == []


def test_bundled_kb_covers_every_topic_in_every_language(live_kb: LiveKnowledgeBase) -> None:
    kb = live_kb.kb
    assert [t.id for t in kb.topics] == TOPICS
    for topic in kb.topics:
        for lang in LANGS:
            assert topic.answer.get(lang) and topic.title.get(lang)
            assert len(topic.examples.get(lang)) >= 5, (topic.id, lang)
        # Short answers: about 120 words (Chinese: characters).
        assert len(topic.answer.en.split()) <= 135, topic.id
        assert len(topic.answer.fr.split()) <= 150, topic.id
        assert len(topic.answer.zh) <= 260, topic.id
    for lang in LANGS:
        assert len(kb.out_of_domain.get(lang)) >= 10


def test_kb_errors_name_the_line() -> None:
    with pytest.raises(KbError) as err:
        load_kb_text(GOOD_KB.replace("id: refund", "id: Refund!"), "faq.yaml")
    assert err.value.errors[0].startswith("faq.yaml:3: topics[0].id: String should match")
    with pytest.raises(KbError) as err:
        load_kb_text(GOOD_KB.replace("      zh: [能退款吗]\n", ""), "faq.yaml")
    assert err.value.errors == ["faq.yaml:6: topics[0].examples: needs example questions in zh"]
    with pytest.raises(KbError) as err:
        load_kb_text(GOOD_KB.replace("title: {en: Refunds,", "title: {en: Refunds"), "faq.yaml")
    assert err.value.errors[0].startswith("faq.yaml:4: YAML syntax error")
    with pytest.raises(KbError) as err:
        load_kb_text(GOOD_KB + "product_names: [Zoom, OA, zoom]\n", "faq.yaml")
    assert err.value.errors == [
        "faq.yaml:10: product_names[2]: product name 'zoom' is already listed at product_names[0]"
    ]


async def test_reload_takes_a_good_file_and_refuses_a_broken_one(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text(GOOD_KB)
    live = LiveKnowledgeBase(path)
    assert live.matcher.match("will I get my money back").topic == "refund"
    path.write_text(GOOD_KB.replace("Finance decides.", "Finance decides within a week."))
    assert await live.reload() == []
    assert "within a week" in live.kb.topics[0].answer.en
    path.write_text(GOOD_KB.replace("examples:", "exemples:"))
    errors = await live.reload()
    assert errors and "faq.yaml:" in errors[0]
    # The previous knowledge base keeps answering.
    assert "within a week" in live.kb.topics[0].answer.en
    assert live.matcher.match("will I get my money back").topic == "refund"


async def test_a_knowledge_base_edit_is_picked_up_while_running(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text(GOOD_KB)
    live = LiveKnowledgeBase(path)
    refused: list[list[str]] = []
    got_refusal = asyncio.Event()

    def on_refused(errors: list[str]) -> None:
        refused.append(errors)
        got_refusal.set()

    stop = asyncio.Event()
    watcher = asyncio.create_task(live.watch(stop, interval=0.01, on_refused=on_refused))
    try:
        path.write_text(GOOD_KB.replace("Finance decides.", "Finance decides within a week."))
        os.utime(path, ns=(1, 10**18))  # a distinct mtime, whatever the clock resolution
        async with asyncio.timeout(10):
            # The swap has no hook to await: watch for its effect, as a user would.
            while "within a week" not in live.kb.topics[0].answer.en:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        path.write_text("topics: {")
        os.utime(path, ns=(1, 2 * 10**18))
        async with asyncio.timeout(10):
            await got_refusal.wait()
        await asyncio.sleep(0.1)  # a few more polls of the same broken file
    finally:
        stop.set()
        await watcher
    assert "YAML syntax error" in refused[0][0]
    assert len(refused) == 1  # reported once, not at every poll
    assert "within a week" in live.kb.topics[0].answer.en
