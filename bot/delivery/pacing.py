"""Pacing of sends to a platform, shared by every process on one Redis.

A platform limits how fast a bot may post: Slack about one message a second per
channel, plus a workspace budget it does not publish, and answers 429 with
Retry-After when either is exceeded. Every process that sends (`serve`s and
`worker`s) asks the Pacer for a turn before each send, and reports a 429 or a
success after it. The state lives in Redis, in one hash slot per platform
(`{pace:<platform>}`, see bot/storage/keys.py), and every decision is one Lua script
that reads the time from Redis, so all processes decide on the same clock:

- a pause: after a 429, no process sends to the platform until Retry-After has
  passed (a key with that end time, not a sleep inside one call);
- one post a second per channel;
- two lanes, each a token bucket: `bulk` (broadcasts) runs at an adaptive rate
  that halves on a 429 (not below a floor) and creeps back up by a small step on
  each success, to the ceiling, the policy's `broadcast.rate_per_second`;
  `interactive` (cards, notices, answers) has a budget of its own, so a
  10,000-channel broadcast never queues ahead of an approver's card. It honours
  the pause and the channel spacing, and bulk makes room for each interactive post
  so that both together stay under the ceiling.

A turn is a slot booked in Redis: the caller sleeps exactly until it (asyncio.sleep
of what Redis said, no polling), then checks in one more script that no 429 came
meanwhile; if one did, it books again, after the pause and at the new rate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.storage.client import RedisClient, register
from bot.storage.errors import storage_call
from bot.storage.keys import Keys, Lane
from bot.storage.scripts import (
    PACE_CONFIRM,
    PACE_PAUSE_LEFT,
    PACE_SUCCEEDED,
    PACE_THROTTLE,
    PACE_TURN,
)

Sleep = Callable[[float], Awaitable[None]]


class Pacing(Protocol):
    """What a sender (the outbox, the broadcaster) needs of a platform's Pacer."""

    async def turn(self, lane: Lane, channel: str | None) -> object: ...

    async def pause_over(self) -> None: ...

    async def throttled(self, retry_after: float | None) -> object: ...

    async def succeeded(self) -> None: ...


# A 429 without Retry-After (or a platform that gives none) pauses this long.
DEFAULT_PAUSE_S = 1.0


class Pacer:
    """``ceiling``: the most bulk posts a second (policy broadcast.rate_per_second);
    ``interactive_rate``/``interactive_burst``: the interactive lane's own budget;
    ``floor``: the slowest bulk goes after 429s; ``step``: posts/s bulk gains back
    per success; ``channel_spacing``: seconds between two posts to one channel.
    ``sleep`` and ``clock`` (seconds; None = Redis TIME) are for tests."""

    def __init__(
        self,
        redis: RedisClient,
        keys: Keys,
        platform: str,
        ceiling: float,
        interactive_rate: float = 10.0,
        *,
        interactive_burst: int = 10,
        floor: float = 1.0,
        step: float = 0.1,
        channel_spacing: float = 1.0,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if ceiling <= 0 or interactive_rate <= 0 or floor <= 0 or interactive_burst < 1:
            raise ValueError("pacing rates must be positive and the burst at least 1")
        self.platform = platform
        self.ceiling = ceiling
        self._keys = keys
        self._lanes = keys.pace_lanes(platform)
        self._pause = keys.pace_pause(platform)
        self._args = [str(ceiling), str(interactive_rate), str(interactive_burst)]
        self._floor = floor
        self._step = step
        self._spacing_ms = str(channel_spacing * 1000)
        self._sleep = sleep
        self._clock = clock
        self._rate = 0.0  # the bulk rate as last seen; below the ceiling, successes count
        self._turn = register(redis, PACE_TURN)
        self._confirm = register(redis, PACE_CONFIRM)
        self._throttle = register(redis, PACE_THROTTLE)
        self._succeeded = register(redis, PACE_SUCCEEDED)
        self._pause_left = register(redis, PACE_PAUSE_LEFT)

    def _now(self) -> str:
        return "" if self._clock is None else str(self._clock() * 1000)

    @storage_call
    async def turn(self, lane: Lane, channel: str | None) -> float:
        """Waits until this send to ``channel`` may go; returns when it was allowed
        (Redis time, seconds since the epoch), for logs and checks. ``channel`` None:
        not a new post (a card rewritten in place), so only the pause and the lane's
        budget apply, not the channel's post a second."""
        key = self._keys.pace_channel(self.platform, channel or "")
        keys = [self._lanes, self._pause, key]
        spacing = self._spacing_ms if channel else "0"
        while True:
            wait, held, epoch, rate, mark, now = await self._turn(
                keys=keys, args=[self._now(), lane, *self._args, spacing]
            )
            self._rate = float(rate)
            if int(held) and int(wait) == 0:
                return float(now) / 1000
            await self._sleep(int(wait) / 1000)
            if int(held):
                ok, now = await self._confirm(keys=keys, args=[self._now(), lane, epoch, mark])
                if int(ok):
                    return float(now) / 1000

    @storage_call
    async def pause_over(self) -> None:
        """Waits out a pause in force (a 429's Retry-After), booking nothing: what an
        interactive send waits for. Approval cards come in bursts (a chain of
        approvals, twenty cards to one channel) that Slack tolerates; they must not
        queue behind a budget, only stop when the platform said stop."""
        while wait := int(await self._pause_left(keys=[self._pause], args=[self._now()])):
            await self._sleep(wait / 1000)

    @storage_call
    async def throttled(self, retry_after: float | None) -> float:
        """The platform answered 429: every process pauses for ``retry_after``
        seconds (a default when None) and bulk slows down. Returns when the pause
        began (Redis time, seconds)."""
        pause = retry_after if retry_after is not None and retry_after > 0 else DEFAULT_PAUSE_S
        now, rate = await self._throttle(
            keys=[self._lanes, self._pause],
            args=[self._now(), str(pause * 1000), str(self.ceiling), str(self._floor)],
        )
        self._rate = float(rate)
        return float(now) / 1000

    @storage_call
    async def succeeded(self) -> None:
        """A send went through: bulk creeps back towards the ceiling."""
        if self._rate >= self.ceiling:
            return
        rate = await self._succeeded(keys=[self._lanes], args=[str(self.ceiling), str(self._step)])
        self._rate = float(rate)
