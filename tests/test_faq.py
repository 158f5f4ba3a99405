"""The FAQ: the bundled knowledge base, the matcher's honesty, reload, and the
conversation around it (through the console adapter, on a real Redis)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.files.kb import KbError, bundled_kb_path, check_kb_file, load_kb_text
from bot.files.live_kb import LiveKnowledgeBase
from conversations.faq.evaluate import evaluate, read_jsonl
from conversations.faq.matcher import Matcher, Thresholds, Verdict
from conversations.faq.tokens import features, fold_question
from conversations.lang import guess_lang
from conversations.model import LANGS
from tests.helpers import Harness

ROOT = Path(__file__).resolve().parent.parent
TOPICS = [
    "how-to-cancel", "data-loss", "backup", "reactivate", "refund", "billing-after-cancel",
    "approval-process", "approval-status", "withdraw-request", "linked-services",
    "compliance-retention", "permissions", "after-cancel", "notify-users", "should-i-stop",
    "privacy", "contact-support",
]  # fmt: skip


@pytest.fixture(scope="module")
def matcher(live_kb: LiveKnowledgeBase) -> Matcher:
    return live_kb.matcher


# -- the bundled knowledge base ------------------------------------------------------


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


def test_dev_set_accuracy_and_rejection(matcher: Matcher) -> None:
    """The labelled set in tests/data was written without looking at the knowledge
    base's examples; below 0.9 accuracy or 0.85 rejection the matcher has regressed."""
    report = evaluate(matcher, read_jsonl(ROOT / "tests/data/faq-dev.jsonl"))
    print("\n".join(report.lines(10)))
    assert report.accuracy >= 0.9
    assert report.rejection >= 0.85
    for lang in LANGS:
        assert report.correct[lang] / report.total[lang] >= 0.85, lang


# -- language and normalisation ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Will my data be lost?", "en"),
        ("can i get my money back", "en"),
        ("Vais-je être remboursé ?", "fr"),
        ("est ce que mes donnees seront perdues", "fr"),
        ("comment resilier mon abonnement webex", "fr"),
        ("注销后数据会丢失吗", "zh"),
        ("註銷帳號後資料還在嗎", "zh"),
        ("CRM 可以恢复吗", "zh"),
    ],
)
def test_language_detection(text: str, expected: str) -> None:
    assert guess_lang(text, "en") == expected


def test_language_falls_back_to_the_users_own_when_unsure() -> None:
    assert guess_lang("CRM?", "fr") == "fr"
    assert guess_lang("OA", "zh") == "zh"


def test_folding_unifies_scripts_widths_and_accents() -> None:
    assert fold_question("註銷帳號") == fold_question("注销账号")
    assert fold_question("ＣＲＭ　Résilier!") == "crm resilier"
    assert features("Résilier", "fr") == features("resilier", "fr")


# -- honesty -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "how do I cancel a Webex meeting?",
        "my leave approval is stuck",
        "can I get a refund for my train ticket",
        "I forgot my password, how do I reset it?",
        "what's for lunch today",
        "asdkjh qwe zzz",
        "",
    ],
)
def test_near_misses_and_noise_get_no_topic(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).topic is None


def test_clear_questions_are_answered_in_their_language(matcher: Matcher) -> None:
    for question, lang, topic in [
        ("If I close my OA account, will my documents be deleted?", "en", "data-loss"),
        ("注销CRM账号以后还能恢复吗", "zh", "reactivate"),
        ("Est-ce que je serai remboursé si je résilie Webex en cours d'année ?", "fr", "refund"),
    ]:
        match = matcher.match(question)
        assert (match.verdict, match.topic, match.lang) == (Verdict.ANSWER, topic, lang)


