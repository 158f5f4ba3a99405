"""Slack under load: ack latency and requests/s of `serve` against a bare bolt app.

N simulated users send signed requests to POST /slack/events, the way Slack would:
the /cancel-account slash command, a DM message event for every dialogue answer
(waiting each time for the bot's reply in the DM, so the dialogue really advances),
then the approvers' "Approve" clicks on the cards the bot posted to the stage
channels (waiting for each card). Slack's Web API is the local fake of the tests
(tests/fakes/slack/api.py), storage the embedded Redis on a temp dir.

In the same run, the ceiling: a bare slack_bolt AsyncApp whose listeners only ack,
behind the same aiohttp adapter, hit by the same users with the same requests.

Each server runs in a process of its own (as `serve` does), the simulated users and
the fake Slack in this one, so that the client's CPU is not charged to the server.
Everything listens on 127.0.0.1; every wait has a timeout and the whole load a
deadline. Run with `make bench`; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import multiprocessing
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
FAQ_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "faq-index"

import aiohttp
from aiohttp import web

from bench.load_runs import load_parser, quantile_ms, quiet
from bot import loop
from bot.adapters.slack import wire
from bot.storage.client import client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.store import Store
from handlers.actions import Approve
from tests.fakes.slack import requests as sr
from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.bot import start_bot

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
STAGES = [("UHEAD", "CHEAD"), ("UIT", "CIT"), ("UFIN", "CFIN")]  # approver, channel


def answers() -> list[str]:
    """Every dialogue step answered as typed text; the stop date a month from today."""
    stop_date = (date.today() + timedelta(days=30)).isoformat()
    return ["CRM", "too expensive", stop_date, "yes", "none", "refund", "no", "none", "submit"]


REQUESTS_PER_JOURNEY = 1 + len(answers()) + len(STAGES)
EVENT_IDS = itertools.count(1)


# -- the servers, each in a child process ------------------------------------------


async def _start_stopbot(
    fake_url: str, redis_url: str
) -> tuple[str, Callable[[], Awaitable[None]]]:
    """The real `serve`, built as tests/adapters/test_slack.py's rig builds it."""
    from bot.clock import SystemClock
    from bot.faq.live_kb import LiveKnowledgeBase
    from bot.files.kb import bundled_kb_path

    server = await start_bot(
        Store(client_for_url(redis_url)),
        fake_url,
        {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET},
        SystemClock(),
        # The index the tests and the other benches build (read back, not rebuilt).
        LiveKnowledgeBase(bundled_kb_path(), FAQ_CACHE),
        sweep_interval=None,  # the outbox sweeper as in production: its cost is counted
    )
    return server.url + "/slack/events", server.stop


