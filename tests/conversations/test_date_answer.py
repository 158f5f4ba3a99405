"""The typed stop date both dialogues take, and the hint when it is refused."""

from __future__ import annotations

from datetime import date

from conversations.date_answer import TooFar, stop_date_answer
from conversations.i18n import Later
from conversations.long_date import long_date


def test_the_too_far_hint_names_the_last_date_accepted_across_a_29_february() -> None:
    today = date(2027, 3, 1)  # a year later is 2028-03-01, but 365 days is 2028-02-29
    assert stop_date_answer("2028-02-29", today, "en") == date(2028, 2, 29)
    assert stop_date_answer("2028-03-01", today, "en") == TooFar(
        long_date(date(2028, 3, 1), "en"), long_date(date(2028, 2, 29), "en")
    )


def test_unreadable_and_past_dates_get_their_hints() -> None:
    today = date(2026, 12, 3)
    unread = stop_date_answer("whenever", today, "en")
    past = stop_date_answer("2026-12-01", today, "en")
    assert isinstance(unread, Later) and unread.key == "hint_date_unparsed"
    assert isinstance(past, Later) and past.key == "hint_date_past"
