"""The DingTalk adapter's own names, each written and read here only: an interactive
card's `outTrackId` (and the request and stage it stands for), the reference kept for
a posted message (bot/storage/card_refs.py), the marks that let a redelivered message
or card callback act once, and the people a message @-mentions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handlers import card_keys

# DingTalk redelivers a message or a frame it thinks was not taken, within minutes; a
# day is far beyond that and still bounds the marks kept.
SEEN_TTL = 24 * 3600
# A card callback has no id of its own (over HTTP; a Stream frame's id is the frame's):
# it is also known by what it says. The same click made again on purpose (a reject
# whose reason form was cancelled) must work again soon, so that mark is short.
SAME_CLICK_TTL = 60


# -- interactive cards --------------------------------------------------------------


def callback_route_key(robot_code: str) -> str:
    """The callbackRouteKey the bot registers its card callback URL under (HTTP mode):
    one per robot, the same at every start, so re-registering replaces the URL."""
    return f"stopbot.{robot_code}"


def out_track_id(card_key: str) -> str:
    """A card's outTrackId: its card key (handlers/card_keys.stage_card), unique per
    request and stage, so that a click names the stage its card was posted for."""
    return card_key


def stage_of(out_track_id: str) -> tuple[str, int] | None:
    """The request id and stage index an outTrackId stands for; None when it is not one
    of our approval cards' (a click on a card of another app, or forged)."""
    request_id, _, stage = out_track_id.rpartition(":")
    if not request_id or not (stage.isascii() and stage.isdigit()) or len(stage) > 3:
        return None
    if card_keys.stage_card(request_id, int(stage)) != out_track_id:
        return None
    return request_id, int(stage)


# -- what is kept to rewrite a posted message -----------------------------------------


@dataclass(frozen=True)
class CardRef:
    """An interactive card: rewritten in place by its outTrackId."""

    out_track_id: str


@dataclass(frozen=True)
class RobotRef:
    """A robot message, which cannot be edited: its rewrite is a new message."""

    process_query_key: str


def card_ref(out_track_id: str) -> str:
    return json.dumps({"card": out_track_id})


def robot_ref(process_query_key: str) -> str:
    return json.dumps({"robot": process_query_key})


def read_ref(ref: str | None) -> CardRef | RobotRef:
    """What `card_ref` or `robot_ref` wrote; anything else is taken as a robot message
    (rewriting it anew is right whatever it was)."""
    try:
        found = json.loads(ref) if ref else None
    except ValueError:
        found = None
    if isinstance(found, dict) and isinstance(found.get("card"), str) and found["card"]:
        return CardRef(found["card"])
    robot = found.get("robot") if isinstance(found, dict) else None
    return RobotRef(robot if isinstance(robot, str) else "")


# -- acting once ------------------------------------------------------------------------


def message_mark(msg_id: str) -> str:
    return f"dingtalk-msg:{msg_id}"


def callback_marks(frame_id: str | None, payload: Mapping[str, Any]) -> list[tuple[str, int]]:
    """The marks of a card callback, each with how long it is kept; it acts only when
    every one is new: a digest of the card, the clicker, the action and the inputs
    (a callback sent again, in a new frame or a new HTTP request), and the Stream
    frame's id when it came in one (that frame sent again, however late)."""
    said = json.dumps(
        [payload.get("outTrackId"), payload.get("userId"), payload.get("content")],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    marks = [(f"dingtalk-click:{hashlib.sha256(said.encode()).hexdigest()}", SAME_CLICK_TTL)]
    if frame_id:
        marks.append((f"dingtalk-frame:{frame_id}", SEEN_TTL))
    return marks


# -- the bot message's mentions -----------------------------------------------------------


def mentioned(payload: Mapping[str, Any]) -> Sequence[str]:
    """The staffIds a message @-mentions (its `atUsers`). The robot itself has no
    staffId there, so it is never among them."""
    users = payload.get("atUsers")
    if not isinstance(users, list):
        return ()
    return tuple(
        u["staffId"]
        for u in users
        if isinstance(u, dict) and isinstance(u.get("staffId"), str) and u["staffId"]
    )
