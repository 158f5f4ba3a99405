"""Typed approval commands through the real handlers: the events they become are
authorised exactly like a Slack click (approvers only, never the requester, a stale
stage refused), and decide the request when they may."""

from __future__ import annotations

from urllib.parse import unquote

from bot.adapters.dingtalk import actioncard
from bot.adapters.dingtalk.typed_commands import Decision, read_decision
from conversations.i18n import t
from conversations.model import RequestStatus, StageStatus
from handlers.actions import Approve, Reject
from handlers.events import Actor, Card, Ephemeral, FormErrors, Message, OpenForm, Reply
from tests.helpers import EMPLOYEE, Harness, submit_request


async def _type(h: Harness, user: str, text: str) -> list[Reply]:
    """`user` types `text` to the bot in their single chat; the adapter's part: read
    it, look up the current stage when the command names none, hand the event over."""
    found = read_decision(text)
    assert isinstance(found, Decision), text
    req = await h.request(found.request_id)
    event = found.event(Actor(id=user, lang=found.lang), user, current_stage=req.current)
    return await h.app.handle(event)


def _refusal(replies: list[Reply], to: str) -> str:
    assert len(replies) == 1, replies
    reply = replies[0]
    if isinstance(reply, FormErrors):
        assert reply.to == to
        return " ".join(reply.errors.values())
    assert isinstance(reply, Ephemeral) and reply.to == to, reply
    return reply.message.text


async def test_the_requester_and_others_are_refused_and_nothing_changes(harness: Harness) -> None:
    rid = await submit_request(harness.app)
    before = await harness.request(rid)
    said = _refusal(await _type(harness, EMPLOYEE, f"approve {rid}"), EMPLOYEE)
    assert said == t("en", "deny_self_approval")
    said = _refusal(await _type(harness, "console:it", f"同意 {rid}"), "console:it")
    assert "department-head" in said  # only that stage's approvers
    said = _refusal(await _type(harness, EMPLOYEE, f"reject {rid} mine"), EMPLOYEE)
    assert said == t("en", "deny_self_approval")
    assert await harness.request(rid) == before


async def test_a_typed_approval_decides_the_current_stage(harness: Harness) -> None:
    rid = await submit_request(harness.app)
    await _type(harness, "console:head", f"同意 {rid}")
    req = await harness.request(rid)
    assert req.stages[0].status is StageStatus.APPROVED
    assert req.current == 1
    # The stage-1 card's button, clicked after that stage closed, is refused as stale,
    # even by an approver of the stage now open.
    old = Message(card=Card(title=rid), buttons=[Approve(rid, 0).button("Approve")])
    rendered = actioncard.render(old)
    assert rendered is not None
    sent = unquote(rendered.buttons[0][1].split("content=", 1)[1])
    assert sent == f"approve {rid}#1"
    said = _refusal(await _type(harness, "console:it", sent), "console:it")
    assert said == t("en", "deny_stale_card")
    assert (await harness.request(rid)).current == 1


async def test_a_rejection_with_its_reason_rejects_at_once(harness: Harness) -> None:
    rid = await submit_request(harness.app)
    await _type(harness, "console:head", f"approve {rid}")
    await _type(harness, "console:it", f"rejeter {rid} pas de budget, @all [voir](dtmd://x)")
    req = await harness.request(rid)
    assert req.status is RequestStatus.REJECTED
    assert req.stages[1].reason == "pas de budget, @all [voir](dtmd://x)"
    assert req.stages[1].rejected_by == "console:it"


async def test_a_rejection_without_a_reason_opens_the_form(harness: Harness) -> None:
    rid = await submit_request(harness.app)
    replies = await _type(harness, "console:head", f"拒绝 {rid}")
    assert len(replies) == 1
    form = replies[0]
    assert isinstance(form, OpenForm) and form.to == "console:head"
    assert (form.form, form.context) == (Reject.id, Reject(rid, 0).pack())
    assert (await harness.request(rid)).status is RequestStatus.PENDING


async def test_a_typed_delegation_hands_the_stage_over(harness: Harness) -> None:
    rid = await submit_request(harness.app)
    await _type(harness, "console:head", f"delegate {rid} console:deputy on leave")
    stage = (await harness.request(rid)).stages[0]
    assert [(d.by, d.to, d.reason) for d in stage.delegations] == [
        ("console:head", "console:deputy", "on leave")
    ]
    # A person that is no identity is refused by the handler, in its own words.
    said = _refusal(
        await _type(harness, "console:head", f"delegate {rid} deputy now"), "console:head"
    )
    assert "deputy" in said
