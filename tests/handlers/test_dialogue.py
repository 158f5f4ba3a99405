"""The dialogue as the handlers run it: drafts in a real Redis, idle expiry on a fake
clock, submission, stale and double clicks, through the console adapter."""

from __future__ import annotations

import re
from datetime import timedelta

from conversations.i18n import t
from conversations.model import TargetKind
from conversations.stop_request import DialogueState, Step
from handlers.events import Actor, Click, Post, UserMessage
from tests.helpers import REQUEST_ID, Harness

USER = "console:employee"
EXPIRED = "expired after 30 minutes"


async def draft(h: Harness) -> DialogueState | None:
    raw = await h.store.drafts.load(USER)
    return None if raw is None else DialogueState.model_validate_json(raw)


async def to_summary(h: Harness) -> str:
    out = await h.type(
        "/cancel-account",
        "CRM",
        "too expensive",
        "2026-12-31",
        "yes",
        "none",
        "refund",
        "no",
        "console:team",
    )
    assert t("en", "summary") in out
    state = await draft(h)
    assert state is not None and state.step is Step.SUMMARY
    return state.draft_id


# -- idle expiry --------------------------------------------------------------------


async def test_default_idle_timeout_is_30_minutes(harness: Harness) -> None:
    assert harness.app.services.idle_timeout == timedelta(minutes=30)


async def test_idle_draft_expires_and_a_new_one_starts_fresh(harness: Harness) -> None:
    h = harness
    await h.type("/cancel-account", "CRM")
    first = await draft(h)
    assert first is not None and first.step is Step.REASON

    h.clock.advance(timedelta(minutes=31))
    out = await h.type("too expensive")
    assert EXPIRED in out
    assert "nothing was submitted" in out
    assert t("en", "q_when") not in out  # the answer was not applied
    assert await h.store.drafts.load(USER) is None
    assert await h.store.requests.of_user(USER) == []

    out = await h.type("/cancel-account")
    assert t("en", "intro") in out
    assert t("en", "q_target") in out
    assert "already have" not in out
    assert EXPIRED not in out  # already told
    second = await draft(h)
    assert second is not None
    assert second.step is Step.TARGET and second.answers.target is None
    assert second.draft_id != first.draft_id


async def test_exactly_the_idle_timeout_is_not_expired(harness: Harness) -> None:
    h = harness
    await h.type("/cancel-account", "CRM")
    h.clock.advance(timedelta(minutes=30))
    out = await h.type("too expensive")
    assert EXPIRED not in out
    assert t("en", "q_when") in out


async def test_idle_time_counts_from_the_last_answer(harness: Harness) -> None:
    h = harness
    await h.type("/cancel-account")
    for answer in ("CRM", "too expensive", "2026-12-31"):
        h.clock.advance(timedelta(minutes=25))
        out = await h.type(answer)
        assert EXPIRED not in out
    state = await draft(h)
    assert state is not None and state.step is Step.BACKUP


async def test_restart_after_expiry_says_so(harness: Harness) -> None:
    h = harness
    await h.type("/cancel-account", "CRM")
    h.clock.advance(timedelta(hours=2))
    out = await h.type("/cancel-account")
    assert EXPIRED in out
    assert t("en", "intro") in out and t("en", "q_target") in out
    state = await draft(h)
    assert state is not None and state.answers.target is None


async def test_button_of_an_expired_draft(harness: Harness) -> None:
    h = harness
    await h.type("/cancel-account", "CRM")
    h.clock.advance(timedelta(minutes=31))
    out = await h.type("/click Too expensive")
    assert EXPIRED in out
    assert await h.store.drafts.load(USER) is None


# -- resume, storage ------------------------------------------------------------------


async def test_start_while_a_draft_exists_resumes_it(harness: Harness) -> None:
    h = harness
    await h.type("/cancel-account", "CRM")
    before = await draft(h)
    out = await h.type("/cancel-account")
    assert "You already have a stop request in progress" in out
    assert t("en", "q_reason") in out
    assert "[2] Too expensive" in out
    assert t("en", "intro") not in out
    after = await draft(h)
    assert after is not None and before is not None
    assert after.draft_id == before.draft_id
    assert after.step is Step.REASON
    assert after.answers == before.answers
    # And the resumed draft takes the next answer as usual.
    out = await h.type("/click Too expensive")
    assert t("en", "q_when") in out


def _faq_reply(out: str) -> bool:
    return (
        any(t("en", key) in out for key in ("faq_did_you_mean", "faq_did_it_help"))
        or "I don't know the answer" in out
    )


async def test_typing_without_a_draft_goes_to_the_faq(harness: Harness) -> None:
    out = await harness.type("CRM")
    assert _faq_reply(out)
    assert await harness.store.drafts.load(USER) is None


# -- submit --------------------------------------------------------------------


async def test_double_click_on_submit_files_one_request(harness: Harness) -> None:
    h = harness
    draft_id = await to_summary(h)
    out = await h.type("/click Submit")
    match = REQUEST_ID.search(out)
    assert match, out
    rid = match.group(1)
    assert rid == draft_id
    assert await h.store.drafts.load(USER) is None

    out = await h.type("/click Submit")
    assert f"already submitted as {rid}" in out
    assert "Submitted as" not in out
    assert "approvals-head" not in out  # no second approval card
    reqs = await h.store.requests.of_user(USER)
    assert [r.id for r in reqs] == [rid]


