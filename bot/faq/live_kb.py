"""The knowledge base in use, reloaded while the bot runs.

A reload builds the new matcher off the event loop and swaps it in only when the
file (and the example folder it names) is valid: a broken edit is refused with its
errors (file:line) and the old knowledge base keeps answering. An edit to the example
folder is picked up like an edit to the file.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.faq.matchers import matcher_for
from bot.files.kb import KbError, examples_folder, load_kb
from bot.files.kb_bank import bank_stamp
from conversations.faq.kb import KnowledgeBase
from conversations.faq.matcher import Matcher

log = logging.getLogger(__name__)


# Modification times of the file and of the example folder's files, and whether the
# folder the file names is beside it (a borrowed bundled folder is given back when it
# appears): any change means something to reload.
Stamp = tuple[int, ...]


@dataclass(frozen=True)
class _Loaded:
    matcher: Matcher
    stamp: Stamp
    folder: Path | None  # the example folder in use (beside the file, or borrowed)
    named: str | None  # the file's examples_dir


class LiveKnowledgeBase:
    """The knowledge base in use, replaced atomically by `reload`."""

    def __init__(self, path: Path, cache: Path | None = None) -> None:
        """`cache`: the folder of built FAQ indexes (none: built in every process)."""
        self.path = path
        self.cache = cache
        self._current = self._load(None)

    def _stat(self, folder: Path | None, named: str | None) -> Stamp:
        try:
            own = self.path.stat().st_mtime_ns
        except OSError:
            own = 0
        beside = named is not None and (self.path.parent / named).is_dir()
        return (own, int(beside), *(bank_stamp(folder) if folder is not None else ()))

    def _load(self, before: _Loaded | None) -> _Loaded:
        # Stamped before reading, so that an edit made while loading is seen at the next poll.
        folder_before, named_before = (before.folder, before.named) if before else (None, None)
        stamp = self._stat(folder_before, named_before)
        kb = load_kb(self.path)
        folder = examples_folder(self.path, kb)
        if (folder, kb.examples_dir) != (folder_before, named_before):  # first, or another
            stamp = self._stat(folder, kb.examples_dir)
        return _Loaded(matcher_for(kb, self.cache), stamp, folder, kb.examples_dir)

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
            loaded = await asyncio.to_thread(self._load, self._current)
        except KbError as exc:
            return exc.errors
        except Exception as exc:  # building the matcher failed (memory, disk...): keep the old
            log.exception("knowledge base not reloaded: building its matcher failed")
            return [f"{self.path}: building the FAQ matcher failed: {exc}"]
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
        refused_at: Stamp | None = None
        while not stop.is_set():
            stamp = self._stat(self._current.folder, self._current.named)
            if stamp != self._current.stamp and stamp != refused_at:
                errors = await self.reload()
                if errors:
                    refused_at = stamp
                    report(errors)
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass


def _log_refusal(errors: list[str]) -> None:
    log.warning("knowledge base refused, keeping the previous one", extra={"errors": errors})
