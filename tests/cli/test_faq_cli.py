"""The FAQ from the command line: `stopbot faq --json` and `stopbot kb check`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot import faq_eval_cli
from bot.files.kb import bundled_kb_path, load_kb
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


def faq(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`stopbot faq ARGS` with the bundled policy unless `env` names another."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "faq", *args],
        cwd=ROOT,
        env={**os.environ, "POLICY_PATH": "", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def faq_json(
    *questions: str, env: dict[str, str] | None = None, timeout: float = 60
) -> list[dict[str, Any]]:
    out = faq("--json", *questions, env=env, timeout=timeout).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_faq_json_keeps_the_suggestions_of_a_did_you_mean() -> None:
    # Vague questions: the bundled matcher is not sure which topic they mean.
    rows = faq_json(
        "what about my data and payments",
        "données et paiements ?",
        "钱和数据呢",
    )
    assert [r["topic"] for r in rows] == [None, None, None]
    assert all(set(r) == {*CONTRACT_KEYS, "suggestions"} for r in rows)
    assert rows[0]["answer"] == "I'm not sure I understood. Did you mean one of these?"
    # Three topics, with their titles in the question's language, as the buttons show
    # them; the topics the question is about among them.
    kb = load_kb(bundled_kb_path())
    for row, lang, about in [
        (rows[0], "en", {"data-loss", "privacy", "backup"}),
        (rows[1], "fr", {"data-loss", "refund"}),
        (rows[2], "zh", {"data-loss", "refund"}),
    ]:
        suggested = row["suggestions"]
        assert len(suggested) == 3
        for s in suggested:
            topic = kb.topic(s["topic"])
            assert topic is not None and s["title"] == topic.title.get(lang)
        assert about & {s["topic"] for s in suggested}, row


def test_faq_without_a_support_channel_does_not_offer_a_human(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEAM_POLICY)  # no support_channel
    kb: dict[str, str] = {}  # the bundled knowledge base
    unknown = "refund my train ticket"
    unsure = "what about my data and payments"
    rows = faq_json(unknown, env={"POLICY_PATH": str(policy), **kb})
    assert rows[0]["answer"].startswith("I don't know the answer to that")
    assert "pass your question" not in rows[0]["answer"]
    plain = faq(unsure, env={"POLICY_PATH": str(policy), **kb})
    assert "[Will my data be lost?]" in plain.stdout
    assert "ask a human" not in plain.stdout
    # The bundled policy has a support channel: there the offer stays.
    assert "pass your question to the IT team" in faq_json(unknown, env=kb)[0]["answer"]
    assert "[None of these: ask a human]" in faq(unsure, env=kb).stdout


def stopbot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def kb_check(path: Path) -> subprocess.CompletedProcess[str]:
    return stopbot("kb", "check", str(path))


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


def faq_eval(*args: str) -> subprocess.CompletedProcess[str]:
    return stopbot("faq", "eval", *args)


def test_faq_eval_scores_a_labelled_set_per_language(tmp_path: Path) -> None:
    kb = tmp_path / "faq.yaml"
    kb.write_text(GOOD_KB)
    labelled = tmp_path / "set.jsonl"
    rows = [
        {"question": "will I get my money back", "lang": "en", "topic": "refund"},
        {"question": "what colour is the sky today", "lang": "en", "topic": "refund"},
        {"question": "what is for lunch", "lang": "en", "topic": None},
        {"question": "能退款吗", "lang": "zh", "topic": "refund"},
    ]
    labelled.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    out = faq_eval(str(labelled), "--kb", str(kb))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == (
        "en: in-domain accuracy 0.500 (1/2), right topic among suggestions 0; "
        "off-topic declined 1.000 (1/1)"
    )
    assert lines[1] == "  confusions: refund -> (unknown) x1"
    assert lines[2].startswith(
        "  miss 'what colour is the sky today': expected refund, got declined"
    )
    assert lines[3].startswith("zh: in-domain accuracy 1.000 (1/1)")
    assert lines[-1] == "all: in-domain accuracy 0.667 (2/3); off-topic declined 1.000 (1/1)"

    report = json.loads(faq_eval(str(labelled), "--kb", str(kb), "--json", "--misses", "0").stdout)
    assert report["accuracy"] == 0.6667
    assert report["langs"]["en"]["confusions"] == [
        {"expected": "refund", "got": "(unknown)", "count": 1}
    ]
    assert report["langs"]["en"]["worst_misses"] == []
    assert set(report["langs"]) == {"en", "zh"}


def test_faq_eval_names_the_bad_lines_of_a_set(tmp_path: Path) -> None:
    labelled = tmp_path / "set.jsonl"
    labelled.write_text(
        '{"question": "ok", "lang": "en", "topic": null}\n'
        "{not json\n"
        '{"question": "hi", "lang": "de", "topic": null}\n'
        '{"question": "hi"}\n'
    )
    out = faq_eval(str(labelled))
    assert out.returncode == 2
    assert out.stderr.splitlines()[1:] == [
        f"  {labelled}:2: not JSON: Expecting property name enclosed in double quotes",
        f"  {labelled}:3: lang 'de' is not one of en, zh, fr",
        f'  {labelled}:4: expected {{"question": "...", "lang": "en", "topic": "<topic id>" '
        "or null}",
    ]


def test_faq_eval_without_file_or_dev_set_names_the_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(faq_eval_cli, "DEV_SET", tmp_path / "missing.jsonl")
    assert faq_eval_cli.run([], bundled_kb_path()) == 2
    assert "pass FILE, a labelled JSONL set" in capsys.readouterr().err


def test_an_edited_copy_of_the_bundled_knowledge_base_works_on_its_own(tmp_path: Path) -> None:
    # What an admin does first: copy the bundled file somewhere, edit an answer, point
    # KB_PATH at it. The example bank was not copied: the bundled one is borrowed.
    copy = tmp_path / "faq.yaml"
    text = bundled_kb_path().read_text(encoding="utf-8")
    copy.write_text(text.replace("Usually yes.", "Usually yes (edited).", 1), encoding="utf-8")
    env = {"KB_PATH": str(copy)}
    check = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (check.returncode, check.stdout.strip()) == (0, f"{copy}: OK"), check.stderr
    assert "example folder is not beside it: the bundled one is used" in check.stderr
    # A new knowledge base: its index is trained (tens of seconds on a slow machine).
    questions = ["will my data be lost if my CRM account is closed?", "what's for lunch"]
    rows = faq_json(*questions, env=env, timeout=300)
    assert rows[0]["topic"] == "data-loss" and "Usually yes (edited)." in rows[0]["answer"]
    assert rows[1]["topic"] is None
