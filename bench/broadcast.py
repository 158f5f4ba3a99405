"""Shutdown notices to 1,000 and 10,000 channels, sent by 1 and 2 real `python -m bot
worker` processes (the Broadcaster: claims under a lease, the shared Pacer, the Slack
adapter, settle), against the fake Slack of the tests enforcing Slack's limits: one
post a second per channel and a workspace budget (100 posts a second by default, a
second's worth of burst), 429 with Retry-After over either. The job is queued with
`stopbot notice send` once the workers run. Prints, per run: completion time (first
post to last accepted post, at the fake) against the floor (targets / budget; the
policy's ceiling is the budget), duplicates and channels missed (both must be 0),
429s, and the Redis bytes per target of the job (MEMORY USAGE of every part, when
queued and when done).

With --pacer, the earlier figures too: the Pacer alone (bot/delivery/pacing.py),
driven by 1 and 2 `python -m tests.paced_sender` processes (the tests' sender: turn,
post, throttled/succeeded) taking channels from one Redis list: completion time,
duplicates, 429s, posts that arrived inside a Retry-After (and whether each was
already on its way when the 429 was known), the wait of an interactive post made
once a second during the broadcast, and the Redis memory of the pacing keys at their
peak; one more run sets the ceiling above the budget, so the adaptive rate has to
find the budget from the 429s. Embedded Redis on a temp dir; asserts nothing. The
default runs take about four minutes, most of it the floor itself (10,000 posts at
100 a second, twice).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot import loop
from bot.delivery.pacing import Pacer
from bot.storage.client import RedisClient, client_for_url, result
from bot.storage.embedded import EmbeddedRedis
from bot.storage.keys import Keys
from bot.storage.store import Store
from tests.fakes.slack.api import FakeSlack
from tests.paced_sender import Attempt, Job, PacedSender, attempt_of, read_attempts

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "xoxb-bench-token"


@dataclass
class Run:
    targets: int
    processes: int
    budget: float
    ceiling: float
    elapsed: float = 0.0  # first post to last accepted post, at the fake (s)
    wall: float = 0.0  # senders started to senders done (s), process start-up included
    duplicates: int = 0
    missed: int = 0
    limited: int = 0  # 429s answered
    early: int = 0  # posts that arrived inside a Retry-After
    early_sent_in_pause: int = 0  # ... of which sent after the 429 was known: must be 0
    probe_waits: list[float] = field(default_factory=list)  # interactive turns (s)
    peak_bytes: int = 0
    peak_keys: int = 0

    @property
    def floor(self) -> float:
        return self.targets / self.budget


async def pacing_memory(redis: RedisClient, keys: Keys) -> tuple[int, int]:
    """(bytes, keys) the pacing keys take now."""
    names = [k async for k in redis.scan_iter(match=f"{keys.prefix}:{{pace:slack}}:*", count=1000)]
    if not names:
        return 0, 0
    pipe = redis.pipeline(transaction=False)
    for name in names:
        pipe.memory_usage(name, samples=0)
    sizes = await pipe.execute()
    return sum(int(s or 0) for s in sizes), len(names)


async def watch_memory(redis: RedisClient, keys: Keys, run: Run, done: asyncio.Event) -> None:
    while not done.is_set():
        size, count = await pacing_memory(redis, keys)
        run.peak_bytes = max(run.peak_bytes, size)
        run.peak_keys = max(run.peak_keys, count)
        try:
            await asyncio.wait_for(done.wait(), 0.5)
        except TimeoutError:
            pass


async def probe(
    redis: RedisClient, keys: Keys, fake: FakeSlack, run: Run, done: asyncio.Event
) -> list[Attempt]:
    """An approval card once a second on the interactive lane, while the broadcast runs."""
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(
            token=TOKEN, base_url=fake.base_url, session=session, retry_handlers=[]
        )
        pacer = Pacer(redis, keys, "slack", run.ceiling)
        sender = PacedSender(pacer, client, "interactive", "probe")
        n = 0
        while not done.is_set():
            n += 1
            asked = time.monotonic()
            await sender.post(Job(f"CPROBE{n}", f"probe {n}"))
            run.probe_waits.append(time.monotonic() - asked)
            try:
                await asyncio.wait_for(done.wait(), 1.0)
            except TimeoutError:
                pass
        return sender.attempts


async def broadcast(redis_url: str, run: Run, workers: int, tmp: Path) -> None:
    keys = Keys(prefix=f"b{uuid.uuid4().hex[:8]}")
    redis = client_for_url(redis_url)
    fake = FakeSlack(token=TOKEN)
    await fake.start()
    fake.limit(per_channel=1.0, workspace=run.budget, workspace_burst=run.budget)
    queue = f"{keys.prefix}:bench:queue"
    jobs = [Job(f"C{i:06d}", f"notice {i}") for i in range(run.targets)]
    for start in range(0, len(jobs), 1000):
        await result(redis.rpush(queue, *(j.pack() for j in jobs[start : start + 1000])))
    outs = [tmp / f"{keys.prefix}-p{n}.jsonl" for n in range(run.processes)]
    done = asyncio.Event()
    try:
        began = time.monotonic()
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.paced_sender",
                *("--redis", redis_url, "--prefix", keys.prefix, "--queue", queue),
                *("--slack", fake.base_url, "--token", TOKEN, "--ceiling", str(run.ceiling)),
                *("--workers", str(workers), "--name", f"p{n}", "--out", str(out)),
                cwd=ROOT,
            )
            for n, out in enumerate(outs)
        ]
        memory = asyncio.create_task(watch_memory(redis, keys, run, done))
        await fake.wait_for("chat.postMessage", count=1, timeout=60)
        prober = asyncio.create_task(probe(redis, keys, fake, run, done))
        for proc in procs:
            await proc.wait()
        run.wall = time.monotonic() - began
        done.set()
        probes = await prober
        await memory
    finally:
        await fake.stop()

    attempts = {a.id: a for out in outs for a in read_attempts(out)}
    attempts.update({a.id: a for a in probes})
    posts = [c for c in fake.calls_to("chat.postMessage") if c.params["channel"].startswith("C0")]
    accepted = [c for c in posts if c.status == 200]
    run.elapsed = max(c.at for c in accepted) - min(c.at for c in posts)
    counts = Counter(m["text"] for m in fake.messages.values() if m["text"].startswith("notice"))
    run.duplicates = sum(n - 1 for n in counts.values())
    run.missed = run.targets - len(counts)
    run.limited = sum(c.status == 429 for c in fake.calls_to("chat.postMessage"))
    for limited, early in fake.early_calls():
        run.early += 1
        known = attempts[attempt_of(limited.params) or ""].throttled
        granted = attempts[attempt_of(early.params) or ""].granted
        run.early_sent_in_pause += known is not None and granted >= known
    async for key in redis.scan_iter(match=f"{keys.prefix}:*", count=1000):
        await redis.delete(key)
    await redis.aclose()


NOTICE = "CRM will be shut down on Friday: export what you need before then."
POLICY = """
admins: [slack:UADMIN]
approval:
  stages:
    - {name: it, approvers: [slack:UIT], channel: slack:CIT}