async def _start_bare(fake_url: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    """A bolt app that only acks the same command, event and action shapes."""
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(client=AsyncWebClient(token=TOKEN, base_url=fake_url), signing_secret=SECRET)

    @bolt.command("/cancel-account")
    async def command(ack: AsyncAck) -> None:
        await ack()

    @bolt.event("message")
    async def message(ack: AsyncAck) -> None:
        await ack()

    @bolt.action(re.compile(".+"))
    async def action(ack: AsyncAck) -> None:
        await ack()

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application(client_max_size=1024 * 1024)
    web_app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    return f"http://127.0.0.1:{port}/slack/events", runner.cleanup


async def _serve(kind: str, fake_url: str, redis_url: str, conn: Connection) -> None:
    if kind == "stopbot":
        url, stop = await _start_stopbot(fake_url, redis_url)
    else:
        url, stop = await _start_bare(fake_url)
    conn.send(url)
    cpu0 = time.process_time()
    try:
        # "mark" starts the CPU count; "stop" answers the CPU spent since, and stops.
        while (command := await asyncio.to_thread(conn.recv)) != "stop":
            if command == "mark":
                cpu0 = time.process_time()
            conn.send("ok")
        conn.send(time.process_time() - cpu0)
    finally:
        await stop()


def _serve_process(kind: str, fake_url: str, redis_url: str, conn: Connection) -> None:
    loop.run(_serve(kind, fake_url, redis_url, conn))


class ServerProcess:
    """A server in a child process: its URL, a CPU mark, and stop (returns the CPU)."""

    def __init__(self, kind: str, fake_url: str, redis_url: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_serve_process, args=(kind, fake_url, redis_url, child), daemon=True
        )
        self.process.start()
        child.close()
        try:
            self.url = str(self._recv(60))
        except BaseException:
            self.process.terminate()
            raise

    def _recv(self, limit: float) -> Any:
        if not self.conn.poll(limit):
            raise RuntimeError("the server process did not answer")
        return self.conn.recv()

    async def mark(self) -> None:
        self.conn.send("mark")
        await asyncio.to_thread(self._recv, 10)

    async def stop(self) -> float:
        """Stops the server; the CPU seconds it spent since the mark (NaN if unknown)."""
        cpu = math.nan
        try:
            self.conn.send("stop")
            cpu = float(await asyncio.to_thread(self._recv, 30))
        except (OSError, EOFError, RuntimeError):
            pass
        finally:
            await asyncio.to_thread(self.process.join, 30)
            if self.process.is_alive():
                self.process.terminate()
        return cpu


# -- the fake Slack, indexed -----------------------------------------------------------


class IndexedSlack(FakeSlack):
    """The tests' fake, plus posts indexed by channel and approval cards by request,
    so that thousands of waits do not each rescan every call."""

    def __init__(self) -> None:
        super().__init__(token=TOKEN)
        self.texts: dict[str, list[str]] = defaultdict(list)  # channel -> texts posted
        self.cards: dict[tuple[str, str], str] = {}  # (channel, request id) -> ts
        self._wake: dict[str, asyncio.Event] = {}

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        result = super()._chat_post_message(params)
        channel, message = result["channel"], result["message"]
        self.texts[channel].append(message.get("text", ""))
        for block in message.get("blocks", []):
            for element in block.get("elements", []) if block["type"] == "actions" else []:
                if wire.action_of(element.get("action_id", "")) == Approve.id:
                    approve = Approve.parse(element["value"])
                    assert approve is not None
                    self.cards[(channel, approve.request_id)] = result["ts"]
        waiting = self._wake.pop(channel, None)
        if waiting is not None:
            waiting.set()
        return result

    async def wait_until(self, channel: str, done: Callable[[], bool], limit: float) -> bool:
        """Waits (at most `limit` s) until `done()`, rechecked at each post to `channel`."""
        try:
            async with asyncio.timeout(limit):
                while not done():
                    await self._wake.setdefault(channel, asyncio.Event()).wait()
        except TimeoutError:
            return False
        return True

    def approve_button(self, channel: str, rid: str, user: str) -> str:
        """The signed-request body of a click on the card's Approve button, as rendered."""
        ts = self.cards[(channel, rid)]
        for block in self.message(channel, ts).get("blocks", []):
            for element in block.get("elements", []) if block["type"] == "actions" else []:
                if element["type"] == "button" and element["text"]["text"] == "Approve":
                    return sr.block_action(
                        user,
                        channel,
                        element["action_id"],
                        element["value"],
                        message_ts=ts,
                        block_id=block.get("block_id", "b1"),
                    )
        raise LookupError(f"no Approve button on {rid}'s card in {channel}")


# -- the simulated users -----------------------------------------------------------------


@dataclass
class Load:
    url: str
    session: aiohttp.ClientSession
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    stalls: int = 0  # waits for the bot that timed out
    journeys: int = 0  # journeys a user went through to the end
    rids: list[str] = field(default_factory=list)

    async def send(self, body: str, form: bool = True) -> bool:
        """POSTs a signed request; records the time to the HTTP response (the ack)."""
        headers = sr.sign(body, SECRET)
        headers["Content-Type"] = sr.FORM if form else sr.JSON
        data = body.encode()
        t0 = time.perf_counter()
        try:
            async with self.session.post(self.url, data=data, headers=headers) as response:
                await response.read()
                ok = response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            ok = False
        self.latencies.append(time.perf_counter() - t0)
        self.failures += not ok
        return ok

    def command(self, user: str) -> str:
        return sr.slash_command("/cancel-account", "", user, "CGENERAL")

    def dm(self, user: str, text: str) -> str:
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": f"D{user}",
            "user": user,
            "text": text,
            "ts": f"{time.time():.6f}",
        }
        # Unique across runs: the bot acts once per event_id (Slack's retries repeat it).
        return sr.event(event, event_id=f"Ev{next(EVENT_IDS):08d}")