def test_thresholds_decide_between_answer_suggest_and_unknown(live_kb: LiveKnowledgeBase) -> None:
    kb = live_kb.kb
    question = "will I get my money back if we stop Webex early?"
    assert Matcher(kb).match(question).verdict is Verdict.ANSWER
    unsure = Matcher(kb, Thresholds(answer_confidence=1.01)).match(question)
    assert (unsure.verdict, unsure.topic) == (Verdict.SUGGEST, None)
    assert unsure.suggestions[0] == "refund" and len(unsure.suggestions) == 3
    strict = Matcher(kb, Thresholds(similar=0.99)).match(question)
    assert (strict.verdict, strict.topic) == (Verdict.UNKNOWN, None)


def test_a_vague_question_gets_suggestions(matcher: Matcher) -> None:
    match = matcher.match("问一下账号的事")
    assert (match.verdict, match.topic) == (Verdict.SUGGEST, None)


# -- knowledge-base checks and reload ------------------------------------------------------

GOOD_KB = """
topics:
  - id: refund
    title: {en: Refunds, zh: 退款, fr: Remboursement}
    answer: {en: Finance decides., zh: 财务决定。, fr: La finance décide.}
    examples:
      en: [will I get my money back]
      zh: [能退款吗]
      fr: [vais-je être remboursé]
"""


def test_kb_errors_name_the_line() -> None:
    with pytest.raises(KbError) as err:
        load_kb_text(GOOD_KB.replace("id: refund", "id: Refund!"), "faq.yaml")
    assert err.value.errors[0].startswith("faq.yaml:3: topics[0].id: String should match")
    with pytest.raises(KbError) as err:
        load_kb_text(GOOD_KB.replace("      zh: [能退款吗]\n", ""), "faq.yaml")
    assert err.value.errors == ["faq.yaml:3: topics[0]: Value error, needs example questions in zh"]
    with pytest.raises(KbError) as err:
        load_kb_text(GOOD_KB.replace("title: {en: Refunds,", "title: {en: Refunds"), "faq.yaml")
    assert err.value.errors[0].startswith("faq.yaml:4: YAML syntax error")


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


# -- in conversation (console adapter, real Redis) -------------------------------------------


async def test_an_answer_asks_for_feedback_once_per_user(harness: Harness) -> None:
    out = await harness.type("will my data be lost if my CRM account is closed?")
    assert "Did this help?" in out
    out = await harness.type("/click 👍 Yes")
    assert "Thanks for the feedback" in out
    out = await harness.type("/click 👍 Yes")
    assert "already gave feedback" in out
    stats = await harness.store.faq_log.stats()
    assert stats["data-loss:answered"] == 1 and stats["data-loss:up"] == 1


async def test_unknown_question_can_go_to_a_human_with_the_transcript(harness: Harness) -> None:
    await harness.type("can I get my money back after stopping Webex?")
    out = await harness.type("why is the coffee machine on floor 3 always broken")
    assert "I don't know the answer to that" in out
    out = await harness.type("/click Ask a human")
    assert "→ console:it-help" in out
    assert "why is the coffee machine on floor 3 always broken" in out
    assert "can I get my money back after stopping Webex?" in out  # the transcript
    assert "I've passed your question to the IT team in console:it-help" in out


async def test_a_question_in_the_middle_of_the_dialogue(harness: Harness) -> None:
    await harness.type("/cancel-account", "CRM", "too expensive")
    out = await harness.type("will I get a refund?")
    answer, _, reasked = out.partition("Did this help?")
    assert "finance" in answer.lower()  # the refund answer
    assert "When should it stop?" in reasked  # then the same step again
    # The dialogue did not move: the next answer is still the date.
    out = await harness.type("2026-12-31")
    assert "Is the data backed up" in out


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


async def test_asking_to_stop_something_offers_to_start_a_request(harness: Harness) -> None:
    out = await harness.type("I want to cancel my CRM account")
    assert "Do you want to start a stop request for CRM?" in out
    out = await harness.type("/click Start a stop request for CRM")
    assert "Why should it be stopped?" in out  # the target is already filled in
    draft = await harness.store.drafts.load("console:employee")
    assert draft is not None and json.loads(draft)["answers"]["target"]["name"] == "CRM"


