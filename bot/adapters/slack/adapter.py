"""Slack on slack-bolt: the app and its listeners (slash command, DMs, mentions,
buttons, modals, App Home), over the HTTP Request URL or Socket Mode.

Every listener acknowledges first (Slack wants an answer within 3 seconds) and does
the work after. Over HTTP, `request_url` refuses oversized, forged, stale and
unreadable requests before bolt sees them (bolt checks the signature again), so they
change nothing. Bolt's authorization reads the identity checked once at start
(`identity`), never the Web API. Before any listener, every payload is cleaned of
lone surrogates and every Events API callback is let through once per event_id.
Payloads become neutral events in `inbound`; replies become Web API calls in
`outbound`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.base import Host
from bot.adapters.slack import inbound, request_url, wire
from bot.adapters.slack.failures import classify
from bot.adapters.slack.identity import BotIdentity
from bot.adapters.slack.locales import Locales
from bot.adapters.slack.outbound import SlackOutbound
from bot.config import Settings
from conversations.i18n import t
from conversations.ids import raw_id
from handlers.events import (
    Actor,
    Ephemeral,
    Event,
    FormErrors,
    Message,
    OpenForm,
    Post,
    RefreshHome,
    Reply,
    UpdateCard,
)
from handlers.ports import Marks, StorageDown

log = logging.getLogger(__name__)

_HOME_VIEWER_TTL = 30 * 24 * 3600
_EVENT_SEEN_TTL = 3600  # Slack retries an event for about an hour at most
_FORM_BUDGET = 2.5  # seconds to answer a modal submission in place (Slack allows 3)


class SlackAdapter:
    platform = "slack"

    def __init__(
        self,
        settings: Settings,
        host: Host,
        marks: Marks,
    ) -> None:
        assert settings.slack_bot_token is not None
        self.host = host
        self.marks = marks
        # One HTTP session for every Web API call (without it slack_sdk opens one per call).
        self.session = aiohttp.ClientSession()
        self.client = AsyncWebClient(
            token=settings.slack_bot_token,
            base_url=settings.slack_api_url,
            session=self.session,
            retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=3)],
        )
        self.signing_secret = settings.slack_signing_secret or ""
        self.identity = BotIdentity(self.client, settings.slack_bot_token)
        self._checking: asyncio.Task[None] | None = None
        self.app = AsyncApp(
            # A client without the token: bolt copies it (base URL, session) for each
            # request and gives the copy the token `authorize` returns (given the token
            # here as well, bolt would drop it with a warning). Listeners use self.client.
            client=AsyncWebClient(base_url=settings.slack_api_url, session=self.session),
            authorize=self.identity.authorizer(),
            signing_secret=self.signing_secret,
            # Socket Mode connections are authenticated by the app token instead.
            request_verification_enabled=bool(settings.slack_signing_secret),
        )
        # Owed messages (the outbox's) are sent by a client that never retries a call
        # itself: slack_sdk would re-send chat.postMessage after a dropped connection
        # even when Slack took it. The outbox retries, after checking.
        self.sender = AsyncWebClient(
            token=settings.slack_bot_token,
            base_url=settings.slack_api_url,
            session=self.session,
            retry_handlers=[],
        )
        self.outbound = SlackOutbound(self.client, self.sender)
        self.locales = Locales(self.client)
        self._register()

    async def start(self) -> None:
        """Checks the token with Slack once; if the Web API does not answer, says so and
        keeps checking in the background while requests are acknowledged."""
        if not await self.identity.check():
            self._checking = asyncio.create_task(self.identity.keep_checking())

    # -- inbound -----------------------------------------------------------------

    async def _actor(self, user: str) -> Actor:
        return Actor(id=inbound.qualified(user), lang=await self.locales.lang(user))

    async def _run(self, event: Event, thread: tuple[str, str] | None = None) -> None:
        replies = await self.host.handle(event)
        if thread is not None:
            # Answers to a mention go in its thread. Only plain posts to that channel:
            # a card (a keyed post) is updated in place later, so it stays top-level.
            channel, ts = thread
            threaded = [
                r for r in replies if isinstance(r, Post) and r.to == channel and r.key is None
            ]
            for reply in threaded:
                await self.outbound.post(reply, thread_ts=ts)
            replies = [r for r in replies if r not in threaded]
        await self.host.deliver(replies)

    async def _first_time(self, event_id: str) -> bool:
        """Events API retries (X-Slack-Retry-Num) repeat the same event_id: act once,
        whichever process gets the retry (one atomic SET NX in Redis)."""
        try:
            return await self.marks.first_time(f"slack-event:{event_id}", _EVENT_SEEN_TTL)
        except StorageDown as exc:
            # The listener will meet the same storage and tell the user it is down;
            # dropping the event here would leave them with no answer at all.
            log.warning("event not checked for a retry", extra={"error": repr(exc)})
            return True

    async def _with_lang(self, event: Event) -> Event:
        actor = await self._actor(raw_id(event.actor.id))
        return event.model_copy(update={"actor": actor})

    def _register(self) -> None:
        app = self.app

        # Bolt passes a middleware its arguments by name: `next` must be called so.
        @app.middleware
        async def clean(req: AsyncBoltRequest, next: Any) -> None:
            req.body = inbound.valid_payload(req.body)
            await next()

        @app.middleware
        async def once_per_event(body: dict[str, Any], next: Any) -> BoltResponse | None:
            """Every Events API callback (messages, mentions, App Home...) acts once."""
            event_id = body.get("event_id") if body.get("type") == "event_callback" else None
            if event_id and not await self._first_time(str(event_id)):
                log.info("event already handled", extra={"event_id": event_id})
                return BoltResponse(status=200, body="")  # acknowledged, not acted on
            await next()
            return None

        # Every slash command the app declares (slack/manifest.yaml) is routed by its
        # name in handlers/router.py, so a new command needs no listener of its own.
        @app.command(re.compile(r"^/"))
        async def command(ack: AsyncAck, body: dict[str, Any]) -> None:
            await ack()
            event = inbound.to_event(body)
            if event is not None:
                await self._run(await self._with_lang(event))

        @app.action(re.compile(".+"))
        async def action(ack: AsyncAck, body: dict[str, Any]) -> None:
            await ack()
            click = inbound.to_event(body)
            if click is None:
                return
            replies = await self.host.handle(await self._with_lang(click))
            for reply in replies:
                if isinstance(reply, OpenForm):
                    await self.outbound.open_form(reply, body["trigger_id"])
            await self.host.deliver([r for r in replies if not isinstance(r, OpenForm)])

        @app.view(wire.FORM_CALLBACK_ID)
        async def view(ack: AsyncAck, body: dict[str, Any]) -> None:
            submit = inbound.to_event(body)
            if submit is None:
                await ack()
                return
            submit = await self._with_lang(submit)
            # The modal waits for our answer, so refusals can be shown in it; but Slack
            # gives up after 3 s. Past _FORM_BUDGET, close it and finish afterwards
            # (a refusal then arrives as a DM, delivered like any FormErrors).
            work = asyncio.ensure_future(self.host.handle(submit))
            done, _ = await asyncio.wait({work}, timeout=_FORM_BUDGET)
            if not done:
                await ack()
                await self.host.deliver(await work)
                return
            replies = work.result()
            errors = {
                k: v for r in replies if isinstance(r, FormErrors) for k, v in r.errors.items()
            }
            if errors:
                await ack(response_action="errors", errors=errors)
                return
            await ack()
            await self.host.deliver(replies)

        async def message(body: dict[str, Any]) -> None:
            """A DM or a mention. Bots and edits are ignored before anything is looked up."""
            event = inbound.to_event(body)
            if event is None:
                return
            await self._run(await self._with_lang(event), thread=inbound.thread_of(body))

        app.event("message")(message)
        app.event("app_mention")(message)

        @app.event("app_home_opened")
        async def home_opened(event: dict[str, Any]) -> None:
            if event.get("tab", "home") != "home":
                return
            user = event["user"]
            try:
                # Remember who looks at their home tab: only they get live refreshes.
                await self.marks.mark(f"slack-home:{user}", _HOME_VIEWER_TTL)
            except StorageDown:
                pass  # the home view published below says that storage is down
            try:
                await self.publish_home(user)
            except (OSError, TimeoutError) as exc:
                # The Web API is unreachable: one line, not bolt's traceback per event.
                log.warning("home view not published", extra={"error": repr(exc)[:300]})

    async def handle_http(self, request: web.Request) -> web.Response:
        """POST /slack/events: commands, interactivity and events on one Request URL."""
        bolt_request = await request_url.to_bolt_request(request, self.signing_secret)
        if isinstance(bolt_request, web.Response):
            return bolt_request
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    async def close(self) -> None:
        if self._checking is not None:
            self._checking.cancel()
            await asyncio.gather(self._checking, return_exceptions=True)
        await self.session.close()

    async def start_socket_mode(self, app_token: str) -> AsyncSocketModeHandler:
        """Connects over Socket Mode (no public URL needed); close() the result to stop."""
        handler = AsyncSocketModeHandler(self.app, app_token)
        await handler.connect_async()  # type: ignore[no-untyped-call]
        return handler

    # -- outbound ----------------------------------------------------------------

    async def deliver(self, reply: Reply, ref: str | None = None) -> str | None:
        """Sends one reply; a failure Slack explains is raised as DeliveryFailed."""
        try:
            return await self._deliver(reply, ref)
        except Exception as exc:
            failed = classify(exc)
            if failed is None:
                raise
            raise failed from exc

    async def find_sent(self, reply: Post, since: datetime) -> str | None:
        """Whether an owed post went out after all (bot/adapters/base.py Recalls)."""
        return await self.outbound.find(reply, since)

    async def _deliver(self, reply: Reply, ref: str | None) -> str | None:
        match reply:
            case Post():
                return await self.outbound.post(reply)
            case UpdateCard():
                if ref is not None:
                    await self.outbound.update(reply, ref)
            case Ephemeral():
                await self.outbound.ephemeral(reply)
            case FormErrors():
                await self.outbound.form_errors(reply)
            case RefreshHome():
                # Rendering a home view reads every open request: do it only for people
                # who use the tab; the others get it fresh when they open it.
                if await self.marks.marked(f"slack-home:{raw_id(reply.to)}"):
                    await self.publish_home(raw_id(reply.to))
            case OpenForm():
                log.warning("a form needs a click's trigger_id", extra={"to": reply.to})
        return None

    async def publish_home(self, user: str) -> None:
        actor = await self._actor(user)
        try:
            sections = await self.host.home(actor.id, actor.lang)
        except StorageDown as exc:
            log.error("storage unavailable", extra={"error": repr(exc)})
            sections = [Message(text=t(actor.lang or "en", "storage_down"))]
        await self.outbound.publish_home(user, sections)
