"""Software names are set aside before a question's sentence embedding is read."""

from __future__ import annotations

import pytest

from conversations.faq.product_names import NO_PRODUCT_NAMES, ProductNames
from conversations.faq.tokens import MAX_QUESTION

NAMES = ProductNames(["Asana", "Office 365", "OA", "企业微信", "钉钉", "Microsoft Teams", "Teams"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("résilier Asana", "résilier X"),
        ("RESILIER ASANA", "RESILIER X"),
        ("refund for office365 and Office  365", "refund for X and X"),
        (
            "comment exporter l'historique de chat de 企业微信",
            "comment exporter l'historique de chat de X",
        ),
        ("企业微信账号注销", "X 账号注销"),
        ("钉钉app怎么注销", "X app怎么注销"),
        ("注销OA钉钉", "注销 X X"),
        ("close the OA account", "close the X account"),
        ("Asana's projects", "X 's projects"),
        ("Zoomé", "Zoomé"),
        # The longest name wins; a name inside a longer Latin word is not one.
        ("stop Microsoft Teams", "stop X"),
        ("revoke the OAuth token of Asanabot", "revoke the OAuth token of Asanabot"),
    ],
)
def test_listed_names_become_one_placeholder(text: str, expected: str) -> None:
    assert NAMES.masked(text) == expected


def test_a_question_of_names_only_is_read_as_it_is() -> None:
    assert NAMES.masked("Asana?") == "Asana?"
    assert NAMES.masked("OA / Teams") == "OA / Teams"


def test_no_names_changes_nothing_but_length() -> None:
    assert NO_PRODUCT_NAMES.masked("résilier Asana") == "résilier Asana"
    assert ProductNames(["", "  "]).masked("close OA") == "close OA"
    assert len(NAMES.masked("a" * (MAX_QUESTION * 3))) == MAX_QUESTION


def test_a_name_with_pattern_characters_is_taken_literally() -> None:
    names = ProductNames(["C++ Builder", "S.A.P."])
    assert names.masked("cancel C++ Builder") == "cancel X"
    assert names.masked("cancel SxAxPx and C Builder") == "cancel SxAxPx and C Builder"


def test_a_name_half_latin_half_chinese_keeps_its_latin_boundary() -> None:
    names = ProductNames(["Zoom会议", "OA钉钉", "OA"])
    assert names.masked("关闭Zoom会议") == "关闭 X"
    assert names.masked("关闭xZoom会议") == "关闭xZoom会议"
    assert names.masked("注销OA钉钉账号") == "注销 X 账号"  # the longer name wins
