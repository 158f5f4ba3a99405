"""Read the date on which an account or a piece of software should be stopped.

Users answer the bot's "when should it stop?" question in English, Chinese or French,
so the whole (normalised) message must be one date expression, optionally preceded by
a preposition such as "on", "by", "le", "au", "在" or "到". Free sentences that merely
*contain* a date are not understood on purpose: guessing a stop date out of a longer
sentence is riskier than asking again.

Interpretation choices (the ones a reader could reasonably disagree with). The bot says
the date it understood back in words, with its weekday ("Friday 11 December 2026"), so
a reading the user did not mean is seen at once and corrected with "edit".

* Year first (``2026-12-31``, ``2026/12/31``, ``20261231``) is always year-month-day.
* Two numbers (``12/01``, ``12/01/2026``): when one of them is > 12 it is the day,
  whatever the language. When both could be a month, the order is the one the
  language's writers use: month first in English (the US order, which is what most
  English-speaking chat users write; the long date said back catches a British
  "12/01"), day first in French, month first in Chinese (12/1 is 12月1日). With dots
  (``1.12``) the day comes first in every language: that is how dotted dates are written.
* A date without a year (``31/12``, ``Dec 31``, ``12月31日``) is its next occurrence on or
  after today. Two-digit years (``31/12/26``) mean 20xx.
* A weekday alone or with "this" (``Friday``, ``this Friday``, ``on Friday``,
  ``ce vendredi``, ``vendredi``, ``周五``) is the coming one: today when today is a
  Friday, otherwise the first one after today. ``this coming Friday``, ``coming
  Friday`` and ``vendredi qui vient`` stress the future: the first one after today.
* ``next Friday`` is the Friday of next week, the Monday-to-Sunday week after the
  current one. Said on a Monday it is 11 days away, on a Thursday 8 days (for the day
  after, people say "tomorrow"), on a Saturday or Sunday the Friday after the weekend.
  English speakers are split between this reading and "the first Friday after today";
  the week reading is the one of those who make the distinction ("this Friday" for
  the near one), and it matches 下周五. ``Friday next week`` / ``Friday of next week``
  say the same without ambiguity.
* ``vendredi prochain`` is the first Friday after today (what "prochain" means in the
  dictionaries), except when that is tomorrow: on a Thursday people would have said
  "demain", and they mean the Friday of the week after, 8 days away. ``vendredi de la
  semaine prochaine`` is the Friday of next week; ``vendredi en huit`` is a week after
  the coming Friday (today's Friday included).
* ``下周五`` follows the Chinese calendar week, which starts on Monday: Friday of the next
  Monday-to-Sunday week (so on a Monday 下周五 is 11 days away). ``本周五`` / ``这周五`` is
  the Friday of the current week, even when it has passed (said on a Saturday it is
  yesterday, and the user is told it is in the past); ``周五`` alone is the coming one.
* ``next week`` / ``la semaine prochaine`` / ``下周`` is the Monday of next week and
  ``next month`` / ``le mois prochain`` / ``下个月`` is the 1st of next month.
* ``end of the week`` / ``fin de semaine`` is the coming Friday (today on a Friday): the
  end of the *work* week, since nobody stops accounts on a Sunday on purpose.
* ``end of the month`` is the last calendar day of the current month, ``end of the year``
  is 31 December of the current year.
* ``in N months`` clamps the day: 31 January + 1 month is 28 (or 29) February.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import MAXYEAR, MINYEAR, date, timedelta
from enum import IntEnum, StrEnum

from conversations.model import Lang

__all__ = [
    "MAX_DAYS_AHEAD",
    "DateProblem",
    "Month",
    "Weekday",
    "check_stop_date",
    "parse_date",
]

MAX_DAYS_AHEAD = 365
# Real answers are short; refusing long input up front keeps the regex work bounded.
MAX_INPUT_CHARS = 200


class DateProblem(StrEnum):
    UNPARSED = "unparsed"  # we could not read a date
    PAST = "past"  # before today
    TOO_FAR = "too_far"  # more than MAX_DAYS_AHEAD days after today


class Shortcut(StrEnum):
    """Dates offered as buttons, each named by the phrase parse_date reads for it."""

    TOMORROW = "tomorrow"
    NEXT_MONDAY = "next monday"
    END_OF_MONTH = "end of month"


class Weekday(IntEnum):
    """date.weekday() values, named so that each has its text key."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class Month(IntEnum):
    """date.month values, named so that each has its text key."""

    JANUARY = 1
    FEBRUARY = 2
    MARCH = 3
    APRIL = 4
    MAY = 5
    JUNE = 6
    JULY = 7
    AUGUST = 8
    SEPTEMBER = 9
    OCTOBER = 10
    NOVEMBER = 11
    DECEMBER = 12


