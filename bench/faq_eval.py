"""Evaluates the FAQ matcher on a labelled JSONL set (default: tests/data/faq-dev.jsonl).

python bench/faq_eval.py [PATH] [--misses N] [--kb KB_PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.files.kb import bundled_kb_path, load_kb
from bot.files.labelled import read_jsonl
from conversations.faq.evaluate import evaluate
from conversations.faq.matcher import Matcher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", default=str(ROOT / "tests/data/faq-dev.jsonl"))
    parser.add_argument("--misses", type=int, default=0, help="print this many misses")
    parser.add_argument("--kb", default=str(bundled_kb_path()))
    args = parser.parse_args()
    report = evaluate(Matcher(load_kb(args.kb)), read_jsonl(Path(args.path)))
    print("\n".join(report.lines(args.misses)))


if __name__ == "__main__":
    main()
