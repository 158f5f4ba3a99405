"""What the load benches share: their command line, the nearest-rank quantile they
report, and the wait for a server's work after the last ack to be over."""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections.abc import Sequence, Sized


def load_parser(
    description: str, *, users: str, rounds: int, deadline: float
) -> argparse.Namespace:
    """The load's arguments: users, journeys each, the wait for one answer, a deadline."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--users", type=int, default=50, help=users)
    parser.add_argument("--rounds", type=int, default=rounds, help="journeys per user")
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds to wait for one ack or bot reply"
    )
    parser.add_argument(
        "--deadline", type=float, default=deadline, help="seconds at most for each load run"
    )
    return parser.parse_args()


def quantile_ms(seconds: Sequence[float], q: float) -> float:
    """Nearest-rank quantile of durations in seconds, in ms (NaN for none)."""
    ordered = sorted(seconds)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000


async def quiet(calls: Sized, limit: float, still: float = 0.5) -> float:
    """Waits (at most `limit` s) until the server has made no new call to the fake
    platform (`calls`, the fake's growing record) for `still` s: the work it does after
    its acks is over. Returns how long it went on."""
    start = last = time.monotonic()
    seen = len(calls)
    while time.monotonic() - start < limit:
        await asyncio.sleep(still)
        if len(calls) == seen:
            break
        seen, last = len(calls), time.monotonic()
    return last - start
