"""Answering questions in chat: feedback, a human handoff with the transcript, the
offer to start a request, reloads by admins, and questions asked mid-dialogue."""

from __future__ import annotations

import json

from conversations.i18n import t
from tests.helpers import BEFORE_BILLING, Harness


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


async def test_a_wrong_answer_mid_dialogue_gets_the_hint_not_an_faq_answer(
    harness: Harness,
) -> None:
    await harness.type("/cancel-account", "CRM", *BEFORE_BILLING)
    for typed in ("nobody", "security", "edit why"):
        out = await harness.type(typed)
        assert "Did this help?" not in out, typed
        assert t("en", "hint_choice") in out
        assert t("en", "q_billing_paid", target="CRM") in out
    assert await harness.store.faq_log.stats() == {}  # nothing was asked of the FAQ
    assert await harness.store.faq_log.transcript("console:employee") == []


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
    await harness.app.dispatch(UserMessage(actor=bob, channel=bob.id, text=raw, direct=True))
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
