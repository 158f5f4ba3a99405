"""DingTalk under load: Stream frame ack latency and messages per second of a real
`python -m bot serve` in Stream mode.

N simulated users single-chat the robot at once, the way DingTalk delivers it: each
message is a bot-message frame pushed by a local fake Stream gateway (the tests'
tests/fakes/dingtalk/gateway.py, on one server with the fake OpenAPI). A user types
注销账号, answers every question by typing (numbers, words, a date) and submits,
each time waiting for the bot's reply in the single chat, so the dialogue really
advances; then the approvers click 同意 on the interactive cards the bot delivered
(card-callback frames with the card's outTrackId), one stage after the other, until
the requester is told the request is approved.

Ack latency is measured at the fake gateway: from the frame handed to its websocket
to the ack read back. The bot acks in a thread of its own before doing the work, so
the figure is how fast DingTalk hears back while the bot is busy with 50 dialogues.

Why a subprocess and not the app in this process: the fake gateway, the fake OpenAPI
and the users run here, on one event loop. In one process they would share the GIL
with the bot's loop and its Stream thread, and every ack would wait on the fakes'
work as well as the bot's: the latency would measure this script. `serve` in its own
process (as in production) is measured, its CPU read from /proc.

Measured (2 shared CPUs, Python 3.11; 50 chats x 2 journeys, 1100 frames, three
runs): every frame acked, p50 5-10 ms, p99 51-63 ms, max 96-148 ms; 164-180 frames/s;
the fake OpenAPI took 1500 messages (1100 robot messages by session webhook, 200
cards, 200 card updates), 224-246/s; serve ~5 ms CPU per frame; 100/100 approved.

Storage is the embedded Redis on a temp DATA_DIR. Everything listens on 127.0.0.1;
every wait has a timeout and the whole load a deadline. Run with `make bench`;
prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web

from bench.load_runs import load_parser, quantile_ms, quiet
from bot import loop
from bot.adapters.dingtalk import card_data
from bot.storage.client import client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.store import Store
from tests.fakes.dingtalk import payloads
from tests.fakes.dingtalk.gateway import CLIENT_ID, CLIENT_SECRET, FakeStreamGateway
from tests.fakes.dingtalk.openapi import Call, FakeDingTalkApi
from tests.fakes.dingtalk.rig import text_of
from tests.serve_process import serve_process

TEMPLATE = "tpl.bench-approval"
STAGES = [("head01", "cidHead+Bench/1=="), ("it01", "cidIT+Bench/2==")]  # approver, group
POLICY = (
    """
admins: [dingtalk:head01]
approval:
  stages:
"""
    + "".join(
        f"""    - name: stage{i}
      approvers: [dingtalk:{approver}]
      channel: "dingtalk:{group}"
"""
        for i, (approver, group) in enumerate(STAGES)
    )
    + """catalog:
  - {name: CRM, paid: false}
  - {name: OA, paid: false}
"""
)
APPROVED = "已全部审批通过"
_ID = re.compile(r"SR-[0-9A-Z]{8}")


def answers() -> list[str]:
    """Every question answered by typing; the stop date a month from today."""
    stop = (date.today() + timedelta(days=30)).isoformat()
    return ["2", "不再需要", stop, "1", "无", "否", "1", "提交"]


FRAMES_PER_JOURNEY = 1 + len(answers()) + len(STAGES)


# -- the fake DingTalk, timed and indexed ------------------------------------------------


class TimedGateway(FakeStreamGateway):
    """The tests' gateway, plus when each frame went out and its ack came back, and a
    wake-up per frame (not one condition every waiter rechecks on every ack)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_at: dict[str, float] = {}
        self.acked_at: dict[str, float] = {}
        self._acked: dict[str, asyncio.Event] = {}
        self._sending = asyncio.Lock()  # one frame at a time on the websocket

    async def push(self, frame_type: str, topic: str, data: dict[str, Any]) -> str:
        async with self._sending:
            before = time.perf_counter()
            message_id = await super().push(frame_type, topic, data)
        self.sent_at[message_id] = before
        return message_id

    def _record_ack(self, text: str) -> None:
        received = time.perf_counter()
        known = len(self.acks)
        super()._record_ack(text)
        if len(self.acks) > known:
            message_id = next(reversed(self.acks))
            self.acked_at.setdefault(message_id, received)
            self._acked.setdefault(message_id, asyncio.Event()).set()

    async def acked(self, message_id: str, limit: float) -> bool:
        try:
            async with asyncio.timeout(limit):
                await self._acked.setdefault(message_id, asyncio.Event()).wait()
        except TimeoutError:
            return False
        return True

    def latencies(self) -> list[float]:
        return [self.acked_at[m] - self.sent_at[m] for m in self.acked_at if m in self.sent_at]


