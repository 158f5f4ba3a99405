"""Stream mode against the fake gateway over real sockets and websockets: the client
runs in its own thread, acks every frame at once, hands frames to the test's loop,
reconnects with backoff (injected: no test waits for one) and stops cleanly."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, cast

import pytest

from bot.adapters.dingtalk.adapter import DingTalkAdapter
from bot.adapters.dingtalk.received import TOPIC_BOT_MESSAGE, TOPIC_CARD_CALLBACK, Received
from bot.adapters.dingtalk.stream import Backoff, Credentials, StreamClient
from bot.platforms import _MountedDingTalk
from tests.fakes.dingtalk.gateway import CLIENT_ID, CLIENT_SECRET, FakeStreamGateway, until
from tests.fakes.dingtalk.payloads import bot_message, card_callback


@dataclass
class Pauses:
    """The backoff delays the client waited, without waiting them; from the `block_after`th
    on it waits until the client is stopped (so a refusing gateway is not hammered)."""

    block_after: int = 1000
    delays: list[float] = field(default_factory=list)

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if len(self.delays) >= self.block_after:
            await asyncio.Event().wait()


@dataclass
class Bot:
    """The bot's side: what reached it, on which loop and thread."""

    loop: asyncio.AbstractEventLoop
    received: list[Received] = field(default_factory=list)
    finished: list[Received] = field(default_factory=list)
    wrong_place: list[str] = field(default_factory=list)
    gate: asyncio.Event | None = None

    async def on_received(self, received: Received) -> None:
        if asyncio.get_running_loop() is not self.loop:
            self.wrong_place.append("loop")
        if threading.current_thread() is not threading.main_thread():
            self.wrong_place.append("thread")
        self.received.append(received)
        if self.gate is not None:
            await self.gate.wait()
        self.finished.append(received)


@dataclass
class Rig:
    gateway: FakeStreamGateway
    bot: Bot
    pauses: Pauses
    client: StreamClient


@pytest.fixture
def pauses() -> Pauses:
    return Pauses()


@pytest.fixture
async def rig(fake_dingtalk_gateway: FakeStreamGateway, pauses: Pauses) -> AsyncIterator[Rig]:
    bot = Bot(loop=asyncio.get_running_loop())
    client = StreamClient(
        Credentials(CLIENT_ID, CLIENT_SECRET),
        fake_dingtalk_gateway.base_url + "/",
        bot.on_received,
        backoff=Backoff(first=1.0, cap=8.0),
        pause=pauses,
    )
    yield Rig(fake_dingtalk_gateway, bot, pauses, client)
    if bot.gate is not None:
        bot.gate.set()
    assert await client.stop(grace=5)


async def _connected(rig: Rig, count: int = 1) -> None:
    if not rig.client.running:
        rig.client.start()
    await rig.gateway.wait_connections(count)


async def test_the_open_request_names_the_app_and_both_topics(rig: Rig) -> None:
    await _connected(rig)
    opened = rig.gateway.opens[0]
    assert (opened["clientId"], opened["clientSecret"]) == (CLIENT_ID, CLIENT_SECRET)
    assert {(s["type"], s["topic"]) for s in opened["subscriptions"]} == {
        ("CALLBACK", TOPIC_BOT_MESSAGE),
        ("CALLBACK", TOPIC_CARD_CALLBACK),
    }


async def test_frames_of_both_topics_reach_the_bot_loop_and_are_acked(rig: Rig) -> None:
    await _connected(rig)
    message = bot_message("停用申请")
    click = card_callback("card-1", "approve", params={"reason": "ok"})
    first = await rig.gateway.push_bot_message(message)
    second = await rig.gateway.push_card_callback(click)
    await until(lambda: len(rig.bot.received) == 2, "frames did not reach the bot")
    got = {r.frame_id: r for r in rig.bot.received}
    assert (got[first].kind, got[first].payload) == ("message", message)
    assert (got[second].kind, got[second].payload) == ("card", click)
    assert rig.bot.wrong_place == []  # the bot's loop, never the stream's thread
    for frame_id in (first, second):
        ack = await rig.gateway.wait_ack(frame_id)
        assert ack["code"] == 200
        assert ack["headers"]["contentType"] == "application/json"
    assert rig.gateway.bad_acks == []


