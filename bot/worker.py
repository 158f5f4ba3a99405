"""`stopbot worker`: the outbox sweeper, the shutdown-notice sender and the reminder
scheduler, with only the sending side of each configured platform (no HTTP server, no
inbound connection). Any number of workers and `serve` processes share one Redis: each
owed message is taken by one of them at a time, under a lease.

SIGTERM or SIGINT: no new work is taken, the sends under way finish, the leases held
for the others are given back (another process takes them at once, not after the
lease), and the process exits 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from aiohttp import web

from bot.app import App
from bot.config import Settings
from bot.platforms import Mounted, PlatformRefused, served

log = logging.getLogger(__name__)


async def run_worker(settings: Settings, app: App, scheduler_interval: float = 5.0) -> int:
    # Mounting registers each platform's adapter on the app; the routes it adds to
    # this web application are never served, and nothing inbound is started.
    unserved = web.Application()
    platforms: list[Mounted] = []
    try:
        for _, mount in served(settings):
            platforms.append(await mount(app, settings, unserved))
    except PlatformRefused as exc:
        for mounted in platforms:
            await mounted.close()
        await app.close()
        print(f"stopbot: {exc}", file=sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    tasks = [
        asyncio.create_task(app.run_scheduler(stop, scheduler_interval)),
        asyncio.create_task(app.outbox.run(stop, app.outbox.interval)),
        # Shutdown notices: any number of worker and serve processes share the jobs.
        asyncio.create_task(app.broadcaster().run(stop)),
    ]
    log.info("working", extra={"platforms": sorted(app.adapters)})
    await stop.wait()
    log.info("stopping: finishing the sends under way")
    await app.outbox.drain()
    await asyncio.gather(*tasks, return_exceptions=True)
    for mounted in platforms:
        await mounted.close()
    await app.close()
    log.info("stopped")
    return 0
