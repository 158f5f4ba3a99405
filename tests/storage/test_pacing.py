"""The pacing decisions (bot/delivery/pacing.py), each one Lua script, on every
topology. Time is virtual: the scripts are given the test's clock instead of Redis
TIME, and the Pacer's sleep advances that clock instead of sleeping, so every wait
is checked to the millisecond without a test ever waiting for it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.delivery.pacing import DEFAULT_PAUSE_S, Pacer
from bot.storage.client import RedisClient, client_for_url, result
from bot.storage.keys import Keys, Lane, hash_slot
from bot.storage.store import Store

START = 1_800_000_000.0  # seconds; any time will do


class VirtualTime:
    """A clock that moves only when the Pacer sleeps on it. ``during_sleep`` runs
    at the start of each sleep: what other processes do while this one waits."""

    def __init__(self) -> None:
        self.now = START
        self.slept: list[float] = []
        self.during_sleep: Callable[[], Awaitable[None]] | None = None

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        if self.during_sleep is not None:
            hook, self.during_sleep = self.during_sleep, None
            await hook()
        self.now += seconds


@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime()


def pacer_on(
    redis: RedisClient, keys: Keys, time: VirtualTime, ceiling: float = 5.0, **options: float
) -> Pacer:
    return Pacer(redis, keys, "slack", ceiling, sleep=time.sleep, clock=time.clock, **options)  # type: ignore[arg-type]


async def granted(pacer: Pacer, lane: Lane, channel: str) -> float:
    """When the turn was granted, in ms after START."""
    return round((await pacer.turn(lane, channel) - START) * 1000, 3)


async def bulk_rate(store: Store) -> float:
    return float(await result(store.redis.hget(store.keys.pace_lanes("slack"), "rate")) or "nan")


async def test_bulk_is_spaced_at_its_rate(store: Store, time: VirtualTime) -> None:
    pacer = pacer_on(store.redis, store.keys, time, ceiling=5.0)
    grants = [await granted(pacer, "bulk", f"C{n}") for n in range(4)]
    assert grants == [0, 200, 400, 600]
    assert time.slept == [0.2, 0.2, 0.2]


async def test_one_post_a_second_per_channel(store: Store, time: VirtualTime) -> None:
    pacer = pacer_on(store.redis, store.keys, time, ceiling=50.0)
    assert [await granted(pacer, "bulk", "C1") for _ in range(3)] == [0, 1000, 2000]
    # Another channel is not held up by C1.
    assert await granted(pacer, "bulk", "C2") == 2020
    assert [await granted(pacer, "interactive", "C1") for _ in range(2)] == [3000, 4000]


async def test_interactive_has_its_own_bucket_with_a_burst(store: Store, time: VirtualTime) -> None:
    pacer = pacer_on(store.redis, store.keys, time, interactive_rate=10.0, interactive_burst=3)
    grants = [await granted(pacer, "interactive", f"C{n}") for n in range(5)]
    assert grants == [0, 0, 0, 100, 200]


async def test_interactive_never_waits_behind_booked_bulk(store: Store, time: VirtualTime) -> None:
    """Twenty bulk sends hold slots up to 3.8 s ahead (their sleeps are parked, so the
    clock stands still); an interactive send on another channel goes at once."""
    parked: list[float] = []
    changed = asyncio.Condition()
    never = asyncio.Event()

    async def park(seconds: float) -> None:
        async with changed:
            parked.append(round(seconds, 3))
            changed.notify_all()
        await never.wait()

    bulk = Pacer(store.redis, store.keys, "slack", 5.0, sleep=park, clock=time.clock)
    tasks = [asyncio.create_task(bulk.turn("bulk", f"B{n}")) for n in range(20)]
    async with asyncio.timeout(10), changed:  # the first goes at once, 19 wait
        await changed.wait_for(lambda: len(parked) == 19)
    assert sorted(parked) == [round(0.2 * n, 3) for n in range(1, 20)]
    interactive = pacer_on(store.redis, store.keys, time)
    assert await granted(interactive, "interactive", "CAPPROVERS") == 0
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_an_interactive_post_takes_one_bulk_slot(store: Store, time: VirtualTime) -> None:
    pacer = pacer_on(store.redis, store.keys, time, ceiling=5.0)
    assert await granted(pacer, "bulk", "B1") == 0
    assert await granted(pacer, "interactive", "I1") == 0
    # Bulk makes room: its next slot moves from 200 to 400 ms.
    assert await granted(pacer, "bulk", "B2") == 400


async def test_a_429_pauses_every_lane_and_every_process(
    store: Store, time: VirtualTime, redis_url: str
) -> None:
    pacer = pacer_on(store.redis, store.keys, time, ceiling=10.0)
    await granted(pacer, "bulk", "C1")
    began = await pacer.throttled(2.5)
    assert round((began - START) * 1000) == 0
    other_redis = client_for_url(redis_url)
    try:
        other = pacer_on(other_redis, store.keys, time, ceiling=10.0)
        assert await granted(other, "interactive", "C2") == 2500
        # Bulk made room for C2, at half the rate now: 200 ms a post instead of 100.
        assert await granted(other, "bulk", "C3") == 2700
    finally:
        await other_redis.aclose()
    assert await granted(pacer, "bulk", "C4") == 2900


async def test_halved_once_per_pause_never_below_the_floor(store: Store, time: VirtualTime) -> None:
    pacer = pacer_on(store.redis, store.keys, time, ceiling=8.0, floor=1.5)
    await pacer.throttled(1.0)
    await pacer.throttled(1.0)  # another send that was in flight: same pause
    assert await bulk_rate(store) == 4.0
    for _ in range(4):
        time.now += 1.0  # each pause over
        await pacer.throttled(1.0)
    assert await bulk_rate(store) == 1.5


async def test_a_longer_retry_after_extends_the_pause(store: Store, time: VirtualTime) -> None:
    pacer = pacer_on(store.redis, store.keys, time)
    await pacer.throttled(1.0)
    await pacer.throttled(3.0)
    await pacer.throttled(0.5)  # a shorter one does not cut it
    assert await granted(pacer, "interactive", "C1") == 3000
    time.now += 10
    await pacer.throttled(None)  # no Retry-After given
    assert await granted(pacer, "interactive", "C2") == 13000 + DEFAULT_PAUSE_S * 1000


async def test_success_creeps_back_up_to_the_ceiling(store: Store, time: VirtualTime) -> None:
    pacer = pacer_on(store.redis, store.keys, time, ceiling=8.0, step=1.0)
    await pacer.throttled(1.0)
    assert await bulk_rate(store) == 4.0
    await granted(pacer, "bulk", "C1")
    for _ in range(3):
        await pacer.succeeded()
    assert await bulk_rate(store) == 7.0
    for _ in range(3):
        await pacer.succeeded()
    assert await bulk_rate(store) == 8.0


async def test_a_booked_slot_is_given_up_when_a_429_comes_meanwhile(
    store: Store, time: VirtualTime
) -> None:
    """A bulk send waits for its slot; meanwhile another process gets a 429. The send
    does not go in the pause, nor at the old rate: it books again after the pause."""
    pacer = pacer_on(store.redis, store.keys, time, ceiling=10.0)
    assert await granted(pacer, "bulk", "C1") == 0
    other = pacer_on(store.redis, store.keys, time, ceiling=10.0)

    async def other_process_throttled() -> None:
        await other.throttled(0.5)

    time.during_sleep = other_process_throttled
    # Booked at 100 ms; the pause (0 to 500 ms) came during the wait. C2's booking was
    # given up with its channel mark (else C2 would wait for it until 1100 ms).
    assert await granted(pacer, "bulk", "C2") == 500
    assert time.slept == [0.1, 0.4]
    assert await granted(pacer, "bulk", "C3") == 700  # half the rate: 200 ms apart


async def test_pacing_keys_share_one_slot_and_expire(store: Store, time: VirtualTime) -> None:
    pacer = pacer_on(store.redis, store.keys, time)
    await granted(pacer, "bulk", "C1")
    await pacer.throttled(1.0)
    keys = [
        store.keys.pace_lanes("slack"),
        store.keys.pace_pause("slack"),
        store.keys.pace_channel("slack", "C1"),
    ]
    assert len({hash_slot(k) for k in keys}) == 1
    assert hash_slot(store.keys.pace_lanes("dingtalk")) != hash_slot(keys[0])
    assert await store.redis.pttl(keys[0]) == -1  # the lanes stay (a few fields)
    for key in keys[1:]:
        assert 0 < await store.redis.pttl(key) <= 3000


async def test_bad_rates_are_refused(store: Store) -> None:
    for options in ({"ceiling": 0}, {"ceiling": 5, "interactive_rate": -1}):
        with pytest.raises(ValueError):
            Pacer(store.redis, store.keys, "slack", **options)  # type: ignore[arg-type]


async def test_an_interactive_send_waits_out_a_pause_and_books_nothing(
    store: Store, time: VirtualTime
) -> None:
    pacer = pacer_on(store.redis, store.keys, time)
    await pacer.pause_over()  # no pause: no wait
    assert time.slept == []
    lanes_before = await result(store.redis.hgetall(store.keys.pace_lanes("slack")))
    await pacer.throttled(2.5)  # a 429 with Retry-After: 2.5
    for _ in range(20):  # a burst of cards: each waits out the pause, none queues
        await pacer.pause_over()
    assert time.slept == [2.5]
    lanes = await result(store.redis.hgetall(store.keys.pace_lanes("slack")))
    assert lanes.get("interactive") == lanes_before.get("interactive")
