"""The whole bot in DingTalk, Stream mode, with an interactive card template: the real
app and adapter, the fake DingTalk's OpenAPI and Stream gateway over real sockets.
Users single-chat the robot and click the cards it actually delivered."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from bot.adapters.dingtalk import card_data
from handlers import card_keys
from tests.adapters.dingtalk.flow import file_request
from tests.fakes.dingtalk.gateway import until
from tests.fakes.dingtalk.openapi import QPS_LIMIT
from tests.fakes.dingtalk.rig import HEAD_GROUP, IT_GROUP, TEMPLATE, DingTalkRig, text_of


async def test_a_request_filed_in_a_single_chat_is_approved_by_a_click_and_a_typed_command(
    dt: DingTalkRig,
) -> None:
    rid = await file_request(dt)
    head = dt.api.cards[card_keys.stage_card(rid, 0)]
    assert (head.to, head.space_type, head.template_id) == (HEAD_GROUP, "IM_GROUP", TEMPLATE)
    assert head.callback_type == "STREAM"
    assert head.params[card_data.SHOW_BUTTONS] == "true"
    assert head.params[card_data.REQUEST_ID] == rid and head.params[card_data.STAGE] == "1"

    since = dt.mark()
    await dt.click(card_keys.stage_card(rid, 0), "approve", "manager01")
    await dt.wait_sent("emp01", rid, since)  # the requester is told, in their single chat
    await until(lambda: head.updates != [], "the head's card was not rewritten")
    assert head.params[card_data.SHOW_BUTTONS] == "false"
    assert head.params[card_data.STATUS] == card_data.CLOSED
    await until(lambda: card_keys.stage_card(rid, 1) in dt.api.cards, "no IT card")
    it = dt.api.cards[card_keys.stage_card(rid, 1)]
    assert it.to == IT_GROUP

    # The IT approver types the command in a single chat instead of clicking.
    since = dt.mark()
    await dt.say("it01", f"同意 {rid}")
    told = await dt.wait_sent("emp01", "已全部审批通过", since)
    assert rid in text_of(told)
    await until(lambda: it.params[card_data.SHOW_BUTTONS] == "false", "the IT card stayed open")
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.status.value == "approved"


async def test_a_redelivered_frame_acts_once(dt: DingTalkRig) -> None:
    payload = dt.message("注销账号", "emp01")
    await dt.deliver_message(payload)
    await dt.wait_sent("emp01", "你要停用什么")
    await dt.deliver_message(payload)  # DingTalk sends the same msgId again
    since = dt.mark()
    await dt.say("emp01", "2")  # a later message: by its answer the redelivery was handled
    await dt.wait_sent("emp01", "停用的原因", since)
    asked = [s for s in dt.api.sent if "你要停用什么" in text_of(s)]
    assert len(asked) == 1


async def test_a_redelivered_card_callback_acts_once(dt: DingTalkRig) -> None:
    rid = await file_request(dt)
    frame = await dt.click(card_keys.stage_card(rid, 0), "approve", "manager01")
    assert frame is not None
    await until(lambda: card_keys.stage_card(rid, 1) in dt.api.cards, "no IT card")
    # The same frame again (DingTalk did not see the ack): nothing is done twice.
    again = dt.gateway.pushed[frame]
    await dt.gateway.push("CALLBACK", again["headers"]["topic"], _data(again))
    since = dt.mark()
    await dt.say("emp01", "注销账号 status")
    await dt.wait_sent("emp01", rid, since)
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.current == 1
    assert len(dt.api.cards[card_keys.stage_card(rid, 0)].updates) == 1
    assert dt.api.sent_to("manager01") == []  # not even told the card is decided


def _data(frame: dict[str, object]) -> dict[str, object]:
    data = json.loads(str(frame["data"]))
    assert isinstance(data, dict)
    return data


async def test_the_requester_clicking_their_own_card_is_refused_privately(
    dt: DingTalkRig,
) -> None:
    rid = await file_request(dt)
    since = dt.mark()
    await dt.click(card_keys.stage_card(rid, 0), "approve", "emp01")
    await dt.wait_sent("emp01", "你不能审批或转交自己的申请", since)
    assert [s.to for s in dt.api.sent[since:]] == ["emp01"]  # nothing in the group
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.current == 0
    assert dt.api.cards[card_keys.stage_card(rid, 0)].updates == []


async def test_a_non_approver_is_refused_privately(dt: DingTalkRig) -> None:
    rid = await file_request(dt)
    since = dt.mark()
    await dt.click(card_keys.stage_card(rid, 0), "approve", "stranger01")
    await dt.wait_sent("stranger01", "只有", since)
    assert [s.to for s in dt.api.sent[since:]] == ["stranger01"]
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.current == 0


async def test_reject_without_a_reason_asks_it_in_the_clickers_single_chat(
    dt: DingTalkRig,
) -> None:
    rid = await file_request(dt)
    since = dt.mark()
    await dt.click(card_keys.stage_card(rid, 0), "reject", "manager01")
    question = await dt.wait_sent("manager01", rid, since)
    assert "取消" in text_of(question) or "cancel" in text_of(question)
    since = dt.mark()
    await dt.say("manager01", "预算还要用到年底 [link](http://x)")
    told = await dt.wait_sent("emp01", "拒绝", since)
    assert "预算还要用到年底" in text_of(told)
    assert "[link]" not in text_of(told)  # what a user typed never becomes markup
    head = dt.api.cards[card_keys.stage_card(rid, 0)]
    await until(lambda: head.params[card_data.STATUS] == card_data.CLOSED, "card still open")
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.status.value == "rejected"
    # The form is closed: the next message is an ordinary one.
    assert await dt.app.store.dingtalk_forms.get("dingtalk:manager01") is None


async def test_a_reject_with_the_cards_reason_and_a_delegate_typed_with_its_person(
    dt: DingTalkRig,
) -> None:
    rid = await file_request(dt)
    since = dt.mark()
    await dt.say("manager01", f"转交 {rid} dingtalk:it01 出差一周")
    await dt.wait_sent("it01", rid, since)  # the delegate is told
    request = await dt.app.store.requests.get(rid)
    assert request is not None and "dingtalk:it01" in str(request.stages[0])
    since = dt.mark()
    await dt.click(card_keys.stage_card(rid, 0), "reject", "it01", params={"reason": "还在用"})
    await dt.wait_sent("emp01", "还在用", since)
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.status.value == "rejected"


async def test_cancel_drops_a_form_and_changes_nothing(dt: DingTalkRig) -> None:
    rid = await file_request(dt)
    since = dt.mark()
    await dt.click(card_keys.stage_card(rid, 0), "delegate", "manager01")
    await dt.wait_sent("manager01", rid, since)
    since = dt.mark()
    await dt.say("manager01", "取消")
    await dt.wait_sent("manager01", "已取消", since)
    assert await dt.app.store.dingtalk_forms.get("dingtalk:manager01") is None
    request = await dt.app.store.requests.get(rid)
    assert request is not None and request.current == 0 and request.status.value == "pending"


async def test_a_group_mention_gets_an_faq_answer_there_and_never_feeds_a_dialogue(
    dt: DingTalkRig,
) -> None:
    since = dt.mark()
    await dt.say("emp01", "注销账号")
    await dt.wait_sent("emp01", "你要停用什么", since)
    since = dt.mark()
    await dt.say("emp01", "@stopbot 怎么备份我的数据？", group=HEAD_GROUP)
    answer = await dt.wait_sent(HEAD_GROUP, since=since)
    assert answer.via == "session"
    assert [s.to for s in dt.api.sent[since:]] == [HEAD_GROUP]
    # The dialogue still waits for its first answer.
    since = dt.mark()
    await dt.say("emp01", "2")
    await dt.wait_sent("emp01", "停用的原因", since)


async def test_a_group_id_is_logged_once_for_the_policy(
    dt: DingTalkRig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.adapters.dingtalk.adapter")
    for question in ("@stopbot 怎么备份我的数据？", "@stopbot 可以恢复吗？"):
        since = dt.mark()
        await dt.say("emp01", question, group=HEAD_GROUP)
        await dt.wait_sent(HEAD_GROUP, since=since)
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("DingTalk group")]
    assert len(said) == 1 and f"dingtalk:{HEAD_GROUP}" in said[0]


async def test_a_picture_gets_a_clear_answer(dt: DingTalkRig) -> None:
    since = dt.mark()
    await dt.deliver_message(dt.message("", "emp01", msgtype="picture"))
    answer = await dt.wait_sent("emp01", since=since)
    assert "only read text" in text_of(answer)


async def test_a_throttled_send_is_retried_by_the_outbox_and_delivered(dt: DingTalkRig) -> None:
    rid = await file_request(dt)
    dt.api.throttle(calls=1)  # the next OpenAPI call: 403 QpsLimit
    since = dt.mark()
    await dt.click(card_keys.stage_card(rid, 0), "approve", "manager01")
    await dt.wait_sent("emp01", rid, since)
    await until(
        lambda: any(c.code == QPS_LIMIT for c in dt.api.calls), "the OpenAPI was not throttled"
    )
    # The outbox retries after its backoff (by the bot's clock), on its sweep.
    for _ in range(20):
        dt.clock.advance(timedelta(seconds=30))
        await dt.app.outbox.sweep()
        if (
            card_keys.stage_card(rid, 1) in dt.api.cards
            and dt.api.cards[card_keys.stage_card(rid, 0)].updates
        ):
            break
    assert card_keys.stage_card(rid, 1) in dt.api.cards
    assert len(dt.api.cards[card_keys.stage_card(rid, 0)].updates) == 1


async def test_replies_use_a_fresh_session_webhook_and_the_openapi_once_it_expired(
    dt: DingTalkRig,
) -> None:
    payload = dt.message("注销账号", "emp01")
    await dt.deliver_message(payload)
    first = await dt.wait_sent("emp01", "你要停用什么")
    assert first.via == "session"
    dt.api.expire_session(str(payload["sessionWebhook"]))
    # A message whose webhook DingTalk says expired (errcode 300001): the OpenAPI.
    since = dt.mark()
    await dt.deliver_message({**payload, "msgId": "again-1", "text": {"content": "2"}})
    second = await dt.wait_sent("emp01", since=since)
    assert second.via == "batchSend"
    assert any(c.code == "300001" for c in dt.api.calls)
    # A webhook expired by its own time is not even tried.
    calls = len(dt.api.calls)
    since = dt.mark()
    await dt.say("emp01", "1", webhook_expires=dt.clock.now() - timedelta(seconds=1))
    third = await dt.wait_sent("emp01", since=since)
    assert third.via == "batchSend"
    assert not [c for c in dt.api.calls[calls:] if c.path == "/robot/sendBySession"]


async def test_a_typed_number_or_words_answer_the_buttons_of_an_faq_answer(
    dt: DingTalkRig,
) -> None:
    await dt.say("emp01", "怎么备份我的数据？")
    answer = await dt.wait_sent("emp01", "这个回答有帮助吗")
    assert "3. 👍 有帮助" in text_of(answer)
    since = dt.mark()
    await dt.say("emp01", "3")
    await dt.wait_sent("emp01", since=since)
    assert (await dt.app.store.faq_log.stats()).get("backup:up") == 1
    # "1" (start a request) is one of the buttons too; the dialogue's question then
    # takes the next "1" itself (its own answer: my own account).
    since = dt.mark()
    await dt.say("emp01", "发起停用申请")
    await dt.wait_sent("emp01", "你要停用什么", since)
    since = dt.mark()
    await dt.say("emp01", "2")
    await dt.wait_sent("emp01", "停用的原因", since)


async def test_a_vote_typed_in_a_group_counts_only_there(dt: DingTalkRig) -> None:
    await dt.say("emp01", "@stopbot 怎么备份我的数据？", group=HEAD_GROUP)
    await dt.wait_sent(HEAD_GROUP, "这个回答有帮助吗")
    since = dt.mark()
    await dt.say("emp01", "4")  # in the single chat: not an answer to the group's buttons
    await dt.wait_sent("emp01", since=since)
    assert (await dt.app.store.faq_log.stats()).get("backup:down") is None
    since = dt.mark()
    await dt.say("emp01", "@stopbot 4", group=HEAD_GROUP)
    await dt.wait_sent("emp01", since=since)  # thanked privately
    assert (await dt.app.store.faq_log.stats()).get("backup:down") == 1
