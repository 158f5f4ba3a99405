"""DingTalk's ids: the platform name that qualifies them (`dingtalk:<id>`), and what
an id says about its destination.

A group's id is its openConversationId, which always starts with "cid"; a person's id
is a staffId, which never does. Both are base64-like (they may hold "+", "/" and "="),
so an id is only ever compared by its prefix, never split.
"""

from __future__ import annotations

from typing import Literal

PLATFORM = "dingtalk"  # conversations/ids.py's name for DingTalk

_GROUP_PREFIX = "cid"

# The open space of an interactive card: where createAndDeliver puts it.
SpaceType = Literal["IM_GROUP", "IM_ROBOT"]
_SPACE_ID_PREFIX = "dtv1.card//"


def is_group(raw: str) -> bool:
    """True for a group conversation (openConversationId), False for a person."""
    return raw.startswith(_GROUP_PREFIX)


def space_type(raw: str) -> SpaceType:
    """A card goes into a group (IM_GROUP) or into the person's single chat with the
    robot (IM_ROBOT)."""
    return "IM_GROUP" if is_group(raw) else "IM_ROBOT"


def open_space_id(raw: str) -> str:
    """The openSpaceId of the card destination `raw` (a group or a staffId)."""
    return f"{_SPACE_ID_PREFIX}{space_type(raw)}.{raw}"