# Handlers get the match, today and the language of the conversation (which only the
# order of a numeric day and month depends on).
Handler = Callable[[re.Match[str], date, Lang], date | None]

# --------------------------------------------------------------------------- vocabulary

_WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "lundi": 0,
    "tuesday": 1, "tues": 1, "tue": 1, "mardi": 1,
    "wednesday": 2, "wed": 2, "mercredi": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "jeudi": 3,
    "friday": 4, "fri": 4, "vendredi": 4,
    "saturday": 5, "sat": 5, "samedi": 5,
    "sunday": 6, "sun": 6, "dimanche": 6,
}  # fmt: skip

_ZH_WEEKDAYS: dict[str, int] = {
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
}  # fmt: skip

# French names are matched without accents because the text is accent-stripped first.
_MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "janvier": 1, "janv": 1,
    "february": 2, "feb": 2, "fevrier": 2, "fevr": 2, "fev": 2,
    "march": 3, "mar": 3, "mars": 3,
    "april": 4, "apr": 4, "avril": 4, "avr": 4,
    "may": 5, "mai": 5,
    "june": 6, "jun": 6, "juin": 6,
    "july": 7, "jul": 7, "juillet": 7, "juil": 7,
    "august": 8, "aug": 8, "aout": 8,
    "september": 9, "sept": 9, "sep": 9, "septembre": 9,
    "october": 10, "oct": 10, "octobre": 10,
    "november": 11, "nov": 11, "novembre": 11,
    "december": 12, "dec": 12, "decembre": 12,
}  # fmt: skip

_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12,
}  # fmt: skip

_ZH_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_ZH_UNITS: dict[str, int] = {"十": 10, "百": 100}

# Unit word -> days per unit, or 0 for calendar months (which need clamping, not days).
_UNITS: dict[str, int] = {
    "day": 1, "days": 1, "jour": 1, "jours": 1,
    "week": 7, "weeks": 7, "wk": 7, "wks": 7, "semaine": 7, "semaines": 7,
    "month": 0, "months": 0, "mois": 0,
}  # fmt: skip
_ZH_UNITS_OF_TIME: dict[str, int] = {
    "天": 1, "日": 1,
    "周": 7, "个周": 7, "星期": 7, "个星期": 7, "礼拜": 7, "个礼拜": 7,
    "个月": 0,
}  # fmt: skip


def _alt(words: Iterable[str]) -> str:
    # Longest first so that "tues" is not cut short by "tue" inside larger patterns.
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WD = _alt(_WEEKDAYS)
_MON = _alt(_MONTHS)
_EN_FR_NUM = rf"\d{{1,4}}|{_alt(_NUMBER_WORDS)}"
_ZH_NUM = r"\d{1,4}|[零〇一二两三四五六七八九十百]{1,5}"
_ZH_SMALL = r"\d{1,2}|[一二三四五六七八九十]{1,3}"

# ------------------------------------------------------------------------ date helpers


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _plus_days(day: date, days: int) -> date | None:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def _plus_months(day: date, months: int) -> date | None:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    if not MINYEAR <= year <= MAXYEAR:
        return None
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def _end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _first_of_next_month(today: date) -> date | None:
    return _plus_months(today.replace(day=1), 1)


def _end_of_next_month(today: date) -> date | None:
    first = _first_of_next_month(today)
    return None if first is None else _end_of_month(first)


def _monday_next_week(today: date) -> date | None:
    return _plus_days(today, 7 - today.weekday())


def _coming_weekday(today: date, weekday: int) -> date | None:
    return _plus_days(today, (weekday - today.weekday()) % 7)


def _weekday_after_today(today: date, weekday: int) -> date | None:
    return _plus_days(today, (weekday - today.weekday() - 1) % 7 + 1)


def _weekday_this_week(today: date, weekday: int) -> date | None:
    return _plus_days(today, weekday - today.weekday())


