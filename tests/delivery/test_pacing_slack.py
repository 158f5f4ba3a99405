"""The Pacer for real: Redis's own clock, and senders in two processes posting to the
fake Slack while it enforces Slack's limits (one post a second per channel, a
workspace budget below the Pacer's ceiling, 429 with Retry-After over either)."""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.pacing import Pacer
from bot.storage.client import client_for_url, result
from bot.storage.keys import Keys
from bot.storage.store import Store
from handlers.ports import StorageDown
from tests.fakes.slack.api import FakeSlack
from tests.paced_sender import Attempt, Job, PacedSender, attempt_of, read_attempts

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "xoxb-pacing-token"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(token=TOKEN) as fake:
        yield fake


async def test_redis_clock_spacing_and_pause(store: Store) -> None:
    """Real waits, kept short: a post a second on one channel, and nothing before a
    pause has passed. (Lower bounds only: the waits are the point, not their speed.)"""
    pacer = Pacer(store.redis, store.keys, "slack", ceiling=50.0)
    first = await pacer.turn("interactive", "C1")
    second = await pacer.turn("interactive", "C1")
    assert second >= first + 1.0
    began = await pacer.throttled(0.5)
    after_pause = await pacer.turn("bulk", "C2")
    assert after_pause >= began + 0.5


async def test_a_card_rewrite_is_not_held_to_the_channels_second(store: Store) -> None:
    """chat.update is not a post: only the pause and the lane's budget apply to it,
    and it does not use up the channel's second either."""
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(seconds)

    pacer = Pacer(store.redis, store.keys, "slack", ceiling=50.0, sleep=sleep)
    await pacer.turn("interactive", "C1")
    await pacer.turn("interactive", None)
    await pacer.turn("interactive", None)
    assert waits == []
    await pacer.turn("interactive", "C1")  # the channel's second, from the first post
    assert waits and 0.9 < sum(waits) <= 1.0


async def test_redis_down_is_storage_down() -> None:
    """A sender told StorageDown treats it like any transient failure."""
    redis = client_for_url("redis://127.0.0.1:1")  # nothing listens there
    pacer = Pacer(redis, Keys(prefix="down"), "slack", ceiling=5.0)
    try:
        for call in (pacer.turn("bulk", "C1"), pacer.throttled(1.0)):
            with pytest.raises(StorageDown):
                await call
    finally:
        await redis.aclose()


async def start_sender(
    name: str, redis_url: str, store: Store, queue: str, fake: FakeSlack, out: Path
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.paced_sender",
        *("--redis", redis_url, "--prefix", store.keys.prefix, "--queue", queue),
        *("--slack", fake.base_url, "--token", TOKEN, "--ceiling", "40"),
        *("--workers", "8", "--name", name, "--out", str(out)),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def finish(proc: asyncio.subprocess.Process) -> None:
    try:
        async with asyncio.timeout(120):
            output, _ = await proc.communicate()
    except TimeoutError:
        proc.kill()
        raise AssertionError("a sender did not finish within 120 s") from None
    assert proc.returncode == 0, output.decode()


async def test_two_processes_post_everything_once_and_respect_retry_after(
    store: Store, redis_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    slack.limit(per_channel=1.0, workspace=10.0, workspace_burst=2)
    # 50 posts: 5 channels get three each (paced a second apart), 35 get one.
    jobs = [Job(f"CMULTI{c}", f"multi {c}.{n}") for n in range(3) for c in range(5)]
    jobs += [Job(f"CONE{c}", f"one {c}") for c in range(35)]
    queue = f"{store.keys.prefix}:test:queue"
    await result(store.redis.rpush(queue, *(job.pack() for job in jobs)))
    outs = [tmp_path / "p1.jsonl", tmp_path / "p2.jsonl"]
    procs = [
        await start_sender(f"p{n + 1}", redis_url, store, queue, slack, out)
        for n, out in enumerate(outs)
    ]

    # While both processes keep the bulk lane saturated, a third process (this one)
    # posts an approval card on the interactive lane.
    await slack.wait_for("chat.postMessage", count=10, timeout=60)
    probe_redis = client_for_url(redis_url)
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token=TOKEN, base_url=slack.base_url, session=session)
        probe = PacedSender(
            Pacer(probe_redis, store.keys, "slack", ceiling=40.0), client, "interactive", "probe"
        )
        asked = time.monotonic()
        card = await probe.post(Job("CAPPROVERS", "approval card"))
        waited = time.monotonic() - asked
    await probe_redis.aclose()
    for proc in procs:
        await finish(proc)

    attempts = {a.id: a for out in outs for a in read_attempts(out)}
    attempts.update({a.id: a for a in probe.attempts})
    posts = slack.calls_to("chat.postMessage")

    # Every post was accepted exactly once, and Slack's limits were really hit.
    texts = Counter(m["text"] for m in slack.messages.values())
    assert texts == Counter([job.text for job in jobs] + ["approval card"])
    assert card.outcome == "ok"
    assert any(call.status == 429 for call in posts)

    # No request was sent while a Retry-After was running: a post that arrived in a
    # pause had been given its turn before the 429 that began it was known.
    def attempt(params: dict[str, object]) -> Attempt:
        found = attempt_of(params)
        assert found is not None
        return attempts[found]

    for limited, early in slack.early_calls():
        known = attempt(limited.params).throttled
        assert known is not None
        assert attempt(early.params).granted < known, (limited, early)

    # The interactive post did not wait for the broadcast to drain: bulk posts were
    # still being accepted after it.
    card_at = next(c.at for c in posts if c.status == 200 and c.params["channel"] == "CAPPROVERS")
    assert any(c.status == 200 and c.at > card_at for c in posts)
    print(
        f"\ninteractive post: waited {waited * 1000:.0f} ms for its turn and answer while "
        f"bulk was saturated; {sum(c.status == 429 for c in posts)} 429s of {len(posts)} posts, "
        f"{len(slack.early_calls())} posts already in flight when a 429 was answered"
    )
