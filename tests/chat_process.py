"""A real `python -m bot chat` process on a DATA_DIR, as a user runs it: piped a whole
script at once, or driven line by line while it runs (several may share one DATA_DIR)."""

from __future__ import annotations

import asyncio
import codecs
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(data_dir: Path, extra: dict[str, str] | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "REDIS_URL" and not k.startswith(("SLACK_", "DINGTALK_"))
    }
    env.update(DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", POLICY_PATH="")
    env.update(extra or {})
    return env


def pipe(
    data_dir: Path, script: str | bytes, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Runs `chat ARGS` with the script on stdin until it ends: the exit code, and
    stdout and stderr together."""
    data = script.encode() if isinstance(script, str) else script
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", *args],
        cwd=ROOT,
        env=_env(data_dir, env),
        input=data,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=120,
    )
    return done.returncode, done.stdout.decode("utf-8", errors="replace")


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Another command (`faq stats`, `audit ID`) on the same DATA_DIR."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=_env(data_dir, None),
        capture_output=True,
        text=True,
        timeout=120,
    )


class ChatProcess:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.output = ""
        self._seen = 0  # what earlier waits matched: a wait looks only after it
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    @classmethod
    async def start(
        cls, data_dir: Path, *args: str, env: dict[str, str] | None = None
    ) -> ChatProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "chat",
            *args,
            cwd=ROOT,
            env=_env(data_dir, env),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        chat = cls(proc)
        await chat.wait_for("/cancel-account")  # the banner, in any language
        return chat

    async def wait_for(self, pattern: str, seconds: float = 30.0) -> re.Match[str]:
        """The first match of `pattern` in what was printed after the last match. (The
        time limit only stops a broken run from hanging the suite.)"""
        regex = re.compile(pattern)
        try:
            async with asyncio.timeout(seconds):
                found = await self._read_until(regex)
        except TimeoutError:
            raise AssertionError(f"no {pattern!r} within {seconds}s in:\n{self.output}") from None
        self._seen = found.end()
        return found

    async def _read_until(self, regex: re.Pattern[str]) -> re.Match[str]:
        assert self.proc.stdout is not None
        while (found := regex.search(self.output, self._seen)) is None:
            chunk = await self.proc.stdout.read(4096)
            if not chunk:
                raise AssertionError(f"chat exited before {regex.pattern!r}:\n{self.output}")
            self.output += self._decoder.decode(chunk)
        return found

    async def send(self, *lines: str) -> None:
        await self.send_bytes("".join(f"{line}\n" for line in lines).encode())

    async def send_bytes(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        await self.proc.stdin.drain()

    async def answer(self, line: str, expect: str) -> re.Match[str]:
        await self.send(line)
        return await self.wait_for(expect)

    async def quit(self) -> int:
        """Types /quit; the exit code."""
        await self.send("/quit")
        return await asyncio.wait_for(self.proc.wait(), 30)

    async def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        self.output = ""
        self._seen = 0