async def test_frames_are_acked_while_the_bot_is_still_working(rig: Rig) -> None:
    rig.bot.gate = asyncio.Event()  # the bot's work never finishes during the test
    await _connected(rig)
    ids = [await rig.gateway.push_bot_message(bot_message(f"m{i}")) for i in range(5)]
    for frame_id in ids:
        await rig.gateway.wait_ack(frame_id)
    await until(lambda: len(rig.bot.received) == 5, "frames did not reach the bot")


async def test_frames_beyond_the_bound_are_acked_and_wait_their_turn(
    fake_dingtalk_gateway: FakeStreamGateway,
) -> None:
    gate = asyncio.Event()
    bot = Bot(loop=asyncio.get_running_loop(), gate=gate)
    client = StreamClient(
        Credentials(CLIENT_ID, CLIENT_SECRET),
        fake_dingtalk_gateway.base_url,
        bot.on_received,
        max_concurrent=2,
    )
    client.start()
    try:
        await fake_dingtalk_gateway.wait_connections(1)
        ids = [await fake_dingtalk_gateway.push_bot_message(bot_message(f"m{i}")) for i in range(3)]
        for frame_id in ids:
            await fake_dingtalk_gateway.wait_ack(frame_id)  # all acked at once
        await until(lambda: client.working == 3, "frames were not handed over")
        for _ in range(5):
            await asyncio.sleep(0)  # an unbounded third frame would have started by now
        assert len(bot.received) == 2
        gate.set()
        await until(lambda: len(bot.finished) == 3, "the waiting frame was not worked on")
    finally:
        gate.set()
        assert await client.stop(grace=5)


async def test_disconnect_waits_for_acked_frames_before_the_session_closes(rig: Rig) -> None:
    rig.bot.gate = asyncio.Event()
    await _connected(rig)
    frame_id = await rig.gateway.push_bot_message(bot_message("注销账号"))
    await rig.gateway.wait_ack(frame_id)
    await until(lambda: len(rig.bot.received) == 1, "the frame did not reach the bot")
    adapter = _ClosingAdapter(rig.bot)
    mounted = _MountedDingTalk(cast(DingTalkAdapter, adapter), stream=rig.client)
    stopping = asyncio.create_task(mounted.disconnect())
    await until(lambda: not rig.client.running, "the stream did not stop")
    for _ in range(5):
        await asyncio.sleep(0)
    assert not stopping.done()  # waiting for the frame's work, not the work dropped
    rig.bot.gate.set()
    await stopping
    await mounted.close()
    assert adapter.finished_at_close == 1  # the session closed after the work was done


async def test_drain_gives_up_after_its_grace(rig: Rig) -> None:
    rig.bot.gate = asyncio.Event()
    await _connected(rig)
    await rig.gateway.push_bot_message(bot_message("hi"))
    await until(lambda: len(rig.bot.received) == 1, "the frame did not reach the bot")
    assert await rig.client.stop(grace=5)
    assert await rig.client.drain(grace=0) is False  # still held: not waited for forever
    rig.bot.gate.set()
    assert await rig.client.drain(grace=5)
    assert len(rig.bot.finished) == 1


@dataclass
class _ClosingAdapter:
    """Stands in for the adapter at close: how much work had finished by then."""

    bot: Bot
    finished_at_close: int | None = None

    async def close(self) -> None:
        self.finished_at_close = len(self.bot.finished)


async def test_a_ping_is_answered_with_its_opaque(rig: Rig) -> None:
    await _connected(rig)
    frame_id, opaque = await rig.gateway.ping()
    ack = await rig.gateway.wait_ack(frame_id)
    assert ack["code"] == 200
    assert ack["data"] == {"opaque": opaque}
    assert rig.bot.received == []


async def test_a_frame_of_another_topic_is_acked_and_not_handed_over(rig: Rig) -> None:
    await _connected(rig)
    frame_id = await rig.gateway.push("CALLBACK", "/v1.0/graph/api/invoke", {"x": 1})
    await rig.gateway.wait_ack(frame_id)
    marker = await rig.gateway.push_bot_message(bot_message("after"))
    await until(lambda: len(rig.bot.received) == 1, "the next frame did not arrive")
    assert rig.bot.received[0].frame_id == marker


async def test_after_a_drop_it_reconnects_after_a_backoff(rig: Rig) -> None:
    await _connected(rig)
    await rig.gateway.drop()
    await rig.gateway.wait_connections(2)
    assert rig.pauses.delays == [1.0]
    frame_id = await rig.gateway.push_bot_message(bot_message("again"))
    await rig.gateway.wait_ack(frame_id)
    await until(lambda: len(rig.bot.received) == 1, "no frame after the reconnect")


