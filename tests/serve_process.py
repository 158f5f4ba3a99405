"""`python -m bot serve` as a child process on a free port, for the tests and benches
that look at it from outside as an operator does: its answers, its log, its memory."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class ServeProcess:
    proc: asyncio.subprocess.Process
    url: str
    log_path: Path

    def log_lines(self) -> list[str]:
        return self.log_path.read_text().splitlines()

    def entries(self) -> list[dict[str, Any]]:
        """The JSON log lines (serve logs one JSON object per line)."""
        return [json.loads(line) for line in self.log_lines() if line.startswith("{")]

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()


def _serving_url(log_path: Path) -> str | None:
    """The URL the "serving" log line names, once it is written."""
    for line in log_path.read_text().splitlines():
        if line.startswith("{") and json.loads(line).get("msg") == "serving":
            return str(json.loads(line)["url"])
    return None


@asynccontextmanager
async def serve_process(env: dict[str, str], workdir: Path) -> AsyncIterator[ServeProcess]:
    """Starts serve with `env` over a clean environment (no SLACK_*, DINGTALK_* or
    REDIS_URL of the caller's), on 127.0.0.1 and a port the kernel picks, its log in a
    file in `workdir`; waits until it serves (asynchronously: the fake Slack it calls
    at start may run on the caller's loop). Stopped with SIGTERM on exit."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DINGTALK_")) and k != "REDIS_URL"
    }
    base.update(HOST="127.0.0.1", PORT="0", DATA_DIR=str(workdir / "data"), **env)
    log_path = workdir / "serve.log"
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            cwd=ROOT,
            env=base,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
    served = ServeProcess(proc, "", log_path)
    try:
        deadline = time.monotonic() + 60
        while (url := _serving_url(log_path)) is None:
            if proc.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"serve did not start:\n{log_path.read_bytes()!r}")
            await asyncio.sleep(0.05)
        served.url = url
        yield served
    finally:
        await served.stop()
