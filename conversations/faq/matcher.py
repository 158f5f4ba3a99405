"""Which FAQ topic a question is about, and how sure we are.

Two classifiers read the question (see `index.py`): one on its words and character
n-grams, one on its multilingual sentence embedding. Their probabilities are blended
(weighted geometric mean): each catches what the other misses, and cross-validated on the
example bank the blend answers 3 to 5 points more questions right than the better
of the two alone. The off-topic examples are a class of their own.

The verdict is honest about confidence:
* ANSWER when the blend gives the best topic at least `answer` (per language), the
  question is near enough to one of that topic's examples (`similar`, cosine of the
  sentence embeddings) and about as near (`margin`) to it as to the nearest off-topic
  example: "cancel a Webex meeting" or "refund my train ticket" sit right next to
  off-topic examples;
* SUGGEST ("Did you mean...") when the best topic has at least `suggest` and is
  `similar`: the top three topics as buttons;
* UNKNOWN otherwise.
The thresholds were chosen by 5-fold cross-validation on the example bank, never on
the evaluation batch (bench/faq_calibrate.py prints the choice); `stopbot faq eval`
measures them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from conversations.faq.index import OUT_OF_DOMAIN, Embedder, FaqIndex
from conversations.faq.kb import KnowledgeBase
from conversations.faq.lexical import lexical_features
from conversations.faq.softmax import dense_scores, probabilities, sparse_scores
from conversations.faq.tokens import MAX_QUESTION, Synonyms
from conversations.lang import guess_lang
from conversations.model import Lang

LEXICAL = 0.6
"""The lexical classifier's weight in the blend (log-probabilities); cross-validated
on the bank: 0.6 beats 0.5 by up to a point in every language, 0.7 no further."""

__all__ = ["OUT_OF_DOMAIN", "Match", "Matcher", "Thresholds", "Verdict"]


class Verdict(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Thresholds:
    """Chosen by bench/faq_calibrate.py (5-fold cross-validation on the bundled
    knowledge base and its example bank): per language, the most questions answered
    right minus twice those answered wrong, with at least 93 % of off-topic ones
    declined, out of fold (near-ties go to the setting that declines more)."""

    # The blended probability of the best topic needed to answer, per language.
    answer: dict[str, float] = field(default_factory=lambda: {"en": 0.4, "fr": 0.4, "zh": 0.4})
    # How much nearer the topic's nearest example must be than the nearest off-topic one
    # (cosine of sentence embeddings; negative: it may be a little farther).
    margin: dict[str, float] = field(default_factory=lambda: {"en": -0.1, "fr": -0.1, "zh": -0.05})
    # How near (cosine) the topic's nearest example must be at all, per language. Low:
    # unrelated text sits at 0.25-0.5 from some example, so it is the off-topic examples
    # that decline it (bot/faq/matchers.py warns when a knowledge base has few).
    similar: dict[str, float] = field(default_factory=lambda: {"en": 0.2, "fr": 0.2, "zh": 0.2})
    suggest: float = 0.2  # below this the bot does not know (no "did you mean")

    def verdict(self, seen: Evidence, lang: str) -> Verdict:
        return self.verdict_of(seen.score, seen.near_topic, seen.near_off_topic, lang)

    def verdict_of(self, score: float, near: float, near_off: float, lang: str) -> Verdict:
        """`score`: the best topic's blended probability; `near`: the cosine to its
        nearest example; `near_off`: to the nearest off-topic example."""
        similar = near >= self.similar[lang]
        if score >= self.answer[lang] and similar and near - near_off >= self.margin[lang]:
            return Verdict.ANSWER
        return Verdict.SUGGEST if score >= self.suggest and similar else Verdict.UNKNOWN


@dataclass(frozen=True)
class Evidence:
    ranked: list[tuple[str, float]]  # the topics with their blended probability, best first
    near_topic: float  # cosine to the best topic's nearest example
    near_off_topic: float  # cosine to the nearest off-topic example

    @property
    def topic(self) -> str:
        return self.ranked[0][0]

    @property
    def score(self) -> float:
        return self.ranked[0][1]


@dataclass(frozen=True)
class Match:
    question: str
    lang: Lang
    verdict: Verdict
    topic: str | None  # set only when the verdict is ANSWER
    score: float  # the best topic's score, 0..1
    ranked: list[tuple[str, float]] = field(default_factory=list)  # top topics, best first

    @property
    def suggestions(self) -> list[str]:
        return [topic for topic, _ in self.ranked[:3]]


class Matcher:
    """Answers questions from a built index; cheap to create, safe to share between
    threads (it only reads)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        index: FaqIndex,
        embed: Embedder,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.kb = kb
        self.index = index
        self.embed = embed
        self.thresholds = thresholds or Thresholds()
        self.synonyms = Synonyms(kb.synonyms.model_dump())
        self._ood = index.classes.index(OUT_OF_DOMAIN)
        # Each class's examples' embeddings (a slice: they are stored class by class),
        # for the nearest-example check.
        bounds = np.searchsorted(index.labels, np.arange(len(index.classes) + 1))
        self._near = [index.embeddings[a:b] for a, b in itertools.pairwise(bounds)]

    @property
    def size(self) -> int:
        return len(self.index.labels)

    def _blend(self, question: str, lang: Lang) -> tuple[np.ndarray, np.ndarray]:
        index = self.index
        row = index.vocabulary.rows([lexical_features(question, lang, self.synonyms)])
        lexical = probabilities(sparse_scores(index.lexical, row))[0]
        vector = self.embed([question[:MAX_QUESTION]])[0]  # a 40,000-character message costs 1 s
        semantic = probabilities(dense_scores(index.semantic, vector[None, :]))[0]
        blend = np.exp(LEXICAL * np.log(lexical + 1e-9) + (1 - LEXICAL) * np.log(semantic + 1e-9))
        return blend / blend.sum(), vector

    def _nearest(self, label: int, vector: np.ndarray) -> float:
        examples = self._near[label]
        return float((examples @ vector).max()) if len(examples) else 0.0

    def evidence(self, question: str, lang: Lang) -> Evidence:
        """What the thresholds are applied to (also read by the calibration)."""
        blend, vector = self._blend(question, lang)
        classes = self.index.classes
        order = [int(i) for i in np.argsort(-blend) if int(i) != self._ood]
        best = order[0]
        return Evidence(
            ranked=[(classes[i], float(blend[i])) for i in order[:5]],
            near_topic=self._nearest(best, vector),
            near_off_topic=self._nearest(self._ood, vector),
        )

    def match(self, question: str, fallback_lang: Lang = "en") -> Match:
        lang = guess_lang(question, fallback_lang)
        if not any(ch.isalnum() for ch in question):
            return Match(question, lang, Verdict.UNKNOWN, None, 0.0)
        seen = self.evidence(question, lang)
        verdict = self.thresholds.verdict(seen, lang)
        topic = seen.topic if verdict is Verdict.ANSWER else None
        return Match(question, lang, verdict, topic, seen.score, seen.ranked)
