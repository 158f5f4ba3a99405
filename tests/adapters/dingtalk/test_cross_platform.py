"""One bot serving Slack and DingTalk on one policy: a request filed on one platform is
approved on the other, and each person is told on their own platform. The real app,
both adapters, the fake Slack and the fake DingTalk over real sockets; approvers click
the cards the bot actually delivered (a signed Slack interactivity request, a DingTalk
card callback frame)."""

from __future__ import annotations

from bot.adapters.dingtalk import card_data
from handlers import card_keys
from tests.adapters.dingtalk.flow import submit_request
from tests.fakes.both_rig import EMP, IT, MANAGER, BothRig
from tests.fakes.dingtalk.gateway import until
from tests.fakes.dingtalk.rig import IT_GROUP, text_of
from tests.fakes.slack.rig import file_crm


async def test_a_request_filed_in_dingtalk_is_approved_in_slack_then_in_a_dingtalk_group(
    both: BothRig,
) -> None:
    dt, slack = both.dt, both.slack
    rid = await submit_request(dt, EMP)
    # The department head's card is posted in the Slack channel, in the request's
    # language (Chinese), with buttons a Slack click can send.
    await slack.posted_to("CHEAD", rid)
    since = dt.mark()
    await slack.click("UHEAD", "CHEAD", "同意")
    told = await dt.wait_sent(EMP, "slack:UHEAD", since)  # in the requester's single chat
    assert rid in text_of(told) and told.via in ("session", "batchSend")
    await slack.call_where("chat.update", lambda c: c.params["channel"] == "CHEAD")
    # The IT stage's card lands in the DingTalk group; the DingTalk approver clicks it.
    it_card = card_keys.stage_card(rid, 1)
    await until(lambda: it_card in dt.api.cards, "no IT card in DingTalk")
    card = dt.api.cards[it_card]
    assert (card.to, card.space_type) == (IT_GROUP, "IM_GROUP")
    since = dt.mark()
    await dt.click(it_card, "approve", IT)
    done = await dt.wait_sent(EMP, "已全部审批通过", since)
    assert rid in text_of(done)
    await until(lambda: card.params[card_data.STATUS] == card_data.CLOSED, "IT card open")
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.status.value == "approved"
    assert request.requester == f"dingtalk:{EMP}"
    # Nobody on Slack was sent the requester's news.
    assert not [
        c for c in slack.fake.calls_to("chat.postMessage") if "已全部审批通过" in str(c.params)
    ]


async def test_a_request_filed_in_slack_is_approved_in_a_dingtalk_group_then_in_slack(
    both_reversed: BothRig,
) -> None:
    dt, slack = both_reversed.dt, both_reversed.slack
    rid = await file_crm(slack, card_in_slack=False)
    head_card = card_keys.stage_card(rid, 0)
    await until(lambda: head_card in dt.api.cards, "no head card in DingTalk")
    card = dt.api.cards[head_card]
    assert card.to == IT_GROUP and card.params[card_data.REQUEST_ID] == rid
    await dt.click(head_card, "approve", IT)
    # The Slack requester is told in their Slack DM; the next card is Slack's.
    await slack.posted_to("DUEMP", f"approved by dingtalk:{IT}")
    await until(lambda: card.params[card_data.STATUS] == card_data.CLOSED, "head card open")
    await slack.posted_to("CHEAD", rid)
    await slack.click("UHEAD", "CHEAD", "Approve")
    await slack.posted_to("DUEMP", "is fully approved")
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.status.value == "approved"
    # DingTalk people were not sent the Slack requester's news.
    assert not [s for s in dt.api.sent if "fully approved" in text_of(s)]


async def test_a_dingtalk_approver_types_the_command_for_a_card_posted_in_slack(
    both: BothRig,
) -> None:
    dt, slack = both.dt, both.slack
    rid = await file_crm(slack)
    since = dt.mark()
    await dt.say(MANAGER, f"approve {rid}")
    await slack.posted_to("DUEMP", f"approved by dingtalk:{MANAGER}")
    # The Slack card is rewritten with the outcome: no buttons left.
    update = await slack.call_where("chat.update", lambda c: c.params["channel"] == "CHEAD")
    assert "actions" not in [b["type"] for b in update.params["blocks"]]
    await until(lambda: card_keys.stage_card(rid, 1) in dt.api.cards, "no IT card")
    assert [s.to for s in dt.api.sent[since:] if s.to == MANAGER] == []  # nothing to refuse


async def test_a_dingtalk_approver_delegates_a_slack_card_to_a_slack_user_who_approves_it(
    both: BothRig,
) -> None:
    dt, slack = both.dt, both.slack
    rid = await submit_request(dt, EMP)
    await slack.posted_to("CHEAD", rid)
    since = dt.mark()
    await dt.say(MANAGER, f"转交 {rid} slack:UOTHER 出差一周")
    # The delegate is told in their Slack DM, the DingTalk requester in their single chat.
    await slack.posted_to("DUOTHER", rid)
    await dt.wait_sent(EMP, "slack:UOTHER", since)
    await slack.call_where(
        "chat.update", lambda c: c.params["channel"] == "CHEAD" and "UOTHER" in str(c.params)
    )
    since = dt.mark()
    await slack.click("UOTHER", "CHEAD", "同意")
    await dt.wait_sent(EMP, "slack:UOTHER", since)
    await until(lambda: card_keys.stage_card(rid, 1) in dt.api.cards, "no IT card")
