"""How long a transient delivery failure waits before the next attempt: one rule for
owed replies (the outbox) and shutdown notices (the broadcaster)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Backoff:
    """How long a transient failure puts an entry off: doubling from `first`, capped
    at `cap`, never sooner than the platform's Retry-After. The outbox also gives up
    `give_up` after a reply was owed (the failure then counts as permanent: recorded
    and told); the broadcaster counts attempts instead (a notice has no one waiting).
    """

    first: timedelta = timedelta(seconds=2)
    cap: timedelta = timedelta(minutes=5)
    give_up: timedelta = timedelta(days=3)

    def delay(self, attempts: int, retry_after: float | None) -> timedelta:
        """The wait after the `attempts`-th failure (1 for the first)."""
        doubled = self.first * (1 << min(max(attempts - 1, 0), 20))
        wait = min(doubled, self.cap)
        if retry_after is not None:
            wait = max(wait, timedelta(seconds=retry_after))
        return wait
