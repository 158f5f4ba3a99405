"""An exclusive (or shared) flock on a file, shared by every process on the machine.

The kernel releases it when its holder closes the file or dies, SIGKILL included, so
a crashed process never leaves the others waiting.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO


class FileLock:
    def __init__(self, path: Path) -> None:
        self.file: IO[str] = open(path, "a")

    def take(self, wait: bool, shared: bool = False) -> bool:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(self.file, mode | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        return True

    def close(self) -> None:
        self.file.close()  # releases the lock
