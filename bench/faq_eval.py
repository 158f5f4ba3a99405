"""Evaluates the FAQ matcher on a labelled JSONL set (default: tests/data/faq-dev.jsonl):
the same as `stopbot faq eval`, whose --help says what it prints.

python bench/faq_eval.py [FILE] [--misses N] [--kb KB_PATH] [--json]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["faq", "eval", *sys.argv[1:]]))
