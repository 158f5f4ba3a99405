"""Who may click what: neutral events in, replies and storage checked, on a real Redis.
(Clicks that race, from two processes, are in tests/storage/test_races.py.)"""

from __future__ import annotations

from conversations.i18n import t
from conversations.model import RequestStatus, StageStatus
from handlers.actions import Approve, Delegate, Reject
from handlers.card_keys import stage_card
from handlers.events import Actor, Click, FormErrors, FormSubmit, Post, UpdateCard
from tests.helpers import (
    EMPLOYEE,
    Harness,
    cancel_account,
    card,
    click,
    only_private,
    press,
    submit_request,
)

HEAD_CHANNEL = "console:approvals-head"
HEADS = "console:head, console:head2"


async def _snapshot(h: Harness, rid: str) -> tuple[int, int]:
    found = await h.store.requests.load(rid)
    assert found is not None
    return found[1], len(await h.store.requests.history(rid))


async def test_non_approver_click_changes_nothing(team: Harness) -> None:
    rid = await submit_request(team.app, EMPLOYEE, "CRM")
    before = await _snapshot(team, rid)
    refusal = t("en", "deny_not_approver", stage="department-head", who=HEADS)
    for decision in (Approve(rid, 0), Reject(rid, 0), Delegate(rid, 0)):
        replies = await team.app.handle(click("console:intruder", decision, HEAD_CHANNEL))
        assert only_private(replies, "console:intruder") == refusal
    assert await _snapshot(team, rid) == before


async def test_requester_cannot_approve_own_request(team: Harness) -> None:
    # The head files a request: the head stage falls to the other head.
    rid = await submit_request(team.app, "console:head", "CRM")
    req = await team.request(rid)
    assert req.stages[0].approvers == ["console:head2"]
    before = await _snapshot(team, rid)
    for decision in (Approve(rid, 0), Reject(rid, 0), Delegate(rid, 0)):
        replies = await team.app.handle(click("console:head", decision, HEAD_CHANNEL))
        assert only_private(replies, "console:head") == t("en", "deny_self_approval")
    assert await _snapshot(team, rid) == before


async def test_decided_card_and_double_click_change_nothing(team: Harness) -> None:
    rid = await submit_request(team.app, EMPLOYEE, "CRM")
    first = await team.app.handle(click("console:head", Approve(rid, 0), HEAD_CHANNEL))
    decided = card(first, stage_card(rid, 0))
    assert isinstance(decided, UpdateCard) and decided.channel == HEAD_CHANNEL
    assert decided.message.buttons == [] and decided.message.card is not None
    assert decided.message.card.outcome
    opened = card(first, stage_card(rid, 1))
    assert isinstance(opened, Post) and opened.to == "console:approvals-it"
    assert opened.message.buttons
    after_first = await _snapshot(team, rid)
    # The same click again (double click, replayed request) and the other head on the
    # decided card: both get a private refusal.
    again = await team.app.handle(click("console:head", Approve(rid, 0), HEAD_CHANNEL))
    assert only_private(again, "console:head") == t("en", "deny_stale_card")
    other = await team.app.handle(click("console:head2", Reject(rid, 0), HEAD_CHANNEL))
    assert only_private(other, "console:head2") == t("en", "deny_stale_card")
    assert await _snapshot(team, rid) == after_first


async def test_finished_request_refuses_clicks(team: Harness) -> None:
    rid = await submit_request(team.app, EMPLOYEE, "OA")
    withdraw = cancel_account(EMPLOYEE, f"withdraw {rid}")
    closed = card(await team.app.handle(withdraw), stage_card(rid, 0))
    assert isinstance(closed, UpdateCard) and closed.message.buttons == []
    assert (await team.request(rid)).status is RequestStatus.WITHDRAWN
    before = await _snapshot(team, rid)
    replies = await team.app.handle(click("console:head", Approve(rid, 0), HEAD_CHANNEL))
    refusal = t("en", "deny_not_pending", id=rid, status=t("en", "status_withdrawn"))
    assert only_private(replies, "console:head") == refusal
    assert await _snapshot(team, rid) == before


async def test_garbage_click_values_are_refused(team: Harness) -> None:
    def garbage(action: str, value: str) -> Click:
        return Click(
            actor=Actor(id="console:head"), channel=HEAD_CHANNEL, action=action, value=value
        )

    for value in ("", "|", "SR-XXXXXXXX|0", "nonsense", "SR-1|-1", "x" * 5000):
        replies = await team.app.handle(garbage(Approve.id, value))
        assert only_private(replies, "console:head") == t("en", "deny_stale_card")
    replies = await team.app.handle(garbage("self-destruct", "x"))
    assert only_private(replies, "console:head") == t("en", "expired_button")


async def test_reject_form_validates_its_fields(team: Harness) -> None:
    rid = await submit_request(team.app, EMPLOYEE, "CRM")
    before = await _snapshot(team, rid)

    async def errors(values: dict[str, str], form: str = Reject.id) -> dict[str, str]:
        event = FormSubmit(
            actor=Actor(id="console:head"),
            form=form,
            context=Reject(rid, 0).pack(),
            values=values,
        )
        replies = await team.app.handle(event)
        assert len(replies) == 1 and isinstance(replies[0], FormErrors), replies
        assert replies[0].to == "console:head"
        return replies[0].errors

    required = {"reason": t("en", "deny_reason_required")}
    assert await errors({}) == required
    assert await errors({"reason": "  \x00\x1b[31m "}) == required
    assert await errors({"reason": "x" * 501}) == {"reason": t("en", "hint_too_long", max=500)}
    not_a_person = await errors({"to": "<@U123>", "reason": "away"}, form=Delegate.id)
    assert not_a_person == {"to": t("en", "bad_user_id", value="<@U123>")}
    requester = await errors({"to": EMPLOYEE, "reason": "away"}, form=Delegate.id)
    assert requester == {"to": t("en", "deny_bad_delegate")}
    assert await _snapshot(team, rid) == before


async def test_all_stage_waits_for_the_missing_approver(team: Harness) -> None:
    rid = await submit_request(team.app, EMPLOYEE, "CRM")
    handle = team.app.handle
    it_card = card(
        await handle(click("console:head", Approve(rid, 0), HEAD_CHANNEL)), stage_card(rid, 1)
    )
    replies = await handle(press("console:it", it_card, Approve.id))
    update = card(replies, stage_card(rid, 1))
    assert isinstance(update, UpdateCard) and update.message.card is not None
    vote = t("en", "out_vote", who="console:it", done=1, total=2, missing="console:it2")
    assert vote in update.message.card.context
    assert update.message.buttons and not update.message.card.outcome  # still open
    again = await handle(press("console:it", update, Approve.id))
    assert only_private(again, "console:it") == t("en", "deny_already_voted")
    req = await team.request(rid)
    assert req.current == 1 and req.stages[1].status is StageStatus.OPEN
    assert [v.by for v in req.stages[1].votes] == ["console:it"]
    replies = await handle(press("console:it2", update, Approve.id))
    assert not card(replies, stage_card(rid, 1)).message.buttons
    finance = card(replies, stage_card(rid, 2))
    assert isinstance(finance, Post) and finance.to == "console:approvals-finance"
    assert (await team.request(rid)).current == 2
