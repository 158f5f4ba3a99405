"""DingTalk Stream mode: the bot keeps a websocket open to DingTalk's gateway, so it
needs no public URL. Frames of the two subscribed topics (bot messages, card
callbacks) are acked at once and handed to the bot's event loop as `Received`.

Everything runs in a thread of its own with its own event loop: frames are acked
while the bot's loop is busy, and nothing of the SDK ever runs on the bot's loop.

What is taken from the official dingtalk-stream SDK (0.24.3) is its wire format: the
frame classes that read a frame and its JSON `data`, and the ack it answers with. Its
connection loop is not used, because it cannot be stopped (it swallows cancellation
and sleeps), retries at a fixed pace without backoff, and opens the gateway with a
blocking call that has no timeout and reads the gateway URL from a class attribute
fixed at import. Here the gateway is opened with aiohttp (a timeout, every answer
checked), reconnects back off up to a cap, and `stop()` ends the thread within a bound.

Dedupe of a redelivered frame is the adapter's: each `Received` carries the frame's id.

A frame is acked before its work is done, so that work is kept (as an asyncio task on
the bot's loop) for `drain()` to wait for at shutdown, before the adapter's HTTP
session and the storage close: without it a frame acked just before SIGTERM would be
lost. At most `max_concurrent` frames are worked on at once; the others wait their
turn on the bot's loop, acked already, so a burst never delays an ack.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import quote_plus

import aiohttp
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from bot.adapters.dingtalk.received import (
    KIND_OF_TOPIC,
    TOPIC_BOT_MESSAGE,
    TOPIC_CARD_CALLBACK,
    OnReceived,
    Received,
)

log = logging.getLogger(__name__)

OPEN_PATH = "/v1.0/gateway/connections/open"
TOPICS = (TOPIC_BOT_MESSAGE, TOPIC_CARD_CALLBACK)
# The variable the SDK reads its OpenAPI base from, once, when it is first imported.
SDK_ENDPOINT_VARIABLE = "DINGTALK_OPENAPI_ENDPOINT"

OPEN_TIMEOUT = 10.0  # seconds for the gateway to answer, and for the websocket to open
CLOSE_TIMEOUT = 2.0  # seconds the websocket waits for the gateway's closing handshake
STOP_TIMEOUT = 5.0  # seconds `stop()` waits for the thread
DRAIN_TIMEOUT = 10.0  # seconds `drain()` waits for the frames' work at shutdown
MAX_CONCURRENT = 64  # frames worked on at once; the others wait their turn

_SYSTEM = "SYSTEM"
_CALLBACK = "CALLBACK"
_DISCONNECT = "disconnect"  # the gateway's notice that it is about to close the socket

Pause = Callable[[float], Awaitable[None]]


def load_sdk(api_url: str) -> ModuleType:
    """The dingtalk_stream package, imported with its endpoint set from `api_url`: it
    reads the variable once, at its first import, into several modules."""
    endpoint = api_url.rstrip("/")
    if "dingtalk_stream" not in sys.modules:
        os.environ[SDK_ENDPOINT_VARIABLE] = endpoint
    import dingtalk_stream
    import dingtalk_stream.frames
    import dingtalk_stream.utils
    import dingtalk_stream.version

    if dingtalk_stream.utils.DINGTALK_OPENAPI_ENDPOINT != endpoint:
        # Harmless here (the gateway is opened with our own URL) but worth knowing.
        log.info(
            "dingtalk-stream was imported before its endpoint was set",
            extra={"sdk_endpoint": dingtalk_stream.utils.DINGTALK_OPENAPI_ENDPOINT},
        )
    module: ModuleType = dingtalk_stream
    return module


@dataclass
class Backoff:
    """Seconds to wait before the next connection attempt: `first`, doubling up to `cap`;
    back to `first` once a connection has worked."""

    first: float = 1.0
    cap: float = 60.0
    factor: float = 2.0
    _next: float | None = field(default=None, repr=False)

    def next(self) -> float:
        delay = self.first if self._next is None else self._next
        self._next = min(delay * self.factor, self.cap)
        return delay

    def reset(self) -> None:
        self._next = None


class GatewayRefused(Exception):
    """The gateway would not open a connection (an error answer, or an unreadable one)."""


class _Connection(BaseModel):
    model_config = ConfigDict(extra="ignore")
    endpoint: str = Field(min_length=1)
    ticket: str = Field(min_length=1)


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str


class StreamClient:
    """`start()` from the bot's loop; `await stop()` on shutdown.

    `on_received` is run on the loop that called `start()`, once per frame of a
    subscribed topic, after the frame was acked, at most `max_concurrent` at once; on
    shutdown, `await drain()` after `stop()` waits for that work. `backoff` and `pause`
    (how a delay is waited, on the stream's own loop) are injected by tests.
    """

    def __init__(
        self,
        credentials: Credentials,
        api_url: str,
        on_received: OnReceived,
        *,
        backoff: Backoff | None = None,
        pause: Pause | None = None,
        open_timeout: float = OPEN_TIMEOUT,
        max_concurrent: int = MAX_CONCURRENT,
    ) -> None:
        self.credentials = credentials
        self.api_url = api_url.rstrip("/")
        self.on_received = on_received
        self.backoff = backoff or Backoff()
        self._pause: Pause = pause or asyncio.sleep
        self.open_timeout = open_timeout
        self.connections = 0  # websockets opened so far
        self._bot_loop: asyncio.AbstractEventLoop | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopping = False
        self._sdk: Any = None
        # The frames' work on the bot's loop (touched only there): kept so it is not
        # collected mid-way and so that shutdown can wait for it.
        self._work: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(max_concurrent)

    # -- the bot's side ------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the DingTalk stream is already started")
        self._bot_loop = asyncio.get_running_loop()
        self._stopping = False
        self._ready.clear()
        self._thread = threading.Thread(
            target=self._thread_main, name="dingtalk-stream", daemon=True
        )
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    async def stop(self, grace: float = STOP_TIMEOUT) -> bool:
        """Closes the websocket and ends the thread; False when it outlived `grace`."""
        thread = self._thread
        if thread is None:
            return True
        self._stopping = True
        deadline = time.monotonic() + grace
        await asyncio.to_thread(self._ready.wait, grace)
        loop, main = self._loop, self._main
        if loop is not None and main is not None:
            # The stream's loop may already have finished: nothing to cancel then.
            try:
                loop.call_soon_threadsafe(main.cancel)
            except RuntimeError:
                pass
        await asyncio.to_thread(thread.join, max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            log.error("the DingTalk stream thread did not stop", extra={"grace": grace})
            return False
        self._thread = None
        return True

    @property
    def working(self) -> int:
        """Frames acked and handed over whose work is not finished (or not started)."""
        return len(self._work)

    async def drain(self, grace: float = DRAIN_TIMEOUT) -> bool:
        """Waits for the frames' work still running (after `stop()`: no new frame comes
        then); False when some outlived `grace`."""
        if not self._work:
            return True
        _, pending = await asyncio.wait(set(self._work), timeout=grace)
        if pending:
            log.error(
                "DingTalk frames still being worked on at shutdown",
                extra={"frames": len(pending), "grace": grace},
            )
        return not pending

    def _begin(self, received: Received) -> None:
        """On the bot's loop: starts a frame's work."""
        task = asyncio.get_running_loop().create_task(self._work_on(received))
        self._work.add(task)
        task.add_done_callback(self._work.discard)

    async def _work_on(self, received: Received) -> None:
        async with self._slots:
            try:
                await self.on_received(received)
            except Exception:
                # The frame is acked already: the log is the only place this shows.
                log.exception(
                    "DingTalk stream frame handling failed", extra={"frame": received.frame_id}
                )

    # -- the stream's thread -------------------------------------------------------------

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            # Imported here, not on the bot's loop: a first import reads many files.
            self._sdk = load_sdk(self.api_url)
            self._main = loop.create_task(self._run())
            self._ready.set()
            loop.run_until_complete(self._main)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("the DingTalk stream stopped on an error")
        finally:
            self._ready.set()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _run(self) -> None:
        if self._stopping:
            return
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.open_timeout)
        ) as session:
            while not self._stopping:
                planned = False
                try:
                    uri = await self._open(session)
                    planned = await self._listen(uri)
                except GatewayRefused as exc:
                    log.warning("DingTalk stream gateway refused", extra={"why": str(exc)})
                except (OSError, TimeoutError, WebSocketException, aiohttp.ClientError) as exc:
                    log.warning(
                        "DingTalk stream gateway unreachable or connection lost",
                        extra={"error": repr(exc)[:300]},
                    )
                except Exception:
                    # A bug of ours or the SDK's must not end the stream for good.
                    log.exception("DingTalk stream connection failed")
                if self._stopping:
                    break
                if not planned:
                    wait = self.backoff.next()
                    log.info("DingTalk stream reconnecting in %gs", wait, extra={"in_s": wait})
                    await self._pause(wait)

    async def _open(self, session: aiohttp.ClientSession) -> str:
        body = {
            "clientId": self.credentials.client_id,
            "clientSecret": self.credentials.client_secret,
            "subscriptions": [{"type": _CALLBACK, "topic": topic} for topic in TOPICS],
            "ua": f"stopbot dingtalk-stream/{self._sdk.version.VERSION_STRING}",
            "localIp": "",
        }
        async with session.post(
            self.api_url + OPEN_PATH, json=body, headers={"Accept": "application/json"}
        ) as response:
            text = await response.text()
        if response.status != 200:
            raise GatewayRefused(f"HTTP {response.status}: {_error_of(text)}")
        try:
            connection = _Connection.model_validate_json(text)
        except ValidationError as exc:
            raise GatewayRefused("answer without an endpoint and a ticket") from exc
        return f"{connection.endpoint}?ticket={quote_plus(connection.ticket)}"

    async def _listen(self, uri: str) -> bool:
        """Reads frames until the socket closes; True when the gateway said it would
        close it (a planned disconnect: reconnect at once)."""
        planned = False
        async with connect(
            uri, proxy=None, open_timeout=self.open_timeout, close_timeout=CLOSE_TIMEOUT
        ) as ws:
            self.connections += 1
            opened = time.monotonic()
            log.info("DingTalk stream connected")
            try:
                async for raw in ws:
                    # The connection works: the next drop starts the backoff over.
                    self.backoff.reset()
                    if await self._frame(ws, raw):
                        planned = True
                        await ws.close()
            finally:
                # A quiet connection that lasted counts as working too; one dropped
                # as soon as it opened does not, or a flapping gateway is hammered.
                if time.monotonic() - opened >= self.backoff.cap:
                    self.backoff.reset()
        return planned

    async def _frame(self, ws: ClientConnection, raw: str | bytes) -> bool:
        """Acks the frame, then hands it over; True for the gateway's disconnect notice."""
        frames = self._sdk.frames
        try:
            frame = json.loads(raw)
            kind = frame.get("type") if isinstance(frame, dict) else None
            message = (
                frames.SystemMessage.from_dict(frame)
                if kind == _SYSTEM
                else frames.CallbackMessage.from_dict(frame)
            )
        except (ValueError, TypeError, AttributeError) as exc:
            log.warning(
                "unreadable DingTalk stream frame dropped", extra={"error": repr(exc)[:300]}
            )
            return False
        topic = message.headers.topic
        ack = frames.AckMessage()
        ack.headers.message_id = message.headers.message_id
        ack.headers.content_type = frames.Headers.CONTENT_TYPE_APPLICATION_JSON
        ack.message = "OK"
        if kind == _SYSTEM:
            ack.data = message.data  # a ping's answer echoes its `opaque`
        else:
            ack.data = {"response": {} if topic == TOPIC_CARD_CALLBACK else "OK"}
        await ws.send(json.dumps(ack.to_dict()))
        if kind == _SYSTEM:
            return bool(topic == _DISCONNECT)
        where = KIND_OF_TOPIC.get(topic) if kind == _CALLBACK else None
        if where is None or not isinstance(message.data, dict):
            log.warning("DingTalk stream frame of no subscribed topic", extra={"topic": topic})
            return False
        self._hand_over(
            Received(kind=where, payload=message.data, frame_id=message.headers.message_id)
        )
        return False

    def _hand_over(self, received: Received) -> None:
        assert self._bot_loop is not None
        try:
            # Started by the bot's loop itself, so that only that loop touches the set
            # of work `drain()` waits for; scheduled before the thread ends, so before
            # `stop()` returns.
            self._bot_loop.call_soon_threadsafe(self._begin, received)
        except RuntimeError:  # the bot's loop is closed: shutting down
            log.warning(
                "DingTalk frame not handled: the bot is stopping",
                extra={"frame": received.frame_id},
            )


def _error_of(text: str) -> str:
    """DingTalk's error code and message, without echoing anything else of the answer."""
    try:
        body = json.loads(text)
    except ValueError:
        return "not JSON"
    if not isinstance(body, dict):
        return "not a JSON object"
    return f"{str(body.get('code', ''))[:80]} {str(body.get('message', ''))[:200]}".strip()
