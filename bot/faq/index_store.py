"""The FAQ index on disk, keyed by the knowledge base's fingerprint, so that a start
or a reload of an unchanged knowledge base reads arrays instead of training, and an
edit re-embeds only the examples it changed.

    <folder>/index-<fingerprint>.npz    one built index (plain arrays, no pickles)

Files are written to a temporary name and renamed, so a reader never sees half of
one and two processes building at once simply write the same file twice. A cache
that cannot be read or written is not an error: the index is built instead (and
the reason logged). Old indexes are pruned, the newest few kept.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import numpy as np

from bot.faq.atomic_file import write_atomically
from conversations.faq.index import FaqIndex

log = logging.getLogger(__name__)

KEEP = 4
"""Indexes kept in the folder: the one in use and a few it may be edited back to."""
_PREFIX = "index-"


class IndexStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, fingerprint: str) -> Path:
        return self.folder / f"{_PREFIX}{fingerprint[:40]}.npz"

    def load(self, fingerprint: str) -> FaqIndex | None:
        return self._read(self._path(fingerprint))

    def _read(self, path: Path) -> FaqIndex | None:
        try:
            with np.load(path, allow_pickle=False) as arrays:
                return FaqIndex.from_arrays({name: arrays[name] for name in arrays.files})
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            log.warning(
                "FAQ index cache unreadable, rebuilding",
                extra={"path": str(path), "error": str(exc)},
            )
            return None

    def save(self, fingerprint: str, index: FaqIndex) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            arrays = index.arrays()
            write_atomically(
                self._path(fingerprint), lambda out: np.savez(out, allow_pickle=False, **arrays)
            )
            self._prune()
        except OSError as exc:
            log.warning(
                "FAQ index cache not written", extra={"folder": str(self.folder), "error": str(exc)}
            )

    def newest(self) -> FaqIndex | None:
        """The most recently written index, whatever its knowledge base: its examples'
        embeddings spare the encoder work after an edit."""
        files = self._files()
        return self._read(files[0]) if files else None

    def _files(self) -> list[Path]:
        try:
            found = [p for p in self.folder.glob(f"{_PREFIX}*.npz") if p.is_file()]
            return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)
        except OSError:
            return []

    def _prune(self) -> None:
        for path in self._files()[KEEP:]:
            path.unlink(missing_ok=True)
