"""Reminders and escalation on an injected clock, alone and with two schedulers."""

from __future__ import annotations

from datetime import timedelta

from conversations.model import StageStatus
from handlers.events import Post, Reply
from tests.helpers import Harness, file_request


def _texts(replies: list[Reply]) -> list[tuple[str, str]]:
    return [(r.to, r.message.text) for r in replies if isinstance(r, Post)]


async def test_nothing_is_due_before_remind_after(team: Harness) -> None:
    await file_request(team, "CRM")
    team.clock.advance(timedelta(hours=23, minutes=59))
    assert await team.app.handlers.tick() == []


async def test_reminder_then_escalation_then_silence(team: Harness) -> None:
    rid = await file_request(team, "CRM")
    team.clock.advance(timedelta(hours=24))
    sent = _texts(await team.app.handlers.tick())
    recipients = [to for to, _ in sent]
    assert recipients == ["console:approvals-head", "console:head", "console:head2"]
    assert all(text.startswith(f"Reminder: {rid} (CRM)") for _, text in sent)
    # A second tick at the same time sends nothing: the reminder is recorded.
    assert await team.app.handlers.tick() == []

    team.clock.advance(timedelta(hours=48))  # 72h after the stage opened
    out = await team.tick()
    assert f"→ console:admin\n  Escalation: {rid} (CRM) has waited at stage department-head" in out
    assert await team.app.handlers.tick() == []
    team.clock.advance(timedelta(days=30))
    assert await team.app.handlers.tick() == []
    actions = [e.action for e in await team.store.requests.history(rid)]
    assert actions == ["submitted", "reminded", "escalated"]


async def test_each_stage_gets_its_own_reminder_clock(team: Harness) -> None:
    rid = await file_request(team, "CRM")
    team.clock.advance(timedelta(hours=20))
    await team.type("/as console:head", "/click Approve")  # IT stage opens now
    team.clock.advance(timedelta(hours=5))  # 25h after submission, 5h into IT
    assert await team.app.handlers.tick() == []
    team.clock.advance(timedelta(hours=19))
    sent = _texts(await team.app.handlers.tick())
    assert sent[0][0] == "console:approvals-it"
    req = await team.request(rid)
    assert req.stages[1].reminded_at == team.clock.now()


async def test_escalation_lets_fallback_approvers_decide(team: Harness) -> None:
    rid = await file_request(team, "CRM")
    await team.type("/as console:head", "/click Approve")
    out = await team.type("/as console:itlead", "/click Approve")
    assert "Only the it approvers" in out
    team.clock.advance(timedelta(hours=72))
    out = await team.tick()
    assert "→ console:itlead\n  Escalation:" in out
    assert "Fallback approvers console:itlead may now decide." in out
    out = await team.type("/click Approve")
    req = await team.request(rid)
    assert req.stages[1].status is StageStatus.APPROVED
    assert f"card {rid}:2" in out


async def test_finished_requests_leave_the_schedule(team: Harness) -> None:
    rid = await file_request(team, "OA")
    await team.type(f"/cancel-account withdraw {rid}")
    team.clock.advance(timedelta(days=10))
    assert await team.app.handlers.tick() == []
    assert await team.store.requests.due_ids(team.clock.now()) == []


async def test_one_unreadable_request_does_not_stop_the_others(team: Harness) -> None:
    broken = await file_request(team, "CRM")
    fine = await file_request(team, "OA")
    await team.store.redis.hset(team.store.keys.request(broken), "data", "{not json")
    team.store.requests._seen = type(team.store.requests._seen)()  # a fresh process: nothing cached
    team.clock.advance(timedelta(hours=24))
    sent = _texts(await team.app.handlers.tick())
    reminded = [t for to, t in sent if to == "console:approvals-head"]
    assert len(reminded) == 1 and fine in reminded[0]