async def test_asking_in_chinese_offers_in_chinese(harness: Harness) -> None:
    out = await harness.type("我想注销OA账号")
    assert "要为 OA 发起停用申请吗" in out


async def test_only_admins_reload_the_knowledge_base(harness: Harness) -> None:
    out = await harness.type("/cancel-account kb-reload")
    assert "Only admins can reload" in out
    out = await harness.type("/as console:admin", "/cancel-account kb-reload")
    assert "Knowledge base reloaded: 17 topics" in out


# -- command line ----------------------------------------------------------------------


def test_faq_json_batch_from_stdin() -> None:
    lines = "will my data be lost?\nrefund my train ticket\n可以恢复吗\n"
    out = subprocess.run(
        [sys.executable, "-m", "bot", "faq", "--json"],
        cwd=ROOT,
        input=lines,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["topic"] for r in rows] == ["data-loss", None, "reactivate"]
    assert [r["lang"] for r in rows] == ["en", "en", "zh"]
    assert all(set(r) == {"question", "lang", "topic", "score", "answer"} for r in rows)
    assert rows[1]["answer"]


def test_kb_check_command(tmp_path: Path) -> None:
    bad = tmp_path / "faq.yaml"
    bad.write_text(GOOD_KB.replace("title:", "titel:"))
    out = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert f"{bad}:4: topics[0].titel: unknown key 'titel'; did you mean 'title'?" in out.stderr


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("I want to cancel my CRM account", "sw:CRM"),
        ("please close my account", "own_account"),
        ("je voudrais résilier mon abonnement Webex", "sw:Webex"),
        ("Je veux supprimer mon compte", "own_account"),
        ("我要停用销售系统", "sw:CRM"),  # an alias from the catalog
        ("帮我注销OA账号", "sw:OA"),
        ("how do I cancel my CRM account?", None),  # a question: the FAQ answers it
        ("if I cancel CRM will I get a refund?", None),
        ("cancel my lunch order please", None),  # nothing of ours to stop
    ],
)
def test_stop_intent(text: str, target: str | None) -> None:
    from bot.files.policy import bundled_policy_path, load_policy
    from conversations.faq.intent import stop_intent

    assert stop_intent(text, load_policy(bundled_policy_path()).catalog) == target


async def test_forged_vote_buttons_cannot_stuff_the_stats(harness: Harness) -> None:
    from handlers.events import Actor, Click

    for n in range(5):  # five "different answers" forged by a client
        click = Click(
            actor=Actor(id="console:employee"),
            channel="console:employee",
            action="faq_vote",
            value=f"refund|up#{n}" if n else "refund|up",
        )
        await harness.app.handlers.handle(click)
    assert (await harness.store.faq_log.stats()).get("refund:up") == 1


async def test_control_characters_never_reach_the_support_channel(harness: Harness) -> None:
    from handlers.events import Actor, UserMessage

    # Straight to the handlers, as a platform adapter delivers it (the console cleans
    # its own input first, Slack does not).
    raw = "why is the \u202egnikrow\u202c lift broken\x07"
    bob = Actor(id="console:bob")
    await harness.app.dispatch(UserMessage(actor=bob, channel=bob.id, text=raw))
    out = await harness.type("/as console:bob", "/click Ask a human")
    assert "→ console:it-help" in out
    assert "\u202e" not in out and "\x07" not in out


async def test_a_click_after_a_chinese_question_is_answered_in_chinese(harness: Harness) -> None:
    out = await harness.type("我的停用申请审批到哪一步了？")
    assert "查看我的申请" in out
    out = await harness.type("/click 查看我的申请")
    assert "你还没有停用申请" in out  # status, in the language the user writes in


async def test_a_question_mid_dialogue_is_counted_once(harness: Harness) -> None:
    await harness.type("/cancel-account", "CRM")
    await harness.type("will I get a refund?")
    stats = await harness.store.faq_log.stats()
    assert stats["refund:answered"] == 1
    transcript = await harness.store.faq_log.transcript("console:employee")
    assert len(transcript) == 1 and json.loads(transcript[0])["topic"] == "refund"
