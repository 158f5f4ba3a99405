"""Stop-request lifecycles per second and Redis bytes per dialogue / request.

One process, the embedded Redis on a temp dir, the real handlers and app delivery
(with an adapter that only records a message reference). A lifecycle is: the
command, every dialogue answer typed, submit, then department head, IT and finance
approve (paid software). Run with `make bench`; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redis.asyncio import Redis

from bot.app import App
from bot.clock import SystemClock
from bot.config import Settings
from bot.events import Actor, Click, Command, Post, Reply, UserMessage
from bot.policy import bundled_policy_path, load_policy
from bot.storage.embedded import EmbeddedRedis
from bot.storage.keys import AUDIT_BUCKETS, Keys
from bot.storage.store import Store
from handlers.router import Handlers
from handlers.services import Services

ANSWERS = [
    "CRM",
    "too expensive",
    "next month",
    "yes",
    "mailbox, sso",
    "refund",
    "no",
    "console:team",
    "submit",
]
APPROVERS = ["console:head", "console:it", "console:finance"]


class RecordingAdapter:
    """Stands in for a platform: returns a message reference like Slack's ts."""

    platform = "console"

    def __init__(self) -> None:
        self.count = 0

    async def deliver(self, reply: Reply, ref: str | None = None) -> str | None:
        self.count += 1
        return f"ts-{self.count}"


async def lifecycle(app: App, user: str) -> str:
    actor = Actor(id=user)
    await app.dispatch(Command(actor=actor, channel=user, name="cancel-account"))
    replies: list[Reply] = []
    for answer in ANSWERS:
        replies = await app.dispatch(UserMessage(actor=actor, channel=user, text=answer))
    card = next(r for r in replies if isinstance(r, Post) and r.key)
    rid = card.key.split(":")[0]  # type: ignore[union-attr]
    for stage, approver in enumerate(APPROVERS):
        await app.dispatch(
            Click(actor=Actor(id=approver), channel="c", action="approve", value=f"{rid}|{stage}")
        )
    return rid


async def run(total: int, concurrency: int, sample: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="stopbot-bench-"))
    server = EmbeddedRedis(tmp)
    url = server.ensure_running()
    redis = Redis.from_url(url, decode_responses=True)
    try:
        policy = load_policy(bundled_policy_path())
        store = Store(redis, Keys(prefix="bench"))
        services = Services(store=store, policy=policy, clock=SystemClock())
        app = App(
            settings=Settings.load({}, dotenv=Path("/nonexistent")),
            services=services,
            handlers=Handlers(services),
        )
        app.register(RecordingAdapter(), fallback=True)

        await lifecycle(app, "console:warmup")
        latencies: list[float] = []
        sem = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            async with sem:
                t0 = time.perf_counter()
                await lifecycle(app, f"console:user{i}")
                latencies.append(time.perf_counter() - t0)

        t0, cpu0 = time.perf_counter(), time.process_time()
        await asyncio.gather(*(one(i) for i in range(total)))
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        per_s = total / elapsed
        events = total * (1 + len(ANSWERS) + len(APPROVERS))
        print(f"lifecycles: {total} in {elapsed:.2f}s, concurrency {concurrency}")
        print(f"  {per_s:.0f} complete lifecycles/s ({events / elapsed:.0f} events/s)")
        print(
            f"  bot process CPU {cpu / total * 1000:.2f} ms per lifecycle "
            f"({cpu / events * 1e6:.0f} µs per event; the Redis server runs on the other core)"
        )
        print(
            f"  lifecycle latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"p99 {sorted(latencies)[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms"
        )

        # Memory: drafts parked at the summary step (their largest), and finished requests.
        for i in range(sample):
            actor = Actor(id=f"console:draft{i}")
            await app.dispatch(Command(actor=actor, channel=actor.id, name="cancel-account"))
            for answer in ANSWERS[:-1]:
                await app.dispatch(UserMessage(actor=actor, channel=actor.id, text=answer))
        dialogue_bytes = [
            await store.memory_usage(store.keys.dialogue(f"console:draft{i}"))
            for i in range(sample)
        ]
        rids = [await lifecycle(app, f"console:mem{i}") for i in range(sample)]
        own = []
        for rid in rids:
            own.append(
                await store.memory_usage(store.keys.request(rid))
                + await store.memory_usage(store.keys.cards(rid))
            )
        # Audit entries live in 256 shared streams: charge each request its share.
        stored = total + 1 + sample
        streams = sum(
            [await store.memory_usage(store.keys.audit_bucket(b)) for b in range(AUDIT_BUCKETS)]
        )
        per_request = statistics.mean(own) + streams / stored
        print(
            f"redis bytes per active dialogue (at summary): "
            f"{statistics.mean(dialogue_bytes):.0f} (MEMORY USAGE, {sample} drafts)"
        )
        print(
            f"redis bytes per stored request: {per_request:.0f} = hash+card refs "
            f"{statistics.mean(own):.0f} + audit share {streams / stored:.0f} "
            f"({stored} approved requests, 4 audit entries each)"
        )
    finally:
        await redis.aclose()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--total", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.total, args.concurrency, args.sample))


if __name__ == "__main__":
    main()
