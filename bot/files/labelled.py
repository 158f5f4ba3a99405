"""Reading a labelled question set (one JSON object per line: question, lang, topic;
topic null for a question the bot should decline), to score the FAQ matcher."""

from __future__ import annotations

import json
from pathlib import Path

from conversations.faq.evaluate import Labelled


def read_jsonl(path: Path) -> list[Labelled]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            items.append(Labelled(row["question"], row["lang"], row["topic"]))
    return items
