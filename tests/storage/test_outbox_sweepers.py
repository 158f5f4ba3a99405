"""Two processes sweeping one outbox at the same time (each its own connection), on
every topology: every owed message is delivered, each exactly once; and a committer
that stalled past its lease leaves what another process took over alone."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from bot.delivery.outbox import Outbox
from bot.storage.client import client_for_url
from bot.storage.keys import Keys
from bot.storage.store import Store
from conversations import approval
from conversations.policy import Policy
from handlers.events import Message, Post, Reply
from tests.fakes.clock import FakeClock
from tests.fakes.courier import RecordingCourier
from tests.helpers import submission

LEASE = timedelta(seconds=20)


def _notices(t: approval.Transition) -> list[Reply]:
    return [Post(to=f"console:u{n}", message=Message(text=str(n))) for n in range(2)]


async def _owe(store: Store, policy: Policy, clock: FakeClock, rid: str) -> list[Post]:
    _, done = await store.requests.create(submission(policy, rid, clock.now()), None, _notices)
    assert done is not None
    return [r for r in done.replies if isinstance(r, Post)]


async def test_two_sweepers_deliver_each_entry_once(
    store: Store, policy: Policy, clock: FakeClock, redis_url: str, keys: Keys
) -> None:
    owed = [r for n in range(30) for r in await _owe(store, policy, clock, f"SR-SWEEP{n:03d}")]
    clock.advance(LEASE)  # their committers died
    sent: Counter[str] = Counter()
    other = client_for_url(redis_url)
    try:
        sweepers = [
            Outbox(s.outbox, RecordingCourier(sent), clock, LEASE)
            for s in (store, Store(other, keys))
        ]
        claimed = await asyncio.gather(*(s.sweep() for s in sweepers))
    finally:
        await other.aclose()
    assert sum(claimed) == len(owed) == 60
    assert sent == Counter({str(r.outbox): 1 for r in owed})
    assert await store.outbox.pending() == 0


async def test_a_committer_that_stalled_past_its_lease_sends_nothing_twice(
    store: Store, policy: Policy, clock: FakeClock, redis_url: str, keys: Keys
) -> None:
    owed = await _owe(store, policy, clock, "SR-STALLED1")
    sent: Counter[str] = Counter()
    committer = Outbox(store.outbox, RecordingCourier(sent), clock, LEASE)
    clock.advance(LEASE)  # the committer stalls for a whole lease...
    other = client_for_url(redis_url)
    try:
        # ...so another process takes its messages over and sends them,
        sweeper = Outbox(Store(other, keys).outbox, RecordingCourier(sent), clock, LEASE)
        assert await sweeper.sweep() == 2
    finally:
        await other.aclose()
    # and when the committer wakes up, it sends nothing: the lease it had is over.
    await committer.deliver(owed)
    assert sent == Counter({str(r.outbox): 1 for r in owed})