async def test_typed_submit_then_click_files_one_request(harness: Harness) -> None:
    h = harness
    await to_summary(h)
    out = await h.type("submit")
    match = REQUEST_ID.search(out)
    assert match, out
    rid = match.group(1)

    out = await h.type("/click Submit")
    assert f"already submitted as {rid}" in out
    out = await h.type("submit")  # typed again: there is no draft any more
    assert not _faq_reply(out)
    assert f"your latest request {rid} (CRM) was already submitted" in out
    assert "waiting for department-head" in out
    assert [r.id for r in await h.store.requests.of_user(USER)] == [rid]
    req = await h.request(rid)
    assert req.answers.target is not None and req.answers.target.name == "CRM"
    assert req.answers.notify == ["console:team"]


async def test_submit_with_no_draft_and_no_request_says_so(harness: Harness) -> None:
    out = await harness.type("submit")
    assert t("en", "nothing_to_submit") in out
    assert not _faq_reply(out)
    out = await harness.type("提交")
    assert t("zh", "nothing_to_submit") in out
    assert await harness.store.drafts.load(USER) is None


async def test_edit_from_the_summary_then_submit(harness: Harness) -> None:
    h = harness
    await to_summary(h)
    out = await h.type("/click Edit: What")
    assert t("en", "q_target") in out
    out = await h.type("OA")
    assert t("en", "summary") in out
    assert "Billing" not in out  # free software: no billing line or edit button
    out = await h.type("/click Submit")
    rid = REQUEST_ID.search(out)
    assert rid, out
    req = await h.request(rid.group(1))
    assert req.answers.target is not None and req.answers.target.name == "OA"
    assert req.answers.billing is None
    assert [s.name for s in req.stages] == ["department-head", "it"]


# -- ended conversations and stale buttons ---------------------------------------------


async def test_button_after_abandon_belongs_to_an_ended_conversation(harness: Harness) -> None:
    h = harness
    await h.type("/cancel-account", "CRM")
    out = await h.type("cancel")
    assert t("en", "abandoned") in out
    assert await h.store.drafts.load(USER) is None

    out = await h.type("/click Too expensive")
    assert "conversation that has ended" in out
    assert await h.store.drafts.load(USER) is None
    assert await h.store.requests.of_user(USER) == []


async def test_button_of_an_old_draft_does_not_touch_the_new_one(harness: Harness) -> None:
    h = harness
    await h.type("/cancel-account")
    old = await draft(h)
    assert old is not None
    await h.type("annuler")
    await h.type("/cancel-account", "OA")
    new = await draft(h)
    assert new is not None and new.draft_id != old.draft_id

    click = Click(
        actor=Actor(id=USER),
        channel=USER,
        action="dlg",
        value=f"{old.draft_id}|target|sw:CRM",
    )
    await h.app.dispatch(click)
    assert "conversation that has ended" in h.new_output()
    after = await draft(h)
    assert after == new


async def test_stale_button_of_the_current_draft(harness: Harness) -> None:
    h = harness
    await h.type("/cancel-account", "/click CRM", "/click Too expensive")
    state = await draft(h)
    assert state is not None and state.step is Step.WHEN
    click = Click(
        actor=Actor(id=USER),
        channel=USER,
        action="dlg",
        value=f"{state.draft_id}|reason|security",
    )
    await h.app.dispatch(click)
    out = h.new_output()
    assert "already answered" in out
    assert t("en", "q_when") in out
    assert await draft(h) == state


# -- language ---------------------------------------------------------------------


async def test_chinese_answers_get_chinese_prompts(harness: Harness) -> None:
    h = harness
    out = await h.type("/cancel-account")
    assert t("en", "intro") in out

    out = await h.type("我要停用CRM")
    assert "停用的原因是什么？" in out
    assert "[2] 费用太高" in out
    state = await draft(h)
    assert state is not None and state.lang == "zh"
    assert state.answers.target is not None
    assert state.answers.target.kind is TargetKind.SOFTWARE
    assert state.answers.target.name == "CRM"

    out = await h.type("太贵")
    assert "什么时候停用" in out
    assert "[1] 明天（2026-11-24）" in out

    out = await h.type("明天", "已备份", "无", "退款", "否", "无")
    assert "这是你的停用申请" in out
    assert "修改：原因" in out
    out = await h.type("提交")
    match = re.search(r"已提交，编号 (SR-[0-9A-Z]{8})", out)
    assert match, out
    req = await h.request(match.group(1))
    assert req.lang == "zh"
    assert req.answers.stop_date is not None and req.answers.stop_date.isoformat() == "2026-11-24"


async def test_start_command_in_chinese(harness: Harness) -> None:
    out = await harness.type("/cancel-account 开始")
    assert t("zh", "intro") in out
    assert t("zh", "q_target") in out
    state = await draft(harness)
    assert state is not None and state.lang == "zh"


async def test_an_answered_draft_is_not_expired_by_a_stale_index_entry(harness: Harness) -> None:
    h = harness
    await h.type("/cancel-account")
    h.clock.advance(timedelta(minutes=20))
    await h.type("CRM")  # the draft's idle clock restarts
    h.clock.advance(timedelta(minutes=20))
    assert await h.tick() == ""
    assert await h.store.drafts.load(USER) is not None


async def test_a_channel_mention_never_answers_the_dm_dialogue(harness: Harness) -> None:
    """A mention in a channel is a question asked there: the asker's draft, in their DM,
    is not touched, and the answer goes to the channel."""
    h = harness
    await h.type("/cancel-account")
    before = await h.store.drafts.load(USER)
    assert before is not None
    mention = UserMessage(actor=Actor(id=USER), channel="console:general", text="CRM", direct=False)
    replies = await h.app.handle(mention)
    assert await h.store.drafts.load(USER) == before
    assert replies and all(isinstance(r, Post) and r.to == "console:general" for r in replies)
    # The same words in the DM answer the dialogue's question.
    direct = UserMessage(actor=Actor(id=USER), channel=USER, text="CRM", direct=True)
    await h.app.handle(direct)
    assert await h.store.drafts.load(USER) != before
