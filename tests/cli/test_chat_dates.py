"""Typed stop dates in a real `stopbot chat` process: the date the bot read is said back
with its weekday, in the user's language, after the question and in the summary.

The process runs on the wall clock, so the test computes the expected days from the
date before and after the run (a run that crosses midnight may give either)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.cli.test_cli import run

EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip
FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
ZH_DAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]

ECHO = {
    "en": re.compile(r"✓ Stop date: (\w+) (\d+) (\w+) (\d{4})$", re.M),
    "fr": re.compile(r"✓ Date d'arrêt : (\w+) (\d+)(?:er)? (\w+) (\d{4})$", re.M),
    "zh": re.compile(r"✓ 停用日期：(\d{4})年(\d+)月(\d+)日（(\w+)）$", re.M),
}


def said_back(output: str) -> list[date]:
    """Every stop date the bot said back, checked to name the right weekday."""
    found: list[tuple[int, date]] = []
    for lang, pattern in ECHO.items():
        for m in pattern.finditer(output):
            if lang == "zh":
                day = date(int(m[1]), int(m[2]), int(m[3]))
                weekday = ZH_DAYS.index(m[4])
            elif lang == "en":
                day = date(int(m[4]), EN_MONTHS.index(m[3]) + 1, int(m[2]))
                weekday = EN_DAYS.index(m[1])
            else:
                day = date(int(m[4]), FR_MONTHS.index(m[3]) + 1, int(m[2]))
                weekday = FR_DAYS.index(m[1])
            assert weekday == day.weekday(), m[0]
            found.append((m.start(), day))
    return [day for _, day in sorted(found)]


def friday_of_next_week(today: date) -> date:
    return today - timedelta(days=today.weekday()) + timedelta(days=7 + 4)


def vendredi_prochain(today: date) -> date:
    first = today + timedelta(days=(4 - today.weekday() - 1) % 7 + 1)
    return first + timedelta(days=7) if first == today + timedelta(days=1) else first


def first_of_december(today: date) -> date:
    this_year = date(today.year, 12, 1)
    return this_year if this_year >= today else date(today.year + 1, 12, 1)


def expected(today: date) -> list[date]:
    return [
        friday_of_next_week(today),  # next friday
        vendredi_prochain(today),
        friday_of_next_week(today),  # 下周五
        first_of_december(today),  # 12/01 in English: month first
    ]


def test_typed_dates_are_said_back_with_their_weekday(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "d"), "POLICY_PATH": "", "BOT_TIMEZONE": "UTC"}
    script = "\n".join(
        [
            "/cancel-account", "OA", "no longer needed", "next friday",
            "yes", "none", "no", "none", "cancel",
            "/cancel-account", "OA", "je n'en ai plus besoin", "vendredi prochain", "annuler",
            "/cancel-account", "OA", "不再需要", "下周五", "取消",
            "/cancel-account", "OA", "no longer needed", "12/01", "cancel",
            "/quit",
        ]
    )  # fmt: skip
    before = datetime.now(UTC).date()
    try:
        out = run("chat", env=env, stdin=script)
    finally:
        run("storage", "stop", env=env)
    after = datetime.now(UTC).date()
    assert out.returncode == 0, out.stderr
    days = said_back(out.stdout)
    assert days in (expected(before), expected(after)), out.stdout
    # The summary says the same date in words.
    first = days[0]
    in_words = f"{EN_DAYS[first.weekday()]} {first.day} {EN_MONTHS[first.month - 1]} {first.year}"
    assert f"  │ Stop date: {in_words}\n" in out.stdout
