"""Processes and threads that need the same FAQ index build it once: the others wait
for the build lock and read what was built (real processes, real flock, SIGKILL)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.faq.encoder import shared_encoder
from bot.faq.index_store import IndexStore
from bot.faq.matchers import index_for
from bot.faq.off_topic import borrowed_near_misses
from bot.files.kb import load_kb
from conversations.faq.index import build_index, fingerprint
from conversations.faq.kb import KnowledgeBase
from tests.helpers import GOOD_KB

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 120.0  # seconds: generous for a loaded machine; reached only on a failure

# A separate process that asks for the index and logs what it did.
ASK = """
import logging, sys
from pathlib import Path
logging.basicConfig(level=logging.INFO, format="%(message)s")
from bot.faq.matchers import matcher_for
from bot.files.kb import load_kb
matcher_for(load_kb(Path(sys.argv[1])), Path(sys.argv[2]))
print("done", flush=True)
"""
# A separate process that takes the build lock and holds it until it is killed.
HOLD = """
import sys
from pathlib import Path
from bot.files.file_lock import FileLock
FileLock(Path(sys.argv[1])).take(wait=True)
print("held", flush=True)
sys.stdin.read()
"""


def _kb(tmp_path: Path, marker: str) -> tuple[Path, KnowledgeBase]:
    # A knowledge base no other test builds: its index is not in this process's memory.
    path = tmp_path / "faq.yaml"
    path.write_text(
        GOOD_KB.replace("will I get my money back", f"will I get my money back {marker}")
    )
    return path, load_kb(path)


def _key(kb: KnowledgeBase) -> str:
    return fingerprint(kb, shared_encoder().name, borrowed_near_misses(kb))


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_process_waits_for_anothers_build_and_reads_it(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path, kb = _kb(tmp_path, "first")
    key = _key(kb)
    store = IndexStore(cache)
    shared_encoder().load(cache)  # the other process maps the table instead of unpacking it
    asker = None
    try:
        with store.building(key):
            asker = _python(ASK, str(path), str(cache))
            assert asker.stderr is not None
            heard = []
            while "FAQ index: waiting for another process's build" not in heard:
                line = asker.stderr.readline()
                assert line, f"the process ended without waiting: {heard}"
                heard.append(line.strip())
            # This test is the "other process": it builds and saves while the asker waits.
            index = build_index(kb, shared_encoder(), near_misses=borrowed_near_misses(kb))
            store.save(key, index)
        out, err = asker.communicate(timeout=DEADLINE)
    finally:
        if asker is not None and asker.poll() is None:
            asker.kill()
            asker.communicate()
    assert asker.returncode == 0, err
    assert "done" in out
    assert "FAQ index read after another process built it" in err
    assert "FAQ index built" not in err


def test_a_process_that_waited_too_long_builds_itself(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = IndexStore(tmp_path / "cache")
    with store.building("f" * 64), caplog.at_level(logging.INFO, logger="bot.faq.index_store"):
        # Another holder of the same lock (a separate open file, as another process).
        with store.building("f" * 64, wait=0):
            pass
    assert "another process is still building it, building here too" in caplog.text


def test_a_folder_that_cannot_hold_a_lock_builds_without_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    entered = False
    with caplog.at_level(logging.WARNING, logger="bot.faq.index_store"):
        with IndexStore(blocked).building("f" * 64):
            entered = True
    assert entered and "FAQ index build lock unavailable" in caplog.text


def test_a_builder_killed_with_sigkill_leaves_nobody_waiting(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    _, kb = _kb(tmp_path, "second")
    holder = _python(HOLD, str(cache / f"build-{_key(kb)[:40]}.lock"))
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=DEADLINE)
    built: list[object] = []
    worker = threading.Thread(
        daemon=True,  # a thread stuck on the lock must not keep pytest from exiting
        target=lambda: built.append(
            index_for(kb, cache, shared_encoder(), borrowed_near_misses(kb))
        ),
    )
    worker.start()
    worker.join(DEADLINE)
    assert built, "still waiting for a dead process's lock"


def test_threads_asking_together_build_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    _, kb = _kb(tmp_path, "third")
    near_misses = borrowed_near_misses(kb)
    shared_encoder().load(cache)
    start = threading.Barrier(3)
    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(index_for(kb, cache, shared_encoder(), near_misses))

    with caplog.at_level(logging.INFO, logger="bot.faq.matchers"):
        threads = [threading.Thread(target=ask, daemon=True) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE)
    assert len(got) == 3 and len({id(index) for index in got}) == 1  # one index, shared
    assert [r.getMessage() for r in caplog.records].count("FAQ index built") == 1
