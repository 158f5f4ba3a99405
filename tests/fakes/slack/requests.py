"""Requests as Slack sends them to an app's Request URL, signed with the v0 scheme.

Bodies are built the way Slack builds them: slash commands form-encoded, interactions
form-encoded as ``payload=<json>``, Events API callbacks as JSON. ``post`` sends one to
the app with the signature headers (``sign``) and the content type the caller names.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp

VERIFICATION_TOKEN = "fake-verification-token"  # the deprecated token Slack still sends
APP_ID = "A0FAKE"
TEAM_DOMAIN = "fake"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def sign(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The X-Slack-Request-Timestamp and X-Slack-Signature headers for ``body``."""
    ts = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


def _dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _payload_form(payload: dict[str, Any]) -> str:
    return urlencode({"payload": _dumps(payload)})


def _user(user_id: str, team_id: str) -> dict[str, Any]:
    name = user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _channel_name(channel_id: str) -> str:
    return "directmessage" if channel_id.startswith("D") else channel_id.lower()


def slash_command(
    command: str,
    text: str,
    user_id: str,
    channel_id: str,
    team_id: str = "T0TEST",
    trigger_id: str = "trig-1",
    response_url: str | None = None,
) -> str:
    """A form-encoded slash command body, e.g. ``slash_command("/stop", "CRM", ...)``."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": _channel_name(channel_id),
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url
        or f"https://hooks.slack.com/commands/{team_id}/1000000000001/fakeresponse",
        "trigger_id": trigger_id,
    }
    return urlencode(fields)


def block_action(
    user_id: str,
    channel_id: str,
    action_id: str,
    value: str,
    message_ts: str | None = None,
    trigger_id: str = "trig-2",
    selected_date: str | None = None,
    selected_option: str | None = None,
    team_id: str = "T0TEST",
    block_id: str = "b1",
    message: dict[str, Any] | None = None,
    response_url: str | None = None,
) -> str:
    """A block_actions interaction on a message, as ``payload=<json>``.

    The action is a button (with ``value``), or a datepicker when ``selected_date`` is
    given, or a static_select when ``selected_option`` (the chosen option's value) is.
    ``message`` is the message the action was on (e.g. ``fake.message(channel, ts)``);
    by default a minimal one with ``message_ts``.
    """
    action_ts = f"{time.time():.6f}"
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id}
    if selected_date is not None:
        action.update(type="datepicker", selected_date=selected_date)
    elif selected_option is not None:
        option = {
            "text": {"type": "plain_text", "text": selected_option, "emoji": True},
            "value": selected_option,
        }
        action.update(type="static_select", selected_option=option)
    else:
        action.update(
            type="button",
            value=value,
            text={"type": "plain_text", "text": value or action_id, "emoji": True},
        )
    action["action_ts"] = action_ts
    container: dict[str, Any] = {"type": "message", "channel_id": channel_id, "is_ephemeral": False}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": _channel_name(channel_id)},
        "state": {"values": {}},
        "response_url": response_url
        or f"https://hooks.slack.com/actions/{team_id}/1000000000002/fakeresponse",
        "actions": [action],
    }
    if message is not None:
        message_ts = message_ts or message.get("ts")
    if message_ts is not None:
        container["message_ts"] = message_ts
        payload["message"] = message or {
            "type": "message",
            "user": "UBOT",
            "bot_id": "B0BOT",
            "ts": message_ts,
            "text": "",
        }
    return _payload_form(payload)


def view_submission(
    user_id: str,
    callback_id: str,
    private_metadata: str,
    values: dict[str, dict[str, dict[str, Any]]],
    team_id: str = "T0TEST",
    view_id: str = "V00000001",
    trigger_id: str = "trig-3",
) -> str:
    """A view_submission of a modal, as ``payload=<json>``; ``values`` is view.state.values,
    e.g. ``{"reason": {"reason#input": {"type": "plain_text_input", "value": "left"}}}``."""
    view = {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "blocks": [],
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "state": {"values": values},
        "hash": f"{view_id}.hash",
        "title": {"type": "plain_text", "text": "stopbot", "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": APP_ID,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": "B0BOT",
    }
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _payload_form(payload)


def direct_message(user_id: str, text: str) -> dict[str, Any]:
    """A user's message in their DM with the bot, as the ``event`` of ``event``."""
    return {
        "type": "message",
        "channel_type": "im",
        "channel": f"D{user_id}",
        "user": user_id,
        "text": text,
        "ts": f"{time.time():.6f}",
    }


def event(
    event: dict[str, Any], event_id: str = "Ev1", team_id: str = "T0TEST", bot_user: str = "UBOT"
) -> str:
    """The JSON body of an Events API ``event_callback`` carrying ``event``."""
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-fake-{event_id}",
    }
    return _dumps(envelope)


def url_verification(challenge: str) -> str:
    """The JSON body Slack sends to check a new Request URL."""
    return _dumps({"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"})


async def post(
    session: aiohttp.ClientSession,
    url: str,
    body: str,
    secret: str,
    content_type: str,
    timestamp: int | None = None,
    extra_headers: dict[str, str] | None = None,
    signature: str | None = None,
) -> tuple[int, str]:
    """POST ``body`` signed with ``secret``; returns (status, response text).

    ``signature`` replaces the computed X-Slack-Signature (to test forgeries).
    """
    headers = sign(body, secret, timestamp)
    headers["Content-Type"] = content_type
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    headers.update(extra_headers or {})
    async with session.post(url, data=body.encode(), headers=headers) as response:
        return response.status, await response.text()
