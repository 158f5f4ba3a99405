import random
import string
from datetime import date, timedelta

import pytest

from conversations.dates import DateProblem, check_stop_date, parse_date
from conversations.model import Lang

SAT = date(2026, 11, 21)  # a Saturday
WED = date(2026, 11, 25)  # a Wednesday
FRI = date(2026, 11, 27)  # a Friday
NYE = date(2026, 12, 31)  # a Thursday, for year rollover


LANGS: tuple[Lang, ...] = ("en", "zh", "fr")


def d(year: int, month: int, day: int) -> date:
    return date(year, month, day)


# Read the same in every language: year first, or one number that can only be the day.
NUMERIC: list[tuple[str, date]] = [
    ("2026-12-31", d(2026, 12, 31)),
    ("2026/12/31", d(2026, 12, 31)),
    ("2026.12.31", d(2026, 12, 31)),
    ("2026-1-5", d(2026, 1, 5)),
    ("20261231", d(2026, 12, 31)),
    ("31/12/2026", d(2026, 12, 31)),
    ("31.12.2026", d(2026, 12, 31)),
    ("31-12-2026", d(2026, 12, 31)),
    ("12/31/2026", d(2026, 12, 31)),  # second number > 12: month first
    ("31/12/26", d(2026, 12, 31)),  # two-digit year
    ("31/12", d(2026, 12, 31)),
    ("31.12", d(2026, 12, 31)),
    ("12/31", d(2026, 12, 31)),
    ("1.12", d(2026, 12, 1)),  # dots: day first in every language
    ("21/11", d(2026, 11, 21)),  # today itself
    ("20/11", d(2027, 11, 20)),  # already passed this year: next occurrence
    ("29/02", d(2028, 2, 29)),  # next leap day
]

ENGLISH: list[tuple[str, date]] = [
    ("today", SAT),
    ("tomorrow", d(2026, 11, 22)),
    ("day after tomorrow", d(2026, 11, 23)),
    ("the day after tomorrow", d(2026, 11, 23)),
    ("yesterday", d(2026, 11, 20)),
    ("in 3 days", d(2026, 11, 24)),
    ("in three days", d(2026, 11, 24)),
    ("in 1 day", d(2026, 11, 22)),
    ("in 2 weeks", d(2026, 12, 5)),
    ("in two weeks", d(2026, 12, 5)),
    ("in a week", d(2026, 11, 28)),
    ("in 1 month", d(2026, 12, 21)),
    ("in twelve months", d(2027, 11, 21)),
    ("5 days from now", d(2026, 11, 26)),
    ("next week", d(2026, 11, 23)),  # Monday of next week
    ("next month", d(2026, 12, 1)),
    ("end of week", d(2026, 11, 27)),  # coming Friday
    ("end of the week", d(2026, 11, 27)),
    ("end of month", d(2026, 11, 30)),
    ("end of the month", d(2026, 11, 30)),
    ("end of this month", d(2026, 11, 30)),
    ("at the end of the month", d(2026, 11, 30)),
    ("end of next month", d(2026, 12, 31)),
    ("end of year", d(2026, 12, 31)),
    ("end of the year", d(2026, 12, 31)),
    ("next monday", d(2026, 11, 23)),
    ("next tuesday", d(2026, 11, 24)),
    ("next wednesday", d(2026, 11, 25)),
    ("next thursday", d(2026, 11, 26)),
    ("next friday", d(2026, 11, 27)),
    ("next saturday", d(2026, 11, 28)),  # Saturday of next week
    ("next sunday", d(2026, 11, 29)),  # Sunday of next week, not tomorrow
    ("this friday", d(2026, 11, 27)),
    ("on friday", d(2026, 11, 27)),
    ("friday", d(2026, 11, 27)),
    ("fri", d(2026, 11, 27)),
    ("saturday", SAT),  # today is that day
    ("this saturday", SAT),
    ("December 31", d(2026, 12, 31)),
    ("december 31st", d(2026, 12, 31)),
    ("Dec 31", d(2026, 12, 31)),
    ("dec. 31", d(2026, 12, 31)),
    ("31 Dec", d(2026, 12, 31)),
    ("Dec 31, 2026", d(2026, 12, 31)),
    ("31 December 2026", d(2026, 12, 31)),
    ("31st of December", d(2026, 12, 31)),
    ("the 31st of December", d(2026, 12, 31)),
    ("Thursday, December 31, 2026", d(2026, 12, 31)),
    ("January 1", d(2027, 1, 1)),
    ("Nov 20", d(2027, 11, 20)),
    ("sept 3", d(2027, 9, 3)),
    ("by Dec 31", d(2026, 12, 31)),
]

