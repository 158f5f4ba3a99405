"""A hang detector for checks on hostile input: a regex that backtracks
catastrophically takes hours on a few thousand characters, and pytest has no
per-test timeout here. The check runs in a child process given a generous limit;
not finishing is the failure. This is no speed goal (those live in the benchmarks):
a correct reader finishes in a fraction of the limit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 20.0  # seconds


def finishes(module: str, check: str) -> None:
    """Runs `module.check()` (a function of no arguments that asserts) in a child
    process; fails when it fails or does not finish within LIMIT."""
    code = f"from {module} import {check}; {check}()"
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=LIMIT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{module}.{check} did not finish within {LIMIT:.0f} s: it hangs")
    assert done.returncode == 0, done.stderr[-3000:]
