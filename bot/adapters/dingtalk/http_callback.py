"""POST /dingtalk/events, DingTalk's HTTP callback mode (DINGTALK_MODE=http): the body is
read with a size cap, the `timestamp`/`sign` headers checked before anything else, and
only then the JSON decoded and handed to the adapter as a `Received`.

Each refusal is one log line and a status that says why (413 too large, 401 not
DingTalk's, 400 signed but unreadable), and the adapter's callback never sees it.

DingTalk waits for the answer, so a bot message or a card callback is answered at once
with `{}` and worked on after: a clicked card is rewritten by the outbox through the
OpenAPI (bot/adapters/dingtalk/adapter.py says why), never by this answer.
"""

from __future__ import annotations

import asyncio
import json
import logging

from aiohttp import web

from bot.adapters.dingtalk import inbound, signature
from bot.adapters.dingtalk.received import OnReceived, Received
from bot.clock import SystemClock
from bot.request_body import MAX_BODY, read_body, too_large
from handlers.ports import Clock

log = logging.getLogger(__name__)

PATH = "/dingtalk/events"
DRAIN_TIMEOUT = 10.0  # seconds `drain` waits for work still running at shutdown


class CallbackEndpoint:
    """The aiohttp handler of PATH: `app.router.add_post(PATH, endpoint.handle)`.

    `clock` is the signature window's: the bot's own clock in production (real time,
    as DingTalk's), a settable one in tests.
    """

    def __init__(
        self,
        secret: str,
        on_received: OnReceived,
        *,
        clock: Clock | None = None,
    ) -> None:
        self.secret = secret
        self.on_received = on_received
        self.clock: Clock = clock or SystemClock()
        # Work still running after its answer: kept so it is not collected mid-way and
        # so that shutdown can wait for it.
        self._work: set[asyncio.Task[None]] = set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await read_body(request)
        if body is None:
            return _refuse(413, f"body over {MAX_BODY} bytes", request)
        why = signature.refusal(
            request.headers.get("timestamp"),
            request.headers.get("sign"),
            self.secret,
            self.clock.now(),
        )
        if why is not None:
            return _refuse(401, why, request)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _refuse(400, "body is not UTF-8 JSON", request)
        if not isinstance(payload, dict):
            return _refuse(400, "body is not a JSON object", request)
        kind = inbound.kind_of(payload)
        if kind is None:
            # Signed, so DingTalk's: something the bot did not subscribe to. A 200 keeps
            # DingTalk from sending it again.
            log.info(
                "DingTalk callback of an unknown kind ignored", extra={"keys": sorted(payload)[:20]}
            )
            return web.json_response({})
        self._start(Received(kind=kind, payload=payload))
        return web.json_response({})

    def _start(self, received: Received) -> None:
        task = asyncio.create_task(self._run(received))
        self._work.add(task)
        task.add_done_callback(self._work.discard)

    async def _run(self, received: Received) -> None:
        try:
            await self.on_received(received)
        except Exception:
            # Its answer is gone already; the log is the only place the failure shows.
            log.exception("DingTalk callback work failed", extra={"kind": received.kind})

    @property
    def running(self) -> int:
        """Work started by a callback and not finished yet."""
        return len(self._work)

    async def drain(self, grace: float = DRAIN_TIMEOUT) -> bool:
        """Waits for the work still running; False when some outlived `grace`."""
        if not self._work:
            return True
        _, pending = await asyncio.wait(set(self._work), timeout=grace)
        return not pending


def _refuse(status: int, why: str, request: web.Request) -> web.Response:
    # One line, no body echoed and no traceback: a flood of bad requests must not flood
    # the log.
    log.warning(
        "refused a DingTalk callback",
        extra={"status": status, "why": why, "remote": request.remote},
    )
    return too_large() if status == 413 else web.json_response({"error": why}, status=status)