CHINESE: list[tuple[str, date]] = [
    ("今天", SAT),
    ("明天", d(2026, 11, 22)),
    ("后天", d(2026, 11, 23)),
    ("後天", d(2026, 11, 23)),
    ("大后天", d(2026, 11, 24)),
    ("大後天", d(2026, 11, 24)),
    ("昨天", d(2026, 11, 20)),
    ("下周一", d(2026, 11, 23)),
    ("下周三", d(2026, 11, 25)),
    ("下周日", d(2026, 11, 29)),
    ("下周天", d(2026, 11, 29)),
    ("下週五", d(2026, 11, 27)),
    ("下星期一", d(2026, 11, 23)),
    ("下星期天", d(2026, 11, 29)),
    ("下礼拜一", d(2026, 11, 23)),
    ("下禮拜六", d(2026, 11, 28)),
    ("下个星期二", d(2026, 11, 24)),
    ("下周", d(2026, 11, 23)),
    ("下星期", d(2026, 11, 23)),
    ("本周五", d(2026, 11, 20)),  # this week's Friday, yesterday
    ("这周五", d(2026, 11, 20)),
    ("這週五", d(2026, 11, 20)),
    ("这周日", d(2026, 11, 22)),
    ("周五", d(2026, 11, 27)),
    ("星期五", d(2026, 11, 27)),
    ("礼拜五", d(2026, 11, 27)),
    ("周日", d(2026, 11, 22)),
    ("星期日", d(2026, 11, 22)),
    ("周六", SAT),
    ("3天后", d(2026, 11, 24)),
    ("三天后", d(2026, 11, 24)),
    ("3天以后", d(2026, 11, 24)),
    ("十天之后", d(2026, 12, 1)),
    ("十五天后", d(2026, 12, 6)),
    ("二十天后", d(2026, 12, 11)),
    ("三十天后", d(2026, 12, 21)),
    ("2周后", d(2026, 12, 5)),
    ("两周后", d(2026, 12, 5)),
    ("兩週後", d(2026, 12, 5)),
    ("一个星期后", d(2026, 11, 28)),
    ("1个月后", d(2026, 12, 21)),
    ("两个月后", d(2027, 1, 21)),
    ("兩個月後", d(2027, 1, 21)),
    ("月底", d(2026, 11, 30)),
    ("本月底", d(2026, 11, 30)),
    ("这个月底", d(2026, 11, 30)),
    ("這個月底", d(2026, 11, 30)),
    ("月末", d(2026, 11, 30)),
    ("下个月底", d(2026, 12, 31)),
    ("下個月底", d(2026, 12, 31)),
    ("下月底", d(2026, 12, 31)),
    ("下个月初", d(2026, 12, 1)),
    ("下月初", d(2026, 12, 1)),
    ("下个月", d(2026, 12, 1)),
    ("年底", d(2026, 12, 31)),
    ("今年年底", d(2026, 12, 31)),
    ("2026年12月31日", d(2026, 12, 31)),
    ("12月31日", d(2026, 12, 31)),
    ("12月31号", d(2026, 12, 31)),
    ("12月31號", d(2026, 12, 31)),
    ("十二月三十一日", d(2026, 12, 31)),
    ("二〇二六年十二月三十一日", d(2026, 12, 31)),
    ("一月一日", d(2027, 1, 1)),
    ("11月20日", d(2027, 11, 20)),
    ("明年1月5日", d(2027, 1, 5)),
    ("在12月31日", d(2026, 12, 31)),
]

