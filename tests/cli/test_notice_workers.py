"""Shutdown notices sent by real `python -m bot worker` processes on one Redis, against
the fake Slack enforcing Slack's limits: two workers share a job and post nothing
twice; a worker SIGKILLed in the middle of a job (one post taken by Slack but never
answered, one caught before Slack took it) leaves it to the next worker, which looks
up what may have gone out before sending it again, and finishes it."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.storage.client import client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.store import Store
from handlers.ports import NoticeStatus
from tests.cli.test_cli import run
from tests.cli.test_outbox_processes import TOKEN, USERS, Deployment
from tests.fakes.slack.bot import POLICY
from tests.fakes.slack.holding import HoldingSlack

TEXT = "CRM will be shut down on Friday."


@pytest.fixture
async def deployment(tmp_path: Path) -> AsyncIterator[Deployment]:
    fake = HoldingSlack(token=TOKEN, clock=lambda: datetime.now(UTC))
    await fake.start()
    for user in USERS:
        fake.set_user(user)
    fake.limit(per_channel=1.0, workspace=200.0)
    async with aiohttp.ClientSession() as session:
        d = Deployment(tmp_path, fake, session)
        (tmp_path / "policy.yaml").write_text(POLICY + "broadcast:\n  rate_per_second: 200\n")
        d.env["OUTBOX_LEASE_SECONDS"] = "2"
        yield d
    await fake.stop()
    EmbeddedRedis(tmp_path / "data").stop()


async def queue(d: Deployment, channels: list[str]) -> str:
    listing = d.tmp / "targets.txt"
    listing.write_text("\n".join(f"slack:{c}" for c in channels) + "\n")
    out = await asyncio.to_thread(
        run, "notice", "send", "--to", f"@{listing}", "--text", TEXT, "--yes", env=d.env
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()[-1]


async def finished(d: Deployment, job: str) -> NoticeStatus:
    """Waits, call after call to the fake Slack, until the job is done."""
    client = client_for_url(EmbeddedRedis((d.tmp / "data").resolve()).url)
    try:
        store = Store(client)
        while True:
            status = await store.notices.status(job)
            assert status is not None
            if status.state == "done":
                return status
            seen = len(d.fake.calls)
            await d.fake.until(lambda n=seen: len(d.fake.calls) > n, seconds=60)
    finally:
        await client.aclose()


def notices(fake: HoldingSlack) -> Counter[str]:
    return Counter(channel for (channel, _), m in fake.messages.items() if m["text"] == TEXT)


async def test_two_workers_share_a_job_and_post_nothing_twice(deployment: Deployment) -> None:
    d = deployment
    channels = [f"C{n:04d}" for n in range(200)]
    job = await queue(d, channels)
    workers = [await d.worker(), await d.worker()]
    status = await finished(d, job)
    assert (status.sent, status.failed) == (200, 0)
    assert notices(d.fake) == Counter(channels)
    for worker in workers:
        assert await worker.terminate() == 0


async def test_a_worker_killed_mid_job_leaves_it_to_the_next_which_sends_nothing_twice(
    deployment: Deployment,
) -> None:
    d, fake = deployment, deployment.fake
    channels = [f"C{n:04d}" for n in range(150)]
    # One post Slack takes but whose answer never comes back, one Slack never sees.
    taken = fake.hold("chat.postMessage", "C0040", taken=True)
    lost = fake.hold("chat.postMessage", "C0041", taken=False)
    job = await queue(d, channels)
    first = await d.worker()
    await taken.arrived.wait()
    await lost.arrived.wait()
    await first.kill()
    taken.release()
    lost.release(drop=True)
    assert len(fake.posted("C0040")) == 1 and fake.posted("C0041") == []

    second = await d.worker()
    status = await finished(d, job)
    assert (status.sent, status.failed) == (150, 0)
    # Every channel has the notice once: what the dead worker had begun was looked up
    # by its label in the channel's history (and found, or sent).
    assert notices(fake) == Counter(channels)
    looked_up = {c.params["channel"] for c in fake.calls_to("conversations.history")}
    assert {"C0040", "C0041"} <= looked_up
    assert await second.terminate() == 0
