"""Delivering what the outbox owes: at once by the process that committed the
transition, and by the sweeper of every `serve`, `worker` and `chat` process for the
entries whose lease or backoff has run out (their process died, hung, or the platform
failed).

The committer holds its entries' lease from birth and sends them straight away (no
round trip before the platform call), then settles them with one script per request:
removed from the outbox, with the card reference each post produced. A sweeper claims
an entry (a new lease epoch, so the previous holder is fenced off), marks it in flight
(attempts + 1, since now), sends it and settles it. An entry that may have gone out
before its sender stopped (in flight, or never marked since the committer sends without
marking) is first looked up on the platform where the platform can tell (Slack: the
outbox id rides in the message's metadata), and settled without a resend when it had
arrived. A transient failure puts the entry off (exponential backoff, capped, never
sooner than the platform's Retry-After); a permanent one records it as failed and owes,
in the same script, the messages telling whoever must know, once.

Guarantee: every owed reply is delivered at least once unless the platform refuses it
for good (then it is recorded and told); where the platform can be asked (Slack),
exactly once, and where it cannot, duplicates are bounded by the messages whose send
had begun and was not yet recorded when a process died.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.adapters.outcome import RATELIMITED, DeliveryFailed
from bot.delivery.backoff import Backoff
from bot.delivery.pacing import Pacing
from bot.periodic import every
from bot.storage.millis import from_ms, ms
from bot.storage.outbox import Claimed, Envelope, RedisOutbox, request_of
from conversations.ids import platform_of
from conversations.model import AuditEntry
from handlers.events import Post, Reply, UpdateCard
from handlers.ports import Clock, StorageDown

log = logging.getLogger(__name__)

# The sweeper's claims per bucket and pass: what one process can send before its
# leases run out, leaving the rest to other processes.
CLAIM_LIMIT = 20

ACTOR = "stopbot"  # who the audit trail says recorded an undelivered message
UNDELIVERED = "undelivered"


@dataclass(frozen=True)
class Delivered:
    """Where an owed message went: the card it placed, for later updates (the
    reference as the app files it), if it was a card."""

    card_key: str | None = None
    ref: str = ""


class NoRoute(Exception):
    """No adapter of this process serves the destination: another process may."""


class CannotTell(Exception):
    """The platform cannot say whether a message arrived (no lookup, or it failed)."""


class Courier(Protocol):
    """What the outbox needs of the app: its adapters and card references."""

    async def send(self, reply: Post | UpdateCard, *, exact: bool) -> Delivered:
        """Sends through the adapter serving the destination (`exact`: only a platform
        adapter, not the console's print-everything fallback). Raises DeliveryFailed,
        or NoRoute."""
        ...

    async def find(self, reply: Post | UpdateCard, since: datetime) -> Delivered | None:
        """Where the message is if it reached the platform after `since`, else None.
        Raises CannotTell, or NoRoute."""
        ...

    async def undelivered(
        self, request_id: str, reply: Post | UpdateCard, reason: str
    ) -> list[Reply]:
        """The messages telling whoever must know that `reply` was refused for good."""
        ...


class Outbox:
    def __init__(
        self,
        store: RedisOutbox,
        courier: Courier,
        clock: Clock,
        lease: timedelta,
        backoff: Backoff | None = None,
        pacers: Mapping[str, Pacing] | None = None,
    ) -> None:
        self.store = store
        self.courier = courier
        self.clock = clock
        self.lease = lease
        self.backoff = backoff or Backoff()
        # Each platform's Pacer, shared with the broadcaster (and, in Redis, with every
        # process): an owed reply takes its lane's turn, so a broadcast never delays it
        # and a 429 pauses every sender. Platforms without one (the console) go at once.
        self.pacers: Mapping[str, Pacing] = pacers if pacers is not None else {}
        self.stopping = False
        # Entries this process holds a lease on and has not settled (claimed by a
        # sweep, or in a round): their leases are given back on shutdown.
        self._held: dict[str, Claimed] = {}
        self._rounds = 0  # rounds under way
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def interval(self) -> float:
        """How often to sweep: pickup stays within a lease and a second."""
        return min(1.0, self.lease.total_seconds() / 4)

    def _now(self) -> int:
        return ms(self.clock.now())

    def _lease_until(self, now: int) -> int:
        return now + int(self.lease.total_seconds() * 1000)

    # -- the committer's path ----------------------------------------------------

    def round(self, replies: Sequence[Post | UpdateCard]) -> Round:
        """The round that delivers replies this process has just owed (it holds their
        lease from birth, epoch 0): no waiting on the happy path."""
        now = self._now()
        entries = [
            # (Built without validation: the replies are the models just owed.)
            Claimed(id=r.outbox, envelope=Envelope.model_construct(reply=r, at=now), epoch=0)
            for r in replies
            if r.outbox is not None
        ]
        return Round(self, entries, exact=False)

    async def deliver(self, replies: Sequence[Post | UpdateCard]) -> None:
        """Delivers replies this process has just owed, in order."""
        async with self.round(replies) as r:
            for reply in replies:
                await r.send(reply)

    # -- the sweeper ---------------------------------------------------------------

    async def sweep(self) -> int:
        """One pass over every bucket: claims the entries whose lease or backoff is over
        and delivers them. Returns how many it claimed."""
        now = self._now()
        claimed = 0
        for number in await self.store.due_buckets(now):
            if self.stopping:
                break
            now = self._now()
            batch = await self.store.claim(number, now, self._lease_until(now), CLAIM_LIMIT)
            claimed += len(batch)
            for entry in batch:
                self._held[entry.id] = entry
            for entry in batch:
                await self._recover(entry)
        return claimed

    async def _recover(self, entry: Claimed) -> None:
        """One entry a sweep claimed: if it was in flight when its sender stopped, it is
        looked up first where the platform can tell; sent if it did not arrive."""
        async with Round(self, [entry], exact=True) as r:
            if self.stopping:
                return  # given back when the round ends
            try:
                if entry.in_flight_since and await self._arrived(entry):
                    r.forget(entry)
                    return
            except NoRoute:
                await r.no_route(entry)
                return
            await r.send(entry.reply)

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        """Sweeps every `interval` seconds until `stop` is set."""
        await every(interval, stop, self.sweep, "outbox sweep")

    async def drain(self, grace: float = 10.0) -> None:
        """Shutdown: starts nothing new, lets the sends under way finish (up to `grace`
        seconds), and gives back every other lease held, so another process takes those
        entries at once instead of after the lease."""
        self.stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=grace)
        except TimeoutError:
            log.warning("outbox sends still under way at shutdown")
        await self._release(list(self._held.values()))

    # -- outcomes ------------------------------------------------------------------

    async def _arrived(self, entry: Claimed) -> bool:
        """Whether an entry found in flight reached the platform before its sender
        stopped; if so it is settled here, without a resend."""
        try:
            found = await self.courier.find(entry.reply, from_ms(entry.in_flight_since))
        except CannotTell:
            log.info("cannot tell whether it arrived: sending again", extra={"entry": entry.id})
            return False
        if found is None:
            return False
        log.info("found delivered before a crash", extra={"entry": entry.id})
        await self.store.sent([(entry.id, found.card_key, found.ref)])
        return True

    async def _failed(
        self, entry: Claimed, reason: str, permanent: bool, retry_after: float | None
    ) -> None:
        now = self._now()
        attempts = entry.attempts + 1
        if not permanent and now - entry.envelope.at < self.backoff.give_up.total_seconds() * 1000:
            wait = self.backoff.delay(attempts, retry_after)
            log.warning(
                "outbox send failed, retrying later",
                extra={"entry": entry.id, "reason": reason, "in_s": wait.total_seconds()},
            )
            await self.store.later(entry, now + int(wait.total_seconds() * 1000), reason)
            return
        if not permanent:
            reason = f"gave_up:{reason}"
        log.error("outbox entry refused for good", extra={"entry": entry.id, "reason": reason})
        rid = request_of(entry.id)
        tellings = (
            await self.courier.undelivered(rid, entry.reply, reason) if entry.envelope.tell else []
        )
        to = entry.reply.to if isinstance(entry.reply, Post) else entry.reply.channel
        audit = AuditEntry(
            at=from_ms(now), actor=ACTOR, action=UNDELIVERED, detail=f"{to}: {reason}"
        )
        owed = await self.store.failed(entry, reason, now, tellings, self._lease_until(now), audit)
        told = [r for r in owed or [] if isinstance(r, Post | UpdateCard)]
        if told:
            await self.deliver(told)

    async def _release(self, entries: list[Claimed]) -> None:
        now = self._now()
        for entry in entries:
            try:
                await self.store.later(entry, now)
            except StorageDown:
                pass  # the lease runs out by itself
            self._held.pop(entry.id, None)


class Round:
    """Owed entries this process sends together (the replies of one delivery, or one
    entry a sweep claimed): held from birth or marked in flight at the start, sent in
    order, settled at the end with one script per request (with the cards they placed).
    What was not sent by the end (shutdown, an error in between) is given back.

    Its sends never outlive the lease: past it, another process may take an entry over
    (and would look it up first, since it is in flight)."""

    def __init__(self, outbox: Outbox, entries: list[Claimed], exact: bool) -> None:
        self.outbox = outbox
        self.entries = {e.id: e for e in entries}
        self.exact = exact
        self.held: dict[str, Claimed] = {}  # in flight under this process's lease
        self.pending = dict(self.entries)  # still ours to send, or to give back
        self.lease_until: dict[str, int] = {}  # when each held entry's lease ends (ms)
        self.delivered: list[tuple[str, str | None, str]] = []

    async def __aenter__(self) -> Round:
        out = self.outbox
        out._rounds += 1
        out._idle.clear()
        out._held.update(self.entries)
        if not self.entries or out.stopping:
            return self
        # Entries this process has just owed are held from birth and sent at once; the
        # others (claimed by a sweep) are marked in flight first, under their lease.
        others = []
        for entry in self.entries.values():
            born = out.store.births.take(entry.id) if entry.epoch == 0 else None
            if born is None:
                others.append(entry)
            else:
                self.held[entry.id] = entry
                self.lease_until[entry.id] = born
        if not others:
            return self
        now = out._now()
        until = out._lease_until(now)
        try:
            marked = await out.store.in_flight(others, now, until)
        except StorageDown as exc:
            # Still leased (or in flight): when the lease ends, a sweeper takes them.
            log.warning("owed replies left to the sweeper", extra={"error": repr(exc)})
            marked = set()
        for entry in others:
            if entry.id in marked:
                self.held[entry.id] = entry
                self.lease_until[entry.id] = until
            else:
                # Settled meanwhile, or taken over by another process: not ours.
                self.pending.pop(entry.id, None)
                out._held.pop(entry.id, None)
        return self

    def forget(self, entry: Claimed) -> None:
        """Dealt with: settled, put off or failed."""
        self.held.pop(entry.id, None)
        self.pending.pop(entry.id, None)
        self.outbox._held.pop(entry.id, None)

    async def no_route(self, entry: Claimed) -> None:
        """Not a platform this process serves: left to one that does."""
        out = self.outbox
        await out.store.later(entry, out._lease_until(out._now()), "no_route")
        self.forget(entry)

    async def send(self, reply: Post | UpdateCard) -> None:
        out = self.outbox
        entry = self.held.get(reply.outbox or "")
        if entry is None or out.stopping:
            return  # not ours; or shutting down: given back at the end
        pacer = await self._turn(entry)
        left = (self.lease_until[entry.id] - out._now()) / 1000 - out.lease.total_seconds() / 4
        if left <= 0 or out.stopping:
            return  # too late to send under this lease: given back at the end
        try:
            async with asyncio.timeout(left):
                done = await out.courier.send(entry.reply, exact=self.exact)
        except NoRoute:
            await self.no_route(entry)
            return
        except DeliveryFailed as failed:
            self.forget(entry)
            if failed.reason == RATELIMITED and pacer is not None:
                await pacer.throttled(failed.retry_after)
            await out._failed(entry, failed.reason, failed.permanent, failed.retry_after)
            return
        except StorageDown:
            raise
        except Exception as exc:
            log.exception("outbox send failed", extra={"entry": entry.id})
            self.forget(entry)
            await out._failed(entry, type(exc).__name__, False, None)
            return
        self.forget(entry)
        self.delivered.append((entry.id, done.card_key, done.ref))

    async def _turn(self, entry: Claimed) -> Pacing | None:
        """Waits for the entry's turn on its platform; the Pacer, if it has one.
        Interactive entries (cards, notices to people) only wait out a pause in force
        (a 429's Retry-After, shared by every process): they come in bursts Slack
        tolerates, and the twentieth card to one approval channel must not wait twenty
        seconds. Bulk entries take the bulk lane's turn and the channel's second."""
        reply = entry.reply
        to = reply.destination
        pacer = self.outbox.pacers.get(platform_of(to))
        if pacer is None:
            return None
        if entry.envelope.lane == "interactive":
            await pacer.pause_over()
        else:
            await pacer.turn("bulk", to if isinstance(reply, Post) else None)
        return pacer

    async def __aexit__(self, *exc: object) -> None:
        out = self.outbox
        try:
            if self.delivered:
                try:
                    await out.store.sent(self.delivered)
                except StorageDown as error:
                    # Delivered but not recorded: they stay in flight, and a sweeper
                    # finds them on the platform (or, where it cannot tell, resends).
                    log.warning("delivered, not recorded", extra={"error": repr(error)})
            await out._release(list(self.pending.values()))
        finally:
            out._rounds -= 1
            if not out._rounds:
                out._idle.set()
