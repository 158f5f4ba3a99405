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
    # The credentials it needs: every group, each by any one of its variables.
    needs: tuple[tuple[str, ...], ...]
    # Registers the adapter on the app and its routes on the web app (before it
    # starts). None: a platform whose settings are known but not served yet.
    mount: Mount | None

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
        mount=None,
    ),
)


def configured(settings: Settings) -> list[Platform]:
    """The platforms whose credentials are set, served or not."""
    return [p for p in PLATFORMS if p.configured(settings)]


def served(settings: Settings) -> list[tuple[Platform, Mount]]:
    """The configured platforms this version serves, with how to mount each."""
    return [(p, p.mount) for p in configured(settings) if p.mount is not None]


def nothing_served(settings: Settings, command: str = "serve") -> str:
    """Why `serve` has nothing to run, naming the variables to set (when `served` is
    empty): a platform with only part of its credentials, one this version does not
    serve yet, or none at all."""
    chat = "To try the bot without any account, run: stopbot chat"
    half = [why for p in PLATFORMS if (why := p.half_configured(settings))]
    if half:
        return f"stopbot {command}: {'; '.join(half)}. {chat}"
    waiting = configured(settings)
    if waiting:
        ready = " or ".join(p.name for p in PLATFORMS if p.mount is not None)
        return (
            f"stopbot {command}: the {waiting[0].name} adapter is not part of this version yet; "
            f"configure {ready}, or use `stopbot chat` meanwhile."
        )
    # Only what this version serves: naming a platform that is not mounted yet would
    # send people to set variables that lead to another refusal.
    needed = ", or ".join(p.variables for p in PLATFORMS if p.mount is not None)
    return f"stopbot {command}: no platform is configured. Set {needed}. {chat}"
