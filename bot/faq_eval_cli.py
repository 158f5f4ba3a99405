"""`stopbot faq eval`: how well the FAQ matcher answers a labelled question set, per
language, so that whoever edits the knowledge base sees what an edit did."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.faq.matchers import matcher_for
from bot.files.kb import KbError, load_kb
from bot.files.labelled import LabelledError, read_jsonl
from conversations.faq.evaluate import evaluate

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "faq-dev.jsonl"
"""The labelled set of a source checkout, the default FILE."""

DESCRIPTION = """\
Scores the FAQ matcher on a labelled question set: one JSON object per line,
  {"question": "will I lose my files?", "lang": "en", "topic": "data-loss"}
with "topic": null for a question the bot should decline (off-topic). For each
language it prints the in-domain accuracy (answered with the right topic), how many
missed questions still got their topic among the "did you mean" suggestions, the
share of off-topic questions declined (not answered: a "did you mean" counts as
declined), the topics most often mistaken for others (expected -> got), and the
worst misses: a wrong answer first, the surest first.

The knowledge base is KB_PATH (else the bundled one) with the example folder it
names, or --kb. Run it before and after editing the knowledge base to see what the
edit did. Exit 0 after printing the figures; 2 if the set or the knowledge base
cannot be read."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="stopbot faq eval",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="the labelled JSONL set (default: tests/data/faq-dev.jsonl of a source checkout)",
    )
    p.add_argument(
        "--misses",
        type=int,
        default=10,
        metavar="N",
        help="worst misses shown per language (default %(default)s)",
    )
    p.add_argument("--kb", metavar="PATH", help="knowledge base (default: KB_PATH, else bundled)")
    p.add_argument("--json", action="store_true", help="one JSON object with every figure")
    return p


def run(argv: Sequence[str], kb_path: Path, cache: Path | None = None) -> int:
    """`kb_path` is the knowledge base from the settings, used unless --kb names one;
    `cache` the folder of built FAQ indexes."""
    args = parser().parse_args(argv)
    if args.misses < 0:
        parser().error("--misses must be 0 or more")
    if args.file is None and not DEV_SET.is_file():
        print(
            "stopbot faq eval: no FILE given and there is no tests/data/faq-dev.jsonl here; "
            "pass FILE, a labelled JSONL set (see --help)",
            file=sys.stderr,
        )
        return 2
    try:
        items = read_jsonl(Path(args.file) if args.file else DEV_SET)
        kb = load_kb(Path(args.kb) if args.kb else kb_path)
    except (LabelledError, KbError) as exc:
        print("stopbot faq eval: cannot evaluate:", *exc.errors, sep="\n  ", file=sys.stderr)
        return 2
    report = evaluate(matcher_for(kb, cache), items)
    if args.json:
        print(json.dumps(report.as_dict(args.misses), ensure_ascii=False))
    else:
        print("\n".join(report.lines(args.misses)))
    return 0