async def stopbot_user(load: Load, fake: IndexedSlack, user: str, rounds: int, wait: float) -> None:
    """Journeys of one requester: command, typed answers, the three approvals."""
    dm = f"D{user}"
    posts = fake.texts[dm]
    for _ in range(rounds):
        seen = len(posts)

        async def replied(body: str, form: bool = True) -> bool:
            # The next request goes once this one is acked and the bot's reply is in.
            nonlocal seen
            if not await load.send(body, form):
                return False
            target = seen + 1
            if not await fake.wait_until(dm, lambda: len(posts) >= target, wait):
                load.stalls += 1
                return False
            seen = len(posts)
            return True

        if not await replied(load.command(user)):
            return
        for text in answers():
            if not await replied(load.dm(user, text), form=False):
                return
        found = [p for p in posts[-2:] if "Submitted as " in p]
        if not found:
            load.stalls += 1
            return
        rid = found[0].split("Submitted as ", 1)[1][:11]
        load.rids.append(rid)
        for approver, channel in STAGES:
            if not await fake.wait_until(
                channel, lambda c=channel, r=rid: (c, r) in fake.cards, wait
            ):
                load.stalls += 1
                return
            body = fake.approve_button(channel, rid, approver)
            if not await load.send(body):
                return
        # The last click's work: the requester is told the request is fully approved.
        done = await fake.wait_until(
            dm, lambda s=seen: any("fully approved" in p for p in posts[s:]), wait
        )
        if not done:
            load.stalls += 1
            return
        seen = len(posts)
        load.journeys += 1


async def bare_user(load: Load, user: str, rounds: int) -> None:
    """The same requests in the same order, each sent as soon as the last is acked."""
    for journey in range(rounds):
        if not await load.send(load.command(user)):
            return
        for text in answers():
            if not await load.send(load.dm(user, text), form=False):
                return
        for stage, (approver, channel) in enumerate(STAGES):
            rid = f"R{user}{journey}"
            body = sr.block_action(
                approver,
                channel,
                wire.action_id(Approve.id, 0),
                Approve(rid, stage).pack(),
                message_ts="1700000000.000100",
            )
            if not await load.send(body):
                return
        load.journeys += 1


# -- running and reporting -------------------------------------------------------------


