"""Shutdown (SIGTERM in serve and worker): the send under way finishes, and the
leases held for everything else are given back, so another process takes those
entries at once rather than after the lease."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.delivery.outbox import Outbox
from bot.storage.keys import bucket
from bot.storage.store import Store
from conversations import approval
from conversations.policy import Policy
from handlers.events import Message, Post, Reply
from tests.fakes.clock import FakeClock
from tests.fakes.courier import RecordingCourier
from tests.helpers import submission

LEASE = timedelta(seconds=20)


def _three_notices(t: approval.Transition) -> list[Reply]:
    return [Post(to=f"console:u{n}", message=Message(text=str(n))) for n in range(3)]


async def test_shutdown_finishes_the_send_under_way_and_gives_the_rest_back(
    store: Store, policy: Policy, clock: FakeClock
) -> None:
    tr = submission(policy, "SR-SHUTDOWN", clock.now())
    _, done = await store.requests.create(tr, None, _three_notices)
    assert done is not None
    ids = [str(r.outbox) for r in done.replies if isinstance(r, Post)]
    clock.advance(LEASE)  # the process that owed them died without sending

    courier = RecordingCourier(gated=True)
    stopping = Outbox(store.outbox, courier, clock, LEASE)
    sweep = asyncio.create_task(stopping.sweep())
    await courier.started.wait()  # the first send is under way
    drain = asyncio.create_task(stopping.drain())
    await asyncio.sleep(0)  # (the shutdown begins before the send ends)
    courier.gate.set()
    assert await sweep == 3  # it had claimed all three
    await drain
    assert courier.order == ids[:1]  # finished, not abandoned
    # The two it never started are due now, not in twenty seconds.
    due = await store.redis.zrange(
        store.keys.outbox_due(bucket(tr.request.id)), 0, -1, withscores=True
    )
    now_ms = int(clock.now().timestamp() * 1000)
    assert due == [(ids[1], now_ms), (ids[2], now_ms)]

    # Another process, at the same instant, takes them over.
    other = RecordingCourier()
    assert await Outbox(store.outbox, other, clock, LEASE).sweep() == 2
    assert other.order == ids[1:]
    assert await store.outbox.pending() == 0
