"""Hostile text where a regex with a quantified group inside a repeated one used to
backtrack exponentially (", , , , …" before a time, spaces inside a duration). Each
check runs in a child process (tests/hang.py): a hang there, for hours on the event
loop in the bot, is the failure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversations import notice as nb
from conversations.durations import parse_duration
from tests.hang import finishes

CTX = nb.NoticeContext(now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tz=UTC)


def check_a_time_after_commas_and_spaces() -> None:
    # parse_datetime reads at most 100 characters: these are as long as it reads.
    for filler in (", " * 45, "," * 90, " ,\t" * 30, "at , " * 18):
        assert nb.parse_datetime(f"x{filler}x 9:00", CTX, "en") is None
        assert nb.parse_datetime(f"tomorrow {filler[:80]}9:00", CTX, "en") == datetime(
            2026, 11, 24, 9, 0, tzinfo=UTC
        )


def check_a_duration_with_spaces() -> None:
    for text in ("1d" + " " * 4000 + "x", "1w" + " \t" * 2000 + "1d 1x"):
        with pytest.raises(ValueError, match="invalid duration"):
            parse_duration(text)
    assert parse_duration("1w" + " " * 4000 + "2d").days == 9


def test_a_time_after_hostile_filler_is_read() -> None:
    finishes(__name__, "check_a_time_after_commas_and_spaces")


def test_a_duration_with_hostile_spaces_is_read() -> None:
    finishes(__name__, "check_a_duration_with_spaces")
