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
throwaway 65 MB table, freed at once: the start still peaks there) and swap in the
big one memory-mapped: pages are read from disk when a question first needs them,
and shared between the processes of the machine. The small file also holds the
embedding of a fixed sentence as the plain load computed it: a mapped model that
does not give it again (a damaged or foreign table) is not used. Files are written
atomically (`atomic_file.py`); a file that cannot be read means the plain load (which
writes them again), a folder that cannot be written only the plain load. Files of
other releases of the package are removed. A test checks the embeddings are the
package's own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bot.faq.atomic_file import write_atomically

log = logging.getLogger(__name__)

_CHUNK = "q"  # the table's chunks in the package's npz: q1, q2, ...
_CHECK = "stopbot_check"  # our array in the small file (the package ignores the others)
_CHECK_TEXT = "Will my data be lost? 我的数据会丢失吗？ Mes données seront-elles perdues ?"


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
        with np.load(weights_path, allow_pickle=False) as small:
            expected = small[_CHECK]
        if table.shape != model.table.shape or table.dtype != model.table.dtype:
            raise ValueError(f"table of shape {table.shape}, {table.dtype}")
        model.table = table
        if np.abs(model.encode([_CHECK_TEXT]) - expected).max() > 1e-5:
            raise ValueError("the mapped table does not give the expected embedding")
    # Whatever is wrong with these files (truncated: BadZipFile, empty: EOFError,
    # damaged...), the packed weights still work: load those and write these again.
    except Exception as exc:
        log.warning(
            "encoder table in the cache unusable, loading the packed one",
            extra={"folder": str(folder), "error": repr(exc)},
        )
        return None
    return model


def unpack(folder: Path, release: str, model: Any, source: Path) -> None:
    """Writes the files `load_mapped` reads, from a model loaded the plain way."""
    table_path, weights_path = _paths(folder, release)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(
            table_path, lambda out: np.save(out, np.asarray(model.table), allow_pickle=False)
        )
        with np.load(source, allow_pickle=False) as packed:
            small = {
                # One row per chunk: the throwaway table is filled from it, then replaced.
                name: np.zeros((1, model.table.shape[1]), np.uint8)
                if name.startswith(_CHUNK)
                else packed[name]
                for name in packed.files
            }
        small[_CHECK] = model.encode([_CHECK_TEXT])
        # Written last: `load_mapped` reads nothing until both files are there.
        write_atomically(weights_path, lambda out: np.savez(out, allow_pickle=False, **small))
        for old in folder.glob("use-*"):
            if old.is_file() and old not in (table_path, weights_path):
                old.unlink(missing_ok=True)  # another release of the package
    except OSError as exc:
        log.info("encoder table not unpacked", extra={"folder": str(folder), "error": str(exc)})
