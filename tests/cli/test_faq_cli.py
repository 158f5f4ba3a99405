"""The FAQ from the command line: `stopbot faq --json` and `stopbot kb check`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import GOOD_KB

ROOT = Path(__file__).resolve().parents[2]


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
    assert all(set(r) == {"question", "lang", "topic", "score", "answer"} for r in rows)
    assert rows[1]["answer"]


def test_kb_check_command(tmp_path: Path) -> None:
    bad = tmp_path / "faq.yaml"
    bad.write_text(GOOD_KB.replace("title:", "titel:"))
    out = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert f"{bad}:4: topics[0].titel: unknown key 'titel'; did you mean 'title'?" in out.stderr
