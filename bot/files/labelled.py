"""Reading a labelled question set (one JSON object per line: question, lang, topic;
topic null for a question the bot should decline), to score the FAQ matcher. A bad
line is reported as ``file:line: ...``."""

from __future__ import annotations

import json
from pathlib import Path

from conversations.faq.evaluate import Labelled
from conversations.model import LANGS


class LabelledError(Exception):
    """The set could not be read; ``errors`` holds one ``file:line: ...`` per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def read_jsonl(path: Path) -> list[Labelled]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else exc.strerror or exc
        raise LabelledError([f"{path}: cannot read the labelled set: {reason}"]) from None
    items: list[Labelled] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path}:{number}: not JSON: {exc.msg}")
            continue
        problem = _problem(row)
        if problem:
            errors.append(f"{path}:{number}: {problem}")
            continue
        items.append(Labelled(row["question"], row["lang"], row["topic"]))
    if errors:
        raise LabelledError(errors)
    if not items:
        raise LabelledError([f"{path}: no labelled questions"])
    return items


def _problem(row: object) -> str | None:
    shape = 'expected {"question": "...", "lang": "en", "topic": "<topic id>" or null}'
    if not isinstance(row, dict) or not {"question", "lang", "topic"} <= set(row):
        return shape
    if not isinstance(row["question"], str) or not row["question"].strip():
        return f"question must be a non-empty string; {shape}"
    if row["lang"] not in LANGS:
        return f"lang {row['lang']!r} is not one of {', '.join(LANGS)}"
    if row["topic"] is not None and not isinstance(row["topic"], str):
        return f"topic must be a topic id or null; {shape}"
    return None
