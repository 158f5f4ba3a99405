"""FAQ matcher speed: knowledge-base load time, questions per second, p50/p99 latency
per question, on the bundled knowledge base and on a synthetic one of 5,000 entries.

Run with `make bench`; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.files.kb import bundled_kb_path, load_kb
from bot.files.labelled import read_jsonl
from conversations.faq.kb import KnowledgeBase, Localized, PerLang, Topic
from conversations.faq.matcher import Matcher
from conversations.model import LANGS


def synthetic(kb: KnowledgeBase, entries: int, seed: int = 7) -> KnowledgeBase:
    """A knowledge base with `entries` example questions over many topics, made by
    recombining the words of the bundled examples (so the vocabulary and the posting
    lists look like real ones, only many more)."""
    rng = random.Random(seed)
    words = {
        lang: [w for t in kb.topics for e in t.examples.get(lang) for w in e.split()]
        for lang in LANGS
    }
    chars = [c for t in kb.topics for e in t.examples.zh for c in e]
    per_topic = 20
    topics = []
    for n in range(entries // (per_topic * 3)):
        examples = {
            "en": [
                " ".join(rng.choices(words["en"], k=rng.randint(4, 12))) for _ in range(per_topic)
            ],
            "fr": [
                " ".join(rng.choices(words["fr"], k=rng.randint(4, 12))) for _ in range(per_topic)
            ],
            "zh": ["".join(rng.choices(chars, k=rng.randint(6, 18))) for _ in range(per_topic)],
        }
        text = Localized(en=f"topic {n}", zh=f"话题 {n}", fr=f"sujet {n}")
        topics.append(Topic(id=f"t{n}", title=text, answer=text, examples=PerLang(**examples)))
    return KnowledgeBase(
        topics=[*kb.topics, *topics], synonyms=kb.synonyms, out_of_domain=kb.out_of_domain
    )


def measure(label: str, matcher: Matcher, questions: list[tuple[str, str]], rounds: int) -> None:
    latencies = []
    t0 = time.perf_counter()
    for _ in range(rounds):
        for question, lang in questions:
            q0 = time.perf_counter()
            matcher.match(question, lang)  # type: ignore[arg-type]
            latencies.append(time.perf_counter() - q0)
    elapsed = time.perf_counter() - t0
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000  # noqa: E731
    print(
        f"{label}: {len(latencies)} questions, {len(latencies) / elapsed:.0f} questions/s, "
        f"p50 {p(0.50):.2f} ms, p99 {p(0.99):.2f} ms, max {latencies[-1] * 1000:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10, help="passes over the question set")
    parser.add_argument("--entries", type=int, default=5000)
    args = parser.parse_args()
    questions = [(i.question, i.lang) for i in read_jsonl(ROOT / "tests/data/faq-dev.jsonl")]

    loads = []
    for _ in range(5):
        t0 = time.perf_counter()
        kb = load_kb(bundled_kb_path())
        matcher = Matcher(kb)
        loads.append(time.perf_counter() - t0)
    print(
        f"bundled knowledge base: {len(kb.topics)} topics, {matcher.size} indexed entries, "
        f"load (parse + validate + index) median {statistics.median(loads) * 1000:.0f} ms"
    )
    measure("bundled", matcher, questions, args.rounds)

    big = synthetic(kb, args.entries)
    t0 = time.perf_counter()
    big_matcher = Matcher(big)
    print(
        f"synthetic knowledge base: {len(big.topics)} topics, {big_matcher.size} indexed "
        f"entries, index build {(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    measure("synthetic", big_matcher, questions, max(1, args.rounds // 2))


if __name__ == "__main__":
    main()
