"""Neutral replies as Slack Web API calls: posts (as a DM when addressed to a user),
card updates, ephemeral messages, form errors, modals and the App Home tab; and, for
the outbox, whether an owed post already went out."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import fallback_text, form_view, home_view, render
from bot.adapters.slack.wire import outbox_entry_of, outbox_metadata
from bot.storage.lru import Lru
from conversations.ids import raw_id
from handlers.events import Ephemeral, FormErrors, Message, OpenForm, Post, UpdateCard

log = logging.getLogger(__name__)


def _is_user(raw: str) -> bool:
    return raw[:1] in ("U", "W")


# Looking for a post after a crash: from a little before it was put in flight (clocks
# differ), over at most this many pages of history.
_LOOKBACK = timedelta(minutes=2)
_HISTORY_PAGE = 200
_HISTORY_PAGES = 5


class SlackOutbound:
    def __init__(self, client: AsyncWebClient, sender: AsyncWebClient | None = None) -> None:
        self.client = client
        # Owed messages go through `sender`, which never re-sends a call by itself (a
        # dropped connection may hide a post Slack took): the outbox retries instead.
        self.sender = sender or client
        # A user's DM channel never changes: open it once per process (bounded).
        self._dm: Lru[str, str] = Lru()

    async def _channel_for(self, to: str) -> str:
        raw = raw_id(to)
        if not _is_user(raw):
            return raw
        channel = self._dm.get(raw)
        if channel is None:
            opened = await self.client.conversations_open(users=raw)
            channel = str(opened["channel"]["id"])
            self._dm.put(raw, channel)
        return channel

    async def post(self, reply: Post, thread_ts: str | None = None) -> str:
        """Posts the message; returns the reference `update` rewrites it by. An owed
        message is labelled with its outbox entry (see `find`)."""
        channel = await self._channel_for(reply.to)
        client = self.client if reply.outbox is None else self.sender
        sent = await client.chat_postMessage(
            channel=channel,
            text=fallback_text(reply.message),
            blocks=render(reply.message),
            thread_ts=thread_ts,
            metadata=None if reply.outbox is None else outbox_metadata(reply.outbox),
        )
        return _ref(sent["channel"], sent["ts"])

    async def find(self, reply: Post, since: datetime) -> str | None:
        """The reference of the post labelled with `reply.outbox` since `since`, if it
        is in the channel's history; None if not. Raises when Slack cannot say (no
        history scope, the channel unreadable) or the history is longer than we read."""
        channel = await self._channel_for(reply.to)
        oldest = f"{(since - _LOOKBACK).timestamp():.6f}"
        cursor = None
        for _ in range(_HISTORY_PAGES):
            page = await self.sender.conversations_history(
                channel=channel,
                oldest=oldest,
                include_all_metadata=True,
                limit=_HISTORY_PAGE,
                cursor=cursor,
            )
            for message in page.get("messages") or []:
                if outbox_entry_of(message) == reply.outbox:
                    return _ref(channel, str(message["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        raise LookupError(f"more than {_HISTORY_PAGES * _HISTORY_PAGE} messages since {oldest}")

    async def update(self, reply: UpdateCard, ref: str) -> None:
        where = json.loads(ref)
        client = self.client if reply.outbox is None else self.sender
        await client.chat_update(
            channel=where["channel"],
            ts=where["ts"],
            text=fallback_text(reply.message),
            blocks=render(reply.message),
        )

    async def ephemeral(self, reply: Ephemeral) -> None:
        channel = raw_id(reply.channel)
        user = raw_id(reply.to)
        if _is_user(channel):  # asked from App Home: no channel to whisper in
            channel = await self._channel_for(reply.to)
        try:
            await self.client.chat_postEphemeral(
                channel=channel,
                user=user,
                text=fallback_text(reply.message),
                blocks=render(reply.message),
            )
        except SlackApiError as exc:
            # Typically a channel the bot is not in: say it privately in the DM.
            log.info("ephemeral refused, sending a DM", extra={"error": str(exc)})
            await self.post(Post(to=reply.to, message=reply.message))

    async def form_errors(self, reply: FormErrors) -> None:
        """Errors that came too late to show in their modal (it was closed): by DM."""
        # Plain text: rendering escapes it (escaping here too would show "&amp;lt;").
        text = "\n".join(reply.errors.values())
        await self.post(Post(to=reply.to, message=Message(text=text)))

    async def open_form(self, form: OpenForm, trigger_id: str) -> None:
        await self.client.views_open(trigger_id=trigger_id, view=form_view(form))

    async def publish_home(self, user: str, sections: list[Message]) -> None:
        await self.client.views_publish(user_id=user, view=home_view(sections))


def _ref(channel: str, ts: str) -> str:
    return json.dumps({"channel": channel, "ts": ts})
