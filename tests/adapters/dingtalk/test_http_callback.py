"""POST /dingtalk/events over a real aiohttp server, with requests signed as DingTalk
signs them: only a signed, fresh, readable callback reaches the adapter's callback."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.adapters.dingtalk.http_callback import PATH, CallbackEndpoint
from bot.adapters.dingtalk.received import Received
from bot.adapters.dingtalk.signature import sign
from bot.request_body import MAX_BODY
from tests.fakes.clock import FakeClock
from tests.fakes.dingtalk.gateway import until
from tests.fakes.dingtalk.payloads import bot_message, card_callback
from tests.fakes.local_server import serve_locally

SECRET = "dingclientsecret"


@dataclass
class Server:
    url: str
    clock: FakeClock
    endpoint: CallbackEndpoint
    received: list[Received] = field(default_factory=list)
    session: aiohttp.ClientSession | None = None

    def headers(self, *, secret: str = SECRET, skew: timedelta = timedelta()) -> dict[str, str]:
        ts = str(int((self.clock.now() + skew).timestamp() * 1000))
        return {"timestamp": ts, "sign": sign(ts, secret)}

    async def post(
        self, body: bytes | dict[str, Any], headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        assert self.session is not None
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        async with self.session.post(
            self.url,
            data=io.BytesIO(data),  # streamed: a large body must not block the loop
            headers={
                "Content-Type": "application/json",
                **(self.headers() if headers is None else headers),
            },
        ) as response:
            text = await response.text()
            return response.status, json.loads(text) if text.startswith("{") else text


Work = Callable[[Received], Awaitable[None]]


@pytest.fixture
def work() -> dict[str, Work]:
    """What the adapter's callback does, set by a test; by default nothing."""

    async def nothing(received: Received) -> None:
        return None

    return {"do": nothing}


@pytest.fixture
async def server(work: dict[str, Work]) -> AsyncIterator[Server]:
    clock = FakeClock()
    received: list[Received] = []

    async def on_received(item: Received) -> None:
        received.append(item)
        await work["do"](item)

    endpoint = CallbackEndpoint(SECRET, on_received, clock=clock)
    app = web.Application()
    app.router.add_post(PATH, endpoint.handle)
    runner, base_url = await serve_locally(app)
    srv = Server(f"{base_url}{PATH}", clock, endpoint, received)
    async with aiohttp.ClientSession() as session:
        srv.session = session
        yield srv
        await endpoint.drain(grace=5)
    await runner.cleanup()


@pytest.fixture
async def held(server: Server, work: dict[str, Work]) -> AsyncIterator[None]:
    """Work handed over is held until the test ends: `endpoint.running` then says
    whether anything was handed over, right after the response, without waiting."""
    release = asyncio.Event()

    async def hold(received: Received) -> None:
        await release.wait()

    work["do"] = hold
    yield
    release.set()


def _nothing_handed_over(server: Server) -> None:
    # A payload handed over is a task started before the response went out, held.
    assert server.endpoint.running == 0
    assert server.received == []


async def test_a_signed_bot_message_is_answered_and_handed_over(server: Server) -> None:
    payload = bot_message("停用申请")
    status, body = await server.post(payload)
    assert (status, body) == (200, {})
    await until(lambda: len(server.received) == 1, "the message was not handed over")
    got = server.received[0]
    assert (got.kind, got.payload, got.frame_id) == ("message", payload, None)


async def test_the_message_is_answered_before_its_work_is_done(
    server: Server, work: dict[str, Work]
) -> None:
    release = asyncio.Event()

    async def slow(received: Received) -> None:
        await release.wait()

    work["do"] = slow
    status, _ = await server.post(bot_message("hello"))
    assert status == 200
    assert server.endpoint.running == 1  # still working, and DingTalk has its answer
    release.set()
    assert await server.endpoint.drain(grace=5)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no headers"),
        pytest.param({"timestamp": "1700000000000"}, id="no sign"),
        pytest.param({"sign": "abc="}, id="no timestamp"),
    ],
)
async def test_missing_headers_get_401_and_change_nothing(
    server: Server, held: None, headers: dict[str, str]
) -> None:
    status, body = await server.post(bot_message("hi"), headers=headers)
    assert status == 401
    assert "error" in body
    _nothing_handed_over(server)


async def test_a_forged_sign_gets_401_and_changes_nothing(
    server: Server, held: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        status, body = await server.post(
            card_callback("card-1", "approve"), headers=server.headers(secret="guessed")
        )
    assert (status, body) == (401, {"error": "sign does not match the app secret"})
    assert "refused a DingTalk callback" in caplog.text
    _nothing_handed_over(server)


@pytest.mark.parametrize(
    ("skew", "why"),
    [
        (-timedelta(hours=1, minutes=1), "timestamp more than an hour old"),
        (timedelta(hours=1, minutes=1), "timestamp more than an hour ahead"),
    ],
)
async def test_a_stale_or_future_signature_gets_401(
    server: Server, held: None, skew: timedelta, why: str
) -> None:
    status, body = await server.post(bot_message("hi"), headers=server.headers(skew=skew))
    assert (status, body) == (401, {"error": why})
    _nothing_handed_over(server)


async def test_a_replay_after_the_hour_is_refused(server: Server, held: None) -> None:
    headers = server.headers()
    assert (await server.post(bot_message("hi"), headers=headers))[0] == 200
    assert server.endpoint.running == 1
    server.clock.advance(timedelta(hours=1, seconds=1))
    assert (await server.post(bot_message("hi"), headers=headers))[0] == 401
    assert server.endpoint.running == 1  # only the first one


async def test_an_oversized_body_gets_413_unread(server: Server, held: None) -> None:
    status, _ = await server.post(b"{" + b" " * MAX_BODY + b"}")
    assert status == 413
    _nothing_handed_over(server)


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe{}", b"[1, 2]", b'"text"'])
async def test_signed_but_unreadable_gets_400(server: Server, held: None, body: bytes) -> None:
    status, _ = await server.post(body)
    assert status == 400
    _nothing_handed_over(server)


async def test_a_signed_body_of_no_known_kind_is_answered_and_dropped(
    server: Server, held: None
) -> None:
    status, body = await server.post({"EventType": "something_else"})
    assert (status, body) == (200, {})
    _nothing_handed_over(server)


async def test_a_card_callback_is_answered_at_once_and_worked_on_after(
    server: Server, held: None
) -> None:
    payload = card_callback("card-1", "approve")
    async with asyncio.timeout(1.0):  # at once: no budget waited for card data
        status, body = await server.post(payload)
    assert (status, body) == (200, {})  # no card data: the outbox rewrites the card
    assert server.endpoint.running == 1  # answered while the work is still held
    await until(lambda: len(server.received) == 1, "the click was not handed over")
    assert (server.received[0].kind, server.received[0].payload) == ("card", payload)


async def test_failing_work_is_logged_and_the_answer_stands(
    server: Server, work: dict[str, Work], caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(received: Received) -> None:
        raise RuntimeError("adapter bug")

    work["do"] = boom
    with caplog.at_level(logging.ERROR):
        status, _ = await server.post(bot_message("hi"))
        assert status == 200
        assert await server.endpoint.drain(grace=5)
    assert "DingTalk callback work failed" in caplog.text
