"""Stop-request lifecycles per second and Redis bytes per dialogue / request.

The embedded Redis on a temp dir, the real handlers and app delivery (with an adapter
that only records a message reference, as Slack returns a ts). A lifecycle is: the
command, every dialogue answer typed, submit, then department head, IT and finance
approve (paid software). First one bot process, then (with --processes N > 1) N bot
processes sharing the Redis, as several `serve` processes would.

Run with `make bench`; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redis.asyncio import Redis

from bot import loop
from bot.app import App
from bot.config import Settings
from bot.storage.embedded import EmbeddedRedis
from bot.storage.keys import AUDIT_BUCKETS, Keys
from bot.storage.store import Store
from handlers.actions import Approve
from handlers.events import Actor, Click, Command, Event, Post, Reply, UserMessage

ANSWERS = ["CRM", "too expensive", "next month", "yes", "mailbox, sso", "refund", "no",
           "console:team", "submit"]  # fmt: skip
APPROVERS = ["console:head", "console:it", "console:finance"]
EVENTS_PER_LIFECYCLE = 1 + len(ANSWERS) + len(APPROVERS)


class RecordingAdapter:
    """Stands in for a platform: returns a message reference like Slack's ts."""

    platform = "console"

    def __init__(self) -> None:
        self.count = 0

    async def deliver(self, reply: Reply, ref: str | None = None) -> str | None:
        self.count += 1
        return f"ts-{self.count}"


async def make_app(redis: Redis) -> tuple[App, Store]:
    store = Store(redis, Keys(prefix="bench"))
    settings = Settings.load({}, dotenv=Path("/nonexistent"))
    app = await App.build(settings, store=store)
    app.register(RecordingAdapter(), fallback=True)
    return app, store


async def lifecycle(
    app: App, user: str, step: Callable[[Event], Awaitable[list[Reply]]] | None = None
) -> str:
    """One lifecycle; `step` handles each event (default: handle and deliver)."""
    step = step or app.dispatch
    actor = Actor(id=user)
    await step(Command(actor=actor, channel=user, name="cancel-account"))
    replies: list[Reply] = []
    for answer in ANSWERS:
        replies = await step(UserMessage(actor=actor, channel=user, text=answer, direct=True))
    card = next(r for r in replies if isinstance(r, Post) and r.key)
    assert card.key is not None
    rid = card.key.split(":")[0]
    for stage, approver in enumerate(APPROVERS):
        approve = Approve(rid, stage)
        click = Click(
            actor=Actor(id=approver), channel="c", action=approve.id, value=approve.pack()
        )
        await step(click)
    return rid


@dataclass
class Run:
    total: int
    elapsed: float
    cpu: float
    latencies: list[float]


async def throughput(url: str, worker: int, total: int, concurrency: int) -> Run:
    redis = Redis.from_url(url, decode_responses=True)
    app, _ = await make_app(redis)
    try:
        await lifecycle(app, f"console:w{worker}-warmup")
        latencies: list[float] = []
        sem = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            async with sem:
                t0 = time.perf_counter()
                await lifecycle(app, f"console:w{worker}-user{i}")
                latencies.append(time.perf_counter() - t0)

        t0, cpu0 = time.perf_counter(), time.process_time()
        await asyncio.gather(*(one(i) for i in range(total)))
        return Run(total, time.perf_counter() - t0, time.process_time() - cpu0, latencies)
    finally:
        await redis.aclose()


def _worker(args: tuple[str, int, int, int]) -> Run:
    return loop.run(throughput(*args))


