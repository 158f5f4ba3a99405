"""A real `python -m bot chat` process killed with SIGKILL mid-dialogue and after
submitting, then restarted on the same DATA_DIR: nothing is lost."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.embedded import EmbeddedRedis

ROOT = Path(__file__).resolve().parents[2]


class ChatProcess:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.output = ""

    @classmethod
    async def start(cls, data_dir: Path) -> ChatProcess:
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        # A short outbox lease: what a killed chat left in flight is taken over soon.
        env.update(
            DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", POLICY_PATH="", OUTBOX_LEASE_SECONDS="1"
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "chat",
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        chat = cls(proc)
        await chat.wait_for("Type /cancel-account")
        return chat

    async def wait_for(self, pattern: str, seconds: float = 20.0) -> re.Match[str]:
        regex = re.compile(pattern)
        try:
            async with asyncio.timeout(seconds):
                await self._read_until(regex)
        except TimeoutError:
            raise AssertionError(f"no {pattern!r} within {seconds}s in:\n{self.output}") from None
        found = regex.search(self.output)
        assert found is not None
        return found

    async def _read_until(self, regex: re.Pattern[str]) -> None:
        assert self.proc.stdout is not None
        while not regex.search(self.output):
            chunk = await self.proc.stdout.read(4096)
            if not chunk:
                raise AssertionError(f"chat exited before {regex.pattern!r}:\n{self.output}")
            self.output += chunk.decode()

    async def send(self, *lines: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("".join(f"{line}\n" for line in lines).encode())
        await self.proc.stdin.drain()

    async def answer(self, line: str, expect: str) -> re.Match[str]:
        await self.send(line)
        return await self.wait_for(expect)

    async def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        self.output = ""


@pytest.fixture
async def data_dir(tmp_path: Path) -> AsyncIterator[Path]:
    data = tmp_path / "data"
    yield data
    EmbeddedRedis(data).stop()


async def test_killed_chat_resumes_dialogue_and_keeps_the_request(data_dir: Path) -> None:
    chat = await ChatProcess.start(data_dir)
    await chat.answer("/cancel-account", "What do you want to stop")
    await chat.answer("CRM", "Why should it be stopped")
    await chat.answer("too expensive", "When should it stop")
    await chat.kill()  # in the middle of the dialogue

    chat = await ChatProcess.start(data_dir)
    # The draft survived: the next answer continues at the date question.
    await chat.answer("next month", "Is the data backed up")
    await chat.answer("yes", "Which linked services")
    await chat.answer("none", "How should the subscription be handled")
    await chat.answer("refund", "Must any records be kept")
    await chat.answer("no", "Who should be told")
    await chat.answer("none", "Here is your stop request")
    found = await chat.answer("submit", r"Submitted as (SR-[0-9A-Z]{8})")
    rid = found.group(1)
    await chat.wait_for(rf"card {rid}:0\)")
    await chat.kill()  # right after submitting

    # Kill the embedded Redis too: the append-only file must bring everything back.
    server = EmbeddedRedis(data_dir)  # tmp_path is absolute
    await asyncio.sleep(1.2)  # appendfsync everysec
    pid = server.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)

    chat = await ChatProcess.start(data_dir)
    assert server.pid() != pid
    await chat.answer("/cancel-account status", rf"{rid} · CRM · waiting for department-head")
    # The approval card's buttons were remembered: the head can still click them.
    await chat.send("/as console:head")
    # (If the kill came between printing the card and recording that it was, the card
    # is still owed: the console cannot tell whether it went out, so the new chat prints
    # it again, and the decision updates it once it has.)
    await chat.answer("/click Approve", r"Approved by console:head")
    await chat.wait_for(rf"card {rid}:1\)")
    await chat.send("/quit")
    assert await asyncio.wait_for(chat.proc.wait(), 10) == 0