class IndexedApi(FakeDingTalkApi):
    """The tests' fake OpenAPI, plus what was sent indexed by destination and the cards
    by request, each with a wake-up, so that hundreds of waits do not rescan it all."""

    def __init__(self) -> None:
        super().__init__(app_key=CLIENT_ID, app_secret=CLIENT_SECRET, robot_code=CLIENT_ID)
        self.texts: dict[str, list[str]] = defaultdict(list)  # to -> texts of messages
        self.card_of: dict[tuple[str, str], str] = {}  # (group, request id) -> outTrackId
        self._indexed = 0
        self._wake: dict[str, asyncio.Event] = {}

    async def _record(self, call: Call) -> None:
        await super()._record(call)
        for sent in self.sent[self._indexed :]:
            self.texts[sent.to].append(text_of(sent))
            self._ring(sent.to)
        self._indexed = len(self.sent)
        if call.path.endswith("/createAndDeliver") and call.status == 200:
            card = self.cards.get(call.body["outTrackId"])
            if card is not None:
                self.card_of[(card.to, card.params.get(card_data.REQUEST_ID, ""))] = (
                    card.out_track_id
                )
                self._ring(card.to)

    def _ring(self, to: str) -> None:
        waiting = self._wake.pop(to, None)
        if waiting is not None:
            waiting.set()

    async def until(self, to: str, done: Callable[[], bool], limit: float) -> bool:
        """Waits (at most `limit` s) until `done()`, rechecked at each delivery to `to`."""
        try:
            async with asyncio.timeout(limit):
                while not done():
                    await self._wake.setdefault(to, asyncio.Event()).wait()
        except TimeoutError:
            return False
        return True


# -- the simulated users -----------------------------------------------------------------


@dataclass
class Load:
    gateway: TimedGateway
    api: IndexedApi
    wait: float
    unacked: int = 0
    stalls: int = 0  # waits for the bot's reply that timed out
    journeys: int = 0
    rids: list[str] = field(default_factory=list)

    async def push(self, frame: str) -> bool:
        if not await self.gateway.acked(frame, self.wait):
            self.unacked += 1
            return False
        return True

    async def say(self, user: str, text: str) -> bool:
        """`user` single-chats `text`; True once it is acked and the bot has replied."""
        seen = len(self.api.texts[user])
        payload = payloads.bot_message(text, sender=user, webhook=self.api.session_webhook(user))
        if not await self.push(await self.gateway.push_bot_message(payload)):
            return False
        if await self.api.until(user, lambda: len(self.api.texts[user]) > seen, self.wait):
            return True
        self.stalls += 1
        return False

    async def told(self, user: str, what: str, since: int) -> bool:
        """Waits until `user` was sent `what` after their `since`-th message."""
        texts = self.api.texts[user]
        if await self.api.until(user, lambda: any(what in t for t in texts[since:]), self.wait):
            return True
        self.stalls += 1
        return False

    async def click(self, group: str, rid: str, approver: str) -> bool:
        key = (group, rid)
        if not await self.api.until(group, lambda: key in self.api.card_of, self.wait):
            self.stalls += 1
            return False
        payload = payloads.card_callback(self.api.card_of[key], "approve", clicker=approver)
        return await self.push(await self.gateway.push_card_callback(payload))


async def journeys(load: Load, user: str, rounds: int) -> None:
    texts = load.api.texts[user]
    for _ in range(rounds):
        if not await load.say(user, "注销账号"):
            return
        for text in answers():
            if not await load.say(user, text):
                return
        found = _ID.search(texts[-1])
        if found is None:
            load.stalls += 1
            return
        rid = found.group(0)
        load.rids.append(rid)
        seen = len(texts)
        for approver, group in STAGES:
            if not await load.click(group, rid, approver):
                return
        # The last click's work: the requester is told the request is approved.
        if not await load.told(user, APPROVED, seen):
            return
        load.journeys += 1


