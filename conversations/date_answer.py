"""A typed stop date as a dialogue takes it (the stop request's and the shutdown
notice's): the date, or the hint to ask again with. The "too far" hint names the last
date `check_stop_date` accepts, so the two can never disagree (a year is not always
365 days: 29 February)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from conversations.dates import MAX_DAYS_AHEAD, DateProblem, check_stop_date, parse_date
from conversations.i18n import Later
from conversations.long_date import long_date
from conversations.model import Lang


@dataclass(frozen=True)
class TooFar:
    """After the last date allowed: each dialogue says so in its own words."""

    shown: str  # the date as typed, said back in words
    last: str  # the last date accepted, in words


def stop_date_answer(value: str, today: date, lang: Lang) -> date | Later | TooFar:
    """The date `value` names, or why not: the hint for an unreadable or past date, or
    TooFar."""
    result = check_stop_date(value, today, lang)
    if isinstance(result, date):
        return result
    if result is DateProblem.UNPARSED:
        return Later("hint_date_unparsed")
    parsed = parse_date(value, today, lang)
    shown = long_date(parsed, lang) if parsed else value[:40]
    if result is DateProblem.PAST:
        return Later("hint_date_past", date=shown)
    return TooFar(shown, long_date(today + timedelta(days=MAX_DAYS_AHEAD), lang))
