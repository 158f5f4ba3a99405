"""How a send failed, as every platform adapter reports it.

Adapters raise DeliveryFailed from `deliver` for every failure they can classify;
whatever else escapes a send is treated as transient (and, since the request may have
reached the platform, as possibly delivered: the next attempt checks first where the
platform can tell).
"""

from __future__ import annotations

# The reason of a rate-limit answer (Slack's 429 code): whoever gets it tells the
# platform's Pacer, which pauses every sender for Retry-After.
RATELIMITED = "ratelimited"


class DeliveryFailed(Exception):
    def __init__(
        self, reason: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        # The platform's own code ("channel_not_found", "ratelimited"), "http_503" for
        # an HTTP error without one, "connection" when no answer came back.
        self.reason = reason
        # True: this message can never be delivered as it is (a missing or archived
        # channel, a deleted user): record it, tell whoever must know, never retry.
        self.permanent = permanent
        # Seconds the platform asked us to wait (Retry-After), if it said.
        self.retry_after = retry_after