FRENCH: list[tuple[str, date]] = [
    ("aujourd'hui", SAT),
    ("aujourd\u2019hui", SAT),
    ("demain", d(2026, 11, 22)),
    ("après-demain", d(2026, 11, 23)),
    ("apres-demain", d(2026, 11, 23)),
    ("après demain", d(2026, 11, 23)),
    ("hier", d(2026, 11, 20)),
    ("dans 3 jours", d(2026, 11, 24)),
    ("dans trois jours", d(2026, 11, 24)),
    ("dans 2 semaines", d(2026, 12, 5)),
    ("dans deux semaines", d(2026, 12, 5)),
    ("dans une semaine", d(2026, 11, 28)),
    ("dans un mois", d(2026, 12, 21)),
    ("dans douze mois", d(2027, 11, 21)),
    ("la semaine prochaine", d(2026, 11, 23)),
    ("le mois prochain", d(2026, 12, 1)),
    ("lundi prochain", d(2026, 11, 23)),
    ("mercredi prochain", d(2026, 11, 25)),
    ("samedi prochain", d(2026, 11, 28)),
    ("dimanche prochain", d(2026, 11, 29)),  # tomorrow would be "demain"
    ("ce vendredi", d(2026, 11, 27)),
    ("vendredi", d(2026, 11, 27)),
    ("ce samedi", SAT),
    ("fin de semaine", d(2026, 11, 27)),
    ("fin du mois", d(2026, 11, 30)),
    ("fin de mois", d(2026, 11, 30)),
    ("à la fin du mois", d(2026, 11, 30)),
    ("fin du mois prochain", d(2026, 12, 31)),
    ("fin d'année", d(2026, 12, 31)),
    ("fin d'annee", d(2026, 12, 31)),
    ("fin de l'année", d(2026, 12, 31)),
    ("31 décembre", d(2026, 12, 31)),
    ("31 decembre", d(2026, 12, 31)),
    ("le 31 décembre 2026", d(2026, 12, 31)),
    ("jeudi 31 décembre 2026", d(2026, 12, 31)),
    ("1er janvier", d(2027, 1, 1)),
    ("le 1er janvier", d(2027, 1, 1)),
    ("28 février", d(2027, 2, 28)),
    ("28 fevrier", d(2027, 2, 28)),
    ("15 août", d(2027, 8, 15)),
    ("15 aout", d(2027, 8, 15)),
]

NORMALISATION: list[tuple[str, date]] = [
    ("  TOMORROW  ", d(2026, 11, 22)),
    ("Tomorrow!", d(2026, 11, 22)),
    ("tomorrow.", d(2026, 11, 22)),
    ("  next   Monday ", d(2026, 11, 23)),
    ("\u201cnext monday\u201d", d(2026, 11, 23)),
    ("２０２６－１２－３１", d(2026, 12, 31)),
    ("２０２６／１２／３１", d(2026, 12, 31)),
    ("３１．１２．２０２６", d(2026, 12, 31)),
    ("１２月３１日", d(2026, 12, 31)),
    ("明天。", d(2026, 11, 22)),
    ("「明天」", d(2026, 11, 22)),
    ("下周五！", d(2026, 11, 27)),
    ("12 月 31 日", d(2026, 12, 31)),
    ("APRÈS-DEMAIN", d(2026, 11, 23)),
    ("Fin Du Mois", d(2026, 11, 30)),
    ("Dec 31 , 2026", d(2026, 12, 31)),
    ("dec 31,2026", d(2026, 12, 31)),
]


@pytest.mark.parametrize("lang", ["en", "zh", "fr"])
@pytest.mark.parametrize(("text", "expected"), NUMERIC)
def test_unambiguous_numeric_dates_in_every_language(text: str, expected: date, lang: Lang) -> None:
    assert parse_date(text, SAT, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        *((text, "en", expected) for text, expected in ENGLISH + NORMALISATION),
        *((text, "zh", expected) for text, expected in CHINESE),
        *((text, "fr", expected) for text, expected in FRENCH),
    ],
)
def test_parse_on_a_saturday(text: str, lang: Lang, expected: date) -> None:
    assert parse_date(text, SAT, lang) == expected


