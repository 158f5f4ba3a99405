"""DingTalk payloads become what the adapter acts on, built the way DingTalk sends them."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from bot.adapters.dingtalk.inbound import (
    MAX_TEXT,
    CardClick,
    NotText,
    TextMessage,
    kind_of,
    parse_card_click,
    parse_message,
    read_card_click,
    read_message,
)
from handlers.events import Actor, UserMessage
from tests.fakes.dingtalk.payloads import GROUP, bot_message, card_callback


def _text(payload: dict[str, object]) -> TextMessage:
    found = parse_message(payload)
    assert isinstance(found, TextMessage), found
    return found


def test_a_single_chat_message_is_direct_and_its_channel_is_the_sender() -> None:
    payload = bot_message("  停用申请 ", sender="staff+01/x=", nick="张三")
    found = _text(payload)
    assert found.event == UserMessage(
        actor=Actor(id="dingtalk:staff+01/x=", name="张三"),
        channel="dingtalk:staff+01/x=",
        text="停用申请",
        direct=True,
    )
    meta = found.meta
    assert meta.msg_id == payload["msgId"]
    assert meta.direct is True
    assert meta.conversation_id == payload["conversationId"]
    assert meta.sender_staff_id == "staff+01/x="
    assert meta.sender_nick == "张三"
    assert meta.session_webhook == payload["sessionWebhook"]
    expires = payload["sessionWebhookExpiredTime"]
    assert isinstance(expires, int)
    assert meta.session_webhook_expires == datetime.fromtimestamp(expires / 1000, UTC)


def test_a_group_mention_is_not_direct_and_answers_in_the_group_without_the_mention() -> None:
    found = _text(bot_message(" @停用助手 how do I stop CRM?", group=GROUP))
    assert found.event.direct is False
    assert found.event.channel == f"dingtalk:{GROUP}"
    assert found.event.actor.id == "dingtalk:manager01"
    assert found.event.text == "how do I stop CRM?"
    assert found.meta.direct is False
    assert found.meta.conversation_title == "IT 审批群"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("@bot\u2005status", "status"),  # DingTalk puts a four-per-em space after a mention
        ("status @bot", "status"),
        ("@bot @李四 怎么停用OA", "怎么停用OA"),
        ("ask @李四 about it", "ask @李四 about it"),  # inside the sentence: kept
        ("  ", ""),
    ],
)
def test_group_mentions_are_stripped_only_at_the_edges(typed: str, read: str) -> None:
    assert _text(bot_message(typed, group=GROUP)).event.text == read


def test_a_single_chat_keeps_a_leading_at() -> None:
    assert _text(bot_message("@home is where I work")).event.text == "@home is where I work"


def test_a_group_message_that_does_not_mention_the_bot_is_ignored() -> None:
    assert parse_message(bot_message("lunch?", group=GROUP, mentioned=False)) is None
    payload = bot_message("lunch?", group=GROUP)
    del payload["isInAtList"]
    assert parse_message(payload) is None


@pytest.mark.parametrize("msgtype", ["picture", "richText", "audio", "file", "video"])
def test_what_is_not_text_is_told_apart_where_the_bot_would_answer(msgtype: str) -> None:
    found = parse_message(bot_message("", msgtype=msgtype))
    assert isinstance(found, NotText)
    assert found.msgtype == msgtype
    assert found.channel == "dingtalk:manager01"
    in_group = parse_message(bot_message("", msgtype=msgtype, group=GROUP))
    assert isinstance(in_group, NotText)
    assert in_group.channel == f"dingtalk:{GROUP}"
    assert parse_message(bot_message("", msgtype=msgtype, group=GROUP, mentioned=False)) is None


def test_text_is_cleaned_and_bounded() -> None:
    found = _text(bot_message("a\x1b[31mred\x1b[0m\u202e\x00 b\n\nc \ud83d"))
    assert found.event.text == "ared b c \ufffd"
    long = _text(bot_message("x" * (MAX_TEXT * 10)))
    assert len(long.event.text) == MAX_TEXT


def test_a_sender_outside_the_organisation_is_not_answered() -> None:
    payload = bot_message("hello")
    del payload["senderStaffId"]
    assert parse_message(payload) is None


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"msgId": "m1"},
        {**bot_message("hi"), "conversationType": "3"},
        {**bot_message("hi"), "msgId": ""},
        {**bot_message("hi"), "text": "not an object"},
        {**bot_message("hi"), "isInAtList": "maybe"},
    ],
)
def test_a_malformed_message_is_refused_with_a_reason(
    broken: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(ValueError):
        parse_message(broken)
    with caplog.at_level(logging.WARNING):
        assert read_message(broken) is None
    assert "malformed DingTalk bot message" in caplog.text


def test_an_expiry_out_of_range_is_no_expiry() -> None:
    payload = bot_message("hi", sessionWebhookExpiredTime=10**30)
    assert _text(payload).meta.session_webhook_expires is None


def test_a_card_click_with_its_reason_and_delegate() -> None:
    payload = card_callback(
        "card-RQ1-0",
        "delegate",
        clicker="boss+1=",
        params={"reason": " 出差\x00 中 ", "delegate_to": "deputy/2=="},
    )
    assert parse_card_click(payload) == CardClick(
        out_track_id="card-RQ1-0",
        clicker="dingtalk:boss+1=",
        action_ids=("delegate",),
        reason="出差 中",
        delegate_to="dingtalk:deputy/2==",
    )


def test_a_card_click_reads_content_as_an_object_too_and_a_picked_list() -> None:
    payload = card_callback("card-1", "reject")
    payload["content"] = {
        "cardPrivateData": {"actionIds": ["reject"], "params": {"delegate_to": ["dingtalk:x1"]}}
    }
    click = parse_card_click(payload)
    assert click.action_ids == ("reject",)
    assert click.reason is None
    assert click.delegate_to == "dingtalk:x1"


def test_a_card_click_without_params() -> None:
    click = parse_card_click(card_callback("card-1", "approve"))
    assert (click.action_ids, click.reason, click.delegate_to) == (("approve",), None, None)


@pytest.mark.parametrize(
    "content",
    ["{not json", json.dumps([1, 2]), json.dumps({"other": 1}), 42],
)
def test_a_malformed_card_callback_is_dropped_with_a_log(
    content: object, caplog: pytest.LogCaptureFixture
) -> None:
    payload = {**card_callback("card-1", "approve"), "content": content}
    with pytest.raises(ValueError):
        parse_card_click(payload)
    with caplog.at_level(logging.WARNING):
        assert read_card_click(payload) is None
    assert "malformed DingTalk card callback" in caplog.text


def test_a_card_callback_needs_its_card_and_clicker() -> None:
    for key in ("outTrackId", "userId"):
        payload = card_callback("card-1", "approve")
        del payload[key]
        assert read_card_click(payload) is None


def test_kind_of_an_http_body() -> None:
    assert kind_of(bot_message("hi")) == "message"
    assert kind_of(card_callback("card-1", "approve")) == "card"
    assert kind_of({"EventType": "check_url"}) is None
