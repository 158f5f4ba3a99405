"""DingTalk payloads as what the adapter acts on: pure functions of the payload dict.

A bot message (the same JSON in a Stream frame's `data` and in an HTTP callback body)
becomes a `TextMessage` (its neutral `UserMessage` plus what the adapter needs to
answer and dedupe it), a `NotText` (a picture, voice, rich text…: the adapter says it
reads text only) or None (a group message that does not @-mention the bot). A card
callback becomes a `CardClick`. Payloads are read with pydantic; a malformed one raises
ValueError in `parse_*` and is logged and dropped (None) by `read_*`.

Typed commands (approve/reject…) are not recognised here: the adapter reads them from
the message text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.adapters.dingtalk.card_data import PARAM_DELEGATE_TO, PARAM_REASON
from bot.adapters.dingtalk.ids import PLATFORM
from bot.adapters.dingtalk.mentions import without_mentions
from bot.adapters.dingtalk.received import Kind
from bot.adapters.dingtalk.typed_commands import read_person
from conversations.ids import qualify
from conversations.text import clean, valid_unicode
from handlers.events import Actor, UserMessage

log = logging.getLogger(__name__)

# Far above any answer the dialogue takes (it says "too long" past 300 characters, so
# the user learns the limit) and above DingTalk's own text limit, but a bound on what
# is folded and matched: a pasted megabyte goes no further than this.
MAX_TEXT = 4000

SINGLE_CHAT = "1"
GROUP_CHAT = "2"


class _Wire(BaseModel):
    # DingTalk adds fields over time: what the bot does not read is ignored.
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class _Text(_Wire):
    content: str = ""


class BotMessagePayload(_Wire):
    msg_id: str = Field(alias="msgId", min_length=1)
    msgtype: str = Field(min_length=1)
    text: _Text | None = None
    conversation_type: Literal["1", "2"] = Field(alias="conversationType")
    conversation_id: str = Field(alias="conversationId", min_length=1)
    conversation_title: str | None = Field(None, alias="conversationTitle")
    # Absent for someone outside the organisation: the bot cannot name them.
    sender_staff_id: str | None = Field(None, alias="senderStaffId")
    sender_nick: str = Field("", alias="senderNick")
    is_in_at_list: bool = Field(False, alias="isInAtList")
    robot_code: str | None = Field(None, alias="robotCode")
    session_webhook: str | None = Field(None, alias="sessionWebhook")
    session_webhook_expired_time: int | None = Field(None, alias="sessionWebhookExpiredTime")


class _CardPrivateData(_Wire):
    action_ids: list[str] = Field(default_factory=list, alias="actionIds")
    params: dict[str, Any] = Field(default_factory=dict)


class _CardContent(_Wire):
    card_private_data: _CardPrivateData = Field(alias="cardPrivateData")


class CardCallbackPayload(_Wire):
    out_track_id: str = Field(alias="outTrackId", min_length=1)
    user_id: str = Field(alias="userId", min_length=1)  # the clicker's staffId
    corp_id: str | None = Field(None, alias="corpId")
    content: _CardContent

    @field_validator("content", mode="before")
    @classmethod
    def _json_string(cls, value: Any) -> Any:
        # DingTalk sends `content` as a JSON string inside the JSON payload.
        return json.loads(value) if isinstance(value, str | bytes) else value


# -- what the adapter gets -------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MessageMeta(_Out):
    """What the adapter needs beside the event: the id to dedupe a redelivery, and where
    and until when it can answer through the session webhook."""

    msg_id: str
    conversation_id: str  # DingTalk's raw id (cid…)
    direct: bool  # a single chat (conversationType "1"), else a group
    sender_staff_id: str
    sender_nick: str
    conversation_title: str | None
    robot_code: str | None
    session_webhook: str | None
    session_webhook_expires: datetime | None


class TextMessage(_Out):
    event: UserMessage
    meta: MessageMeta


class NotText(_Out):
    """A message the bot cannot read (picture, voice, file, rich text…): the adapter
    answers in `channel` that it reads text only."""

    msgtype: str
    actor: Actor
    channel: str
    meta: MessageMeta


class CardClick(_Out):
    out_track_id: str
    clicker: str  # dingtalk:<staffId>
    action_ids: tuple[str, ...]
    reason: str | None  # from the card's input, cleaned; None when not given
    delegate_to: str | None  # when given: as typed_commands.read_person reads a person


# -- reading ---------------------------------------------------------------------------


def kind_of(payload: Mapping[str, Any]) -> Kind | None:
    """Which kind an HTTP callback body is (Stream frames say it with their topic)."""
    if "outTrackId" in payload and "content" in payload:
        return "card"
    if "msgtype" in payload and "conversationType" in payload:
        return "message"
    return None


def valid_strings(value: Any) -> Any:
    """The payload with every string's lone surrogates replaced (an unpaired "\\ud83d"
    escape in JSON parses into one, and no encoder accepts it), keys included."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        return {valid_unicode(str(k)): valid_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [valid_strings(v) for v in value]
    return value


