"""Injected time: the system clock in production, a settable one in tests, so that
reminders, escalations and dialogue expiry are tested without sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, when: datetime) -> None:
        self._now = when


def local_today(clock: Clock, tz: tzinfo | None) -> date:
    """Today where the company is: a stop date of 'tomorrow' must not depend on UTC."""
    return clock.now().astimezone(tz).date()
