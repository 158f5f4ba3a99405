"""Names that Slack carries back to the bot: written when a message or a modal is
rendered, read when its click or submission arrives. Messages and modals already
open keep the names they were rendered with, so these never change."""

from __future__ import annotations

import json
import re

from handlers.actions import DialogueChoice

_ACTION_SUFFIX = "#"
_DATE_BLOCK, _DATE_BLOCK_SEPARATOR = "dlg-date", "|"
_FORM_CALLBACK = "form:"

FORM_CALLBACK_ID = re.compile(f"^{_FORM_CALLBACK}")


def action_id(action: str, suffix: int | str) -> str:
    """Slack wants the action ids of one message distinct, so the neutral action id
    gets a suffix: the button's index, or what kind of element it is."""
    return f"{action}{_ACTION_SUFFIX}{suffix}"


def action_of(slack_action_id: str) -> str:
    return slack_action_id.split(_ACTION_SUFFIX, 1)[0]


# More dialogue choices than buttons can show, and the date picker.
DIALOGUE_SELECT = action_id(DialogueChoice.id, "select")
DIALOGUE_DATE = action_id(DialogueChoice.id, "date")


def date_block_id(value_prefix: str) -> str:
    """A datepicker sends only the picked date, so its block carries the prefix of the
    dialogue value that the date completes."""
    return f"{_DATE_BLOCK}{_DATE_BLOCK_SEPARATOR}{value_prefix}"


def date_value_prefix(block_id: str) -> str:
    return block_id.split(_DATE_BLOCK_SEPARATOR, 1)[-1]


# The action id of every input element of a modal; its block id is the field's name.
FORM_INPUT = "value"


def form_callback_id(form: str) -> str:
    return f"{_FORM_CALLBACK}{form}"


def form_metadata(form: str, context: str) -> str:
    """What a modal remembers until it is submitted: which form, about what."""
    return json.dumps({"form": form, "context": context})


def form_of_metadata(private_metadata: str | None) -> tuple[str, str]:
    """The form and context of `form_metadata`; empty ones (which the handlers refuse
    as a stale form) when the metadata is not ours."""
    try:
        meta = json.loads(private_metadata or "{}")
    except ValueError:
        return "", ""
    if not isinstance(meta, dict):
        return "", ""
    return str(meta.get("form", "")), str(meta.get("context", ""))


# An owed message carries its outbox entry id in Slack's message metadata, so that
# after a crash conversations.history (include_all_metadata) tells whether it went out.
_OUTBOX_EVENT = "stopbot_outbox"


def outbox_metadata(entry: str) -> dict[str, object]:
    return {"event_type": _OUTBOX_EVENT, "event_payload": {"id": entry}}


def outbox_entry_of(message: dict[str, object]) -> str | None:
    """The outbox entry a message from conversations.history was posted for."""
    meta = message.get("metadata")
    if not isinstance(meta, dict) or meta.get("event_type") != _OUTBOX_EVENT:
        return None
    payload = meta.get("event_payload")
    entry = payload.get("id") if isinstance(payload, dict) else None
    return entry if isinstance(entry, str) else None
