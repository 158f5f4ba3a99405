"""Slack's refusals, classified for the outbox once (bot/delivery/outcome.py).

Permanent: the destination or the message itself is the problem, and sending the
same again can never work. Everything else (rate limits, Slack's 5xx, a dropped
connection, and the bot's own credentials or scopes, which an operator fixes for every
message at once) is transient: the outbox retries it with backoff, and nothing is lost
while Slack or the configuration is being repaired.
"""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.adapters.outcome import RATELIMITED, DeliveryFailed

PERMANENT = frozenset(
    {
        # the destination: gone, archived, closed to the bot, or a person who left
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_not_visible",
        "user_disabled",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "team_access_not_granted",
        "message_not_found",  # the card to rewrite was deleted
        "cant_update_message",
        "edit_window_closed",
        # the message itself
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_attachments",
        "invalid_arguments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
    }
)


def classify(exc: Exception) -> DeliveryFailed | None:
    """What a failed Web API call means for the outbox; None when not Slack's."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        if status == 429:
            return DeliveryFailed(RATELIMITED, retry_after=_retry_after(exc))
        if status != 200:
            return DeliveryFailed(f"http_{status}", retry_after=_retry_after(exc))
        code = str(exc.response.get("error") or "unknown_error")
        return DeliveryFailed(code, permanent=code in PERMANENT)
    if isinstance(exc, aiohttp.ClientError | TimeoutError | OSError):
        # No answer came back: the message may or may not be in Slack.
        return DeliveryFailed("connection")
    return None


def _retry_after(exc: SlackApiError) -> float | None:
    for name, value in exc.response.headers.items():
        if name.lower() == "retry-after":
            try:
                return float(value)
            except ValueError:
                return None
    return None
