"""Writing a cache file so that no reader ever sees half of it.

The bytes go to a temporary file in the same folder, are flushed to disk (a power cut
must not leave an empty file in place) and renamed over the target, readable by every
process that shares the folder. Two processes writing the same file at once each
rename a whole one; a reader that has the old one open or mapped keeps it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: Path, dump: Callable[[BinaryIO], None]) -> None:
    """Writes `dump(file)` to `path` (raises OSError; leaves no temporary file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            dump(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)  # gone already unless the write failed
