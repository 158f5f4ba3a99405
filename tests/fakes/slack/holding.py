"""The fake Slack, able to hold a call open: the way to stop a bot process at an exact
point of a send, from outside it (at the HTTP boundary, with no hook in the bot).

``hold(method, channel, taken=...)`` catches the next matching call:
- ``taken=False``: it waits *before* Slack carries it out. Kill the bot meanwhile and
  Slack never has the message, although the bot had marked it in flight.
- ``taken=True``: Slack carries it out (the post is stored), then the answer waits.
  Kill the bot meanwhile and Slack has the message the bot never heard about.

``await held.arrived.wait()`` tells that the bot is at that point; ``held.release()``
lets the call go on (a call not taken is then carried out, unless ``drop=True``: the
caller is gone, Slack never saw it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.slack.api import FakeSlack


@dataclass
class Held:
    method: str
    channel: str
    taken: bool
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _go: asyncio.Event = field(default_factory=asyncio.Event)
    dropped: bool = False

    def release(self, drop: bool = False) -> None:
        self.dropped = drop
        self._go.set()


class HoldingSlack(FakeSlack):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._holds: list[Held] = []

    async def until(self, done: Callable[[], bool], seconds: float = 30) -> None:
        """Waits, call after call, until `done()` holds."""
        async with asyncio.timeout(seconds), self._changed:
            await self._changed.wait_for(done)

    def hold(self, method: str, channel: str, taken: bool) -> Held:
        held = Held(method, channel, taken)
        self._holds.append(held)
        return held

    async def _handle(self, request: web.Request) -> web.Response:
        # aiohttp keeps the body once read, so the fake reads it again after this.
        params, _, _ = await self._read(request)
        method = request.match_info["method"]
        held = next(
            (
                h
                for h in self._holds
                if h.method == method
                and self._resolve_channel(str(params.get("channel"))) == h.channel
            ),
            None,
        )
        if held is None:
            return await super()._handle(request)
        self._holds.remove(held)
        if held.taken:
            answer = await super()._handle(request)
            held.arrived.set()
            await held._go.wait()
            return answer
        held.arrived.set()
        await held._go.wait()
        if held.dropped:
            return web.Response(status=503)
        return await super()._handle(request)