def user_text(raw: str, *, group: bool) -> str:
    """What the user typed, as the dialogue reads it: the @mentions that address the bot
    in a group removed (DingTalk writes them as "@name" in the text; only the leading and
    trailing ones, a mention inside a sentence is part of it), cleaned and bounded."""
    text = raw[: MAX_TEXT * 2]  # before anything reads it
    if group:
        text = without_mentions(text)
    return clean(text)[:MAX_TEXT]


def _expiry(ms: int | None) -> datetime | None:
    if ms is None or ms <= 0:
        return None
    try:
        return datetime.fromtimestamp(ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_message(payload: Mapping[str, Any]) -> TextMessage | NotText | None:
    """The message, or None when the bot must not answer it (a group message that does
    not @-mention it, a sender with no staffId). Raises ValueError when malformed."""
    msg = BotMessagePayload.model_validate(valid_strings(dict(payload)))
    direct = msg.conversation_type == SINGLE_CHAT
    if not direct and not msg.is_in_at_list:
        return None
    if not msg.sender_staff_id:
        log.info(
            "DingTalk message from someone without a staffId ignored",
            extra={"msg_id": msg.msg_id, "conversation_type": msg.conversation_type},
        )
        return None
    meta = MessageMeta(
        msg_id=msg.msg_id,
        conversation_id=msg.conversation_id,
        direct=direct,
        sender_staff_id=msg.sender_staff_id,
        sender_nick=clean(msg.sender_nick)[:200],
        conversation_title=msg.conversation_title,
        robot_code=msg.robot_code,
        session_webhook=msg.session_webhook or None,
        session_webhook_expires=_expiry(msg.session_webhook_expired_time),
    )
    actor = Actor(id=qualify(PLATFORM, msg.sender_staff_id), name=meta.sender_nick or None)
    # A single chat's channel is the sender: a Post there is a single-chat send.
    channel = actor.id if direct else qualify(PLATFORM, msg.conversation_id)
    if msg.msgtype != "text" or msg.text is None:
        return NotText(msgtype=msg.msgtype, actor=actor, channel=channel, meta=meta)
    text = user_text(msg.text.content, group=not direct)
    event = UserMessage(actor=actor, channel=channel, text=text, direct=direct)
    return TextMessage(event=event, meta=meta)


def read_message(payload: Mapping[str, Any]) -> TextMessage | NotText | None:
    """`parse_message`, with a malformed payload logged and dropped."""
    try:
        return parse_message(payload)
    except (ValidationError, ValueError, TypeError) as exc:
        log.warning("malformed DingTalk bot message dropped", extra={"error": _why(exc)})
        return None


def _param(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, list):  # a people picker gives a list of ids
        value = value[0] if value else None
    if not isinstance(value, str | int):
        return None
    text = clean(str(value))[:MAX_TEXT]
    return text or None


def parse_card_click(payload: Mapping[str, Any]) -> CardClick:
    """Raises ValueError when malformed (`content` not JSON, no outTrackId…)."""
    callback = CardCallbackPayload.model_validate(valid_strings(dict(payload)))
    data = callback.content.card_private_data
    delegate = _param(data.params, PARAM_DELEGATE_TO)
    return CardClick(
        out_track_id=callback.out_track_id,
        clicker=qualify(PLATFORM, callback.user_id),
        action_ids=tuple(data.action_ids),
        reason=_param(data.params, PARAM_REASON),
        delegate_to=read_person(delegate) if delegate is not None else None,
    )


def read_card_click(payload: Mapping[str, Any]) -> CardClick | None:
    """`parse_card_click`, with a malformed payload logged and dropped."""
    try:
        return parse_card_click(payload)
    except (ValidationError, ValueError, TypeError) as exc:
        log.warning("malformed DingTalk card callback dropped", extra={"error": _why(exc)})
        return None


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        # Where and what, without echoing the payload's values into the log.
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'payload'}: {e['msg']}"
            for e in exc.errors()[:5]
        )
    return f"{type(exc).__name__}: {str(exc)[:200]}"
