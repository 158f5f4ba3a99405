"""What the matcher learns from a knowledge base, built once and cached by its owner.

Two softmax classifiers over the topics and the off-topic examples, trained on every
example question (the KB's own and its example bank's), and the examples' sentence
embeddings for the nearest-example vote and checks (with, for a knowledge base short
of off-topic examples, borrowed near misses that only serve as neighbours: see
bot/faq/off_topic.py):

* a lexical one on words and character n-grams (`lexical.py`): it knows the KB's
  vocabulary, product names, typos and traditional characters;
* a semantic one on multilingual sentence embeddings (an `Embedder`): it knows that
  "export my tickets" is about a backup even when no example says "ticket".

Building takes seconds (embedding thousands of examples, then training); the arrays
it gives are what `bot/` caches on disk, keyed by `fingerprint`: the same knowledge
base, embedder and model version always give the same index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from conversations.faq.kb import KnowledgeBase
from conversations.faq.lexical import Vocabulary, lexical_features
from conversations.faq.product_names import ProductNames
from conversations.faq.softmax import Floats, Ints, Training, train_dense, train_sparse
from conversations.faq.tokens import Synonyms
from conversations.model import LANGS, Lang

OUT_OF_DOMAIN = "__out_of_domain__"
MODEL_VERSION = "lexical+semantic/6"
"""Part of the fingerprint: change it when features or training change, so that no
cache built by older code is read."""
TRAINING = Training(epochs=8, rate=0.05, l2=1e-5, batch=256)
"""Chosen by 5-fold cross-validation on the bank with a scratch script (argmax accuracy:
8 epochs at 0.05 matched 12 at 0.02, in two thirds of the time); part of the fingerprint."""


class Embedder(Protocol):
    """A multilingual sentence encoder: one L2-normalised row per text."""

    @property
    def name(self) -> str:
        """Which model: part of the fingerprint."""
        ...

    def __call__(self, texts: Sequence[str]) -> Floats: ...


@dataclass(frozen=True)
class Example:
    text: str
    lang: Lang
    label: str  # a topic id or OUT_OF_DOMAIN
    # Only a neighbour for the nearness checks, not taught to the classifiers: a few
    # topic examples among hundreds of borrowed near misses would teach them that
    # almost everything is off-topic.
    neighbour_only: bool = False


def training_examples(kb: KnowledgeBase) -> list[Example]:
    out: list[Example] = []
    for topic in kb.topics:
        for lang in LANGS:
            # Keywords are left out: cross-validated, single words ("refund", "data")
            # taught the classifiers to answer any off-topic question holding one
            # (2 to 3 points fewer off-topic questions declined).
            out += [Example(text, lang, topic.id) for text in topic.examples.get(lang)]
    for lang in LANGS:
        out += [Example(text, lang, OUT_OF_DOMAIN) for text in kb.out_of_domain.get(lang)]
    return out


NearMisses = Mapping[Lang, Sequence[str]]
"""Off-topic questions that are only neighbours (see `Example.neighbour_only`)."""
NEAR_MISS_CEILING = 0.85
"""A borrowed near miss at least this near (cosine) to one of the knowledge base's own
topic examples is dropped: the knowledge base answers that kind of question (a
"password" topic and the bundled "reset my password" near misses)."""


def near_miss_examples(near_misses: NearMisses) -> list[Example]:
    return [
        Example(text, lang, OUT_OF_DOMAIN, neighbour_only=True)
        for lang in LANGS
        for text in near_misses.get(lang, ())
    ]


def fingerprint(kb: KnowledgeBase, embedder: str, near_misses: NearMisses | None = None) -> str:
    digest = hashlib.sha256()
    borrowed = repr([(lang, list((near_misses or {}).get(lang, ()))) for lang in LANGS])
    for part in (MODEL_VERSION, repr(TRAINING), embedder, kb.model_dump_json(), borrowed):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def text_key(text: str, embedder: str) -> str:
    """How an example's cached embedding is found again (by the same encoder only)."""
    return hashlib.sha1(f"{embedder}\0{text}".encode()).hexdigest()


