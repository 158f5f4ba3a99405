"""The chat platforms `serve` knows, and how each is mounted on the app and the HTTP
server. `serve` mounts every platform whose credentials are set (Slack and DingTalk
together when both are); a new platform is an entry in PLATFORMS with a `mount` (and a
folder in bot/adapters/)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web

from bot.adapters.dingtalk import wire
from bot.adapters.dingtalk.adapter import DingTalkAdapter, DingTalkSettings
from bot.adapters.dingtalk.http_callback import PATH as DINGTALK_PATH
from bot.adapters.dingtalk.http_callback import CallbackEndpoint
from bot.adapters.dingtalk.stream import Credentials, StreamClient
from bot.adapters.outcome import DeliveryFailed
from bot.adapters.slack import SlackAdapter
from bot.app import App
from bot.config import Settings

log = logging.getLogger(__name__)


class Mounted(Protocol):
    """A platform attached to a running server."""

    async def start(self) -> None:
        """Opens inbound connections that need no public URL (Socket Mode, a Stream
        gateway), once the HTTP server listens."""
        ...

    async def disconnect(self) -> None:
        """Stops receiving (before the HTTP server stops)."""
        ...

    async def close(self) -> None:
        """Releases what sending needs (after the last reply went out)."""
        ...


Mount = Callable[[App, Settings, web.Application], Awaitable[Mounted]]


class PlatformRefused(RuntimeError):
    """A platform could not be set up at start (its API refused a setting); the message
    says why and names the variable, for one line on stderr."""


@dataclass(frozen=True)
class Platform:
    name: str  # as people write it: "Slack"
    variables: str  # what to set, for the message when nothing is configured
    # The credentials it needs: every group, each by any one of its variables.
    needs: tuple[tuple[str, ...], ...]
    # Registers the adapter on the app and its routes on the web app (before it starts).
    mount: Mount

    def _missing(self, settings: Settings) -> list[tuple[str, ...]]:
        given = settings.model_dump(by_alias=True)
        return [group for group in self.needs if not any(given.get(v) for v in group)]

    def configured(self, settings: Settings) -> bool:
        return not self._missing(settings)

    def half_configured(self, settings: Settings) -> str | None:
        """What is missing when some of its credentials are set but not all (a
        sentence naming the variables), else None."""
        missing = self._missing(settings)
        if not missing or len(missing) == len(self.needs):
            return None
        given = settings.model_dump(by_alias=True)
        have = [v for group in self.needs for v in group if given.get(v)]
        lacking = " and ".join(" or ".join(group) for group in missing)
        return (
            f"{self.name} is half configured: {' and '.join(have)} "
            f"{'is' if len(have) == 1 else 'are'} set, but {lacking} is missing"
        )


@dataclass
class _MountedSlack:
    adapter: SlackAdapter
    app_token: str | None
    socket_mode: object | None = None

    async def start(self) -> None:
        await self.adapter.start()
        if self.app_token:
            self.socket_mode = await self.adapter.start_socket_mode(self.app_token)

    async def disconnect(self) -> None:
        if self.socket_mode is not None:
            await self.socket_mode.close_async()  # type: ignore[attr-defined]

    async def close(self) -> None:
        await self.adapter.close()


async def _mount_slack(app: App, settings: Settings, web_app: web.Application) -> Mounted:
    adapter = SlackAdapter(settings, app, app.store.marks)
    app.register(adapter)
    if settings.slack_signing_secret:
        # Without a signing secret (Socket Mode only) nothing could tell Slack's requests
        # from forged ones: no Request URL then.
        web_app.router.add_post("/slack/events", adapter.handle_http)
    return _MountedSlack(adapter, settings.slack_app_token)


@dataclass
class _MountedDingTalk:
    adapter: DingTalkAdapter
    stream: StreamClient | None = None  # Stream mode
    endpoint: CallbackEndpoint | None = None  # HTTP callback mode

    async def start(self) -> None:
        if self.stream is not None:
            self.stream.start()

    async def disconnect(self) -> None:
        if self.stream is not None:
            await self.stream.stop()
            # Frames acked already are still being worked on: finish them.
            await self.stream.drain()
        if self.endpoint is not None:
            # Callbacks already answered are still being worked on: finish them.
            await self.endpoint.drain()

    async def close(self) -> None:
        await self.adapter.close()


CARD_CALLBACK_URL = "DINGTALK_CARD_CALLBACK_URL"
_CALLBACK_URL_NEEDED = (
    "is needed with DINGTALK_MODE=http and DINGTALK_CARD_TEMPLATE_ID: set it to the public"
    " URL of POST /dingtalk/events (e.g. https://bot.example.com/dingtalk/events), where"
    " DingTalk sends the approval cards' clicks; or unset DINGTALK_CARD_TEMPLATE_ID for"
    " ActionCards"
)


def _needs_card_callback_url(settings: Settings) -> bool:
    """HTTP mode with interactive cards: DingTalk sends their clicks to a URL the bot
    registers, and it has no other way to learn it."""
    return settings.dingtalk_transport == "http" and bool(settings.dingtalk_card_template_id)


def setting_problems(settings: Settings) -> list[tuple[str, str]]:
    """(variable, what is wrong) for settings the served platforms cannot run with."""
    if not any(p.name == "DingTalk" for p in configured(settings)):
        return []
    if _needs_card_callback_url(settings) and not settings.dingtalk_card_callback_url:
        return [(CARD_CALLBACK_URL, _CALLBACK_URL_NEEDED)]
    return []


async def _register_card_callback(adapter: DingTalkAdapter, settings: Settings, key: str) -> None:
    """Registers the bot's card callback URL with DingTalk under `key`, the route key
    the cards carry."""
    url, secret = settings.dingtalk_card_callback_url, settings.dingtalk_client_secret
    assert secret
    if not url:
        raise PlatformRefused(f"bad setting {CARD_CALLBACK_URL}: {_CALLBACK_URL_NEEDED}")
    try:
        # Signed with the app secret, as every callback to POST /dingtalk/events is.
        await adapter.api.register_card_callback(key, url, api_secret=secret)
    except DeliveryFailed as exc:
        raise PlatformRefused(
            f"DingTalk did not register {CARD_CALLBACK_URL} ({url}) for the approval cards'"
            f" clicks: {exc.reason}. Check the URL and that the app may use interactive cards"
        ) from None
    log.info("DingTalk card callback URL registered", extra={"url": url, "route_key": key})


async def _mount_dingtalk(app: App, settings: Settings, web_app: web.Application) -> Mounted:
    client_id, secret = settings.dingtalk_client_id, settings.dingtalk_client_secret
    robot = settings.dingtalk_robot
    assert client_id and secret and robot
    http = settings.dingtalk_transport == "http"
    route_key = wire.callback_route_key(robot) if _needs_card_callback_url(settings) else None
    adapter = DingTalkAdapter(
        DingTalkSettings(
            api_url=settings.dingtalk_api_url,
            client_id=client_id,
            client_secret=secret,
            robot_code=robot,
            callback_type="HTTP" if http else "STREAM",
            card_template_id=settings.dingtalk_card_template_id,
            callback_route_key=route_key,
        ),
        app,
        marks=app.store.marks,
        forms=app.store.dingtalk_forms,
        shown=app.store.shown_buttons,
        request_of=app.services.requests.get,
        clock=app.services.clock,
    )
    if route_key is not None:
        try:
            await _register_card_callback(adapter, settings, route_key)
        except PlatformRefused:
            await adapter.close()
            raise
    app.register(adapter)
    if http:
        endpoint = CallbackEndpoint(secret, adapter.on_received, clock=app.services.clock)
        web_app.router.add_post(DINGTALK_PATH, endpoint.handle)
        return _MountedDingTalk(adapter, endpoint=endpoint)
    # Stream mode needs no public URL: the bot opens the connection (in start()).
    stream = StreamClient(
        Credentials(client_id, secret), settings.dingtalk_api_url, adapter.on_received
    )
    return _MountedDingTalk(adapter, stream=stream)


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        name="Slack",
        variables="SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)",
        needs=(("SLACK_BOT_TOKEN",), ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")),
        mount=_mount_slack,
    ),
    Platform(
        name="DingTalk",
        variables="DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET",
        needs=(("DINGTALK_CLIENT_ID",), ("DINGTALK_CLIENT_SECRET",)),
        mount=_mount_dingtalk,
    ),
)


def configured(settings: Settings) -> list[Platform]:
    """The platforms whose credentials are set."""
    return [p for p in PLATFORMS if p.configured(settings)]


def served(settings: Settings) -> list[tuple[Platform, Mount]]:
    """The configured platforms, with how to mount each."""
    return [(p, p.mount) for p in configured(settings)]


def nothing_served(settings: Settings, command: str = "serve") -> str:
    """Why `serve` has nothing to run, naming the variables to set (when `served` is
    empty): a platform with only part of its credentials, or none at all."""
    chat = "To try the bot without any account, run: stopbot chat"
    half = [why for p in PLATFORMS if (why := p.half_configured(settings))]
    if half:
        return f"stopbot {command}: {'; '.join(half)}. {chat}"
    needed = ", or ".join(p.variables for p in PLATFORMS)
    return f"stopbot {command}: no platform is configured. Set {needed}. {chat}"
