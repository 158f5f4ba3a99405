"""Background work that runs every few seconds until the process stops (the reminder
scheduler, the outbox sweeper)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from handlers.ports import StorageDown

log = logging.getLogger(__name__)


async def every(
    interval: float, stop: asyncio.Event, work: Callable[[], Awaitable[object]], what: str
) -> None:
    """Runs `work` every `interval` seconds until `stop` is set; a run that returns
    True had more to do and is followed by the next at once (a broadcast in full
    swing). Whatever goes wrong in one run, the next one still runs: background work
    that dies quietly means no reminder is sent again, or nothing a dead process left
    owed is ever delivered."""
    while not stop.is_set():
        busy = False
        try:
            busy = await work() is True
        except StorageDown as exc:
            log.warning(f"{what} skipped: storage unavailable", extra={"error": repr(exc)})
        except Exception:
            log.exception(f"{what} failed")
        if busy:
            continue
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass
