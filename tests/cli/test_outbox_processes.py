"""Real `python -m bot serve` and `worker` processes on one Redis, against the fake
Slack in this process. A process is stopped at an exact point of a send from outside
it: the fake holds that call open, the test SIGKILLs the process, and another one
takes over what it owed. Every approval card and notice arrives, once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.storage.client import client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.store import Store
from tests.fakes.slack import requests as sr
from tests.fakes.slack.bot import POLICY
from tests.fakes.slack.holding import HoldingSlack

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret"
USERS = ("UEMP", "UHEAD", "UIT", "UFIN", "UADMIN")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bot:
    """One bot process; its JSON log lines are read as they come."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.logs: list[dict[str, Any]] = []
        self._new = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, command: str, env: dict[str, str]) -> Bot:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", command,
            cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        bot = cls(proc)
        await bot.logged(lambda e: e.get("msg") in ("serving", "working"))
        return bot

    async def _read(self) -> None:
        assert self.proc.stderr is not None
        async for line in self.proc.stderr:
            try:
                self.logs.append(json.loads(line))
            except ValueError:
                self.logs.append({"msg": line.decode(errors="replace")})
            self._new.set()
        self._new.set()

    async def logged(self, wanted: Callable[[dict[str, Any]], bool], seconds: float = 30) -> None:
        async with asyncio.timeout(seconds):
            while not any(wanted(e) for e in self.logs):
                if self._reader.done():
                    raise AssertionError(f"the process ended: {self.logs}")
                self._new.clear()
                await self._new.wait()

    async def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        await self._reader

    async def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), 30)
        await self._reader
        return code


class Deployment:
    """A DATA_DIR (its embedded Redis shared by every process), the policy, the fake."""

    def __init__(self, tmp: Path, fake: HoldingSlack, session: aiohttp.ClientSession) -> None:
        self.tmp = tmp
        self.fake = fake
        self.session = session
        self.url = ""
        policy = tmp / "policy.yaml"
        policy.write_text(POLICY)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DINGTALK_"))}
        base.pop("REDIS_URL", None)
        self.env = {
            **base,
            "DATA_DIR": str(tmp / "data"),
            "POLICY_PATH": str(policy),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.base_url,
            "HOST": "127.0.0.1",
            "BOT_TIMEZONE": "UTC",
            "LOG_LEVEL": "INFO",
            # A dead process's messages are taken over after a second, not twenty.
            "OUTBOX_LEASE_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }

    async def serve(self) -> Bot:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/slack/events"
        return await Bot.start("serve", {**self.env, "PORT": str(port)})

    async def worker(self) -> Bot:
        return await Bot.start("worker", self.env)

    async def send(self, body: str, form: bool = True) -> None:
        kind = sr.FORM if form else sr.JSON
        status, _ = await sr.post(self.session, self.url, body, SECRET, kind)
        assert status == 200

    async def posts(self, channel: str, count: int) -> list[dict[str, Any]]:
        """Waits until `channel` has at least `count` messages; returns them all."""
        await self.fake.until(lambda: len(self.fake.posted(channel)) >= count)
        return self.fake.posted(channel)

    async def file_request(self, user: str = "UEMP") -> None:
        """The stop-request dialogue, typed in the DM as a user would, up to `submit`."""
        dm = f"D{user}"
        await self.send(sr.slash_command("/cancel-account", "", user, "CGENERAL"))
        await self.posts(dm, 1)
        stop = (date.today() + timedelta(days=30)).isoformat()
        for text in ["CRM", "too expensive", stop, "yes", "none", "refund", "no", "none"]:
            before = len(self.fake.posted(dm))
            await self.dm(user, text)
            await self.posts(dm, before + 1)
        await self.dm(user, "submit")

    async def dm(self, user: str, text: str) -> None:
        body = sr.event(sr.direct_message(user, text), event_id=f"Ev{time.time_ns()}")
        await self.send(body, form=False)

    async def click(self, user: str, channel: str, label: str) -> None:
        message = self.fake.posted(channel)[-1]
        for block in message.get("blocks", []):
            for element in block.get("elements", []) if block["type"] == "actions" else []:
                if element["type"] == "button" and element["text"]["text"] == label:
                    await self.send(
                        sr.block_action(
                            user, channel, element["action_id"], element["value"],
                            message_ts=message["ts"], block_id=block.get("block_id", "b1"),
                        )
                    )  # fmt: skip
                    return
        raise AssertionError(f"no {label!r} button on the last message in {channel}")

    async def pending(self) -> int:
        client = client_for_url(EmbeddedRedis((self.tmp / "data").resolve()).url)
        try:
            return await Store(client).outbox.pending()
        finally:
            await client.aclose()


@pytest.fixture
async def deployment(tmp_path: Path) -> AsyncIterator[Deployment]:
    # Message ts follow the wall clock, as on Slack: a lookup after a crash searches
    # the history from when the message was put in flight.
    fake = HoldingSlack(token=TOKEN, clock=lambda: datetime.now(UTC))
    await fake.start()
    for user in USERS:
        fake.set_user(user)
    async with aiohttp.ClientSession() as session:
        yield Deployment(tmp_path, fake, session)
    await fake.stop()
    EmbeddedRedis(tmp_path / "data").stop()


def _texts(message: dict[str, Any]) -> str:
    return message.get("text", "") + json.dumps(message.get("blocks", []), ensure_ascii=False)


async def test_processes_killed_mid_send_lose_nothing_and_send_nothing_twice(
    deployment: Deployment,
) -> None:
    d, fake = deployment, deployment.fake
    first = await d.serve()
    # The approval card's post is caught before Slack takes it...
    card_held = fake.hold("chat.postMessage", "CHEAD", taken=False)
    await d.file_request()
    await card_held.arrived.wait()
    # ...and the process that committed the request dies right there.
    await first.kill()
    card_held.release(drop=True)  # Slack never saw that post
    assert fake.posted("CHEAD") == []

    # Another process takes the card over once the lease is out: the entry was in
    # flight, so it looks in the channel first, finds nothing, and posts it.
    second = await d.serve()
    [card] = await d.posts("CHEAD", 1)
    [submitted] = [m for m in fake.posted("DUEMP") if "Submitted as" in m["text"]]
    rid = submitted["text"].split("Submitted as ")[1][:11]
    assert rid in _texts(card)
    assert [c.params["channel"] for c in fake.calls_to("conversations.history")] == ["CHEAD"]

    # The head approves. The requester's notice is taken by Slack, but its answer is
    # held, and this process dies before it can record that it was sent.
    notice_held = fake.hold("chat.postMessage", "DUEMP", taken=True)
    await d.click("UHEAD", "CHEAD", "Approve")
    await notice_held.arrived.wait()
    await second.kill()
    notice_held.release()

    # A worker takes over: it finds the notice in the DM by its outbox id and does not
    # send it again; the IT card and the rewrite of the head's card go out.
    worker = await d.worker()
    [it_card] = await d.posts("CIT", 1)
    assert rid in _texts(it_card)
    await fake.until(lambda: "Approved by" in _texts(fake.message("CHEAD", card["ts"])))
    # (Everything that process had put in flight is looked up before it is sent.)
    await fake.until(lambda: len(fake.calls_to("conversations.history")) == 3)
    # SIGTERM: the worker finishes what it is doing (settling the notice it found) and
    # stops; nothing is left owed.
    assert await worker.terminate() == 0
    assert await d.pending() == 0

    notices = [m for m in fake.posted("DUEMP") if "department-head approved" in _texts(m)]
    assert len(notices) == 1
    looked_up = [c.params["channel"] for c in fake.calls_to("conversations.history")]
    assert looked_up[0] == "CHEAD" and sorted(looked_up[1:]) == ["CIT", "DUEMP"]
    assert len(fake.posted("CHEAD")) == 1 and len(fake.posted("CIT")) == 1
