"""The composition root: the only place that knows settings, storage, policy,
handlers and adapters together. It is the `Host` every adapter is given."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.adapters.base import Adapter, Recalls
from bot.adapters.outcome import DeliveryFailed
from bot.clock import SystemClock
from bot.config import Settings
from bot.delivery.broadcast import Broadcaster, Tuning
from bot.delivery.outbox import CannotTell, Delivered, NoRoute, Outbox
from bot.delivery.pacing import Pacer
from bot.faq.live_kb import LiveKnowledgeBase
from bot.files.kb import bundled_kb_path
from bot.files.policy import bundled_policy_path, load_policy
from bot.metrics import Metrics
from bot.periodic import every
from bot.storage.store import Store, open_store
from conversations.ids import platform_of
from conversations.model import Lang
from conversations.policy import Policy
from handlers import announce
from handlers.events import Event, Message, Post, Reply, UpdateCard
from handlers.home import home_for
from handlers.ports import Clock, KnowledgeSource
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
    # One Pacer per platform (state shared in Redis by every process), made when its
    # adapter is registered; the outbox and the broadcaster both take turns from it.
    pacers: dict[str, Pacer] = field(default_factory=dict)
    outbox: Outbox = field(init=False)

    def __post_init__(self) -> None:
        self.outbox = Outbox(
            self.store.outbox, self, self.services.clock, self.store.lease, pacers=self.pacers
        )

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
            faq = await asyncio.to_thread(LiveKnowledgeBase, path, settings.faq_cache)
        if store is None:
            store = await open_store(
                settings.redis_url,
                settings.data_dir,
                lease=timedelta(seconds=settings.outbox_lease_seconds),
            )
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
        """Serves a platform; a fallback (the console, which prints) needs no pacing."""
        self.adapters[adapter.platform] = adapter
        if fallback:
            self.fallback = adapter
        elif adapter.platform not in self.pacers:
            ceiling = self.services.policy.broadcast.rate_per_second
            self.pacers[adapter.platform] = Pacer(
                self.store.redis, self.store.keys, adapter.platform, ceiling
            )

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
        """Sends replies in order. Those a transition owes (they carry an outbox id)
        go through one outbox round, which keeps them until they are delivered; the
        others (answers to the person who is there) are sent once, and a failure is
        logged."""
        owed = [r for r in replies if isinstance(r, Post | UpdateCard) and r.outbox is not None]
        async with self.outbox.round(owed) as round_:
            for reply in replies:
                try:
                    if isinstance(reply, Post | UpdateCard) and reply.outbox is not None:
                        await round_.send(reply)
                    else:
                        await self._deliver_one(reply)
                    self.metrics.replies[reply.kind] += 1
                except (DeliveryFailed, OSError, TimeoutError) as exc:
                    # The platform refused or could not be reached: one line per reply,
                    # not a traceback each (a Slack outage would otherwise flood the log).
                    self.metrics.delivery_failures += 1
                    log.warning(
                        "delivery failed",
                        extra={"reply": reply.kind, "error": repr(exc)[:300]},
                    )
                except Exception:
                    self.metrics.delivery_failures += 1
                    # One unreachable channel must not stop the requester being told.
                    log.exception("delivery failed", extra={"reply": reply.kind})

    async def report(self, replies: list[Reply]) -> None:
        """Delivers replies in order and raises the first failure (DeliveryFailed,
        OSError), for a caller that tries again: a notice's progress and final report."""
        for reply in replies:
            await self._deliver_one(reply)
            self.metrics.replies[reply.kind] += 1

    async def _route(self, reply: Reply, exact: bool) -> tuple[Adapter, Reply, str | None]:
        """The adapter for a reply, the reply as it will be sent, and the reference of
        the card it rewrites. An update of a card whose reference is unknown (lost in a
        crash before the outbox, or its post refused) is posted anew. `exact`: only the
        adapter of the destination's platform, never the console's fallback."""
        if isinstance(reply, UpdateCard):
            raw = await self.store.card_refs.get(reply.key)
            if raw is not None:
                ref = json.loads(raw)
                adapter = self.adapters.get(ref["platform"])
                if adapter is None:
                    raise NoRoute(ref["platform"])
                return adapter, reply, str(ref["ref"])
            log.warning("card reference missing, posting it anew", extra={"key": reply.key})
            reply = Post(
                to=reply.channel, key=reply.key, message=reply.message, outbox=reply.outbox
            )
        to = getattr(reply, "to", "")
        adapter = self.adapters.get(platform_of(to)) or (None if exact else self.fallback)
        if adapter is None:
            raise NoRoute(to)
        return adapter, reply, None

    def _card(self, adapter: Adapter, reply: Reply, posted: str | None) -> Delivered:
        if isinstance(reply, Post) and reply.key and posted is not None:
            return Delivered(reply.key, json.dumps({"platform": adapter.platform, "ref": posted}))
        return Delivered()

    async def _deliver_one(self, reply: Reply) -> None:
        try:
            adapter, routed, ref = await self._route(reply, exact=False)
        except NoRoute:
            log.warning("no adapter for destination", extra={"to": getattr(reply, "to", "")})
            return
        done = self._card(adapter, routed, await adapter.deliver(routed, ref))
        if done.card_key is not None:
            key_ttl = routed.key_ttl if isinstance(routed, Post) else None
            await self.store.card_refs.set(done.card_key, done.ref, key_ttl)

    # -- what the outbox needs (bot/delivery/outbox.py Courier) -----------------------

    async def send(self, reply: Post | UpdateCard, *, exact: bool) -> Delivered:
        adapter, routed, ref = await self._route(reply, exact)
        if (
            isinstance(reply, UpdateCard)
            and isinstance(routed, Post)
            and await self.store.outbox.owes_card(reply.key)
        ):
            # Its card is still owed (the platform was down): rewrite it once it is
            # posted, rather than post a second copy now and the first one later.
            raise DeliveryFailed("card_not_posted_yet")
        done = self._card(adapter, routed, await adapter.deliver(routed, ref))
        if done.card_key is not None:
            self.store.card_refs.known(done.card_key, done.ref)
        return done

    async def find(self, reply: Post | UpdateCard, since: datetime) -> Delivered | None:
        adapter, routed, _ = await self._route(reply, exact=True)
        if isinstance(routed, UpdateCard):
            return None  # rewriting a card once more changes nothing: just do it
        if not isinstance(adapter, Recalls) or not isinstance(routed, Post):
            raise CannotTell(adapter.platform)
        try:
            posted = await adapter.find_sent(routed, since)
        except Exception as exc:
            raise CannotTell(repr(exc)) from exc
        return None if posted is None else self._card(adapter, routed, posted)

    async def undelivered(
        self, request_id: str, reply: Post | UpdateCard, reason: str
    ) -> list[Reply]:
        req = await self.store.requests.get(request_id)
        if req is None:
            return []
        to = reply.destination
        is_card = reply.key is not None
        return announce.undelivered(req, to, is_card, reason, self.services)

    async def run_scheduler(self, stop: asyncio.Event, interval: float = 5.0) -> None:
        """Sends due reminders and escalations until `stop` is set."""

        async def tick() -> None:
            await self.deliver(await self.handlers.tick())

        await every(interval, stop, tick, "scheduler tick")

    def broadcaster(self) -> Broadcaster:
        """What sends the shutdown notices from this process (serve, worker, chat),
        each platform paced by the same Pacer as the outbox (the console needs none).
        A target a dead process had claimed is taken over after the same lease as an
        owed reply (OUTBOX_LEASE_SECONDS)."""
        return Broadcaster(
            self.store.notices,
            self.adapters,
            self.pacers,
            self.services.clock,
            self.report,
            tuning=Tuning(lease=self.store.lease),
        )

    async def close(self) -> None:
        await self.outbox.drain()
        await self.store.close()
