"""A stand-in for the app as the outbox's courier (bot/delivery/outbox.py): it counts
what it is asked to send, can hold the sends until a gate opens, and cannot tell
whether a message arrived (like a platform without a lookup)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime

from bot.delivery.outbox import CannotTell, Delivered
from handlers.events import Post, Reply, UpdateCard


class RecordingCourier:
    def __init__(self, sent: Counter[str] | None = None, gated: bool = False) -> None:
        self.sent: Counter[str] = Counter() if sent is None else sent
        self.order: list[str] = []
        self.started = asyncio.Event()  # a send has begun
        self.gate = asyncio.Event()  # sends finish once it is set
        if not gated:
            self.gate.set()

    async def send(self, reply: Post | UpdateCard, *, exact: bool) -> Delivered:
        self.started.set()
        await self.gate.wait()
        await asyncio.sleep(0)  # let another sweeper run between sends
        self.sent[str(reply.outbox)] += 1
        self.order.append(str(reply.outbox))
        return Delivered()

    async def find(self, reply: Post | UpdateCard, since: datetime) -> Delivered | None:
        raise CannotTell("this courier cannot look")

    async def undelivered(
        self, request_id: str, reply: Post | UpdateCard, reason: str
    ) -> list[Reply]:
        return []
