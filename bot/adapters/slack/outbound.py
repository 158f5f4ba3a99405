"""Neutral replies as Slack Web API calls: posts (as a DM when addressed to a user),
card updates, ephemeral messages, form errors, modals and the App Home tab."""

from __future__ import annotations

import json
import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import fallback_text, form_view, home_view, render
from conversations.ids import raw_id
from handlers.events import Ephemeral, FormErrors, Message, OpenForm, Post, UpdateCard

log = logging.getLogger(__name__)


def _is_user(raw: str) -> bool:
    return raw[:1] in ("U", "W")


class SlackOutbound:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        # A user's DM channel never changes: open it once per process.
        self._dm: dict[str, str] = {}

    async def _channel_for(self, to: str) -> str:
        raw = raw_id(to)
        if not _is_user(raw):
            return raw
        if raw not in self._dm:
            opened = await self.client.conversations_open(users=raw)
            self._dm[raw] = opened["channel"]["id"]
        return self._dm[raw]

    async def post(self, reply: Post, thread_ts: str | None = None) -> str:
        """Posts the message; returns the reference `update` rewrites it by."""
        channel = await self._channel_for(reply.to)
        sent = await self.client.chat_postMessage(
            channel=channel,
            text=fallback_text(reply.message),
            blocks=render(reply.message),
            thread_ts=thread_ts,
        )
        return json.dumps({"channel": sent["channel"], "ts": sent["ts"]})

    async def update(self, reply: UpdateCard, ref: str) -> None:
        where = json.loads(ref)
        await self.client.chat_update(
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
