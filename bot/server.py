"""`stopbot serve`: the HTTP server (the platforms' webhooks, /healthz, /metrics), the
platforms' outbound connections, the reminder scheduler, the outbox sweeper, the
shutdown-notice sender and the knowledge-base watcher, in one process. Run as many as
you like against one Redis."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from dataclasses import dataclass, field

from aiohttp import web

from bot.app import App
from bot.config import Settings
from bot.faq.live_kb import LiveKnowledgeBase
from bot.platforms import Mounted, PlatformRefused, served
from bot.request_body import MAX_BODY

log = logging.getLogger(__name__)


def _base_routes(app: App, web_app: web.Application) -> None:
    async def healthz(_: web.Request) -> web.Response:
        ok = await app.store.ping()
        return web.json_response({"storage": "ok" if ok else "down"}, status=200 if ok else 503)

    async def metrics(_: web.Request) -> web.Response:
        up = 1 if await app.store.ping() else 0
        return web.Response(
            text=app.metrics.render(storage_up=up), content_type="text/plain", charset="utf-8"
        )

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)


class CannotListen(RuntimeError):
    """HOST/PORT cannot be listened on; the message says why, for one line on stderr."""


@dataclass
class Server:
    """A running serve: its URL and what to stop. Tests start one on a free port."""

    app: App
    runner: web.AppRunner
    url: str
    platforms: dict[str, Mounted]
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)

    async def stop(self) -> None:
        self.stop_event.set()
        # The outbox starts nothing new: the sends under way finish while the
        # platforms' connections are still open, and the leases of the others are given
        # back for another process to take at once (a reply owed meanwhile is too).
        await self.app.outbox.drain()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for mounted in self.platforms.values():
            await mounted.disconnect()
        await self.runner.cleanup()
        for mounted in self.platforms.values():
            await mounted.close()
        await self.app.close()


async def start_server(
    app: App,
    settings: Settings,
    scheduler_interval: float = 5.0,
    sweep_interval: float | None = None,
    broadcast: bool = True,
) -> Server:
    # Webhooks read their body with bot.request_body (refused before it is read when
    # too large); the same cap stands for anything that would read it through aiohttp.
    web_app = web.Application(client_max_size=MAX_BODY)
    _base_routes(app, web_app)
    platforms: dict[str, Mounted] = {}
    try:
        for platform, mount in served(settings):
            platforms[platform.name] = await mount(app, settings, web_app)
    except PlatformRefused:
        for mounted in platforms.values():
            await mounted.close()
        await app.close()
        raise
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    try:
        await site.start()
    except OSError as exc:  # the port is taken, the host is not ours or does not resolve
        await runner.cleanup()
        for mounted in platforms.values():
            await mounted.close()
        await app.close()
        why = exc.strerror or str(exc)
        raise CannotListen(f"cannot listen on {settings.host}:{settings.port}: {why}") from None
    # With PORT=0 the kernel picks a free port (tests): read back the one we got.
    port = settings.port
    for address in runner.addresses:
        port = int(address[1])
    server = Server(
        app=app, runner=runner, url=f"http://{settings.host}:{port}", platforms=platforms
    )
    server.tasks.append(
        asyncio.create_task(app.run_scheduler(server.stop_event, scheduler_interval))
    )
    sweep = app.outbox.interval if sweep_interval is None else sweep_interval
    server.tasks.append(asyncio.create_task(app.outbox.run(server.stop_event, sweep)))
    if isinstance(app.services.faq, LiveKnowledgeBase):
        server.tasks.append(asyncio.create_task(app.services.faq.watch(server.stop_event)))
    for mounted in platforms.values():
        await mounted.start()
    # Shutdown notices, to the platforms just mounted (any number of serve and worker
    # processes share the jobs). `broadcast` False: a test runs the rounds itself.
    if broadcast:
        server.tasks.append(asyncio.create_task(app.broadcaster().run(server.stop_event)))
    return server


async def run_serve(settings: Settings, app: App) -> int:
    try:
        server = await start_server(app, settings)
    except CannotListen as exc:
        # A bad setting like the others (bot/cli.py): one line naming it, exit 2.
        print(f"stopbot: bad setting HOST/PORT: {exc}", file=sys.stderr)
        return 2
    except PlatformRefused as exc:
        print(f"stopbot: {exc}", file=sys.stderr)
        return 2
    log.info("serving", extra={"url": server.url, "platforms": sorted(server.platforms)})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop()
    return 0
