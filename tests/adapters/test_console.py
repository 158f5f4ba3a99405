"""Whole stop-request lifecycles through the console adapter, on a real Redis."""

from __future__ import annotations

from bot.adapters.console import ConsoleAdapter
from bot.faq.live_kb import LiveKnowledgeBase
from bot.storage.client import client_for_url
from bot.storage.store import Store
from conversations.model import RequestStatus, StageStatus
from tests.helpers import Harness, file_request, make_harness


async def test_paid_software_goes_through_head_it_and_finance(harness: Harness) -> None:
    h = harness
    rid = await file_request(h, "CRM")
    req = await h.request(rid)
    assert [s.name for s in req.stages] == ["department-head", "it", "finance"]
    assert req.stages[0].status is StageStatus.OPEN

    out = await h.type("/as console:head", "/click Approve")
    assert f"card {rid}:0 updated" in out
    assert "Approved by console:head" in out
    assert f"→ console:employee\n  {rid} (CRM): department-head approved by console:head" in out
    assert f"→ console:approvals-it  (card {rid}:1)" in out

    out = await h.type("/as console:it", "/click Approve")
    assert f"→ console:approvals-finance  (card {rid}:2)" in out

    out = await h.type("/as console:finance", "/click Approve")
    assert f"{rid} (CRM) is fully approved" in out
    # The channel the requester asked to notify hears the outcome too.
    assert f"→ console:team\n  Stop request {rid} (CRM" in out
    assert "approved." in out

    req = await h.request(rid)
    assert req.status is RequestStatus.APPROVED
    assert all(s.status is StageStatus.APPROVED for s in req.stages)
    history = await h.store.requests.history(rid)
    assert [e.action for e in history] == ["submitted", "approved", "approved", "approved"]
    assert [e.actor for e in history] == [
        "console:employee",
        "console:head",
        "console:it",
        "console:finance",
    ]
    assert await h.store.requests.open() == []


async def test_free_software_skips_finance(harness: Harness) -> None:
    h = harness
    rid = await file_request(h, "OA")
    req = await h.request(rid)
    assert [s.name for s in req.stages] == ["department-head", "it"]
    await h.type("/as console:head", "/click Approve", "/as console:it")
    out = await h.type("/click Approve")
    assert "is fully approved" in out
    assert "approvals-finance" not in h.out.getvalue()
    assert (await h.request(rid)).status is RequestStatus.APPROVED


async def test_own_account_has_no_billing_question(harness: Harness) -> None:
    h = harness
    out = await h.type(
        "/cancel-account", "my account", "no longer needed", "tomorrow", "not needed", "none"
    )
    assert "subscription" not in out
    assert "compliance" in out
    out = await h.type("no", "none", "submit")
    assert "Submitted as" in out


async def test_reject_needs_a_reason_and_tells_the_requester(harness: Harness) -> None:
    h = harness
    rid = await file_request(h, "Webex")
    await h.type("/as console:head")
    out = await h.type("/click Reject")
    assert "Reason (the requester will see it)?" in out
    # An empty reason is not possible to type; a blank-only one is refused by the handler.
    out = await h.type("   ")
    assert (await h.request(rid)).status is RequestStatus.PENDING
    out = await h.type("Budget is already committed until March")
    assert "Rejected by console:head" in out
    assert "was rejected at department-head by console:head: Budget is already committed" in out
    req = await h.request(rid)
    assert req.status is RequestStatus.REJECTED
    assert req.stages[0].reason == "Budget is already committed until March"
    assert [s.status for s in req.stages[1:]] == [StageStatus.CANCELLED, StageStatus.CANCELLED]
    history = await h.store.requests.history(rid)
    assert history[-1].action == "rejected"
    assert history[-1].detail == "Budget is already committed until March"


async def test_a_reason_for_a_stage_withdrawn_meanwhile_ends_the_form(harness: Harness) -> None:
    h = harness
    rid = await file_request(h, "Webex")
    out = await h.type("/as console:head", "/click Reject")
    assert "Reason (the requester will see it)?" in out
    await h.type("/as console:employee", f"/cancel-account withdraw {rid}", "/as console:head")
    out = await h.type("Budget is already committed")
    assert (await h.request(rid)).status is RequestStatus.WITHDRAWN
    # No other reason could succeed: the form is closed, not asked again, and the next
    # line is an ordinary message, not another reason.
    assert "Reason (the requester will see it)?" not in out
    assert await h.store.console_forms.get("console:head") is None


async def test_delegate_hands_the_stage_to_someone_else(harness: Harness) -> None:
    h = harness
    rid = await file_request(h, "Jira")
    out = await h.type("/as console:head", "/click Delegate")
    assert "Hand the approval to" in out
    out = await h.type("not an id", "on leave this week")
    assert "is not a person id" in out
    assert "Hand the approval to" in out  # asked again, the reason is kept
    out = await h.type("console:deputy")
    assert "Handed by console:head to console:deputy: on leave this week" in out
    assert "→ console:deputy\n  console:head handed you the department-head approval" in out
    req = await h.request(rid)
    assert req.stages[0].approvers == ["console:deputy"]
    # The original approver is no longer an approver; the deputy is.
    out = await h.type("/click Approve")
    assert "Only the department-head approvers (console:deputy)" in out
    out = await h.type("/as console:deputy", "/click Approve")
    assert f"card {rid}:1" in out
    actions = [e.action for e in await h.store.requests.history(rid)]
    assert actions == ["submitted", "delegated", "approved"]


async def test_withdraw_updates_the_open_card(harness: Harness) -> None:
    h = harness
    rid = await file_request(h, "CRM")
    await h.type("/as console:head", "/click Approve", "/as console:employee")
    out = await h.type(f"/cancel-account withdraw {rid.lower()}")
    assert f"card {rid}:1 updated" in out
    assert "Withdrawn by the requester" in out
    assert f"You withdrew {rid}" in out
    req = await h.request(rid)
    assert req.status is RequestStatus.WITHDRAWN
    # The IT card lost its buttons: a click now finds no card with Approve.
    out = await h.type("/as console:it", "/click Approve")
    assert "No card has a button 'Approve'" in out
    out = await h.type("/as console:employee", f"/cancel-account withdraw {rid}")
    assert "already withdrawn" in out
    assert [e.action for e in await h.store.requests.history(rid)][-1] == "withdrawn"


async def test_withdraw_of_someone_elses_request_reveals_nothing(harness: Harness) -> None:
    h = harness
    rid = await file_request(h, "CRM")
    out = await h.type("/as console:mallory", f"/cancel-account withdraw {rid}")
    assert f"You have no request {rid}" in out
    out = await h.type("/cancel-account withdraw SR-NOPE1234")
    assert "You have no request SR-NOPE1234" in out
    out = await h.type("/cancel-account withdraw")
    assert "Usage: /cancel-account withdraw" in out
    assert (await h.request(rid)).status is RequestStatus.PENDING


async def test_status_lists_requests_with_their_stage(harness: Harness) -> None:
    h = harness
    out = await h.type("/cancel-account status")
    assert "You have no stop requests" in out
    rid = await file_request(h, "CRM")
    await h.type("/as console:head", "/click Approve", "/as console:employee")
    out = await h.type("/cancel-account status")
    assert f"{rid} · CRM · waiting for it · filed 2026-11-23" in out


async def test_pending_shows_the_cards_waiting_for_me(harness: Harness) -> None:
    h = harness
    rid = await file_request(h, "CRM")
    out = await h.type("/as console:it", "/cancel-account pending")
    assert "Nothing is waiting for your decision" in out
    out = await h.type("/as console:head", "/cancel-account pending")
    assert f"Stop request {rid}: CRM" in out
    out = await h.type("/click Approve")
    assert f"card {rid}:0 updated" in out


async def test_unknown_commands_get_help(harness: Harness) -> None:
    out = await harness.type("/frobnicate now")
    assert "Unknown command /frobnicate. /help lists the console commands" in out
    out = await harness.type("/cancel-account explode")
    assert "Unknown option 'explode'" in out
    assert "/cancel-account status" in out
    out = await harness.type("what's the weather like today")
    assert "I don't know the answer to that" in out  # the FAQ, honest about it
    out = await harness.type("/as not valid!")
    assert "Usage: /as ID" in out


async def test_a_card_whose_reference_was_lost_is_posted_anew(
    harness: Harness, live_kb: LiveKnowledgeBase
) -> None:
    h = harness
    rid = await file_request(h, "CRM")
    # As if the process died between posting the card and recording where it went:
    # the reference is not in Redis, and a restarted process has no memory of it.
    await h.store.redis.delete(h.store.keys.cards(rid))
    h = await make_harness(
        Store(h.store.redis, h.store.keys), h.app.services.policy, h.clock, live_kb
    )
    out = await h.type("/as console:head", "/click Approve")
    assert f"→ console:approvals-head  (card {rid}:0)" in out
    assert "Approved by console:head" in out
    assert await h.store.card_refs.get(f"{rid}:0") is not None


async def test_console_storage_down_is_said_and_the_session_goes_on(harness: Harness) -> None:
    """The console's own records (open forms, clickable messages) unreachable: a line
    that needs them gets the storage answer, the others work, the session goes on."""
    dead = Store(client_for_url("redis://127.0.0.1:1/0"), harness.store.keys)
    console = ConsoleAdapter(harness.app, dead.console_cards, dead.console_forms, out=harness.out)
    for line in ("/click Approve", "hello", "/whoami"):
        assert await console.handle_line(line) is True
    out = harness.new_output()
    assert out.count("storage is unavailable") == 2, out
    assert "Acting as console:employee." in out
    await dead.close()
