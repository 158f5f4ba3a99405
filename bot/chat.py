"""Wiring for `stopbot chat` and the small read-only commands."""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Awaitable, Callable

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.config import Settings
from bot.faq.live_kb import LiveKnowledgeBase
from bot.files.kb import KbError
from bot.files.policy import PolicyError
from bot.logs import setup_logging
from bot.storage.client import BadRedisUrl
from bot.storage.embedded import EmbeddedRedisError
from conversations.faq.matcher import Verdict
from conversations.model import Lang
from handlers import faq_stats


async def _app(settings: Settings) -> App | None:
    try:
        app = await App.build(settings)
    except PolicyError as exc:
        print("stopbot: the policy file is invalid:", *exc.errors, sep="\n  ", file=sys.stderr)
        return None
    except KbError as exc:
        print("stopbot: the knowledge base is invalid:", *exc.errors, sep="\n  ", file=sys.stderr)
        return None
    except (EmbeddedRedisError, BadRedisUrl) as exc:
        print(f"stopbot: {exc}", file=sys.stderr)
        return None
    if not await app.store.ping():
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
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A terminal that cannot show a character (a Chinese answer on an ASCII one)
        # gets a "?" instead of a session that dies.
        sys.stdout.reconfigure(errors="replace")
    app = await _app(settings)
    if app is None:
        return 2
    store = app.store
    console = ConsoleAdapter(app, store.console_cards, store.console_forms, user=user, lang=lang)
    app.register(console, fallback=True)
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(app.run_scheduler(stop, interval=5.0)),
        # Shutdown notices confirmed in the playground are "sent" to the console.
        asyncio.create_task(app.broadcaster().run(stop)),
        # What a previous chat left owed when it was killed is printed here.
        asyncio.create_task(app.outbox.run(stop, app.outbox.interval)),
    ]
    faq = app.services.faq
    if isinstance(faq, LiveKnowledgeBase):

        def refused(errors: list[str]) -> None:
            print(
                "(knowledge base edit refused, still using the previous one)",
                *errors,
                sep="\n  ",
                file=sys.stderr,
            )

        tasks.append(asyncio.create_task(faq.watch(stop, interval=2.0, on_refused=refused)))
    try:
        await console.run()
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await app.close()
    return 0


async def run_serve_command(settings: Settings) -> int:
    from bot.server import run_serve  # the HTTP and platform stack, only for serve

    return await _run_service(settings, run_serve)


async def run_worker_command(settings: Settings) -> int:
    from bot.worker import run_worker  # the platforms' sending side, only for worker

    return await _run_service(settings, run_worker)


async def _run_service(settings: Settings, run: Callable[[Settings, App], Awaitable[int]]) -> int:
    setup_logging(settings.log_level)
    app = await _app(settings)
    if app is None:
        return 2
    return await run(settings, app)


async def print_faq_stats(settings: Settings) -> int:
    app = await _app(settings)
    if app is None:
        return 2
    try:
        stats = await app.store.faq_log.stats()
        faq = app.services.faq
        topics = [t.id for t in faq.kb.topics] if faq else []
        print(f"{'topic':<24} {'answered':>8} {'helpful':>8} {'not':>5}")
        for topic in topics:
            up = stats.get(faq_stats.votes(topic, True), 0)
            down = stats.get(faq_stats.votes(topic, False), 0)
            answered = stats.get(faq_stats.answered(topic), 0)
            print(f"{topic:<24} {answered:>8} {up:>8} {down:>5}")
        for label, key in (
            ("did you mean", faq_stats.without_topic(Verdict.SUGGEST)),
            ("did not know", faq_stats.without_topic(Verdict.UNKNOWN)),
            ("passed to a human", faq_stats.HANDOFF),
        ):
            print(f"{label:<24} {stats.get(key, 0):>8}")
        return 0
    finally:
        await app.close()


async def print_audit(settings: Settings, request_id: str) -> int:
    app = await _app(settings)
    if app is None:
        return 2
    try:
        wanted = request_id.upper()
        if wanted.startswith("NB-"):  # a shutdown notice's trail
            entries = await app.store.notices.history(wanted)
        else:
            entries = await app.store.requests.history(wanted)
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
