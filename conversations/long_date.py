"""A date said back in words, with its weekday, in the user's language
("Friday 11 December 2026", "vendredi 11 décembre 2026", "2026年12月11日（星期五）"):
how the user checks at a glance which day the bot read from "next friday" or 12/01."""

from __future__ import annotations

from datetime import date

from conversations.dates import Month, Weekday
from conversations.i18n import t
from conversations.i18n.key_maps import MONTH_KEY, WEEKDAY_KEY
from conversations.model import Lang


def long_date(day: date, lang: Lang) -> str:
    weekday = t(lang, WEEKDAY_KEY[Weekday(day.weekday())])
    month = t(lang, MONTH_KEY[Month(day.month)])
    return t(
        lang,
        "date_long_first_day" if day.day == 1 else "date_long",
        weekday=weekday,
        day=day.day,
        month=month,
        year=day.year,
    )
