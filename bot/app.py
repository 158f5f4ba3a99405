"""The composition root: the only place that knows settings, storage, policy,
handlers and adapters together. It is the `Host` every adapter is given."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field

from bot.adapters.base import Adapter
from bot.clock import SystemClock
from bot.config import Settings
from bot.delivery.broadcast import Broadcaster
from bot.delivery.pacing import Pacer
from bot.files.kb import bundled_kb_path
from bot.files.live_kb import LiveKnowledgeBase
from bot.files.policy import bundled_policy_path, load_policy
from bot.metrics import Metrics
from bot.storage.store import Store, open_store
from conversations.ids import platform_of
from conversations.model import Lang
from conversations.policy import Policy
from handlers.events import Event, Message, Post, Reply, UpdateCard
from handlers.home import home_for
from handlers.ports import Clock, KnowledgeSource, StorageDown
from handlers.router import Handlers
from handlers.services import Services

log = logging.getLogger(__name__)


def load_configured_policy(settings: Settings) -> Policy:
    return load_policy(settings.policy_path or bundled_policy_path())


@dataclass
class App:
    """Everything one process runs, built once by `App.build`."""

    settings: Settings
    store: Store
    services: Services
    handlers: Handlers
    adapters: dict[str, Adapter] = field(default_factory=dict)
    metrics: Metrics = field(default_factory=Metrics)
    fallback: Adapter | None = None  # the console prints what no platform serves

    @classmethod
    async def build(
        cls,
        settings: Settings,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        policy: Policy | None = None,
        faq: KnowledgeSource | None = None,
    ) -> App:
        """The one way to assemble the bot, for production, tests and benches. What is
        not given comes from the settings: the policy and knowledge base files (checked
        before anything is started), the Redis they name, the system clock."""
        policy = policy or load_configured_policy(settings)
        if faq is None:
            # Building the matcher takes a moment of CPU: keep it off the event loop.
            path = settings.kb_path or bundled_kb_path()
            faq = await asyncio.to_thread(LiveKnowledgeBase, path)
        if store is None:
            store = await open_store(settings.redis_url, settings.data_dir)
        services = Services(
            drafts=store.drafts,
            requests=store.requests,
            faq_log=store.faq_log,
            notices=store.notices,
            notice_drafts=store.notice_drafts,
            policy=policy,
            clock=clock or SystemClock(),
            tz=settings.tz,
            faq=faq,
        )
        return cls(settings=settings, store=store, services=services, handlers=Handlers(services))

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
        """Handles an event and delivers all its replies (benches and tests)."""
        replies = await self.handle(event)
        await self.deliver(replies)
        return replies

    async def home(self, user: str, lang: Lang | None) -> list[Message]:
        return await home_for(self.services, user, lang or "en")

    async def deliver(self, replies: list[Reply]) -> None:
        for reply in replies:
            try:
                await self._deliver_one(reply)
                self.metrics.replies[reply.kind] += 1
            except (OSError, TimeoutError) as exc:
                # The platform is unreachable: one line per reply, not a traceback each
                # (a Slack outage would otherwise flood the log).
                self.metrics.delivery_failures += 1
                log.warning(
                    "delivery failed: platform unreachable",
                    extra={"reply": reply.kind, "error": repr(exc)[:300]},
                )
            except Exception:
                self.metrics.delivery_failures += 1
                # One unreachable channel must not stop the requester being told.
                log.exception("delivery failed", extra={"reply": reply.kind})

    async def _deliver_one(self, reply: Reply) -> None:
        refs = self.store.card_refs
        if isinstance(reply, UpdateCard):
            raw = await refs.get(reply.key)
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
            ref = json.dumps({"platform": adapter.platform, "ref": posted})
            await refs.set(reply.key, ref, reply.key_ttl)

    async def run_scheduler(self, stop: asyncio.Event, interval: float = 5.0) -> None:
        """Sends due reminders and escalations until `stop` is set."""
        while not stop.is_set():
            try:
                await self.deliver(await self.handlers.tick())
            except StorageDown as exc:
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

    def broadcaster(self) -> Broadcaster:
        """What sends the shutdown notices from this process (serve, worker, chat), to
        the platforms registered so far, each paced by its Pacer shared in Redis (the
        console needs none)."""
        ceiling = self.services.policy.broadcast.rate_per_second
        pacers = {
            name: Pacer(self.store.redis, self.store.keys, name, ceiling)
            for name in self.adapters
            if name != "console"
        }
        return Broadcaster(
            self.store.notices, self.adapters, pacers, self.services.clock, self.deliver
        )

    async def close(self) -> None:
        await self.store.close()
