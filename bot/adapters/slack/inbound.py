"""Slack payloads as neutral events: pure functions of the payload dict.

`to_event` looks at what kind of payload Slack sent and builds its event. The actor
has no language yet: that takes a Web API call (the user's locale), which the
adapter makes only for payloads it acts on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.adapters.slack import wire
from conversations.ids import qualify
from conversations.model import Lang
from conversations.text import valid_unicode
from handlers.events import Actor, Click, Command, Event, FormSubmit, UserMessage

Payload = dict[str, Any]

_MENTION = re.compile(r"<@[A-Z0-9]+>")
_SLACK_REF = re.compile(r"<([@#!])?([^>|]+)(?:\|([^>]*))?>")


def valid_payload(value: Any) -> Any:
    """The payload with every string's lone surrogates replaced (an unpaired "\\ud83d"
    escape in Slack's JSON parses into one, and no encoder accepts it). Applied once to
    every payload before any listener reads it, so ids, event ids and trigger ids are
    clean too, not only the text that becomes an event."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        return {valid_unicode(k): valid_payload(v) for k, v in value.items()}
    if isinstance(value, list):
        return [valid_payload(v) for v in value]
    return value


def qualified(raw: str) -> str:
    return qualify("slack", raw)


def plain_text(text: str) -> str:
    """Slack's message markup as the plain text the user typed: user and channel
    references become ids the dialogue understands (slack:U123, slack:C123), links
    their label or URL, special mentions their name; then &amp; &lt; &gt; unescaped.
    (Everything is escaped again when it is rendered.)"""

    def ref(match: re.Match[str]) -> str:
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if sigil in ("@", "#"):
            return f"slack:{target}"
        if sigil == "!":
            # <!here>, <!channel>, <!subteam^S1|@admins>: the label, when given,
            # already carries its "@".
            return label if label and label.startswith("@") else f"@{label or target.split('^')[0]}"
        return label or target

    text = _SLACK_REF.sub(ref, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def lang_of(locale: str | None) -> Lang | None:
    if not locale:
        return None
    prefix = locale.lower()[:2]
    return "zh" if prefix == "zh" else "fr" if prefix == "fr" else "en"


def _actor(user: str) -> Actor:
    return Actor(id=qualified(user))


def command(body: Payload) -> Command:
    return Command(
        actor=_actor(body["user_id"]),
        channel=qualified(body["channel_id"]),
        name=body["command"].removeprefix("/"),
        text=plain_text(body.get("text", "")),
    )


def direct_message(body: Payload) -> UserMessage | None:
    """None for what the bot must not answer: channel messages (it hears those only
    when mentioned), its own and other bots' messages, edits and other subtypes."""
    event = body["event"]
    if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
        return None
    actor = _actor(event["user"])
    return UserMessage(
        actor=actor, channel=actor.id, text=plain_text(event.get("text", "")), direct=True
    )


def mention(body: Payload) -> UserMessage:
    event = body["event"]
    text = plain_text(_MENTION.sub("", event.get("text", ""))).strip()
    return UserMessage(
        actor=_actor(event["user"]), channel=qualified(event["channel"]), text=text, direct=False
    )


def thread_of(body: Payload) -> tuple[str, str] | None:
    """Where the answer to a mention goes: the channel and the thread it was made in
    (a mention outside a thread starts one). None for other payloads."""
    event = body.get("event") or {}
    if body.get("type") != "event_callback" or event.get("type") != "app_mention":
        return None
    return qualified(event["channel"]), event.get("thread_ts") or event["ts"]


def click(body: Payload) -> Click:
    user = body["user"]["id"]
    action = body["actions"][0]
    # A click in App Home comes from no channel.
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    if action.get("type") == "datepicker":
        prefix = wire.date_value_prefix(action.get("block_id", ""))
        value = prefix + (action.get("selected_date") or "")
    elif action.get("type") == "static_select":
        value = (action.get("selected_option") or {}).get("value", "")
    else:
        value = action.get("value", "")
    return Click(
        actor=_actor(user),
        channel=qualified(channel or user),
        action=wire.action_of(action["action_id"]),
        value=value,
    )


def form_submission(body: Payload) -> FormSubmit:
    view = body["view"]
    form, context = wire.form_of_metadata(view.get("private_metadata"))
    values: dict[str, str] = {}
    for block_id, fields in view.get("state", {}).get("values", {}).items():
        element = fields.get(wire.FORM_INPUT, {})
        if element.get("type") == "users_select":
            picked = element.get("selected_user")
            values[block_id] = qualified(picked) if picked else ""
        else:
            values[block_id] = element.get("value") or ""
    return FormSubmit(actor=_actor(body["user"]["id"]), form=form, context=context, values=values)


def payload_type(body: Payload) -> str:
    """A slash command body has no type; an Events API callback wraps its event."""
    if body.get("type") == "event_callback":
        return str((body.get("event") or {}).get("type", ""))
    if "command" in body:
        return "slash_command"
    return str(body.get("type", ""))


_BUILDERS: dict[str, Callable[[Payload], Event | None]] = {
    "slash_command": command,
    "message": direct_message,
    "app_mention": mention,
    "block_actions": click,
    "view_submission": form_submission,
}


def to_event(body: Payload) -> Event | None:
    """The neutral event of a payload; None when the bot does not act on it."""
    build = _BUILDERS.get(payload_type(body))
    return build(body) if build is not None else None