catalog:
  - {name: CRM, paid: true}
broadcast:
  rate_per_second: %s
"""


@dataclass
class JobRun:
    targets: int
    processes: int
    budget: float
    elapsed: float = 0.0  # first post to last accepted post, at the fake (s)
    duplicates: int = 0
    missed: int = 0
    limited: int = 0
    sent: int = 0
    failed: int = 0
    queued_bytes: int = 0  # the job in Redis just after it was queued
    done_bytes: int = 0  # ... and once every target was settled

    @property
    def floor(self) -> float:
        return self.targets / self.budget


async def notice_job(run: JobRun) -> None:
    """One real job through `worker` processes; fills `run`."""
    tmp = Path(tempfile.mkdtemp(prefix="stopbot-notice-bench-"))
    data = tmp / "data"
    policy = tmp / "policy.yaml"
    policy.write_text(POLICY % run.budget)
    listing = tmp / "targets.txt"
    channels = [f"C{i:06d}" for i in range(run.targets)]
    listing.write_text("".join(f"slack:{c}\n" for c in channels))
    fake = FakeSlack(token=TOKEN, clock=lambda: datetime.now(UTC))
    await fake.start()
    fake.set_user("UADMIN")
    fake.limit(per_channel=1.0, workspace=run.budget, workspace_burst=run.budget)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DINGTALK_"))},
        "DATA_DIR": str(data),
        "POLICY_PATH": str(policy),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "bench-secret",
        "SLACK_API_URL": fake.base_url,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    redis = client_for_url(await asyncio.to_thread(EmbeddedRedis(data).ensure_running))
    store = Store(redis)
    workers = []
    for _ in range(run.processes):
        workers.append(
            await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "bot", "worker"),
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        )
    try:
        await asyncio.sleep(3)  # let them start: the floor is measured at the fake anyway
        sent = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "notice", "send", "--to", f"@{listing}",
            "--text", NOTICE, "--yes", cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, _ = await sent.communicate()
        job = out.decode().splitlines()[-1]
        run.queued_bytes = sum((await store.notices.memory(job)).values())
        while True:
            status = await store.notices.status(job, failures=0)
            if status is not None and status.state == "done":
                break
            await asyncio.sleep(0.5)
        run.sent, run.failed = status.sent, status.failed
        run.done_bytes = sum((await store.notices.memory(job)).values())
    finally:
        for proc in workers:
            proc.send_signal(signal.SIGTERM)
        for proc in workers:
            await proc.wait()
        await redis.aclose()
        await fake.stop()
        await asyncio.to_thread(EmbeddedRedis(data).stop)
        shutil.rmtree(tmp, ignore_errors=True)
    posts = [c for c in fake.calls_to("chat.postMessage") if c.params["channel"].startswith("C")]
    accepted = [c for c in posts if c.status == 200]
    run.elapsed = max(c.at for c in accepted) - min(c.at for c in posts)
    counts = Counter(c for (c, _), m in fake.messages.items() if m["text"] == NOTICE)
    run.duplicates = sum(n - 1 for n in counts.values())
    run.missed = run.targets - len(counts)
    run.limited = sum(c.status == 429 for c in posts)


def report_job(run: JobRun) -> None:
    print(
        f"{run.targets:>6} channels, {run.processes} worker(s): {run.elapsed:6.1f} s vs floor "
        f"{run.floor:.1f} s = {run.elapsed / run.floor:.2f}x (aim <= 1.1x); "
        f"sent {run.sent}, failed {run.failed}, duplicates {run.duplicates}, "
        f"missed {run.missed}, 429s {run.limited}; Redis per target "
        f"{run.queued_bytes / run.targets:.0f} B queued, {run.done_bytes / run.targets:.0f} B "
        f"done (aim <= 200)"
    )


def report(run: Run) -> None:
    ratio = run.elapsed / run.floor
    waits = sorted(run.probe_waits) or [math.nan]
    print(
        f"{run.targets:>6} channels, {run.processes} process(es), ceiling {run.ceiling:g}/s: "
        f"{run.elapsed:6.1f} s vs floor {run.floor:.1f} s = {ratio:.2f}x "
        f"(aim <= 1.1x); wall {run.wall:.1f} s with start-up"
    )
    print(
        f"       duplicates {run.duplicates}, missed {run.missed}, 429s {run.limited}, "
        f"inside a Retry-After {run.early} (sent during a pause: {run.early_sent_in_pause}); "
        f"interactive wait p50 {statistics.median(waits) * 1000:.0f} ms, "
        f"max {waits[-1] * 1000:.0f} ms over {len(run.probe_waits)} posts; "
        f"pacing keys at peak {run.peak_keys} taking {run.peak_bytes} B "
        f"({run.peak_bytes / run.targets:.1f} B per target)"
    )


async def main_async(args: argparse.Namespace) -> None:
    server = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="stopbot-bench-")))
    redis_url = await asyncio.to_thread(server.ensure_running)
    tmp = Path(tempfile.mkdtemp(prefix="stopbot-broadcast-"))
    print(
        f"fake Slack: 1 post/s per channel, workspace budget {args.budget:g} posts/s "
        f"(burst {args.budget:g}); {args.workers} sending tasks per process"
    )
    try:
        print("notice jobs through `worker` processes:")
        for targets in args.targets:
            for processes in args.processes:
                job_run = JobRun(targets, processes, args.budget)
                await notice_job(job_run)
                report_job(job_run)
        if not args.pacer:
            return
        print(f"the Pacer alone ({args.workers} sending tasks per process):")
        for targets in args.targets:
            for processes in args.processes:
                run = Run(targets, processes, args.budget, args.budget)
                await broadcast(redis_url, run, args.workers, tmp)
                report(run)
        if args.adaptive:
            targets = min(args.targets)
            run = Run(targets, max(args.processes), args.budget, args.budget * 1.5)
            await broadcast(redis_url, run, args.workers, tmp)
            print("adaptive: the ceiling above the budget, the rate found from the 429s")
            report(run)
    finally:
        await asyncio.to_thread(server.stop)
        shutil.rmtree(server.data_dir, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--targets", type=lambda s: [int(n) for n in s.split(",")], default=[1000, 10000]
    )
    parser.add_argument(
        "--processes", type=lambda s: [int(n) for n in s.split(",")], default=[1, 2]
    )
    parser.add_argument("--budget", type=float, default=100.0, help="workspace posts/s")
    parser.add_argument("--workers", type=int, default=32, help="sending tasks per process")
    parser.add_argument("--no-adaptive", dest="adaptive", action="store_false")
    parser.add_argument("--pacer", action="store_true", help="also the Pacer alone")
    loop.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
