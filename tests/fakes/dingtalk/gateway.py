"""A fake DingTalk Stream gateway on real local sockets, for end-to-end tests.

The bot opens a connection like it opens DingTalk's: ``POST {base_url}/v1.0/gateway/
connections/open`` with JSON ``{"clientId", "clientSecret", "subscriptions": [{"type",
"topic"}], "ua", "localIp"}``. The fake checks the credentials (401
``invalidClientIdOrSecret`` otherwise), the shape of the subscriptions and that every
topic in ``required_topics`` is subscribed (400 ``invalidParameter`` otherwise), and
answers ``{"endpoint": "ws://127.0.0.1:<port>/connect", "ticket"}``. The websocket at
``endpoint?ticket=…`` takes each ticket once (401 before the upgrade otherwise).

Frames are pushed as DingTalk writes them: ``{"specVersion", "type", "headers":
{"appId", "connectionId", "contentType", "messageId", "time", "topic"}, "data":
"<JSON string>"}`` — CALLBACK frames of the bot-message and card-callback topics,
SYSTEM ``ping`` (whose ack must echo its ``opaque``) and ``disconnect``. Every frame
the client sends back is checked as an ack (``code``, ``headers.messageId`` of a
pushed frame, ``data`` a JSON string) and recorded in ``acks`` by message id; anything
else lands in ``bad_acks``.

Failure modes a test switches on: ``refuse_opens(n)`` answers the next n opens with an
error (503 by default), ``drop()`` cuts the live connection without a closing
handshake. ``opens`` records every open request, accepted or not.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from bot.adapters.dingtalk.received import TOPIC_BOT_MESSAGE, TOPIC_CARD_CALLBACK
from tests.fakes.local_server import serve_locally

OPEN_PATH = "/v1.0/gateway/connections/open"
CONNECT_PATH = "/connect"
CLIENT_ID = "dingclientid"
CLIENT_SECRET = "dingclientsecret"


@dataclass
class _Live:
    ws: web.WebSocketResponse
    request: web.Request
    connection_id: str
    reader: asyncio.Task[None] | None = None


class FakeStreamGateway:
    def __init__(
        self,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        required_topics: tuple[str, ...] = (TOPIC_BOT_MESSAGE, TOPIC_CARD_CALLBACK),
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.required_topics = required_topics
        self.base_url = ""
        self.opens: list[dict[str, Any]] = []  # every open request's body (or its text)
        self.acks: dict[str, dict[str, Any]] = {}  # by message id, the data decoded
        self.bad_acks: list[str] = []
        self.pushed: dict[str, dict[str, Any]] = {}  # by message id
        self.connections = 0  # websockets accepted so far
        self._tickets: set[str] = set()
        self._refusals: list[tuple[int, str]] = []
        self._live: _Live | None = None
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> str:
        """Listen on 127.0.0.1 on a free port; returns the base URL (DINGTALK_API_URL)."""
        app = web.Application()
        self.add_routes(app)
        self._runner, self.base_url = await serve_locally(app)
        return self.base_url

    def add_routes(self, app: web.Application) -> None:
        """Serve the gateway from `app` (to share one server with the fake OpenAPI);
        the endpoint it hands out is on whatever port the request came to."""
        app.router.add_post(OPEN_PATH, self._open)
        app.router.add_get(CONNECT_PATH, self._connect)

    async def close_live(self) -> None:
        """Closes the live connection, if any (a shared server's cleanup would wait
        for it)."""
        if self._live is not None:
            with contextlib.suppress(Exception):
                await self._live.ws.close()

    async def stop(self) -> None:
        await self.close_live()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeStreamGateway:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- failure modes ---------------------------------------------------------------------

    def refuse_opens(self, count: int, status: int = 503, code: str = "ServiceUnavailable") -> None:
        self._refusals.extend([(status, code)] * count)

    async def drop(self) -> None:
        """Cuts the live connection like a network failure: no closing handshake."""
        live = self._require_live()
        transport = live.request.transport
        assert transport is not None
        transport.abort()

    # -- pushing frames --------------------------------------------------------------------

    async def push(self, frame_type: str, topic: str, data: dict[str, Any]) -> str:
        """Sends one frame on the live connection; returns its message id."""
        live = self._require_live()
        message_id = f"msg-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        frame = {
            "specVersion": "1.0",
            "type": frame_type,
            "headers": {
                "appId": "fake-app",
                "connectionId": live.connection_id,
                "contentType": "application/json",
                "messageId": message_id,
                "time": str(int(time.time() * 1000)),
                "topic": topic,
            },
            "data": json.dumps(data, ensure_ascii=False),
        }
        self.pushed[message_id] = frame
        await live.ws.send_str(json.dumps(frame, ensure_ascii=False))
        return message_id

    async def push_bot_message(self, payload: dict[str, Any]) -> str:
        return await self.push("CALLBACK", TOPIC_BOT_MESSAGE, payload)

    async def push_card_callback(self, payload: dict[str, Any]) -> str:
        return await self.push("CALLBACK", TOPIC_CARD_CALLBACK, payload)

    async def ping(self) -> tuple[str, str]:
        """A SYSTEM ping; returns its message id and the opaque its ack must echo."""
        opaque = uuid.uuid4().hex
        return await self.push("SYSTEM", "ping", {"opaque": opaque}), opaque

    async def disconnect_notice(self) -> str:
        """DingTalk's notice that it will close this connection (a gateway restart)."""
        return await self.push("SYSTEM", "disconnect", {"reason": "gateway restarting"})

    # -- waiting ---------------------------------------------------------------------------

    async def wait_ack(self, message_id: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        await self._wait(lambda: message_id in self.acks, timeout, f"no ack of {message_id}")
        return self.acks[message_id]

    async def wait_connections(self, count: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self._wait(
            lambda: self.connections >= count and self._live is not None,
            timeout,
            f"fewer than {count} connections",
        )

    async def wait_closed(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self._wait(lambda: self._live is None, timeout, "the connection stayed open")

    async def _wait(self, done: Callable[[], bool], within: float, what: str) -> None:
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(done), within)
            except TimeoutError:
                raise AssertionError(what) from None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _require_live(self) -> _Live:
        if self._live is None:
            raise AssertionError("no client is connected to the fake gateway")
        return self._live

    # -- the gateway -----------------------------------------------------------------------

    async def _open(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            self.opens.append({"unreadable": await request.text()})
            return _error(400, "invalidParameter", "body is not JSON")
        self.opens.append(body if isinstance(body, dict) else {"not_an_object": body})
        if self._refusals:
            status, code = self._refusals.pop(0)
            return _error(status, code, "refused on demand")
        if not isinstance(body, dict):
            return _error(400, "invalidParameter", "body is not a JSON object")
        if body.get("clientId") != self.client_id or body.get("clientSecret") != self.client_secret:
            return _error(401, "invalidClientIdOrSecret", "无效的clientId或clientSecret")
        subscriptions = body.get("subscriptions")
        if not isinstance(subscriptions, list) or not all(
            isinstance(s, dict)
            and s.get("type") in ("CALLBACK", "EVENT")
            and isinstance(s.get("topic"), str)
            for s in subscriptions
        ):
            return _error(400, "invalidParameter", "subscriptions must be [{type, topic}]")
        topics = {s["topic"] for s in subscriptions if s["type"] == "CALLBACK"}
        missing = [t for t in self.required_topics if t not in topics]
        if missing:
            return _error(400, "invalidParameter", f"not subscribed to {missing}")
        ticket = uuid.uuid4().hex + "+/="  # real tickets need quoting in a URL too
        self._tickets.add(ticket)
        port = request.url.port
        return web.json_response(
            {"endpoint": f"ws://127.0.0.1:{port}{CONNECT_PATH}", "ticket": ticket}
        )

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return _error(401, "invalidTicket", "unknown or used ticket")
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        live = _Live(ws=ws, request=request, connection_id=uuid.uuid4().hex)
        self._live = live
        self.connections += 1
        await self._notify()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._record_ack(msg.data)
                    await self._notify()
        finally:
            if self._live is live:
                self._live = None
            await self._notify()
        return ws

    def _record_ack(self, text: str) -> None:
        try:
            ack = json.loads(text)
            message_id = ack["headers"]["messageId"]
            assert isinstance(ack["code"], int)
            assert message_id in self.pushed
            ack["data"] = json.loads(ack["data"])
        except (ValueError, KeyError, TypeError, AssertionError):
            self.bad_acks.append(text)
            return
        self.acks[message_id] = ack


async def until(check: Callable[[], bool], what: str, within: float = 5.0) -> None:
    """Polls `check` until it holds (a real event in another thread or process), failing
    with `what` after `within` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(what)
        await asyncio.sleep(0.01)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response(
        {"code": code, "message": message, "requestid": uuid.uuid4().hex}, status=status
    )
