"""Slack's posting limits, for the fake Web API.

Slack lets an app post about one message per second per channel, with short bursts
tolerated, plus a workspace-wide limit on chat.postMessage; over either it answers
HTTP 429 ``{"ok": false, "error": "ratelimited"}`` with a ``Retry-After`` header in
whole seconds. Each limit here is a token bucket: ``rate`` tokens a second, at most
``burst`` saved up; a post takes one token or is refused with the seconds until
one is there (at least 1, as Retry-After is a whole number).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Bucket:
    rate: float  # tokens a second
    burst: float  # most tokens saved up
    tokens: float = -1.0  # -1: full, set on first use
    at: float = 0.0

    def take(self, now: float) -> int | None:
        """None if a token was taken, else the Retry-After (s) to answer."""
        if self.tokens < 0:
            self.tokens, self.at = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return max(1, math.ceil((1 - self.tokens) / self.rate))


@dataclass
class PostingLimits:
    """``per_channel`` and ``workspace`` in posts a second (None: not enforced)."""

    per_channel: float | None = None
    workspace: float | None = None
    channel_burst: float = 1.0
    workspace_burst: float | None = None  # default: one second's worth
    clock: Callable[[], float] = time.monotonic
    _workspace: Bucket | None = field(default=None, init=False)
    _channels: dict[str, Bucket] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if self.workspace is not None:
            burst = self.workspace_burst or max(1.0, self.workspace)
            self._workspace = Bucket(self.workspace, burst)

    def admit(self, channel: str) -> int | None:
        """None if a post to ``channel`` may go now, else the Retry-After to answer.
        A refused post uses up nothing."""
        now = self.clock()
        bucket = None
        if self.per_channel is not None:
            bucket = self._channels.get(channel)
            if bucket is None:
                bucket = self._channels[channel] = Bucket(self.per_channel, self.channel_burst)
            wait = bucket.take(now)
            if wait is not None:
                return wait
        if self._workspace is not None:
            wait = self._workspace.take(now)
            if wait is not None and bucket is not None:
                bucket.tokens += 1  # refused: the channel's token is given back
            return wait
        return None
