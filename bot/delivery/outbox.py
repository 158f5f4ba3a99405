"""Delivering what the outbox owes: at once by the process that committed the
transition, and by the sweeper of every `serve`, `worker` and `chat` process for the
entries whose lease or backoff has run out (their process died, hung, or the platform
failed).

One attempt: mark the entry in flight (attempts + 1, since now) under the lease this
process holds, send it, then mark it sent with the card reference the post produced,
in one script. A transient failure puts it off (exponential backoff, capped, never
sooner than the platform's Retry-After); a permanent one records it as failed and owes,
in the same script, the messages telling whoever must know, once. An entry found in
flight (its sender died after or during the platform call) is first looked up on the
platform where the platform can tell (Slack: the outbox id rides in the message's
metadata), and settled without a resend when it had arrived.

Guarantee: every owed reply is delivered at least once unless the platform refuses it
for good (then it is recorded and told); where the platform can be asked (Slack),
exactly once, and where it cannot, duplicates are bounded by the entries that were in
flight when a process died.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.delivery.outcome import DeliveryFailed
from bot.storage.outbox import Claimed, Envelope, RedisOutbox, request_of
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
class Backoff:
    """How long a transient failure puts an entry off: doubling from `first`, capped
    at `cap`, never sooner than the platform's Retry-After; after `give_up` since it
    was owed, the failure counts as permanent (recorded and told)."""

    first: timedelta = timedelta(seconds=2)
    cap: timedelta = timedelta(minutes=5)
    give_up: timedelta = timedelta(days=3)

    def delay(self, attempts: int, retry_after: float | None) -> timedelta:
        doubled = self.first * (1 << min(max(attempts - 1, 0), 20))
        wait = min(doubled, self.cap)
        if retry_after is not None:
            wait = max(wait, timedelta(seconds=retry_after))
        return wait


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


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _when(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


class Outbox:
    def __init__(
        self,
        store: RedisOutbox,
        courier: Courier,
        clock: Clock,
        lease: timedelta,
        backoff: Backoff | None = None,
    ) -> None:
        self.store = store
        self.courier = courier
        self.clock = clock
        self.lease = lease
        self.backoff = backoff or Backoff()
        self.stopping = False
        # Leases this process holds and has not settled: given back on shutdown.
        self._held: dict[str, Claimed] = {}
        self._active: set[str] = set()  # being attempted right now
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def interval(self) -> float:
        """How often to sweep: pickup stays within a lease and a second."""
        return min(1.0, self.lease.total_seconds() / 4)

    def _now(self) -> int:
        return _ms(self.clock.now())

    def _lease_until(self, now: int) -> int:
        return now + int(self.lease.total_seconds() * 1000)

    # -- the committer's path ----------------------------------------------------

    async def deliver(self, reply: Post | UpdateCard) -> None:
        """Delivers a reply this process has just owed (it holds the lease from birth,
        epoch 0): no waiting on the happy path."""
        assert reply.outbox is not None
        entry = Claimed(id=reply.outbox, envelope=Envelope(reply=reply, at=self._now()), epoch=0)
        self._held[entry.id] = entry
        if self.stopping:
            await self._release([entry])
            return
        await self._attempt(entry, exact=False)

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
            for i, entry in enumerate(batch):
                if self.stopping:
                    await self._release(batch[i:])
                    break
                await self._attempt(entry, exact=True)
        return claimed

    async def run(self, stop: asyncio.Event, interval: float) -> None:
        """Sweeps every `interval` seconds until `stop` is set."""
        while not stop.is_set():
            try:
                await self.sweep()
            except StorageDown as exc:
                log.warning("outbox sweep skipped: storage unavailable", extra={"error": repr(exc)})
            except Exception:
                # The next pass must still run: a sweeper that dies quietly strands
                # everything a dead process left behind.
                log.exception("outbox sweep failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except TimeoutError:
                pass

    async def drain(self, grace: float = 10.0) -> None:
        """Shutdown: starts nothing new, lets the sends under way finish (up to `grace`
        seconds), and gives back every other lease held, so another process takes those
        entries at once instead of after the lease."""
        self.stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=grace)
        except TimeoutError:
            log.warning("outbox sends still under way at shutdown", extra={"n": len(self._active)})
        waiting = [e for e in self._held.values() if e.id not in self._active]
        await self._release(waiting)

    # -- one attempt ---------------------------------------------------------------

    async def _attempt(self, entry: Claimed, exact: bool) -> None:
        self._active.add(entry.id)
        self._idle.clear()
        try:
            await self._try(entry, exact)
        except StorageDown as exc:
            # The entry stays leased (or in flight): when the lease ends, a sweeper
            # takes it again, and asks the platform first if it was in flight.
            log.warning(
                "outbox entry left to the sweeper: storage unavailable",
                extra={"entry": entry.id, "error": repr(exc)},
            )
        finally:
            self._active.discard(entry.id)
            self._held.pop(entry.id, None)
            if not self._active:
                self._idle.set()

    async def _try(self, entry: Claimed, exact: bool) -> None:
        reply = entry.reply
        try:
            if entry.in_flight_since and await self._arrived(entry):
                return
            now = self._now()
            if not await self.store.in_flight(entry, now, self._lease_until(now)):
                return  # another process took the lease over: it is theirs now
            # A send never outlives its lease: past it, another process may take the
            # entry over (and would look it up first, since it is in flight).
            async with asyncio.timeout(self.lease.total_seconds() * 0.75):
                done = await self.courier.send(reply, exact=exact)
        except NoRoute:
            # Not a platform this process serves: leave it to one that does.
            await self.store.later(entry, self._lease_until(self._now()), "no_route")
            return
        except DeliveryFailed as failed:
            await self._failed(entry, failed.reason, failed.permanent, failed.retry_after)
            return
        except StorageDown:
            raise
        except Exception as exc:
            log.exception("outbox send failed", extra={"entry": entry.id})
            await self._failed(entry, type(exc).__name__, False, None)
            return
        await self.store.sent(entry.id, done.card_key, done.ref)

    async def _arrived(self, entry: Claimed) -> bool:
        """Whether an entry found in flight reached the platform before its sender
        stopped; if so it is settled here, without a resend."""
        try:
            found = await self.courier.find(entry.reply, _when(entry.in_flight_since))
        except CannotTell:
            log.info("cannot tell whether it arrived: sending again", extra={"entry": entry.id})
            return False
        if found is None:
            return False
        log.info("found delivered before a crash", extra={"entry": entry.id})
        await self.store.sent(entry.id, found.card_key, found.ref)
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
        audit = AuditEntry(at=_when(now), actor=ACTOR, action=UNDELIVERED, detail=f"{to}: {reason}")
        owed = await self.store.failed(entry, reason, now, tellings, self._lease_until(now), audit)
        for telling in owed or []:
            if isinstance(telling, Post | UpdateCard):
                await self.deliver(telling)

    async def _release(self, entries: list[Claimed]) -> None:
        now = self._now()
        for entry in entries:
            try:
                await self.store.later(entry, now)
            except StorageDown:
                pass  # the lease runs out by itself
            self._held.pop(entry.id, None)