@dataclass
class Result:
    label: str
    load: Load
    elapsed: float
    settled: float  # seconds from the last ack to the end of the server's work
    server_cpu: float
    client_cpu: float

    @property
    def requests(self) -> int:
        return len(self.load.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def quantile(self, q: float) -> float:
        """Nearest-rank quantile of the ack latencies, in ms."""
        return quantile_ms(self.load.latencies, q)


async def run_load(
    label: str,
    server: ServerProcess,
    users: list[Callable[[Load], Awaitable[None]]],
    settle: Callable[[], Awaitable[float]],
    args: argparse.Namespace,
) -> Result:
    connector = aiohttp.TCPConnector(limit=0)
    client_timeout = aiohttp.ClientTimeout(total=args.timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        load = Load(server.url, session)
        await server.mark()
        t0, cpu0 = time.perf_counter(), time.process_time()
        try:
            async with asyncio.timeout(args.deadline):
                await asyncio.gather(*(user(load) for user in users))
        except TimeoutError:
            print(f"  {label}: stopped at the {args.deadline:.0f} s deadline")
        elapsed = time.perf_counter() - t0
        client_cpu = time.process_time() - cpu0
    settled = await settle()  # the work still running after the last ack: CPU counted
    return Result(label, load, elapsed, settled, await server.stop(), client_cpu)


async def measure(
    kind: str, fake: IndexedSlack, redis_url: str, args: argparse.Namespace
) -> Result:
    server = await asyncio.to_thread(ServerProcess, kind, fake.base_url, redis_url)
    names = [f"U{i:05d}" for i in range(args.users)]
    users: list[Callable[[Load], Awaitable[None]]]
    try:
        # One journey first, not measured: bolt's auth.test, first connections, code paths.
        async with aiohttp.ClientSession() as session:
            warm = Load(server.url, session)
            if kind == "stopbot":
                await stopbot_user(warm, fake, "UWARM", 1, args.timeout)
            else:
                await bare_user(warm, "UWARM", 1)
        await quiet(fake.calls, args.timeout)
    except BaseException:
        await server.stop()
        raise
    if kind == "stopbot":
        users = [
            lambda load, u=u: stopbot_user(load, fake, u, args.rounds, args.timeout) for u in names
        ]
        return await run_load(
            "stopbot serve", server, users, lambda: quiet(fake.calls, args.timeout), args
        )
    users = [lambda load, u=u: bare_user(load, u, args.rounds) for u in names]
    return await run_load("bare bolt app", server, users, lambda: quiet(fake.calls, 0), args)


def report(result: Result, planned: int) -> None:
    load = result.load
    print(f"{result.label}:")
    print(
        f"  {result.requests} requests ({load.failures} failed) in {result.elapsed:.2f} s: "
        f"{result.rps:.0f} requests/s"
    )
    print(
        f"  ack latency p50 {result.quantile(0.5):.1f} ms, p99 {result.quantile(0.99):.1f} ms, "
        f"max {result.quantile(1.0):.1f} ms"
    )
    per_request = result.server_cpu / result.requests * 1000 if result.requests else math.nan
    print(
        f"  server CPU {per_request:.2f} ms per request "
        f"({result.server_cpu / (result.elapsed + result.settled):.0%} of a core); "
        f"users + fake Slack {result.client_cpu / result.elapsed:.0%} of a core"
    )
    print(f"  journeys sent to the end: {load.journeys}/{planned}")


async def main_async(args: argparse.Namespace) -> None:
    redis_server = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="stopbot-bench-")))
    redis_url = await asyncio.to_thread(redis_server.ensure_running)
    fake = IndexedSlack()
    await fake.start()
    for user in ["UADMIN", "UWARM", *(a for a, _ in STAGES)]:
        fake.set_user(user)
    for i in range(args.users):
        fake.set_user(f"U{i:05d}")
    planned = args.users * args.rounds
    try:
        print(
            f"{args.users} users x {args.rounds} journeys x {REQUESTS_PER_JOURNEY} requests "
            f"(1 slash command, {len(answers())} DM answers, {len(STAGES)} Approve clicks)"
        )
        served = await measure("stopbot", fake, redis_url, args)
        report(served, planned)
        store = Store(client_for_url(redis_url))
        try:
            approved = 0
            for rid in served.load.rids:
                req = await store.requests.get(rid)
                approved += req is not None and req.status == "approved"
        finally:
            await store.close()
        print(
            f"  requests approved in Redis: {approved}/{planned} "
            f"(the work done after the acks); waits for the bot timed out: {served.load.stalls}"
        )
        bare = await measure("bare", fake, redis_url, args)
        report(bare, planned)
        print(
            "method: each user sends its next request as soon as the last one is acked and, "
            "for stopbot only, the bot's reply it needs (next prompt, next card) has arrived; "
            "so the ratio compares stopbot's end-to-end pace, work included, with bolt acking "
            "alone."
        )
        ratio = served.rps / bare.rps if bare.rps else math.nan
        print(f"throughput ratio stopbot / bare bolt: {ratio:.0%} (aim: >= 50%)")
        p99 = served.quantile(0.99)
        verdict = "met" if p99 < 200 else "missed"
        print(f"stopbot ack p99 {p99:.1f} ms at {args.users} users (aim: < 200 ms, {verdict})")
    finally:
        await fake.stop()
        await asyncio.to_thread(redis_server.stop)
        shutil.rmtree(redis_server.data_dir, ignore_errors=True)


def main() -> None:
    args = load_parser(__doc__ or "", users="concurrent simulated users", rounds=3, deadline=120)
    loop.run(main_async(args))


if __name__ == "__main__":
    main()
