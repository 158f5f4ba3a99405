"""Wiring for `stopbot chat` and the small read-only commands."""

from __future__ import annotations

import asyncio
import sys

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.config import Settings
from bot.logs import setup_logging
from bot.policy import PolicyError
from bot.storage.client import BadRedisUrl
from bot.storage.embedded import EmbeddedRedisError
from conversations.model import Lang


async def _app(settings: Settings) -> App | None:
    try:
        app = await App.create(settings)
    except PolicyError as exc:
        print("stopbot: the policy file is invalid:", *exc.errors, sep="\n  ", file=sys.stderr)
        return None
    except (EmbeddedRedisError, BadRedisUrl) as exc:
        print(f"stopbot: {exc}", file=sys.stderr)
        return None
    if not await app.services.store.ping():
        where = settings.redis_url or f"the embedded server under {settings.data_dir}"
        print(
            f"stopbot: cannot reach Redis at {_safe(where)}; check REDIS_URL and that the "
            "server runs (unset REDIS_URL to use the embedded one).",
            file=sys.stderr,
        )
        await app.close()
        return None
    return app


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


async def run_chat(settings: Settings, user: str, lang: Lang | None) -> int:
    setup_logging("WARNING" if settings.log_level.upper() == "INFO" else settings.log_level)
    app = await _app(settings)
    if app is None:
        return 2
    console = ConsoleAdapter(app.services.store, app.dispatch, user=user, lang=lang)
    app.register(console, fallback=True)
    stop = asyncio.Event()
    scheduler = asyncio.create_task(app.run_scheduler(stop, interval=5.0))
    try:
        await console.run()
    finally:
        stop.set()
        await scheduler
        await app.close()
    return 0


async def print_audit(settings: Settings, request_id: str) -> int:
    app = await _app(settings)
    if app is None:
        return 2
    try:
        entries = await app.services.store.history(request_id.upper())
        if not entries:
            print(f"No audit trail for {request_id}.", file=sys.stderr)
            return 1
        for e in entries:
            extra = f" [{e.stage}]" if e.stage else ""
            detail = f": {e.detail}" if e.detail else ""
            print(f"{e.at.isoformat()}  {e.actor}  {e.action}{extra}{detail}")
        return 0
    finally:
        await app.close()
