"""The FAQ from the command line: `stopbot faq --json` and `stopbot kb check`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.files.kb import bundled_kb_path
from tests.helpers import GOOD_KB, TEAM_POLICY

ROOT = Path(__file__).resolve().parents[2]
# `faq --json` objects carry these keys (the contract); more may be added.
CONTRACT_KEYS = {"question", "lang", "topic", "score", "answer"}


def test_faq_json_batch_from_stdin() -> None:
    lines = "will my data be lost?\nrefund my train ticket\n可以恢复吗\n"
    out = subprocess.run(
        [sys.executable, "-m", "bot", "faq", "--json"],
        cwd=ROOT,
        input=lines,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["topic"] for r in rows] == ["data-loss", None, "reactivate"]
    assert [r["lang"] for r in rows] == ["en", "en", "zh"]
    assert all(set(r) == {*CONTRACT_KEYS, "suggestions"} for r in rows)
    assert rows[1]["answer"]
    assert [r["suggestions"] for r in rows] == [[], [], []]  # answers and "I don't know"


def faq(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`stopbot faq ARGS` with the bundled policy unless `env` names another."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "faq", *args],
        cwd=ROOT,
        env={**os.environ, "POLICY_PATH": "", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def faq_json(*questions: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    return [json.loads(line) for line in faq("--json", *questions, env=env).stdout.splitlines()]


def kb_without_its_examples_folder(tmp_path: Path) -> dict[str, str]:
    """KB_PATH for the bundled knowledge base alone. The grey-zone tests below are about
    what a "did you mean" prints, not about the matcher: they keep questions that the
    knowledge base alone leaves unsure, whatever the example folder adds."""
    kb = tmp_path / "faq.yaml"
    text = bundled_kb_path().read_text(encoding="utf-8")
    kb.write_text(re.sub(r"(?m)^examples_dir:.*$", "", text), encoding="utf-8")
    return {"KB_PATH": str(kb)}


def test_faq_json_keeps_the_suggestions_of_a_did_you_mean(tmp_path: Path) -> None:
    rows = faq_json(
        "how do I know my account was actually closed",
        "quelles infos mettre : nom du logiciel, raison, date prévue ?",
        "注销账号需要领导批吗",
        env=kb_without_its_examples_folder(tmp_path),
    )
    assert [r["topic"] for r in rows] == [None, None, None]
    assert all(set(r) == {*CONTRACT_KEYS, "suggestions"} for r in rows)
    assert rows[0]["answer"] == "I'm not sure I understood. Did you mean one of these?"
    assert rows[0]["suggestions"] == [
        {"topic": "how-to-cancel", "title": "Close an account or stop software"},
        {"topic": "after-cancel", "title": "After the stop: checks and cleanup"},
        {"topic": "billing-after-cancel", "title": "Charges and renewal after a stop"},
    ]
    # Titles in the question's language, as the buttons show them.
    fr, zh = rows[1]["suggestions"], rows[2]["suggestions"]
    assert len(fr) == 3 and fr[0] == {
        "topic": "should-i-stop",
        "title": "Faut-il arrêter ce logiciel ?",
    }
    assert len(zh) == 3 and zh[0] == {"topic": "approval-process", "title": "停用申请由谁审批"}


def test_faq_without_a_support_channel_does_not_offer_a_human(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEAM_POLICY)  # no support_channel
    kb = kb_without_its_examples_folder(tmp_path)
    unknown = "refund my train ticket"
    unsure = "how do I know my account was actually closed"
    rows = faq_json(unknown, env={"POLICY_PATH": str(policy), **kb})
    assert rows[0]["answer"].startswith("I don't know the answer to that")
    assert "pass your question" not in rows[0]["answer"]
    plain = faq(unsure, env={"POLICY_PATH": str(policy), **kb})
    assert "[Close an account or stop software]" in plain.stdout
    assert "ask a human" not in plain.stdout
    # The bundled policy has a support channel: there the offer stays.
    assert "pass your question to the IT team" in faq_json(unknown, env=kb)[0]["answer"]
    assert "[None of these: ask a human]" in faq(unsure, env=kb).stdout


def kb_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_kb_check_command(tmp_path: Path) -> None:
    bad = tmp_path / "faq.yaml"
    bad.write_text(GOOD_KB.replace("title:", "titel:"))
    out = kb_check(bad)
    assert out.returncode == 1
    assert f"{bad}:4: topics[0].titel: unknown key 'titel'; did you mean 'title'?" in out.stderr


def test_kb_check_names_the_lines_of_the_example_folder(tmp_path: Path) -> None:
    kb = tmp_path / "faq.yaml"
    kb.write_text("examples_dir: more\n" + GOOD_KB)
    (tmp_path / "more" / "en").mkdir(parents=True)
    refund = tmp_path / "more" / "en" / "refund.txt"
    refund.write_text("# refunds\ndo I get reimbursed\ndo I get reimbursed\n")
    out = kb_check(kb)
    assert out.returncode == 1
    assert out.stderr.splitlines() == [f"{refund}:3: duplicate of {refund}:2"]
    refund.write_text("# refunds\ndo I get reimbursed\n")
    out = kb_check(kb)
    assert (out.returncode, out.stdout) == (0, f"{kb}: OK\n")