def report(label: str, runs: list[Run]) -> None:
    total = sum(r.total for r in runs)
    elapsed = max(r.elapsed for r in runs)
    cpu = sum(r.cpu for r in runs)
    lat = sorted(x for r in runs for x in r.latencies)
    print(f"{label}: {total} lifecycles in {elapsed:.2f}s")
    print(
        f"  {total / elapsed:.0f} complete lifecycles/s "
        f"({total * EVENTS_PER_LIFECYCLE / elapsed:.0f} events/s)"
    )
    print(
        f"  bot CPU {cpu / total * 1000:.2f} ms per lifecycle "
        f"({cpu / (total * EVENTS_PER_LIFECYCLE) * 1e6:.0f} µs per event)"
    )
    print(
        f"  lifecycle latency p50 {lat[len(lat) // 2] * 1000:.0f} ms, "
        f"p99 {lat[int(len(lat) * 0.99) - 1] * 1000:.0f} ms"
    )


async def memory(url: str, sample: int, stored_before: int) -> None:
    redis = Redis.from_url(url, decode_responses=True)
    app, store = await make_app(redis)
    try:
        # Drafts parked at the summary step (their largest), and finished requests.
        for i in range(sample):
            actor = Actor(id=f"console:draft{i}")
            await app.dispatch(Command(actor=actor, channel=actor.id, name="cancel-account"))
            for answer in ANSWERS[:-1]:
                await app.dispatch(
                    UserMessage(actor=actor, channel=actor.id, text=answer, direct=True)
                )
        drafts = [
            await store.memory_usage(store.keys.dialogue(f"console:draft{i}"))
            for i in range(sample)
        ]
        rids = [await lifecycle(app, f"console:mem{i}") for i in range(sample)]
        own = [
            await store.memory_usage(store.keys.request(rid))
            + await store.memory_usage(store.keys.cards(rid))
            for rid in rids
        ]
        # Audit entries live in 256 shared streams: charge each request its share.
        stored = stored_before + sample
        streams = sum(
            [await store.memory_usage(store.keys.audit_bucket(b)) for b in range(AUDIT_BUCKETS)]
        )
        print(
            f"redis bytes per active dialogue (at the summary step): "
            f"{statistics.mean(drafts):.0f} (MEMORY USAGE, {sample} drafts)"
        )
        print(
            f"redis bytes per stored request: {statistics.mean(own) + streams / stored:.0f}"
            f" = request hash and card refs {statistics.mean(own):.0f}"
            f" + audit share {streams / stored:.0f}"
            f" ({stored} approved requests, 4 audit entries each)"
        )

        # The outbox: the messages of lifecycles whose replies were never delivered (as
        # a process that died after each commit leaves them), weighed in every bucket.
        async def outbox_bytes() -> int:
            keys = [
                key(b)
                for b in range(AUDIT_BUCKETS)
                for key in (store.keys.outbox, store.keys.outbox_due, store.keys.outbox_meta)
            ]
            return sum([await store.memory_usage(k) for k in keys])

        before, owed_before = await outbox_bytes(), await store.outbox.pending()
        for i in range(sample):
            await lifecycle(app, f"console:owed{i}", step=app.handle)
        owed = await store.outbox.pending() - owed_before
        print(
            f"redis bytes per owed message not yet delivered: "
            f"{(await outbox_bytes() - before) / owed:.0f} (outbox hash and due index, "
            f"{owed} messages of {sample} lifecycles; settled ones take none)"
        )
    finally:
        await redis.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--total", type=int, default=3000, help="lifecycles per run")
    parser.add_argument("--concurrency", type=int, default=50, help="users at once, per process")
    parser.add_argument("--processes", type=int, default=2, help="also run N processes (0: skip)")
    parser.add_argument("--sample", type=int, default=200, help="drafts/requests to weigh")
    args = parser.parse_args()

    server = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="stopbot-bench-")))
    url = server.ensure_running()
    try:
        report("1 process", [loop.run(throughput(url, 0, args.total, args.concurrency))])
        stored = args.total + 1
        if args.processes > 1:
            per = args.total // args.processes
            jobs = [(url, w + 1, per, args.concurrency) for w in range(args.processes)]
            with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
                runs = pool.map(_worker, jobs)
            report(f"{args.processes} processes, one Redis", runs)
            stored += per * args.processes + args.processes
        loop.run(memory(url, args.sample, stored))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
