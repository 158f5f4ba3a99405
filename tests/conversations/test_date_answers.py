"""Typed stop dates through the dialogue engine: which day each weekday phrase means on
every day of the week, how each language orders a numeric day and month, and the date
said back in words once the "when" question is answered."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from conversations.i18n import t
from conversations.long_date import long_date
from conversations.model import Answers, Lang, Reason, Target, TargetKind
from conversations.stop_request import (
    Context,
    DialogueState,
    Step,
    answered_line,
    describe,
    new_dialogue,
    on_text,
)

MONDAY = date(2026, 11, 23)
WEEK = [MONDAY + timedelta(days=i) for i in range(7)]  # today: Monday .. Sunday
CRM = Target(kind=TargetKind.SOFTWARE, name="CRM", paid=True)


def nov(day: int) -> date:
    return date(2026, 11, day)


def dec(day: int) -> date:
    return date(2026, 12, day)


def at_when(lang: Lang, today: date) -> DialogueState:
    now = datetime.combine(today, time(9), tzinfo=UTC)
    state = new_dialogue("console:employee", "SR-TEST0001", lang, now)
    state.answers = Answers(target=CRM, reason=Reason.SECURITY)
    state.step = Step.WHEN
    return state


def answer(text: str, lang: Lang, today: date) -> tuple[DialogueState, list[str]]:
    now = datetime.combine(today, time(9), tzinfo=UTC)
    out = on_text(at_when(lang, today), text, Context(today=today), now)
    assert out.state is not None
    return out.state, out.notes


# For each phrase, the day it means when said on Monday 23 November 2026, Tuesday 24, ...
# Sunday 29. Next week runs from Monday 30 November to Sunday 6 December.
EVERY_WEEKDAY: list[tuple[Lang, str, tuple[date, ...]]] = [
    # The coming one, today included.
    ("en", "friday", (nov(27),) * 5 + (dec(4),) * 2),
    ("en", "this friday", (nov(27),) * 5 + (dec(4),) * 2),
    ("en", "on friday", (nov(27),) * 5 + (dec(4),) * 2),
    ("en", "monday", (nov(23),) + (nov(30),) * 6),
    ("en", "sunday", (nov(29),) * 7),
    ("fr", "vendredi", (nov(27),) * 5 + (dec(4),) * 2),
    ("fr", "ce vendredi", (nov(27),) * 5 + (dec(4),) * 2),
    ("fr", "lundi", (nov(23),) + (nov(30),) * 6),
    ("zh", "周五", (nov(27),) * 5 + (dec(4),) * 2),
    ("zh", "星期五", (nov(27),) * 5 + (dec(4),) * 2),
    ("zh", "周一", (nov(23),) + (nov(30),) * 6),
    ("zh", "周日", (nov(29),) * 7),
    # The first one after today.
    ("en", "this coming friday", (nov(27),) * 4 + (dec(4),) * 3),
    ("fr", "vendredi qui vient", (nov(27),) * 4 + (dec(4),) * 3),
    # English "next": that day of next week, whatever today is.
    ("en", "next friday", (dec(4),) * 7),
    ("en", "next monday", (nov(30),) * 7),
    ("en", "next sunday", (dec(6),) * 7),
    ("en", "friday next week", (dec(4),) * 7),
    ("en", "friday of next week", (dec(4),) * 7),
    # French "prochain": the next to come, but never tomorrow (that would be "demain").
    ("fr", "vendredi prochain", (nov(27),) * 3 + (dec(4),) * 4),
    ("fr", "lundi prochain", (nov(30),) * 6 + (dec(7),)),
    ("fr", "dimanche prochain", (nov(29),) * 5 + (dec(6),) * 2),
    ("fr", "vendredi de la semaine prochaine", (dec(4),) * 7),
    ("fr", "vendredi en huit", (dec(4),) * 5 + (dec(11),) * 2),
    # Chinese weeks start on Monday: 下周 is next calendar week, 这周/本周 this one.
    ("zh", "下周五", (dec(4),) * 7),
    ("zh", "下星期五", (dec(4),) * 7),
    ("zh", "下周一", (nov(30),) * 7),
    ("zh", "下周日", (dec(6),) * 7),
    ("zh", "这周五", (nov(27),) * 7),
    ("zh", "本周五", (nov(27),) * 7),
    ("zh", "本周一", (nov(23),) * 7),
    ("zh", "这周日", (nov(29),) * 7),
]


@pytest.mark.parametrize("weekday", range(7), ids=[d.strftime("%A") for d in WEEK])
@pytest.mark.parametrize(("lang", "text", "expected"), EVERY_WEEKDAY)
def test_weekday_phrases_on_every_day_of_the_week(
    lang: Lang, text: str, expected: tuple[date, ...], weekday: int
) -> None:
    today, meant = WEEK[weekday], expected[weekday]
    state, notes = answer(text, lang, today)
    if meant < today:
        # "本周一" on a Wednesday: this week's Monday, which has passed; said back.
        assert state.step is Step.WHEN and state.answers.stop_date is None
        assert notes == [t(lang, "hint_date_past", date=long_date(meant, lang))]
        return
    assert state.answers.stop_date == meant, (text, today)
    assert state.step is Step.BACKUP
    label = t(lang, "f_when")
    row = t(lang, "field_row", label=label, value=long_date(meant, lang))
    assert answered_line(Step.WHEN, state) == f"✓ {row}"


# Thursday 26 November 2026. Both numbers could be the month: each language's order.
THURSDAY = nov(26)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "12/01", "Tuesday 1 December 2026"),
        ("en", "1/12", "Tuesday 12 January 2027"),
        ("en", "02/03/2027", "Wednesday 3 February 2027"),
        ("fr", "02/03/2027", "mardi 2 mars 2027"),
        ("fr", "12/01", "mardi 12 janvier 2027"),
        ("fr", "1/12", "mardi 1er décembre 2026"),
        ("fr", "01/12/2026", "mardi 1er décembre 2026"),
        ("zh", "12/01", "2026年12月1日（星期二）"),
        ("zh", "1/12", "2027年1月12日（星期二）"),
        # Unambiguous forms read the same in every language.
        ("en", "13/01", "Wednesday 13 January 2027"),
        ("fr", "12/13", "dimanche 13 décembre 2026"),
        ("en", "1.12", "Tuesday 1 December 2026"),
        ("en", "2026-12-11", "Friday 11 December 2026"),
        ("fr", "2026-12-11", "vendredi 11 décembre 2026"),
        ("zh", "2026-12-11", "2026年12月11日（星期五）"),
    ],
)
def test_numeric_dates_follow_the_conversation_language(
    lang: Lang, text: str, expected: str
) -> None:
    state, _ = answer(text, lang, THURSDAY)
    assert state.step is Step.BACKUP
    row = t(lang, "field_row", label=t(lang, "f_when"), value=expected)
    assert answered_line(Step.WHEN, state) == f"✓ {row}"


@pytest.mark.parametrize(
    ("lang", "text", "line"),
    [
        # Said on Thursday 3 December 2026: not tomorrow, the Friday of next week.
        ("en", "next friday", "✓ Stop date: Friday 11 December 2026"),
        ("fr", "vendredi prochain", "✓ Date d'arrêt : vendredi 11 décembre 2026"),
        ("zh", "下周五", "✓ 停用日期：2026年12月11日（星期五）"),
        ("en", "friday", "✓ Stop date: Friday 4 December 2026"),
        ("fr", "ce vendredi", "✓ Date d'arrêt : vendredi 4 décembre 2026"),
        ("zh", "这周五", "✓ 停用日期：2026年12月4日（星期五）"),
    ],
)
def test_the_answer_is_said_back_with_its_weekday(lang: Lang, text: str, line: str) -> None:
    state, _ = answer(text, lang, dec(3))
    assert answered_line(Step.WHEN, state) == line


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Friday 11 December 2026"),
        ("fr", "vendredi 11 décembre 2026"),
        ("zh", "2026年12月11日（星期五）"),
    ],
)
def test_the_summary_says_the_date_in_words(lang: Lang, expected: str) -> None:
    rows = dict(describe(Answers(target=CRM, stop_date=dec(11)), lang, "console:employee"))
    assert rows[t(lang, "f_when")] == expected


def test_a_date_in_the_past_is_said_back_in_words() -> None:
    state, notes = answer("本周一", "zh", nov(25))
    assert state.answers.stop_date is None
    assert notes == ["2026年11月23日（星期一） 已经过去了，请选择今天或之后的日期。"]