async def test_the_backoff_starts_over_once_a_connection_worked(rig: Rig) -> None:
    await _connected(rig)
    await rig.gateway.drop()  # no frame on this one: the next drop backs off further
    await rig.gateway.wait_connections(2)
    await rig.gateway.wait_ack((await rig.gateway.ping())[0])
    await rig.gateway.drop()
    await rig.gateway.wait_connections(3)
    await rig.gateway.drop()
    await rig.gateway.wait_connections(4)
    assert rig.pauses.delays == [1.0, 1.0, 2.0]


async def test_refused_opens_back_off_doubling_to_the_cap(rig: Rig) -> None:
    rig.gateway.refuse_opens(5)
    await _connected(rig)
    assert rig.pauses.delays == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert len(rig.gateway.opens) == 6


@pytest.mark.parametrize("pauses", [Pauses(block_after=3)])
async def test_wrong_credentials_never_connect_and_stop_still_ends_it(
    fake_dingtalk_gateway: FakeStreamGateway, pauses: Pauses
) -> None:
    bot = Bot(loop=asyncio.get_running_loop())
    client = StreamClient(
        Credentials(CLIENT_ID, "wrong"),
        fake_dingtalk_gateway.base_url,
        bot.on_received,
        pause=pauses,
    )
    client.start()
    await until(lambda: len(pauses.delays) == 3, "the client did not back off")
    assert fake_dingtalk_gateway.connections == 0
    assert len(fake_dingtalk_gateway.opens) == 3
    assert await client.stop(grace=5)  # it was waiting out a backoff
    assert not client.running


async def test_a_disconnect_notice_is_acked_and_it_reconnects_at_once(rig: Rig) -> None:
    await _connected(rig)
    frame_id = await rig.gateway.disconnect_notice()
    await rig.gateway.wait_ack(frame_id)
    await rig.gateway.wait_connections(2)
    assert rig.pauses.delays == []  # a planned disconnect is not a failure


async def test_a_refused_websocket_backs_off(rig: Rig) -> None:
    # The gateway hands out a ticket the websocket endpoint does not know any more.
    original = rig.gateway._tickets

    class Forgetful(set[str]):
        def add(self, ticket: str) -> None:
            self.forgotten = ticket  # not kept: the websocket answers 401

    rig.gateway._tickets = Forgetful()
    rig.client.start()
    await until(lambda: len(rig.pauses.delays) >= 2, "the client did not back off")
    rig.gateway._tickets = original
    await rig.gateway.wait_connections(1)
    assert rig.pauses.delays[:2] == [1.0, 2.0]


async def test_stop_closes_the_websocket_and_ends_the_thread(rig: Rig) -> None:
    await _connected(rig)
    assert any(t.name == "dingtalk-stream" for t in threading.enumerate())
    assert await rig.client.stop(grace=5)
    assert not rig.client.running
    await rig.gateway.wait_closed()
    assert not any(t.name == "dingtalk-stream" for t in threading.enumerate())
    assert rig.gateway.connections == 1  # it did not reconnect


async def test_a_started_client_cannot_be_started_twice(rig: Rig) -> None:
    await _connected(rig)
    with pytest.raises(RuntimeError):
        rig.client.start()


def test_backoff_doubles_to_its_cap_and_resets() -> None:
    backoff = Backoff(first=0.5, cap=3.0)
    assert [backoff.next() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    backoff.reset()
    assert backoff.next() == 0.5


def test_the_sdk_is_imported_lazily_with_its_endpoint_set_first() -> None:
    # A fresh interpreter: in this one the SDK may have been imported already.
    script = (
        "import sys\n"
        "import bot.adapters.dingtalk.stream as s\n"
        "assert 'dingtalk_stream' not in sys.modules, 'imported eagerly'\n"
        "s.load_sdk('http://127.0.0.1:9/')\n"
        "from dingtalk_stream.stream import DingTalkStreamClient as C\n"
        "print(C.OPEN_CONNECTION_API)\n"
    )
    env: dict[str, Any] = {k: v for k, v in os.environ.items() if k != "DINGTALK_OPENAPI_ENDPOINT"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "http://127.0.0.1:9/v1.0/gateway/connections/open"
