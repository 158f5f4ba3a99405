"""Times as Redis keeps them: integer milliseconds since the epoch (sorted-set scores,
leases, and what the Lua scripts compare)."""

from __future__ import annotations

from datetime import UTC, datetime


def ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def from_ms(value: int | str) -> datetime:
    return datetime.fromtimestamp(int(value) / 1000, UTC)