@pytest.mark.parametrize(
    ("text", "en", "zh", "fr"),
    [
        # Both numbers could be the month: English and Chinese write the month first,
        # French the day.
        ("12/01", d(2026, 12, 1), d(2026, 12, 1), d(2027, 1, 12)),
        ("12/01/2027", d(2027, 12, 1), d(2027, 12, 1), d(2027, 1, 12)),
        ("05/06/2027", d(2027, 5, 6), d(2027, 5, 6), d(2027, 6, 5)),
        ("1/12", d(2027, 1, 12), d(2027, 1, 12), d(2026, 12, 1)),
        ("12-01", d(2026, 12, 1), d(2026, 12, 1), d(2027, 1, 12)),
        ("11/21/26", d(2026, 11, 21), d(2026, 11, 21), d(2026, 11, 21)),
        ("12/12", d(2026, 12, 12), d(2026, 12, 12), d(2026, 12, 12)),
        # One order only makes a date: it is taken in every language.
        ("13/01", d(2027, 1, 13), d(2027, 1, 13), d(2027, 1, 13)),
        ("01/13", d(2027, 1, 13), d(2027, 1, 13), d(2027, 1, 13)),
        # Dots are written day first, whatever the language.
        ("12.01", d(2027, 1, 12), d(2027, 1, 12), d(2027, 1, 12)),
        # Year first is year-month-day, always.
        ("2027-01-12", d(2027, 1, 12), d(2027, 1, 12), d(2027, 1, 12)),
        ("2027/01/12", d(2027, 1, 12), d(2027, 1, 12), d(2027, 1, 12)),
    ],
)
def test_numeric_order_follows_the_language(text: str, en: date, zh: date, fr: date) -> None:
    assert [parse_date(text, SAT, lang) for lang in LANGS] == [en, zh, fr]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wednesday", WED),
        ("this wednesday", WED),
        ("next wednesday", d(2026, 12, 2)),
        ("friday", d(2026, 11, 27)),
        ("next friday", d(2026, 12, 4)),  # Friday of next week; this one is "friday"
        ("vendredi prochain", d(2026, 11, 27)),  # the next to come, two days away
        ("next monday", d(2026, 11, 30)),
        ("end of the week", d(2026, 11, 27)),
        ("next week", d(2026, 11, 30)),
        ("下周", d(2026, 11, 30)),
        ("下周一", d(2026, 11, 30)),
        ("下周五", d(2026, 12, 4)),  # Friday of next calendar week
        ("本周五", d(2026, 11, 27)),
        ("周三", WED),
        ("周一", d(2026, 11, 30)),
        ("lundi prochain", d(2026, 11, 30)),
        ("mercredi prochain", d(2026, 12, 2)),
        ("ce mercredi", WED),
        ("fin de semaine", d(2026, 11, 27)),
        ("la semaine prochaine", d(2026, 11, 30)),
    ],
)
def test_parse_on_a_wednesday(text: str, expected: date) -> None:
    # Only the order of a numeric day and month depends on the language.
    assert [parse_date(text, WED, lang) for lang in LANGS] == [expected] * 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday", FRI),
        ("this friday", FRI),
        ("next friday", d(2026, 12, 4)),
        ("end of the week", FRI),
        ("fin de semaine", FRI),
        ("周五", FRI),
        ("下周五", d(2026, 12, 4)),
        ("vendredi prochain", d(2026, 12, 4)),
    ],
)
def test_parse_on_a_friday(text: str, expected: date) -> None:
    # Only the order of a numeric day and month depends on the language.
    assert [parse_date(text, FRI, lang) for lang in LANGS] == [expected] * 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", d(2027, 1, 1)),
        ("明天", d(2027, 1, 1)),
        ("demain", d(2027, 1, 1)),
        ("31/12", NYE),
        ("12月31日", NYE),
        ("1/1", d(2027, 1, 1)),
        ("30/12", d(2027, 12, 30)),
        ("Dec 30", d(2027, 12, 30)),
        ("1er janvier", d(2027, 1, 1)),
        ("end of month", NYE),
        ("月底", NYE),
        ("end of the year", NYE),
        ("end of next month", d(2027, 1, 31)),
        ("下个月底", d(2027, 1, 31)),
        ("fin du mois prochain", d(2027, 1, 31)),
        ("next month", d(2027, 1, 1)),
        ("下个月", d(2027, 1, 1)),
        ("le mois prochain", d(2027, 1, 1)),
        ("in 1 month", d(2027, 1, 31)),
        ("in 2 months", d(2027, 2, 28)),  # clamped
        ("dans 2 mois", d(2027, 2, 28)),
        ("2个月后", d(2027, 2, 28)),
        ("next week", d(2027, 1, 4)),
        ("下周五", d(2027, 1, 8)),
        ("friday", d(2027, 1, 1)),
        ("in 3 days", d(2027, 1, 3)),
    ],
)
def test_parse_on_new_years_eve(text: str, expected: date) -> None:
    # Only the order of a numeric day and month depends on the language.
    assert [parse_date(text, NYE, lang) for lang in LANGS] == [expected] * 3


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (d(2027, 1, 31), "in 1 month", d(2027, 2, 28)),
        (d(2028, 1, 31), "in 1 month", d(2028, 2, 29)),
        (d(2026, 8, 31), "in 1 month", d(2026, 9, 30)),
        (d(2026, 1, 31), "end of next month", d(2026, 2, 28)),
        (d(2028, 2, 10), "end of the month", d(2028, 2, 29)),
    ],
)
def test_month_arithmetic_clamps(today: date, text: str, expected: date) -> None:
    assert parse_date(text, today, "en") == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "20261332",
        "31/04",
        "31/04/2027",
        "13/13/2026",
        "00/12/2026",
        "30 février",
        "February 30",
        "2月30日",
        "十三月一日",
        "Friday 31 December 2026",  # the 31st is a Thursday
    ],
)
def test_invalid_calendar_dates(text: str) -> None:
    assert parse_date(text, SAT, "en") is None
    assert parse_date(text, SAT, "fr") is None


