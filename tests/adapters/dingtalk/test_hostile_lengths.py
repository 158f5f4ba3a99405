"""Messages as long as DingTalk lets through (4000 characters) made of what the readers
look for: "@" and full-width "＠" (mentions), spaces of every kind, colons, dots. Each
is read as it should be. The checks run in a child process (tests/hang.py): a regex
that backtracks catastrophically on such text would hang there for hours, on the
event loop in the bot."""

from __future__ import annotations

import unicodedata

from bot.adapters.dingtalk import markdown
from bot.adapters.dingtalk.inbound import MAX_TEXT, user_text
from bot.adapters.dingtalk.mentions import without_mentions
from bot.adapters.dingtalk.typed_commands import Decision, read_command, read_decision
from handlers.commands import CANCEL_ACCOUNT
from tests.adapters.dingtalk.markdown_reader import markup
from tests.hang import finishes

RID = "SR-7K3M9QXD"
N = MAX_TEXT
_AT_RUNS = ("@" * N, "＠" * N, "@＠" * (N // 2))
_SPACED_ATS = ("@ " * (N // 2), "＠\u3000" * (N // 2), "@\t＠ \u2005" * (N // 5))


def check_typed_commands() -> None:
    for ats in _AT_RUNS + _SPACED_ATS:
        body = " ".join(ats.split())  # as the reader sees it: cleaned
        # Not at the end: part of the reason.
        found = read_decision(f"拒绝 {RID} {ats} x")
        assert found == Decision("reject", RID, None, "zh", reason=f"{body} x"), ats[:9]
        # At the end: mentions, dropped.
        assert read_decision(f"拒绝 {RID} 不行 {ats}") == Decision(
            "reject", RID, None, "zh", reason="不行"
        )
        assert read_decision(f"{ats} 同意 {RID}") == Decision("approve", RID, None, "zh")
        assert read_decision(f"同意 {RID} {ats}") == Decision("approve", RID, None, "zh")
        assert read_command(f"注销账号 {ats} x") == (CANCEL_ACCOUNT, f"{body} x")
        assert read_command(f"注销账号 status {ats}") == (CANCEL_ACCOUNT, "status")
        assert read_decision(ats) is None and read_command(ats) is None
    assert read_decision(f"转交 {RID} {'@' * N} x") == Decision(
        "delegate", RID, None, "zh", reason="x", person="@" * N
    )
    assert read_decision(f"同意 {RID}{' ' * N}@") == Decision("approve", RID, None, "zh")


def check_mentions() -> None:
    for ats in _AT_RUNS + _SPACED_ATS:
        assert without_mentions(f"{ats} x {ats}") == "x"
        assert without_mentions(f"x {ats} y") == f"x {ats} y"
        assert without_mentions(f"{ats} x {ats}", leading=False).endswith(" x")
        assert user_text(f"{ats} 怎么停用OA {ats}", group=True) == "怎么停用OA"
        inside = f"ask {ats} about it"
        assert user_text(inside, group=True) == " ".join(inside.split())[:MAX_TEXT]
        assert user_text(ats, group=True) == ""
    assert user_text(" \t" * N + "@bot", group=True) == ""


def check_markdown() -> None:
    for text in (
        "a" * N + ":/",
        "https:/" * (N // 7),
        "www." * (N // 4),
        "dtmd " * (N // 5) + ":",
        "@" * N,
        "1." * (N // 2),
        "#" * N,
        "> " * (N // 2),
    ):
        escaped = markdown.escape(text)
        assert markup(escaped) == {}, text[:20]
        assert unicodedata.normalize("NFKC", escaped) == text.lstrip()


def test_typed_commands_read_long_hostile_text() -> None:
    finishes(__name__, "check_typed_commands")


def test_mentions_are_stripped_from_long_hostile_text() -> None:
    finishes(__name__, "check_mentions")


def test_long_hostile_text_is_escaped() -> None:
    finishes(__name__, "check_markdown")
