"""The example folder next to a knowledge base: its lines join the topics' examples,
every problem in it is reported on its line, an edit to it is reloaded, and a
knowledge base that names no folder loads as before."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from bot.faq.live_kb import LiveKnowledgeBase
from bot.files.kb import KbError, bundled_kb_path, check_kb_file, load_kb, load_kb_text
from conversations.faq.kb import MAX_TEXT
from conversations.model import LANGS
from tests.helpers import GOOD_KB

KB_WITH_BANK = "examples_dir: faq-examples\n" + GOOD_KB


def write_kb(tmp_path: Path, files: dict[str, str | bytes], kb: str = KB_WITH_BANK) -> Path:
    path = tmp_path / "faq.yaml"
    path.write_text(kb)
    for name, content in files.items():
        target = tmp_path / "faq-examples" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return path


def test_bank_lines_join_the_topics_and_out_of_domain_examples(tmp_path: Path) -> None:
    path = write_kb(
        tmp_path,
        {
            "README.md": "# notes, not examples\n",
            "en/refund.txt": "# refunds\nwhen is the money paid back\n\ndo I get reimbursed\n",
            "en/_off-topic.txt": "# not ours\nrefund my train ticket\n",
            "zh/refund.txt": "\ufeff# 退款\n退钱吗\n",
        },
    )
    kb = load_kb(path)
    assert kb.topics[0].examples.en == [
        "will I get my money back",
        "when is the money paid back",
        "do I get reimbursed",
    ]
    assert kb.topics[0].examples.zh == ["能退款吗", "退钱吗"]
    assert kb.topics[0].examples.fr == ["vais-je être remboursé"]
    assert kb.out_of_domain.en == ["refund my train ticket"]
    assert check_kb_file(path) == []


def test_a_knowledge_base_without_examples_dir_ignores_a_folder_next_to_it(
    tmp_path: Path,
) -> None:
    path = write_kb(tmp_path, {"en/refund.txt": "do I get reimbursed\n"}, kb=GOOD_KB)
    assert load_kb(path) == load_kb_text(GOOD_KB)


def test_a_missing_folder_is_reported_on_the_key_line(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text("version: 1\nexamples_dir: more\n" + GOOD_KB)
    assert check_kb_file(path) == [
        f"{path}:2: examples_dir: folder '{tmp_path / 'more'}' not found; copy the example "
        "folder next to the knowledge base or remove the key"
    ]


def test_every_problem_of_the_bank_is_reported_on_its_line(tmp_path: Path) -> None:
    long_line = "x" * (MAX_TEXT + 1)
    path = write_kb(
        tmp_path,
        {
            "de/refund.txt": "bekomme ich mein Geld zurück\n",
            "en/refunds.txt": "money back?\n",
            "en/refund.txt~": "backup of an editor\n",
            "en/.refund.txt.swp": "hidden files are skipped\n",
            "en/refund.txt": (
                "# refunds\n"
                "do I get reimbursed\n"
                "Do I  get reimbursed\n"
                f"{long_line}\n"
                "WILL I GET MY MONEY BACK\n"
            ),
            "en/_off-topic.txt": "# nothing yet\n\n",
            "fr/_off-topic.txt": "rembourser mon billet de train\n",
            "fr/refund.txt": b"rembours\xe9 ?\nrembourser mon billet de train\n",
            "zh.txt": "能退款吗\n",
        },
    )
    bank = tmp_path / "faq-examples"
    errors = check_kb_file(path)
    assert errors == [
        f"{bank / 'de'}: unknown language folder 'de' (expected en, zh, fr)",
        f"{bank / 'en/_off-topic.txt'}:1: no example questions (only comments or blank lines)",
        f"{bank / 'en/refund.txt'}:3: duplicate of {bank / 'en/refund.txt'}:2",
        f"{bank / 'en/refund.txt'}:4: {MAX_TEXT + 1} characters, more than {MAX_TEXT}",
        f"{bank / 'en/refund.txt'}:5: already in {path}",
        f"{bank / 'en/refund.txt~'}: not an example file: expected <topic-id>.txt or "
        "_off-topic.txt",
        f"{bank / 'en/refunds.txt'}: no topic 'refunds'; did you mean refund.txt?",
        f"{bank / 'fr/refund.txt'}:1: not valid UTF-8 "
        "(invalid continuation byte at byte 9 of the line)",
        f"{bank / 'fr/refund.txt'}:2: also listed for the off-topic questions at "
        f"{bank / 'fr/_off-topic.txt'}:1: an example must belong to one topic only "
        "(reword or drop one)",
        f"{bank / 'zh.txt'}: example files go in a language folder, e.g. {bank / 'en/zh.txt'}",
    ]
    with pytest.raises(KbError):
        load_kb(path)


def test_the_same_question_in_two_topics_is_ambiguous(tmp_path: Path) -> None:
    kb = KB_WITH_BANK + (
        "  - id: data-loss\n"
        "    title: {en: Data, zh: 数据, fr: Données}\n"
        "    answer: {en: Kept 30 days., zh: 保留30天。, fr: Gardées 30 jours.}\n"
        "    examples:\n"
        "      en: [will my data be lost]\n"
        "      zh: [数据会丢吗]\n"
        "      fr: [vais-je perdre mes données]\n"
    )
    path = write_kb(
        tmp_path,
        {
            "en/data-loss.txt": "what happens then\n",
            "en/refund.txt": "# r\nwhat happens then\nWill my data be lost\n",
        },
        kb=kb,
    )
    bank = tmp_path / "faq-examples"
    assert check_kb_file(path) == [
        f"{bank / 'en/refund.txt'}:2: also listed for topic 'data-loss' at "
        f"{bank / 'en/data-loss.txt'}:1: an example must belong to one topic only "
        "(reword or drop one)",
        f"{bank / 'en/refund.txt'}:3: also listed for topic 'data-loss' in {path}: an "
        "example must belong to one topic only (reword or drop one)",
    ]


def test_an_edited_copy_of_the_bundled_file_borrows_the_bundled_bank(tmp_path: Path) -> None:
    # The bundled file copied alone (its bank not copied), cut down to one topic that
    # already holds a line of the bank: the bank's refund and off-topic lines join it,
    # the files of the topics it dropped and the line it repeats are skipped.
    copy = tmp_path / "faq.yaml"
    copy.write_text(KB_WITH_BANK.replace("[will I get my money back]", "[money back?]"))
    bank = bundled_kb_path().parent / "faq-examples"
    kb = load_kb(copy)
    assert check_kb_file(copy) == []
    assert [t.id for t in kb.topics] == ["refund"]
    refunds = kb.topics[0].examples.en
    assert refunds.count("money back?") == 1
    assert set(refunds) == set(_lines(bank / "en" / "refund.txt"))
    for lang in LANGS:
        assert kb.out_of_domain.get(lang) == _lines(bank / lang / "_off-topic.txt")


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def test_a_knowledge_base_that_is_not_a_copy_borrows_nothing(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text(KB_WITH_BANK.replace("id: refund", "id: vpn-access"))
    assert check_kb_file(path) == [
        f"{path}:1: examples_dir: folder '{tmp_path / 'faq-examples'}' not found; copy the "
        "example folder next to the knowledge base or remove the key"
    ]


async def test_a_folder_put_beside_a_copy_replaces_the_borrowed_one(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text(KB_WITH_BANK)
    live = LiveKnowledgeBase(path)
    assert len(live.kb.topics[0].examples.en) > 100  # the bundled bank's refund lines
    stop = asyncio.Event()
    watcher = asyncio.create_task(live.watch(stop, interval=0.01))
    try:
        write_kb(tmp_path, {"en/refund.txt": "do I get reimbursed\n"})  # the file unchanged
        async with asyncio.timeout(30):
            while len(live.kb.topics[0].examples.en) != 2:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        assert live.kb.topics[0].examples.en == ["will I get my money back", "do I get reimbursed"]
        shutil.rmtree(tmp_path / "faq-examples")  # and gone again: borrowed again
        async with asyncio.timeout(30):
            while len(live.kb.topics[0].examples.en) == 2:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        stop.set()
        await watcher


def test_only_a_plain_folder_name_is_borrowed(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "faq.yaml"
    path.write_text("examples_dir: ../faq-examples\n" + GOOD_KB)
    assert check_kb_file(path)[0].startswith(f"{path}:1: examples_dir: folder ")


def test_the_bundled_bank_is_valid_read_and_shipped(tmp_path: Path) -> None:
    bundled = bundled_kb_path()
    text = bundled.read_text(encoding="utf-8")
    assert "\nexamples_dir: faq-examples\n" in text
    kb = load_kb(bundled)
    plain = load_kb_text(text.replace("\nexamples_dir: faq-examples\n", "\n"))
    for lang in LANGS:
        for topic, alone in zip(kb.topics, plain.topics, strict=True):
            assert len(topic.examples.get(lang)) >= len(alone.examples.get(lang)) + 50, topic.id
        assert len(kb.out_of_domain.get(lang)) >= len(plain.out_of_domain.get(lang)) + 200
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert '"defaults/faq-examples/*/*.txt"' in pyproject


async def test_an_edit_to_the_bank_is_picked_up_while_running(tmp_path: Path) -> None:
    path = write_kb(tmp_path, {"en/refund.txt": "do I get reimbursed\n"})
    bank_file = tmp_path / "faq-examples" / "en" / "refund.txt"
    live = LiveKnowledgeBase(path)
    refused: list[list[str]] = []
    stop = asyncio.Event()
    watcher = asyncio.create_task(live.watch(stop, interval=0.01, on_refused=refused.append))
    try:
        bank_file.write_text("do I get reimbursed\nis the money paid back\n")
        os.utime(bank_file, ns=(1, 10**18))  # a distinct mtime, whatever the clock resolution
        async with asyncio.timeout(10):
            while "is the money paid back" not in live.kb.topics[0].examples.en:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        (bank_file.parent / "refnud.txt").write_text("typo in the name\n")
        os.utime(bank_file.parent, ns=(1, 2 * 10**18))
        async with asyncio.timeout(10):
            while not refused:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        stop.set()
        await watcher
    assert "refnud.txt: no topic 'refnud'; did you mean refund.txt?" in refused[0][0]
    assert "is the money paid back" in live.kb.topics[0].examples.en
