"""Reminders and escalation on an injected clock: the scheduler's replies and what it
records, on a real Redis."""

from __future__ import annotations

from datetime import timedelta

from conversations.i18n import t
from conversations.model import StageStatus
from handlers.actions import Approve
from handlers.card_keys import stage_card
from handlers.events import UpdateCard
from tests.helpers import (
    EMPLOYEE,
    START,
    Harness,
    cancel_account,
    card,
    click,
    only_private,
    posts,
    press,
    submit_request,
)


def _nudge(h: Harness, key: str, rid: str, target: str, stage: str, who: str, **more: str) -> str:
    """A reminder or escalation text about a stage that opened at START."""
    since = h.app.services.when(START)
    return t("en", key, id=rid, target=target, stage=stage, since=since, who=who, **more).strip()


async def test_nothing_is_due_before_remind_after(team: Harness) -> None:
    await submit_request(team.app, EMPLOYEE, "CRM")
    team.clock.advance(timedelta(hours=23, minutes=59))
    assert await team.app.handlers.tick() == []


async def test_reminder_then_escalation_then_silence(team: Harness) -> None:
    rid = await submit_request(team.app, EMPLOYEE, "CRM")
    heads = "console:head, console:head2"
    team.clock.advance(timedelta(hours=24))
    sent = posts(await team.app.handlers.tick())
    assert [p.to for p in sent] == ["console:approvals-head", "console:head", "console:head2"]
    reminder = _nudge(team, "remind", rid, "CRM", "department-head", heads)
    assert {p.message.text for p in sent} == {reminder}
    # A second tick at the same time sends nothing: the reminder is recorded.
    assert await team.app.handlers.tick() == []

    team.clock.advance(timedelta(hours=48))  # 72h after the stage opened
    replies = await team.app.handlers.tick()
    escalation = _nudge(team, "escalate", rid, "CRM", "department-head", heads, fallback="")
    assert [(p.to, p.message.text) for p in posts(replies)] == [("console:admin", escalation)]
    assert card(replies, stage_card(rid, 0)).message.buttons  # still open to the heads
    assert await team.app.handlers.tick() == []
    team.clock.advance(timedelta(days=30))
    assert await team.app.handlers.tick() == []
    actions = [e.action for e in await team.store.requests.history(rid)]
    assert actions == ["submitted", "reminded", "escalated"]


async def test_each_stage_gets_its_own_reminder_clock(team: Harness) -> None:
    rid = await submit_request(team.app, EMPLOYEE, "CRM")
    team.clock.advance(timedelta(hours=20))
    # The IT stage opens now.
    await team.app.handle(click("console:head", Approve(rid, 0), "console:approvals-head"))
    team.clock.advance(timedelta(hours=5))  # 25h after submission, 5h into IT
    assert await team.app.handlers.tick() == []
    team.clock.advance(timedelta(hours=19))
    sent = posts(await team.app.handlers.tick())
    assert [p.to for p in sent] == ["console:approvals-it", "console:it", "console:it2"]
    req = await team.request(rid)
    assert req.stages[0].reminded_at is None
    assert req.stages[1].reminded_at == team.clock.now()


async def test_escalation_lets_fallback_approvers_decide(team: Harness) -> None:
    rid = await submit_request(team.app, EMPLOYEE, "CRM")
    handle = team.app.handle
    opened = await handle(click("console:head", Approve(rid, 0), "console:approvals-head"))
    it_card = card(opened, stage_card(rid, 1))
    early = await handle(press("console:itlead", it_card, Approve.id))
    not_yet = t("en", "deny_not_approver", stage="it", who="console:it, console:it2")
    assert only_private(early, "console:itlead") == not_yet

    team.clock.advance(timedelta(hours=72))
    replies = await team.app.handlers.tick()
    fallback = t("en", "escalate_fallback", who="console:itlead")
    escalation = _nudge(
        team, "escalate", rid, "CRM", "it", "console:it, console:it2", fallback=fallback
    )
    assert [(p.to, p.message.text) for p in posts(replies)] == [
        ("console:admin", escalation),
        ("console:itlead", escalation),
    ]
    # The card is rewritten to name the fallback approver among those who may decide.
    escalated = card(replies, stage_card(rid, 1))
    assert isinstance(escalated, UpdateCard) and escalated.message.card is not None
    approvers = t("en", "card_approvers", who="console:it, console:it2, console:itlead")
    assert approvers in escalated.message.card.context

    replies = await handle(press("console:itlead", escalated, Approve.id))
    req = await team.request(rid)
    assert req.stages[1].status is StageStatus.APPROVED
    assert [v.by for v in req.stages[1].votes] == ["console:itlead"]
    assert card(replies, stage_card(rid, 2)).message.buttons  # finance's card


async def test_finished_requests_leave_the_schedule(team: Harness) -> None:
    rid = await submit_request(team.app, EMPLOYEE, "OA")
    await team.app.handle(cancel_account(EMPLOYEE, f"withdraw {rid}"))
    team.clock.advance(timedelta(days=10))
    assert await team.app.handlers.tick() == []
    assert await team.store.requests.due_ids(team.clock.now()) == []


async def test_one_unreadable_request_does_not_stop_the_others(team: Harness) -> None:
    broken = await submit_request(team.app, EMPLOYEE, "CRM")
    fine = await submit_request(team.app, EMPLOYEE, "OA")
    await team.store.redis.hset(team.store.keys.request(broken), "data", "{not json")
    team.store.requests._seen = type(team.store.requests._seen)()  # a fresh process: nothing cached
    team.clock.advance(timedelta(hours=24))
    sent = posts(await team.app.handlers.tick())
    reminded = [p.message.text for p in sent if p.to == "console:approvals-head"]
    heads = "console:head, console:head2"
    assert reminded == [_nudge(team, "remind", fine, "OA", "department-head", heads)]
