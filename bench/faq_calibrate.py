"""Chooses the FAQ matcher's thresholds by 5-fold cross-validation on the knowledge
base's own examples (the bundled one: its YAML and its example bank), never on the
evaluation batch in tests/data/faq-eval. Prints the out-of-fold figures and the
thresholds that `conversations/faq/matcher.py` should hold.

Rule, per language: among the answer thresholds, off-topic ceilings and
nearest-example margins that decline at least 93 % of the off-topic examples out of
fold (the gate of issue 11), the one with the most in-domain questions answered right
minus twice those answered wrong: a wrong confident answer (about data loss, refunds)
costs more than a "did you mean"; settings within half a point of the best count as
ties, and the one declining the most off-topic examples wins. The "did you mean"
floor: the highest that still offers the right topic to 3 in 4 unanswered in-domain
questions.

Run with `make bench` (or alone: .venv/bin/python bench/faq_calibrate.py).
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.faq.encoder import shared_encoder
from bot.faq.matchers import index_for
from bot.files.kb import bundled_kb_path, load_kb
from conversations.faq.index import OUT_OF_DOMAIN, Example, text_key, train_index, training_examples
from conversations.faq.matcher import Matcher, Thresholds, Verdict
from conversations.faq.product_names import ProductNames
from conversations.faq.softmax import Floats
from conversations.faq.tokens import Synonyms
from conversations.model import LANGS

DECLINED = 0.93
WRONG_COST = 2.0
ANSWERS = [round(0.1 + 0.05 * i, 2) for i in range(16)]
OFF_TOPICS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0]  # 1.0: no ceiling
MARGINS = [-0.3, -0.25, -0.2, -0.15, -0.1, -0.05, 0.0, 0.05]
TIE = 0.005  # settings this close to the best are ties: the one declining most wins
# Always some floor: a knowledge base with few off-topic examples must still decline
# a question that is like none of its examples.
SIMILARS = [0.2, 0.3, 0.4, 0.5]
SUGGESTS = [0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2]


class Lookup:
    """Embeddings already computed for the examples (the CV never calls the model)."""

    def __init__(self, known: dict[str, Floats], name: str) -> None:
        self.known = known
        self.name = name  # the encoder that computed them: part of each key

    def __call__(self, texts: Sequence[str]) -> Floats:
        return np.stack([self.known[text_key(t, self.name)] for t in texts])


def folds(examples: list[Example], k: int, seed: int = 0) -> list[int]:
    """Stratified by topic and language."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        groups[(e.label, e.lang)].append(i)
    fold = [0] * len(examples)
    rng = random.Random(seed)
    for members in groups.values():
        rng.shuffle(members)
        for n, i in enumerate(members):
            fold[i] = n % k
    return fold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "faq-index")
    args = parser.parse_args()
    started = time.perf_counter()
    kb = load_kb(bundled_kb_path())
    encoder = shared_encoder()
    lookup = Lookup(index_for(kb, args.cache, encoder).known_embeddings(), encoder.name)
    examples = training_examples(kb)
    synonyms = Synonyms(kb.synonyms.model_dump())
    names = ProductNames(kb.product_names)
    fold = folds(examples, args.folds)
    # (lang, expected, answered topic, score, off-topic, near, near off-topic, right in top 3)
    rows = []
    for k in range(args.folds):
        train = [e for e, f in zip(examples, fold, strict=True) if f != k]
        held = [e for e, f in zip(examples, fold, strict=True) if f == k]
        embedded = [names.masked(e.text) for e in train]
        index = train_index(train, synonyms, embedded, lookup(embedded), lookup.name)
        matcher = Matcher(kb, index, lookup)
        for e in held:
            seen = matcher.evidence(e.text, matcher.lang_of(e.text, e.lang))
            top3 = [t for t, _ in seen.ranked[:3]]
            rows.append(
                (e.lang, e.label, seen.topic, seen.score, seen.off_topic, seen.near_topic,
                 seen.near_off_topic, e.label in top3)
            )  # fmt: skip
    lang = np.array([r[0] for r in rows])
    expected = np.array([r[1] for r in rows])
    right = np.array([r[1] == r[2] for r in rows])
    score = np.array([r[3] for r in rows])
    off_topic = np.array([r[4] for r in rows])
    near = np.array([r[5] for r in rows])
    near_off = np.array([r[6] for r in rows])
    margin = near - near_off
    in_top3 = np.array([r[7] for r in rows])
    off = expected == OUT_OF_DOMAIN
    print(f"{len(rows)} examples, {args.folds}-fold, {time.perf_counter() - started:.0f} s")
    chosen_answer: dict[str, float] = {}
    chosen_margin: dict[str, float] = {}
    chosen_similar: dict[str, float] = {}
    chosen_off: dict[str, float] = {}
    for code in LANGS:
        mine = lang == code
        candidates = []
        for a, o, m, sim in itertools.product(ANSWERS, OFF_TOPICS, MARGINS, SIMILARS):
            answered = (score >= a) & (off_topic < o) & (margin >= m) & (near >= sim)
            accuracy = float((answered & right)[mine & ~off].mean())
            wrong = float((answered & ~right)[mine & ~off].mean())
            declined = float((~answered)[mine & off].mean())
            if declined >= DECLINED:
                candidates.append(
                    (accuracy - WRONG_COST * wrong, accuracy, wrong, declined, a, o, m, sim)
                )
        assert candidates, code
        top = max(c[0] for c in candidates)
        best = max((c for c in candidates if c[0] >= top - TIE), key=lambda c: (c[3], c[0]))
        _, accuracy, wrong, declined, a, o, m, sim = best
        chosen_answer[code], chosen_off[code], chosen_margin[code], chosen_similar[code] = (
            a,
            o,
            m,
            sim,
        )
        top1 = float(right[mine & ~off].mean())
        print(
            f"{code}: answer >= {a}, off-topic < {o}, margin >= {m}, similar >= {sim}: "
            f"in-domain top-1 {top1:.3f}, right {accuracy:.3f}, "
            f"wrong {wrong:.3f}; off-topic declined {declined:.3f} (out of fold)"
        )
    answered = np.zeros(len(rows), dtype=bool)
    for code in LANGS:
        mine = lang == code
        answered |= (
            mine
            & (score >= chosen_answer[code])
            & (off_topic < chosen_off[code])
            & (margin >= chosen_margin[code])
            & (near >= chosen_similar[code])
        )
    print("did you mean floor: right topic offered to unanswered in-domain / off-topic offered")
    suggest = SUGGESTS[0]
    for g in SUGGESTS:
        similar = np.array([n >= chosen_similar[c] for n, c in zip(near, lang, strict=True)])
        offered = ~answered & (score >= g) & similar
        helped = float((offered & in_top3)[~off & ~answered].mean())
        noise = float(offered[off].mean())
        print(f"  suggest >= {g}: {helped:.3f} / {noise:.3f}")
        if helped >= 0.75:
            suggest = g
    thresholds = Thresholds(
        answer=chosen_answer,
        off_topic=chosen_off,
        margin=chosen_margin,
        similar=chosen_similar,
        suggest=suggest,
    )
    print(f"chosen: {thresholds}")
    for code in LANGS:
        mine = lang == code
        verdicts = [
            thresholds.verdict_of(float(s), float(t), float(n), float(o), code)
            for s, t, n, o in zip(
                score[mine], off_topic[mine], near[mine], near_off[mine], strict=True
            )
        ]
        print(code, "verdicts:", {v.value: verdicts.count(v) for v in Verdict})


if __name__ == "__main__":
    main()
