"""Who may click what, and what happens when clicks race, on a real Redis."""

from __future__ import annotations

from conversations.model import StageStatus
from handlers.events import Actor, Click, Ephemeral, FormErrors, FormSubmit, Reply, UpdateCard
from tests.helpers import Harness, file_request


def _click(user: str, action: str, value: str) -> Click:
    return Click(actor=Actor(id=user), channel="console:approvals", action=action, value=value)


async def _snapshot(h: Harness, rid: str) -> tuple[int, int]:
    found = await h.store.requests.load(rid)
    assert found is not None
    return found[1], len(await h.store.requests.history(rid))


def _private_text(replies: list[Reply]) -> str:
    assert len(replies) == 1 and isinstance(replies[0], Ephemeral), replies
    return replies[0].message.text


async def test_non_approver_click_changes_nothing(team: Harness) -> None:
    rid = await file_request(team, "CRM")
    before = await _snapshot(team, rid)
    for action in ("approve", "reject", "delegate"):
        replies = await team.app.handlers.handle(_click("console:intruder", action, f"{rid}|0"))
        assert "Only the department-head approvers (console:head, console:head2)" in _private_text(
            replies
        )
    assert await _snapshot(team, rid) == before


async def test_requester_cannot_approve_own_request(team: Harness) -> None:
    # The head files a request: the head stage falls to the other head.
    rid = await file_request(team, "CRM", user="console:head")
    req = await team.request(rid)
    assert req.stages[0].approvers == ["console:head2"]
    before = await _snapshot(team, rid)
    for action in ("approve", "reject", "delegate"):
        replies = await team.app.handlers.handle(_click("console:head", action, f"{rid}|0"))
        assert "cannot approve, reject or delegate your own request" in _private_text(replies)
    assert await _snapshot(team, rid) == before


async def test_decided_card_and_double_click_change_nothing(team: Harness) -> None:
    rid = await file_request(team, "CRM")
    handle = team.app.handlers.handle
    first = await handle(_click("console:head", "approve", f"{rid}|0"))
    assert any(isinstance(r, UpdateCard) for r in first)
    after_first = await _snapshot(team, rid)
    # The same click again (double click, replayed request) and the other head on the
    # decided card: both get a private refusal.
    again = await handle(_click("console:head", "approve", f"{rid}|0"))
    assert "no longer current" in _private_text(again)
    other = await handle(_click("console:head2", "reject", f"{rid}|0"))
    assert "no longer current" in _private_text(other)
    assert await _snapshot(team, rid) == after_first


async def test_finished_request_refuses_clicks(team: Harness) -> None:
    rid = await file_request(team, "OA")
    await team.type(f"/cancel-account withdraw {rid}")
    before = await _snapshot(team, rid)
    replies = await team.app.handlers.handle(_click("console:head", "approve", f"{rid}|0"))
    assert f"{rid} is already withdrawn" in _private_text(replies)
    assert await _snapshot(team, rid) == before


async def test_garbage_click_values_are_refused(team: Harness) -> None:
    handle = team.app.handlers.handle
    for value in ("", "|", "SR-XXXXXXXX|0", "nonsense", "SR-1|-1", "x" * 5000):
        replies = await handle(_click("console:head", "approve", value))
        assert "no longer current" in _private_text(replies)
    replies = await handle(_click("console:head", "self-destruct", "x"))
    assert "conversation that has ended" in _private_text(replies)


async def test_reject_form_validates_its_fields(team: Harness) -> None:
    rid = await file_request(team, "CRM")
    before = await _snapshot(team, rid)

    async def submit(values: dict[str, str], form: str = "reject") -> list[Reply]:
        event = FormSubmit(
            actor=Actor(id="console:head"), form=form, context=f"{rid}|0", values=values
        )
        return await team.app.handlers.handle(event)

    for values in ({}, {"reason": "  \x00\x1b[31m "}, {"reason": "x" * 501}):
        replies = await submit(values)
        assert isinstance(replies[0], FormErrors) and "reason" in replies[0].errors
    replies = await submit({"to": "<@U123>", "reason": "away"}, form="delegate")
    assert isinstance(replies[0], FormErrors) and "to" in replies[0].errors
    replies = await submit({"to": "console:employee", "reason": "away"}, form="delegate")
    assert isinstance(replies[0], FormErrors) and "Choose someone else" in replies[0].errors["to"]
    assert await _snapshot(team, rid) == before


async def test_all_stage_waits_for_the_missing_approver(team: Harness) -> None:
    rid = await file_request(team, "CRM")
    handle = team.app.handlers.handle
    await handle(_click("console:head", "approve", f"{rid}|0"))
    replies = await handle(_click("console:it", "approve", f"{rid}|1"))
    update = next(r for r in replies if isinstance(r, UpdateCard))
    assert any("waiting for console:it2" in line for line in update.message.card.context)  # type: ignore[union-attr]
    assert update.message.buttons  # still open
    again = await handle(_click("console:it", "approve", f"{rid}|1"))
    assert "already approved this stage" in _private_text(again)
    req = await team.request(rid)
    assert req.current == 1 and req.stages[1].status is StageStatus.OPEN
    await handle(_click("console:it2", "approve", f"{rid}|1"))
    assert (await team.request(rid)).current == 2