@dataclass(frozen=True)
class FaqIndex:
    classes: list[str]  # topic ids and OUT_OF_DOMAIN, sorted
    vocabulary: Vocabulary
    lexical: Floats  # terms × classes
    semantic: Floats  # (dimensions + 1) × classes, the last row the bias
    embeddings: Floats  # examples × dimensions
    labels: Ints  # each example's class, in class order
    # Each example's text as it was embedded, product names masked (to reuse its
    # embedding in the next build).
    texts: list[str]
    embedder: str  # the encoder that computed `embeddings`

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything as plain arrays, for a cache file (no pickles)."""
        return {
            **_packed("classes", self.classes),
            **_packed("terms", list(self.vocabulary.terms)),
            **_packed("texts", self.texts),
            **_packed("embedder", [self.embedder]),
            "idf": self.vocabulary.idf,
            "lexical": self.lexical,
            "semantic": self.semantic,
            "embeddings": self.embeddings,
            "labels": self.labels,
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> FaqIndex:
        return cls(
            classes=_unpacked(arrays, "classes"),
            vocabulary=Vocabulary.from_list(_unpacked(arrays, "terms"), arrays["idf"]),
            lexical=arrays["lexical"],
            semantic=arrays["semantic"],
            embeddings=arrays["embeddings"],
            labels=arrays["labels"],
            texts=_unpacked(arrays, "texts"),
            embedder=_unpacked(arrays, "embedder")[0],
        )

    def known_embeddings(self) -> dict[str, Floats]:
        return {text_key(t, self.embedder): self.embeddings[i] for i, t in enumerate(self.texts)}


# Strings travel as one UTF-8 buffer and their lengths in bytes: no separator that an
# example could hold.
def _packed(name: str, strings: list[str]) -> dict[str, np.ndarray]:
    encoded = [s.encode() for s in strings]
    return {
        name: np.frombuffer(b"".join(encoded), dtype=np.uint8),
        f"{name}.lengths": np.asarray([len(e) for e in encoded], dtype=np.int64),
    }


def _unpacked(arrays: Mapping[str, np.ndarray], name: str) -> list[str]:
    buffer = bytes(arrays[name].astype(np.uint8))
    ends = np.cumsum(arrays[f"{name}.lengths"]).tolist()
    return [buffer[a:b].decode() for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def build_index(
    kb: KnowledgeBase,
    embed: Embedder,
    known: Mapping[str, Floats] | None = None,
    near_misses: NearMisses | None = None,
) -> FaqIndex:
    """Trains both classifiers on the knowledge base's examples. `known`: embeddings
    already computed (by `text_key`), so that an edit re-embeds only what changed."""
    examples = training_examples(kb) + near_miss_examples(near_misses or {})
    names = ProductNames(kb.product_names)
    embedded = [names.masked(e.text) for e in examples]
    embeddings = _embeddings(embedded, embed, known or {})
    borrowed = np.asarray([e.neighbour_only for e in examples], dtype=bool)
    if borrowed.any():
        topics = np.asarray([e.label != OUT_OF_DOMAIN for e in examples], dtype=bool)
        nearest = (embeddings[borrowed] @ embeddings[topics].T).max(axis=1, initial=-1.0)
        keep = ~borrowed
        keep[np.flatnonzero(borrowed)[nearest < NEAR_MISS_CEILING]] = True
        examples = [e for e, k in zip(examples, keep, strict=True) if k]
        embedded = [t for t, k in zip(embedded, keep, strict=True) if k]
        embeddings = embeddings[keep]
    synonyms = Synonyms(kb.synonyms.model_dump())
    return train_index(examples, synonyms, embedded, embeddings, embed.name)


def train_index(
    examples: Sequence[Example],
    synonyms: Synonyms,
    embedded: Sequence[str],
    embeddings: Floats,
    embedder: str,
) -> FaqIndex:
    """The index of these examples; `embedded`: the text the encoder read for each (its
    product names masked), `embeddings` what it gave (by `embedder`), row by row."""
    classes = sorted({e.label for e in examples} | {OUT_OF_DOMAIN})
    index_of = {label: i for i, label in enumerate(classes)}
    # Grouped by class, so that each class's embeddings are one slice (no copy).
    order = sorted(range(len(examples)), key=lambda i: index_of[examples[i].label])
    examples = [examples[i] for i in order]
    texts = [embedded[i] for i in order]
    embeddings = embeddings[order]
    labels = np.asarray([index_of[e.label] for e in examples], dtype=np.int64)
    taught = np.asarray([not e.neighbour_only for e in examples], dtype=bool)
    documents = [
        lexical_features(e.text, e.lang, synonyms) for e in examples if not e.neighbour_only
    ]
    vocabulary = Vocabulary.learn(documents)
    lexical = train_sparse(
        vocabulary.rows(documents), labels[taught], len(vocabulary.terms), len(classes), TRAINING
    )
    semantic = train_dense(embeddings[taught], labels[taught], len(classes), TRAINING)
    return FaqIndex(classes, vocabulary, lexical, semantic, embeddings, labels, texts, embedder)


def _embeddings(texts: list[str], embed: Embedder, known: Mapping[str, Floats]) -> Floats:
    keys = [text_key(t, embed.name) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    fresh: dict[str, Floats] = {}
    if missing:
        vectors = embed([text for _, text in missing])
        fresh = {key: vectors[i] for i, (key, _) in enumerate(missing)}
    return np.stack([known[k] if k in known else fresh[k] for k in keys]).astype(np.float32)