# -- running and reporting -------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """A process's user + system CPU seconds (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def main_async(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="stopbot-dtbench-"))
    policy = work / "policy.yaml"
    policy.write_text(POLICY)
    api, gateway = IndexedApi(), TimedGateway()
    fakes = web.Application()
    api.add_routes(fakes)
    gateway.add_routes(fakes)
    runner = web.AppRunner(fakes, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    api.base_url = gateway.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    env = {
        "DINGTALK_CLIENT_ID": CLIENT_ID,
        "DINGTALK_CLIENT_SECRET": CLIENT_SECRET,
        "DINGTALK_API_URL": api.base_url,
        "DINGTALK_CARD_TEMPLATE_ID": TEMPLATE,
        "POLICY_PATH": str(policy),
        "NO_PROXY": "127.0.0.1,localhost",  # websockets >= 15 reads proxy variables
        "no_proxy": "127.0.0.1,localhost",
    }
    planned = args.users * args.rounds
    try:
        async with serve_process(env, work) as served:
            await gateway.wait_connections(1, timeout=30)
            # One journey first, not measured: the token, first connections, code paths.
            await journeys(Load(gateway, api, args.timeout), "warm01", 1)
            await quiet(api.calls, args.timeout)
            gateway.acked_at.clear()
            frames0, sent0, calls0 = len(gateway.pushed), len(api.sent), len(api.calls)
            cards0 = len(api.cards)
            updates0 = sum(len(c.updates) for c in api.cards.values())
            load = Load(gateway, api, args.timeout)
            users = [f"user{i:03d}" for i in range(args.users)]
            cpu0, t0 = cpu_seconds(served.proc.pid), time.perf_counter()
            try:
                async with asyncio.timeout(args.deadline):
                    await asyncio.gather(*(journeys(load, u, args.rounds) for u in users))
            except TimeoutError:
                print(f"stopped at the {args.deadline:.0f} s deadline")
            elapsed = time.perf_counter() - t0
            settled = await quiet(api.calls, args.timeout)
            cpu = cpu_seconds(served.proc.pid) - cpu0
            frames = len(gateway.pushed) - frames0
            sent = api.sent[sent0:]
            calls = len(api.calls) - calls0
            cards = len(api.cards) - cards0
            updates = sum(len(c.updates) for c in api.cards.values()) - updates0
            store = Store(client_for_url(EmbeddedRedis((work / "data").resolve()).url))
            try:
                approved = 0
                for rid in load.rids:
                    request = await store.requests.get(rid)
                    approved += request is not None and request.status.value == "approved"
            finally:
                await store.close()
    finally:
        await gateway.close_live()
        await runner.cleanup()
        await asyncio.to_thread(EmbeddedRedis((work / "data").resolve()).stop)
        shutil.rmtree(work, ignore_errors=True)

    latencies = gateway.latencies()
    print(
        f"{args.users} single chats x {args.rounds} journeys x {FRAMES_PER_JOURNEY} frames "
        f"(注销账号, {len(answers())} typed answers incl. 提交, {len(STAGES)} card clicks), "
        "into a real `serve` in Stream mode"
    )
    print(
        f"  {frames} frames in {elapsed:.2f} s: {frames / elapsed:.0f} frames/s; "
        f"{len(latencies)} acked, {load.unacked} not acked in {args.timeout:.0f} s"
    )
    p99 = quantile_ms(latencies, 0.99)
    print(
        f"  ack latency (at the fake gateway) p50 {quantile_ms(latencies, 0.5):.1f} ms, "
        f"p99 {p99:.1f} ms, max {quantile_ms(latencies, 1.0):.1f} ms"
    )
    vias = Counter(s.via for s in sent)
    received = len(sent) + cards + updates
    print(
        f"  fake OpenAPI received {received} messages ({received / (elapsed + settled):.0f}/s): "
        f"{len(sent)} robot messages ({', '.join(f'{n} by {v}' for v, n in vias.items())}), "
        f"{cards} cards created, {updates} card updates; {calls} calls in all"
    )
    per_frame = cpu / frames * 1000 if frames else math.nan
    print(
        f"  serve CPU {per_frame:.2f} ms per frame "
        f"({cpu / (elapsed + settled):.0%} of a core); work went on {settled:.1f} s after the "
        "last wait"
    )
    print(
        f"  journeys to the end: {load.journeys}/{planned}; approved in Redis: "
        f"{approved}/{planned}; waits for the bot that timed out: {load.stalls}"
    )
    verdict = "met" if p99 < 100 else "missed"
    print(f"ack p99 {p99:.1f} ms at {args.users} chats (aim: < 100 ms, {verdict})")


def main() -> None:
    summary = (__doc__ or "").split("\n\n")[0]
    args = load_parser(summary, users="concurrent single chats", rounds=2, deadline=180)
    loop.run(main_async(args))


if __name__ == "__main__":
    main()
