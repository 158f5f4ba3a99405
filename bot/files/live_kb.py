"""The knowledge base in use, reloaded while the bot runs.

A reload builds the new matcher off the event loop and swaps it in only when the
file is valid: a broken edit is refused with its errors (file:line) and the old
knowledge base keeps answering.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.files.kb import KbError, load_kb
from conversations.faq.kb import KnowledgeBase
from conversations.faq.matcher import Matcher

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Loaded:
    matcher: Matcher
    mtime_ns: int


class LiveKnowledgeBase:
    """The knowledge base in use, replaced atomically by `reload`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._current = self._load()

    def _stat(self) -> int:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return 0

    def _load(self) -> _Loaded:
        mtime = self._stat()
        return _Loaded(Matcher(load_kb(self.path)), mtime)

    @property
    def matcher(self) -> Matcher:
        return self._current.matcher

    @property
    def kb(self) -> KnowledgeBase:
        return self._current.matcher.kb

    async def reload(self) -> list[str]:
        """Loads the file again; returns its errors (empty when the new one is in use).
        A refusal is the caller's to report, once (`watch` does)."""
        try:
            loaded = await asyncio.to_thread(self._load)
        except KbError as exc:
            return exc.errors
        self._current = loaded
        log.info("knowledge base reloaded", extra={"topics": len(loaded.matcher.kb.topics)})
        return []

    async def watch(
        self,
        stop: asyncio.Event,
        interval: float = 2.0,
        on_refused: Callable[[list[str]], None] | None = None,
    ) -> None:
        """Reloads whenever the file changes, until `stop` is set. A refused file is
        reported once per change, not once per poll, and in one place: to `on_refused`
        when given (the console prints it for its user), else to the log."""
        report = on_refused or _log_refusal
        refused_at = -1
        while not stop.is_set():
            mtime = self._stat()
            if mtime != self._current.mtime_ns and mtime != refused_at:
                errors = await self.reload()
                if errors:
                    refused_at = mtime
                    report(errors)
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass


def _log_refusal(errors: list[str]) -> None:
    log.warning("knowledge base refused, keeping the previous one", extra={"errors": errors})