def _weekday_next_week(today: date, weekday: int) -> date | None:
    return _plus_days(today, weekday - today.weekday() + 7)


def _prochain(today: date, weekday: int) -> date | None:
    first = _weekday_after_today(today, weekday)
    if first is not None and first - today == timedelta(days=1):
        return _plus_days(first, 7)  # tomorrow would have been "demain"
    return first


def _en_huit(today: date, weekday: int) -> date | None:
    coming = _coming_weekday(today, weekday)
    return None if coming is None else _plus_days(coming, 7)


def _next_occurrence(today: date, month: int, day: int) -> date | None:
    # Nine years always include a valid 29 February; impossible days (31/04) never match.
    for year in range(today.year, min(today.year + 9, MAXYEAR + 1)):
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


def _resolve(today: date, year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return _next_occurrence(today, month, day)
    return _safe_date(year, month, day)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    value = int(text)
    return 2000 + value if len(text) == 2 else value


def _zh_int(text: str) -> int | None:
    """Chinese numerals below 1000 (十五, 二十, 三十一, 一百零五), or plain digits."""
    if text.isascii() and text.isdigit():
        return int(text)
    total = 0
    pending: int | None = None
    for char in text:
        if char in _ZH_DIGITS:
            if pending:  # two digits in a row without 十/百 is not a number we know
                return None
            pending = _ZH_DIGITS[char]
        elif char in _ZH_UNITS:
            total += (1 if pending is None else pending) * _ZH_UNITS[char]
            pending = None
        else:
            return None
    return total + (pending or 0)


def _number(text: str) -> int | None:
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text]
    return _zh_int(text)


# ---------------------------------------------------------------------------- handlers


def _ignoring_match(func: Callable[[date], date | None]) -> Handler:
    return lambda _match, today, _lang: func(today)


def _numeric_ymd(match: re.Match[str], today: date, lang: Lang) -> date | None:
    return _safe_date(int(match["year"]), int(match["mon"]), int(match["day"]))


# Whether people writing in each language put the month first in 12/01 (see above).
_MONTH_FIRST: dict[Lang, bool] = {"en": True, "zh": True, "fr": False}


def _numeric_pair(match: re.Match[str], today: date, lang: Lang) -> date | None:
    first, second = int(match["a"]), int(match["b"])
    month_first = _MONTH_FIRST[lang] and match["sep"] != "."
    month, day = (first, second) if month_first else (second, first)
    if month > 12 >= day:  # only the other order is a date
        month, day = day, month
    if not 1 <= month <= 12:
        return None
    return _resolve(today, _year(match["year"]), month, day)


def _named_month(match: re.Match[str], today: date, lang: Lang) -> date | None:
    result = _resolve(today, _year(match["year"]), _MONTHS[match["mon"]], int(match["day"]))
    # "Friday 31 December" when the 31st is a Thursday is a typo we must not guess about.
    if result is not None and match["wd"] and result.weekday() != _WEEKDAYS[match["wd"]]:
        return None
    return result


def _zh_date(match: re.Match[str], today: date, lang: Lang) -> date | None:
    month, day = _zh_int(match["mon"]), _zh_int(match["day"])
    if month is None or day is None:
        return None
    year: int | None = None
    if match["rel"]:
        year = today.year + (1 if match["rel"] == "明年" else 0)
    elif match["year"]:
        digits = "".join(str(_ZH_DIGITS.get(c, c)) for c in match["year"])
        year = int(digits)
    return _resolve(today, year, month, day)


def _relative(match: re.Match[str], today: date, lang: Lang) -> date | None:
    count = _number(match["n"])
    unit = match["unit"]
    days = _UNITS[unit] if unit in _UNITS else _ZH_UNITS_OF_TIME[unit]
    if count is None:
        return None
    return _plus_months(today, count) if days == 0 else _plus_days(today, count * days)


# The words around a weekday name, and which day of that name they mean (see above).
_WEEKDAY_BEFORE: dict[str, Callable[[date, int], date | None]] = {
    "this": _coming_weekday,
    "ce": _coming_weekday,
    "this coming": _weekday_after_today,
    "coming": _weekday_after_today,
    "next": _weekday_next_week,
}
_WEEKDAY_AFTER: dict[str, Callable[[date, int], date | None]] = {
    "qui vient": _weekday_after_today,
    "prochain": _prochain,
    "en huit": _en_huit,
    "next week": _weekday_next_week,
    "of next week": _weekday_next_week,
    "de la semaine prochaine": _weekday_next_week,
}


