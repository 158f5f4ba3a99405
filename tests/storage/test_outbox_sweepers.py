"""Two processes sweeping one outbox at the same time (each its own connection), on
every topology: every owed message is delivered, each exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta

from bot.delivery.outbox import CannotTell, Delivered, Outbox
from bot.storage.client import client_for_url
from bot.storage.keys import Keys
from bot.storage.store import Store
from conversations import approval
from conversations.model import Answers
from conversations.policy import Policy
from handlers.events import Message, Post, Reply, UpdateCard
from tests.fakes.clock import FakeClock

LEASE = timedelta(seconds=20)


class Recorder:
    def __init__(self, sent: Counter[str]) -> None:
        self.sent = sent

    async def send(self, reply: Post | UpdateCard, *, exact: bool) -> Delivered:
        await asyncio.sleep(0)  # let the other sweeper run between sends
        self.sent[str(reply.outbox)] += 1
        return Delivered()

    async def find(self, reply: Post | UpdateCard, since: datetime) -> Delivered | None:
        raise CannotTell("test")

    async def undelivered(
        self, request_id: str, reply: Post | UpdateCard, reason: str
    ) -> list[Reply]:
        return []


def _notices(t: approval.Transition) -> list[Reply]:
    return [Post(to=f"console:u{n}", message=Message(text=str(n))) for n in range(2)]


async def test_two_sweepers_deliver_each_entry_once(
    store: Store, policy: Policy, clock: FakeClock, redis_url: str, keys: Keys
) -> None:
    owed = []
    for n in range(30):
        tr = approval.submit(
            request_id=f"SR-SWEEP{n:03d}",
            requester="console:employee",
            lang="en",
            answers=Answers(),
            stages=policy.approval.stages,
            admins=policy.admins,
            now=clock.now(),
        )
        _, done = await store.requests.create(tr, None, _notices)
        assert done is not None
        owed += [str(r.outbox) for r in done.replies if isinstance(r, Post)]
    clock.advance(LEASE)  # their committers died
    sent: Counter[str] = Counter()
    other = client_for_url(redis_url)
    try:
        sweepers = [
            Outbox(s.outbox, Recorder(sent), clock, LEASE) for s in (store, Store(other, keys))
        ]
        claimed = await asyncio.gather(*(s.sweep() for s in sweepers))
    finally:
        await other.aclose()
    assert sum(claimed) == len(owed) == 60
    assert sent == Counter({entry: 1 for entry in owed})
    assert await store.outbox.pending() == 0


async def test_a_committer_that_stalled_past_its_lease_sends_nothing_twice(
    store: Store, policy: Policy, clock: FakeClock, redis_url: str, keys: Keys
) -> None:
    tr = approval.submit(
        request_id="SR-STALLED1",
        requester="console:employee",
        lang="en",
        answers=Answers(),
        stages=policy.approval.stages,
        admins=policy.admins,
        now=clock.now(),
    )
    _, done = await store.requests.create(tr, None, _notices)
    assert done is not None
    owed = [r for r in done.replies if isinstance(r, Post)]
    sent: Counter[str] = Counter()
    committer = Outbox(store.outbox, Recorder(sent), clock, LEASE)
    clock.advance(LEASE)  # the committer stalls for a whole lease...
    other = client_for_url(redis_url)
    try:
        # ...so another process takes its messages over and sends them,
        assert await Outbox(Store(other, keys).outbox, Recorder(sent), clock, LEASE).sweep() == 2
    finally:
        await other.aclose()
    # and when the committer wakes up, it sends nothing: the lease it had is over.
    await committer.deliver(owed)
    assert sent == Counter({str(r.outbox): 1 for r in owed})
