"""The composition root: the only place that knows settings, storage, policy,
handlers and adapters together."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field

from bot.adapters.base import Adapter
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.files.kb import bundled_kb_path
from bot.files.live_kb import LiveKnowledgeBase
from bot.files.policy import bundled_policy_path, load_policy
from bot.metrics import Metrics
from bot.storage.client import open_redis
from bot.storage.store import RedisError, Store
from conversations.ids import platform_of
from conversations.policy import Policy
from handlers.events import Event, Post, Reply, UpdateCard
from handlers.router import Handlers
from handlers.services import Services

log = logging.getLogger(__name__)


def load_configured_policy(settings: Settings) -> Policy:
    return load_policy(settings.policy_path or bundled_policy_path())


@dataclass
class App:
    settings: Settings
    services: Services
    handlers: Handlers
    adapters: dict[str, Adapter] = field(default_factory=dict)
    metrics: Metrics = field(default_factory=Metrics)
    fallback: Adapter | None = None  # the console prints what no platform serves

    @classmethod
    async def create(
        cls, settings: Settings, clock: Clock | None = None, policy: Policy | None = None
    ) -> App:
        policy = policy or load_configured_policy(settings)
        # Building the matcher takes a moment of CPU: keep it off the event loop.
        faq = await asyncio.to_thread(LiveKnowledgeBase, settings.kb_path or bundled_kb_path())
        redis = await open_redis(settings.redis_url, settings.data_dir)
        services = Services(
            store=Store(redis),
            policy=policy,
            clock=clock or SystemClock(),
            tz=settings.tz,
            faq=faq,
        )
        return cls(settings=settings, services=services, handlers=Handlers(services))

    def register(self, adapter: Adapter, fallback: bool = False) -> None:
        self.adapters[adapter.platform] = adapter
        if fallback:
            self.fallback = adapter

    async def handle(self, event: Event) -> list[Reply]:
        """Handles an event without delivering the replies (adapters that must answer
        part of them themselves, such as a Slack modal, deliver the rest)."""
        started = time.perf_counter()
        try:
            return await self.handlers.handle(event)
        finally:
            self.metrics.events[event.kind] += 1
            self.metrics.handle_seconds += time.perf_counter() - started

    async def dispatch(self, event: Event) -> list[Reply]:
        replies = await self.handle(event)
        await self.deliver(replies)
        return replies

    async def deliver(self, replies: list[Reply]) -> None:
        for reply in replies:
            try:
                await self._deliver_one(reply)
                self.metrics.replies[reply.kind] += 1
            except Exception:
                self.metrics.delivery_failures += 1
                # One unreachable channel must not stop the requester being told.
                log.exception("delivery failed", extra={"reply": reply.kind})

    async def _deliver_one(self, reply: Reply) -> None:
        store = self.services.store
        if isinstance(reply, UpdateCard):
            rid = reply.key.split(":", 1)[0]
            raw = await store.get_card_ref(rid, reply.key)
            if raw is not None:
                ref = json.loads(raw)
                adapter = self.adapters.get(ref["platform"])
                if adapter is not None:
                    await adapter.deliver(reply, ref["ref"])
                return
            log.warning("card reference missing, posting it anew", extra={"key": reply.key})
            reply = Post(to=reply.channel, key=reply.key, message=reply.message)
        adapter = self.adapters.get(platform_of(reply.to)) or self.fallback
        if adapter is None:
            log.warning("no adapter for destination", extra={"to": reply.to})
            return
        posted = await adapter.deliver(reply)
        if isinstance(reply, Post) and reply.key and posted is not None:
            rid = reply.key.split(":", 1)[0]
            ref = json.dumps({"platform": adapter.platform, "ref": posted})
            await store.set_card_ref(rid, reply.key, ref, reply.key_ttl)

    async def run_scheduler(self, stop: asyncio.Event, interval: float = 5.0) -> None:
        """Sends due reminders and escalations until `stop` is set."""
        while not stop.is_set():
            try:
                await self.deliver(await self.handlers.tick())
            except (RedisError, OSError) as exc:
                log.warning(
                    "scheduler tick skipped: storage unavailable", extra={"error": repr(exc)}
                )
            except Exception:
                # Whatever went wrong, the next tick must still run: a scheduler that
                # dies quietly means no reminder is ever sent again.
                log.exception("scheduler tick failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass

    async def close(self) -> None:
        await self.services.store.close()