def _weekday(match: re.Match[str], today: date, lang: Lang) -> date | None:
    if match["pre"] and match["post"]:
        return None  # "next friday next week" says nothing we can trust
    rule = _WEEKDAY_BEFORE.get(match["pre"] or "") or _WEEKDAY_AFTER.get(match["post"] or "")
    return (rule or _coming_weekday)(today, _WEEKDAYS[match["wd"]])


def _zh_weekday(match: re.Match[str], today: date, lang: Lang) -> date | None:
    weekday = _ZH_WEEKDAYS[match["wd"]]
    if not match["pre"]:
        return _coming_weekday(today, weekday)
    if match["pre"].startswith("下"):
        return _weekday_next_week(today, weekday)
    return _weekday_this_week(today, weekday)


# ------------------------------------------------------------------------------- rules

_PHRASES: tuple[tuple[str, Callable[[date], date | None]], ...] = (
    # Past phrases are understood so that the user hears "in the past", not "what?".
    (r"(?:the )?day before yesterday|前天|avant hier", lambda t: _plus_days(t, -2)),
    (r"yesterday|昨天|昨日|hier", lambda t: _plus_days(t, -1)),
    (r"today|tdy|今天|今日|aujourd'?hui", lambda t: t),
    (r"tomorrow|tmrw?|明天|明日|demain", lambda t: _plus_days(t, 1)),
    (r"day after tomorrow|后天|apres demain", lambda t: _plus_days(t, 2)),
    (r"大后天", lambda t: _plus_days(t, 3)),
    (
        r"(?:(?:start|beginning) of )?next week|下个?(?:周|星期|礼拜)"
        r"|(?:(?:au )?debut de )?(?:la )?semaine prochaine",
        _monday_next_week,
    ),
    (
        r"(?:(?:start|beginning) of )?next month|下个?月初?"
        r"|(?:(?:au )?debut (?:du|de) )?(?:le )?mois prochain",
        _first_of_next_month,
    ),
    (
        r"end of (?:the |this )?(?:work ?)?week|eow|fin de (?:la |cette )?semaine",
        lambda t: _coming_weekday(t, 4),
    ),
    (
        r"end of (?:the |this )?month|eom|(?:本|这个?|今)?月[底末]|fin (?:du|de|de ce) mois",
        _end_of_month,
    ),
    (r"end of next month|下个?月[底末]|fin du mois prochain", _end_of_next_month),
    (
        r"end of (?:the |this )?year|eoy|(?:今年)?年[底末]|今年底"
        r"|fin (?:d'|de l'|de cette )annee",
        lambda t: date(t.year, 12, 31),
    ),
)

_RULES: tuple[tuple[re.Pattern[str], Handler], ...] = (
    *((re.compile(pattern), _ignoring_match(func)) for pattern, func in _PHRASES),
    (
        re.compile(r"(?P<year>\d{4})(?P<sep>[-/.])(?P<mon>\d{1,2})(?P=sep)(?P<day>\d{1,2})"),
        _numeric_ymd,
    ),
    (re.compile(r"(?P<year>\d{4})(?P<mon>\d{2})(?P<day>\d{2})"), _numeric_ymd),
    (
        re.compile(r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?:(?P=sep)(?P<year>\d{4}|\d{2}))?"),
        _numeric_pair,
    ),
    (
        re.compile(
            rf"(?:(?P<wd>{_WD}),? )?(?P<day>\d{{1,2}})(?:st|nd|rd|th|er)?(?: of)? "
            rf"(?P<mon>{_MON})\.?(?:,? (?P<year>\d{{4}}))?"
        ),
        _named_month,
    ),
    (
        re.compile(
            rf"(?:(?P<wd>{_WD}),? )?(?P<mon>{_MON})\.? (?:the )?(?P<day>\d{{1,2}})"
            rf"(?:st|nd|rd|th)?(?:,? (?P<year>\d{{4}}))?"
        ),
        _named_month,
    ),
    (
        re.compile(
            rf"(?:(?P<rel>今年|明年)|(?P<year>\d{{4}}|[〇零一二三四五六七八九]{{4}})年)?"
            rf"(?P<mon>{_ZH_SMALL})月(?P<day>{_ZH_SMALL})[日号]?"
        ),
        _zh_date,
    ),
    (
        re.compile(rf"(?:in|within|dans|d'ici) (?P<n>{_EN_FR_NUM}) (?P<unit>{_alt(_UNITS)})"),
        _relative,
    ),
    (
        re.compile(rf"(?P<n>{_EN_FR_NUM}) (?P<unit>{_alt(_UNITS)}) (?:from (?:now|today)|later)"),
        _relative,
    ),
    (
        re.compile(rf"(?P<n>{_ZH_NUM})(?P<unit>{_alt(_ZH_UNITS_OF_TIME)})(?:之后|以后|过后|后)"),
        _relative,
    ),
    (
        re.compile(
            rf"(?:(?P<pre>{_alt(_WEEKDAY_BEFORE)}) )?(?P<wd>{_WD})"
            rf"(?: (?P<post>{_alt(_WEEKDAY_AFTER)}))?"
        ),
        _weekday,
    ),
    (
        re.compile(r"(?P<pre>下个?|本|这个?|今)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])"),
        _zh_weekday,
    ),
)

