"""The chat platforms `serve` knows, and how each is mounted on the app and the HTTP
server. `serve` mounts every platform whose credentials are set; a new platform is an
entry in PLATFORMS with a `mount` (and a folder in bot/adapters/)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web

from bot.adapters.slack import SlackAdapter
from bot.app import App
from bot.config import Settings


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


@dataclass(frozen=True)
class Platform:
    name: str  # as people write it: "Slack"
    variables: str  # what to set, for the message when nothing is configured
    configured: Callable[[Settings], bool]
    # Registers the adapter on the app and its routes on the web app (before it
    # starts). None: a platform whose settings are known but not served yet.
    mount: Mount | None


def slack_configured(settings: Settings) -> bool:
    return bool(
        settings.slack_bot_token and (settings.slack_signing_secret or settings.slack_app_token)
    )


def dingtalk_configured(settings: Settings) -> bool:
    return bool(settings.dingtalk_client_id and settings.dingtalk_client_secret)


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


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        name="Slack",
        variables="SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)",
        configured=slack_configured,
        mount=_mount_slack,
    ),
    Platform(
        name="DingTalk",
        variables="DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET",
        configured=dingtalk_configured,
        mount=None,
    ),
)


def configured(settings: Settings) -> list[Platform]:
    """The platforms whose credentials are set, served or not."""
    return [p for p in PLATFORMS if p.configured(settings)]


def served(settings: Settings) -> list[tuple[Platform, Mount]]:
    """The configured platforms this version serves, with how to mount each."""
    return [(p, p.mount) for p in configured(settings) if p.mount is not None]
