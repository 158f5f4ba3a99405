"""`stopbot serve`: the HTTP server (Slack's Request URL, /healthz, /metrics), Socket
Mode, the reminder scheduler and the knowledge-base watcher, in one process. Run as
many as you like against one Redis."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field

from aiohttp import web

from bot.adapters.slack import SlackAdapter
from bot.app import App
from bot.config import Settings
from bot.files.live_kb import LiveKnowledgeBase
from conversations.model import Lang
from handlers.events import Message
from handlers.home import home_for

log = logging.getLogger(__name__)


def slack_configured(settings: Settings) -> bool:
    return bool(
        settings.slack_bot_token and (settings.slack_signing_secret or settings.slack_app_token)
    )


def dingtalk_configured(settings: Settings) -> bool:
    return bool(settings.dingtalk_client_id and settings.dingtalk_client_secret)


def build_web_app(app: App, slack: SlackAdapter | None) -> web.Application:
    web_app = web.Application(client_max_size=1024 * 1024)

    async def healthz(_: web.Request) -> web.Response:
        ok = await app.services.store.ping()
        return web.json_response({"storage": "ok" if ok else "down"}, status=200 if ok else 503)

    async def metrics(_: web.Request) -> web.Response:
        up = 1 if await app.services.store.ping() else 0
        return web.Response(
            text=app.metrics.render(storage_up=up), content_type="text/plain", charset="utf-8"
        )

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)
    if slack is not None:
        web_app.router.add_post("/slack/events", slack.handle_http)
    return web_app


@dataclass
class Server:
    """A running serve: its URL and what to stop. Tests start one on a free port."""

    app: App
    runner: web.AppRunner
    url: str
    slack: SlackAdapter | None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    socket_mode: object | None = None

    async def stop(self) -> None:
        self.stop_event.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.socket_mode is not None:
            await self.socket_mode.close_async()  # type: ignore[attr-defined]
        await self.runner.cleanup()
        if self.slack is not None:
            await self.slack.close()
        await self.app.close()


async def start_server(app: App, settings: Settings, scheduler_interval: float = 5.0) -> Server:
    slack = None
    if slack_configured(settings):
        svc = app.services

        async def home(user: str, lang: Lang | None) -> list[Message]:
            return await home_for(svc, user, lang or "en")

        slack = SlackAdapter(settings, svc.store, app.handle, app.deliver, home)
        app.register(slack)
    runner = web.AppRunner(build_web_app(app, slack), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    # With PORT=0 the kernel picks a free port (tests): read back the one we got.
    port = settings.port
    for address in runner.addresses:
        port = int(address[1])
    server = Server(app=app, runner=runner, url=f"http://{settings.host}:{port}", slack=slack)
    server.tasks.append(
        asyncio.create_task(app.run_scheduler(server.stop_event, scheduler_interval))
    )
    if isinstance(app.services.faq, LiveKnowledgeBase):
        server.tasks.append(asyncio.create_task(app.services.faq.watch(server.stop_event)))
    if slack is not None and settings.slack_app_token:
        server.socket_mode = await slack.start_socket_mode(settings.slack_app_token)
    return server


async def run_serve(settings: Settings, app: App) -> int:
    server = await start_server(app, settings)
    log.info("serving", extra={"url": server.url, "slack": server.slack is not None})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop()
    return 0
