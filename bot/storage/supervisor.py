"""Keeps the embedded Redis server up while stopbot runs.

Every process that uses the embedded server runs one supervisor. The one that holds
the owner lock (the first to take it; another takes it over when that process ends)
watches the server and, when it dies, starts it again under the start lock, waiting
0.5 s before the first try and doubling the wait up to 30 s while tries fail. The
append-only file brings back everything that was acknowledged. Clients reconnect by
themselves: a request that came while the server was down was answered "storage
unavailable", the next one works.

A server ended on purpose (`stopbot storage stop`) is left stopped. A data directory
deleted or replaced while the process runs ends the supervision: the files the server
was started on are gone, and starting a new server there would run it beside the
orphaned one (and beside the processes the new directory belongs to).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.storage.embedded import EmbeddedRedisError

log = logging.getLogger(__name__)


class Held(Protocol):
    def close(self) -> None: ...


class Supervised(Protocol):
    """What the supervisor needs of the server (bot/storage/embedded.py; tests fake it)."""

    def is_alive(self) -> bool: ...
    def was_stopped(self) -> bool: ...
    def home_identity(self) -> str | None: ...
    def exit_code(self) -> int | None: ...
    def start_unless_alive(self) -> bool: ...
    def try_own(self) -> Held | None: ...


class Supervisor:
    def __init__(
        self,
        server: Supervised,
        *,
        interval: float = 1.0,
        first_delay: float = 0.5,
        max_delay: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.server = server
        self.interval = interval
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._sleep = sleep
        self._monotonic = monotonic
        self._owner: Held | None = None
        self._delay = first_delay
        self._attempt = 0
        self._restarted_at = monotonic()
        self._told_stopped = False
        self._home = server.home_identity()

    @property
    def owns(self) -> bool:
        return self._owner is not None

    async def run(self) -> None:
        """Watches until cancelled; gives up the owner lock on the way out."""
        last_failure = ""
        try:
            while True:
                if await asyncio.to_thread(self.server.home_identity) != self._home:
                    log.error(
                        "the embedded redis data directory was removed or replaced; "
                        "no longer supervising it (restart stopbot to use the new one)"
                    )
                    return
                try:
                    await self.tick()
                    last_failure = ""
                except Exception as exc:
                    # Whatever went wrong, keep watching: a supervisor that dies quietly
                    # is a bot that answers "storage unavailable" forever. The same
                    # failure every second is logged once.
                    if repr(exc) != last_failure:
                        log.exception("embedded redis supervision failed; trying again")
                    last_failure = repr(exc)
                await self._sleep(self.interval)
        finally:
            if self._owner is not None:
                self._owner.close()
                self._owner = None

    async def tick(self) -> None:
        # Reap a server this process started even when another process owns it.
        code = await asyncio.to_thread(self.server.exit_code)
        if self._owner is None:
            self._owner = await asyncio.to_thread(self.server.try_own)
            if self._owner is None:
                return
        if await asyncio.to_thread(self.server.is_alive):
            self._told_stopped = False
            if self._attempt and self._monotonic() - self._restarted_at >= self.max_delay:
                self._delay, self._attempt = self.first_delay, 0  # it stayed up: start afresh
            return
        if await asyncio.to_thread(self.server.was_stopped):
            if not self._told_stopped:
                log.warning("embedded redis was stopped on purpose; not restarting it")
                self._told_stopped = True
            return
        await self._restart(code)

    async def _restart(self, code: int | None) -> None:
        await self._sleep(self._delay)
        self._delay = min(self._delay * 2, self.max_delay)
        self._attempt += 1
        later = await asyncio.to_thread(self.server.exit_code)
        code = later if later is not None else code
        # The codes of a server this process did not start are not ours to read.
        shown = "unknown" if code is None else str(code)
        log.warning(
            "embedded redis exited with code %s; restarting (attempt %d)",
            shown,
            self._attempt,
            extra={"exit_code": code, "attempt": self._attempt},
        )
        try:
            started = await asyncio.to_thread(self.server.start_unless_alive)
        except EmbeddedRedisError as exc:
            log.error(
                "embedded redis restart failed: %s; next try in %gs",
                exc,
                self._delay,
                extra={"attempt": self._attempt},
            )
            return
        self._restarted_at = self._monotonic()
        log.warning(
            "embedded redis restarted",
            extra={"attempt": self._attempt, "by_this_process": started},
        )
