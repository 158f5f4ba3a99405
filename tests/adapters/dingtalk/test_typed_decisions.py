"""Typed approval commands sent to the robot as DingTalk messages, through the real
adapter and handlers: authorised exactly like a click (approvers only, never the
requester), a reason given at once decides, a missing one is asked for.

Covered elsewhere: a typed approval of the current stage (test_adapter.py, the
lifecycle), a card button's command on a stage already closed and the requester
sending one (test_adapter_actioncard.py)."""

from __future__ import annotations

from handlers import card_keys
from tests.adapters.dingtalk.flow import file_request
from tests.fakes.dingtalk.rig import DingTalkRig, text_of


async def _refused(dt: DingTalkRig, user: str, typed: str, said: str) -> None:
    """`user` types `typed`; only `user` is told, with `said` in it."""
    since = dt.mark()
    await dt.say(user, typed)
    await dt.wait_sent(user, said, since)
    assert [s.to for s in dt.api.sent[since:]] == [user]


async def test_the_requester_and_others_are_refused_privately_and_nothing_changes(
    dt: DingTalkRig,
) -> None:
    rid = await file_request(dt)
    before = await dt.app.store.requests.get(rid)
    await _refused(dt, "emp01", f"approve {rid}", "You cannot approve")
    await _refused(dt, "it01", f"同意 {rid}", "department-head")  # not this stage's
    await _refused(dt, "emp01", f"reject {rid} mine", "You cannot approve")
    assert await dt.app.store.requests.get(rid) == before
    assert dt.api.cards[card_keys.stage_card(rid, 0)].updates == []


async def test_a_rejection_with_its_reason_rejects_at_once(dt: DingTalkRig) -> None:
    rid = await file_request(dt)
    since = dt.mark()
    await dt.say("manager01", f"rejeter {rid} pas de budget, @all [voir](dtmd://x)")
    told = await dt.wait_sent("emp01", "pas de budget", since)
    assert "[voir]" not in text_of(told) and "@all" not in text_of(told)
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.status.value == "rejected"
    assert request.stages[0].reason == "pas de budget, @all [voir](dtmd://x)"
    assert request.stages[0].rejected_by == "dingtalk:manager01"


async def test_a_rejection_without_a_reason_asks_for_it(dt: DingTalkRig) -> None:
    rid = await file_request(dt)
    since = dt.mark()
    await dt.say("manager01", f"拒绝 {rid}")
    question = await dt.wait_sent("manager01", rid, since)
    assert "取消" in text_of(question)
    assert await dt.app.store.dingtalk_forms.get("dingtalk:manager01") is not None
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.status.value == "pending"


async def test_a_delegation_to_no_person_is_refused_and_to_a_bare_staff_id_is_done(
    dt: DingTalkRig,
) -> None:
    rid = await file_request(dt)
    await _refused(dt, "manager01", f"转交 {rid} 张三 出差", "张三")
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.stages[0].delegations == []
    # "it01" is the DingTalk person dingtalk:it01, as in the form's answer below.
    since = dt.mark()
    await dt.say("manager01", f"转交 {rid} it01 出差一周")
    await dt.wait_sent("it01", rid, since)  # the delegate is told
    request = await dt.app.store.requests.get(rid)
    assert request is not None
    assert [(d.by, d.to, d.reason) for d in request.stages[0].delegations] == [
        ("dingtalk:manager01", "dingtalk:it01", "出差一周")
    ]


async def test_the_person_answered_in_the_form_is_read_as_a_typed_one(dt: DingTalkRig) -> None:
    rid = await file_request(dt)
    since = dt.mark()
    await dt.click(card_keys.stage_card(rid, 0), "delegate", "manager01")
    await dt.wait_sent("manager01", rid, since)  # whom to?
    since = dt.mark()
    await dt.say("manager01", "＠ｉｔ０１")  # typed full-width, as an IME may
    await dt.wait_sent("manager01", rid, since)  # why?
    since = dt.mark()
    await dt.say("manager01", "出差一周")
    await dt.wait_sent("it01", rid, since)
    request = await dt.app.store.requests.get(rid)
    assert request is not None
    assert [d.to for d in request.stages[0].delegations] == ["dingtalk:it01"]
