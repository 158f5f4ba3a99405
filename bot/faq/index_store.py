"""The FAQ index on disk, keyed by the knowledge base's fingerprint, so that a start
or a reload of an unchanged knowledge base reads arrays instead of training, and an
edit re-embeds only the examples it changed.

    <folder>/index-<fingerprint>.npz    one built index (plain arrays, no pickles)
    <folder>/index-<fingerprint>.npy    its examples' embeddings, memory-mapped
    <folder>/build-<fingerprint>.lock   held by the process building that index

The embeddings (24 MB for the bundled bank) are the index's largest part: mapped,
they are pages of the file, shared by every process that reads the same index, and
not memory of each process's own. They are written before the .npz, whose presence
says the pair is whole; a missing, damaged or mismatched .npy makes the index
unreadable (it is built again).

Files are written to a temporary name and renamed, so a reader never sees half of
one. Processes that start (or reload the same edit) together build an index once:
the first takes the build lock, the others wait for it and read what it wrote (the
kernel releases the lock of a process that dies). A cache that cannot be read or
written is not an error: the index is built instead (and the reason logged). Old
indexes are pruned with their locks, the newest few kept.
"""

from __future__ import annotations

import logging
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from bot.faq.atomic_file import write_atomically
from bot.files.file_lock import FileLock
from conversations.faq.index import FaqIndex

log = logging.getLogger(__name__)

KEEP = 4
"""Indexes kept in the folder: the one in use and a few it may be edited back to."""
_PREFIX = "index-"
_SHAPE = "embeddings.shape"  # in the .npz: what the .npy beside it must hold
_LOCK = "build-"


BUILD_WAIT = 600.0
"""Seconds a process waits for another's build of the same index (the bundled one
takes about 30 s on one core) before building it itself: a stopped or hung process
must not hold the others for ever."""
_POLL = 0.1  # seconds between two tries of a lock another process holds


def _taken(path: Path, wait: float) -> FileLock | None:
    """The lock at `path`, taken; None when another process held it for `wait` seconds
    (it is then built here too) or the folder cannot hold a lock (read-only, a file
    system without flock): a cache that does not work is no reason not to build."""
    lock: FileLock | None = None
    deadline = time.monotonic() + wait
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(path)
        if not lock.take(wait=False):
            log.info("FAQ index: waiting for another process's build", extra={"path": str(path)})
            while not lock.take(wait=False):
                if time.monotonic() >= deadline:
                    log.warning(
                        "FAQ index: another process is still building it, building here too",
                        extra={"path": str(path), "seconds_waited": wait},
                    )
                    lock.close()
                    return None
                time.sleep(_POLL)
        return lock
    except OSError as exc:
        if lock is not None:
            lock.close()
        log.warning(
            "FAQ index build lock unavailable", extra={"path": str(path), "error": str(exc)}
        )
        return None


class IndexStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, fingerprint: str) -> Path:
        return self.folder / f"{_PREFIX}{fingerprint[:40]}.npz"

    @staticmethod
    def _embeddings_path(path: Path) -> Path:
        return path.with_suffix(".npy")

    def _lock_path(self, fingerprint: str) -> Path:
        return self.folder / f"{_LOCK}{fingerprint[:40]}.lock"

    @contextmanager
    def building(self, fingerprint: str, wait: float = BUILD_WAIT) -> Iterator[None]:
        """Holds this index's build lock, waiting up to `wait` seconds while another
        process holds it (see `_taken`)."""
        lock = _taken(self._lock_path(fingerprint), wait)
        try:
            yield
        finally:
            if lock is not None:
                lock.close()

    def load(self, fingerprint: str) -> FaqIndex | None:
        return self._read(self._path(fingerprint))

    def _read(self, path: Path) -> FaqIndex | None:
        try:
            with np.load(path, allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            embeddings = np.load(self._embeddings_path(path), mmap_mode="r", allow_pickle=False)
            if embeddings.shape != tuple(arrays.pop(_SHAPE)) or embeddings.dtype != np.float32:
                raise ValueError(f"embeddings of shape {embeddings.shape}, {embeddings.dtype}")
            return FaqIndex.from_arrays({**arrays, "embeddings": embeddings})
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
            embeddings = np.ascontiguousarray(arrays.pop("embeddings"), dtype=np.float32)
            arrays[_SHAPE] = np.asarray(embeddings.shape, dtype=np.int64)
            path = self._path(fingerprint)
            write_atomically(
                self._embeddings_path(path),
                lambda out: np.save(out, embeddings, allow_pickle=False),
            )
            write_atomically(path, lambda out: np.savez(out, allow_pickle=False, **arrays))
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
            # A process that mapped it keeps its pages until it lets the index go.
            self._embeddings_path(path).unlink(missing_ok=True)
            # A process waiting on this lock still builds and saves; one arriving
            # later makes a new lock file: at worst two builds, never a wrong index.
            self._lock_path(path.stem.removeprefix(_PREFIX)).unlink(missing_ok=True)
