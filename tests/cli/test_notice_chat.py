"""`/shutdown-notice` as an admin meets it in `stopbot chat` (a real process, piped
stdin), in each language: the preview card writes its rows, lists and counts as that
language does, and no step offers a choice it does not show."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_chat_answers import in_order
from tests.cli.test_cli import run


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {"DATA_DIR": str(tmp_path / "d"), "POLICY_PATH": ""}
    yield env
    run("storage", "stop", env=env)


def admin_chat(env: dict[str, str], lang: str, *lines: str) -> str:
    script = "\n".join(["/shutdown-notice", *lines, "/quit"])
    done = run("chat", "--user", "console:admin", "--lang", lang, env=env, stdin=script)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


# Software OA, a stop date, Chinese + English, keep the text, the broadcast channel
# (one), at a date and time; then Confirm.
STEPS = ["2", "2026-12-11", "4", "1", "1", "4", "2026-12-05 10:00", "1"]


@pytest.mark.parametrize(
    ("lang", "rows", "scheduled"),
    [
        (
            "en",
            ["│ Languages: Chinese, English", "│ Recipients: the broadcast channels (1 recipient)"],
            "Scheduled for 1 recipient:",
        ),
        (
            "zh",
            ["│ 语言：中文、英文", "│ 接收对象：广播频道（1 个接收对象）"],
            "已安排发送给 1 个接收对象：",
        ),
        (
            "fr",
            [
                "│ Langues : Chinois, Anglais",
                "│ Destinataires : les canaux de diffusion (1 destinataire)",
            ],
            "Programmé pour 1 destinataire :",
        ),
    ],
)
def test_the_preview_card_and_the_receipt_are_written_as_the_language_writes(
    env: dict[str, str], lang: str, rows: list[str], scheduled: str
) -> None:
    out = admin_chat(env, lang, *STEPS)
    in_order(out, *rows, scheduled)


def test_the_date_step_offers_no_choice_it_does_not_show(env: dict[str, str]) -> None:
    out = admin_chat(env, "en", "2")
    assert "On which day does OA stop? Type a date (2026-12-31, next Friday...)." in out
    assert "pick one" not in out