GARBAGE = [
    "",
    "   ",
    "!!!",
    "garbage",
    "hello world",
    "next",
    "in days",
    "in many days",
    "31",
    "2026",
    "December",
    "stop it tomorrow please or maybe friday",
    "下下下",
    "明天明天",
    "x" * 10_000,
    "tomorrow " + "x" * 10_000,
    "tomorrow" * 2_000,
    " " * 10_000,
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_is_not_parsed(text: str) -> None:
    for lang in LANGS:
        assert parse_date(text, SAT, lang) is None
        assert check_stop_date(text, SAT, lang) is DateProblem.UNPARSED


def test_hostile_input_is_refused() -> None:
    # Long repetitive input is what makes regexes backtrack; the parser reads at most
    # 200 characters and finds no date in these (speed belongs to benchmarks).
    hostile = [*GARBAGE, "1" * 199, "下" * 199, "十" * 199, "in " + "a " * 98, "the " * 49]
    for text in hostile:
        assert parse_date(text, SAT, "en") is None
    assert parse_date("2026-12-31 " + "x" * 5000, SAT, "en") is None


def test_random_input_never_raises() -> None:
    rng = random.Random(20261121)
    alphabet = string.ascii_letters + string.digits + " -/.,'" + "年月日号周下个后天十一二两三"
    for _ in range(2_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        result = parse_date(text, SAT, "en")
        assert result is None or isinstance(result, date)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", SAT),
        ("今天", SAT),
        ("aujourd'hui", SAT),
        ("tomorrow", d(2026, 11, 22)),
        ("in 12 months", SAT + timedelta(days=365)),
        ("2027-11-21", SAT + timedelta(days=365)),
        ("2026-11-20", DateProblem.PAST),
        ("yesterday", DateProblem.PAST),
        ("昨天", DateProblem.PAST),
        ("hier", DateProblem.PAST),
        ("2020-01-01", DateProblem.PAST),
        ("2027-11-22", DateProblem.TOO_FAR),
        ("2028-01-01", DateProblem.TOO_FAR),
        ("in 53 weeks", DateProblem.TOO_FAR),
        ("29/02", DateProblem.TOO_FAR),  # next leap day is 2028
        ("", DateProblem.UNPARSED),
        ("garbage", DateProblem.UNPARSED),
        ("2026-02-30", DateProblem.UNPARSED),
    ],
)
def test_check_stop_date(text: str, expected: date | DateProblem) -> None:
    assert [check_stop_date(text, SAT, lang) for lang in LANGS] == [expected] * 3


def test_check_stop_date_boundaries_around_year_end() -> None:
    assert check_stop_date("2027-12-31", NYE, "en") == d(2027, 12, 31)
    assert check_stop_date("2028-01-01", NYE, "en") is DateProblem.TOO_FAR
    assert check_stop_date("2026-12-30", NYE, "en") is DateProblem.PAST
    assert check_stop_date("31/12", NYE, "en") == NYE


def test_date_problem_values_are_strings() -> None:
    assert [problem.value for problem in DateProblem] == ["unparsed", "past", "too_far"]
    assert all(isinstance(problem, str) for problem in DateProblem)
    assert DateProblem("too_far") is DateProblem.TOO_FAR