# ------------------------------------------------------------------------ normalisation

# Only the traditional characters that occur in the phrases above need folding.
_TRAD_TO_SIMP = str.maketrans({
    "後": "后", "週": "周", "個": "个", "禮": "礼", "號": "号",
    "這": "这", "兩": "两", "於": "于",
})  # fmt: skip
# Done before NFKC, which would turn some of these into a space plus a combining mark.
_PRE_NFKC = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2212": "-",
})  # fmt: skip
_EDGE_JUNK = " \t\r\n.,;:!?-~'\"()[]{}<>«»“”‘’「」『』【】。、…"
_CJK = "\u3000-\u303f\u4e00-\u9fff"
_SPACE_AROUND_CJK = re.compile(rf" ?([{_CJK}]) ?")
_HYPHEN_IN_WORDS = re.compile(r"(?<=[a-z])-(?=[a-z])")
_LEADING_FILLER = re.compile(
    r"(?:(?:on|by|until|till|at|the|le|la|pour|au|jusqu'au|jusqu'a|d'ici|a|en) |在|于|到|截止到?)"
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.translate(_PRE_NFKC)).lower()
    # Accents are optional in French input, so they are dropped from everything.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.translate(_TRAD_TO_SIMP)
    text = _HYPHEN_IN_WORDS.sub(" ", text)  # "apres-demain" == "apres demain"
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" ?, ?", ", ", text)
    text = _SPACE_AROUND_CJK.sub(r"\1", text)
    return text.strip(_EDGE_JUNK)


def _match_rules(text: str, today: date, lang: Lang) -> date | None:
    for pattern, handler in _RULES:
        match = pattern.fullmatch(text)
        result = None if match is None else handler(match, today, lang)
        if result is not None:
            return result
    return None


# --------------------------------------------------------------------------- public API


def parse_date(text: str, today: date, lang: Lang) -> date | None:
    """Read a date from a short free-text answer; no range check.

    Returns None when the text is not understood or names an impossible date
    (2026-02-30, 31/04); never raises. Relative phrases are resolved against ``today``
    ("next Monday" is the Monday of next week, "Monday" / "this Monday" is today if
    today is a Monday); ``lang``, the conversation's language, orders the day and
    month of 12/01. See the module docstring for every interpretation choice.
    """
    text = text.strip()
    if not text or len(text) > MAX_INPUT_CHARS:
        return None
    candidate = _normalise(text)
    # A couple of leading prepositions ("on the", "a la", "在") are peeled off one by one.
    for _ in range(4):
        if not candidate:
            return None
        result = _match_rules(candidate, today, lang)
        if result is not None:
            return result
        filler = _LEADING_FILLER.match(candidate)
        if filler is None:
            return None
        candidate = candidate[filler.end() :]
    return None


def check_stop_date(text: str, today: date, lang: Lang) -> date | DateProblem:
    """parse_date plus the range check for a stop date.

    Today is allowed; dates before today are PAST and dates more than
    MAX_DAYS_AHEAD (365) days after today are TOO_FAR.
    """
    result = parse_date(text, today, lang)
    if result is None:
        return DateProblem.UNPARSED
    if result < today:
        return DateProblem.PAST
    if (result - today).days > MAX_DAYS_AHEAD:
        return DateProblem.TOO_FAR
    return result
