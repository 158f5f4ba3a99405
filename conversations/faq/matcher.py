"""Which FAQ topic a question is about, and how sure we are.

Three votes read the question: a classifier on its words and character n-grams, one
on its multilingual sentence embedding (see `index.py`), and how near it is to each
topic's nearest example (cosine of the embeddings). They are blended as a weighted
geometric mean: each catches what the others miss. Cross-validated on the example bank
the two classifiers together answer 3 to 5 points more questions right than the better
of them alone, and the nearest-example vote 1 to 4 points more again. The off-topic
examples are a class of their own.

The verdict is honest about confidence:
* ANSWER when the blend gives the best topic at least `answer` (per language) and the
  off-topic class less than `off_topic`, the question is near enough to one of that
  topic's examples (`similar`, cosine of the sentence embeddings) and about as near
  (`margin`) to it as to the nearest off-topic example: "cancel a Webex meeting" or
  "refund my train ticket" sit right next to off-topic examples;
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
from conversations.faq.product_names import ProductNames
from conversations.faq.softmax import dense_scores, probabilities, sparse_scores
from conversations.faq.tokens import Synonyms
from conversations.lang import guess_lang
from conversations.model import Lang

LEXICAL = 0.6
SEMANTIC = 0.3
"""The classifiers' weights in the blend (of their log-probabilities)."""
NEAREST = 6.0
"""The nearest-example vote: each class's log-score grows by this times the cosine to its
nearest example. Cross-validated on the bank (bench/faq_calibrate.py): with 0.6 / 0.3 /
6.0, 1 to 4 points more right than the classifiers alone (0.6 / 0.4); 4 to 8 and
neighbouring weights do as well."""

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
    answer: dict[str, float] = field(default_factory=lambda: {"en": 0.4, "fr": 0.35, "zh": 0.35})
    # How much nearer the topic's nearest example must be than the nearest off-topic one
    # (cosine of sentence embeddings; negative: it may be a little farther).
    margin: dict[str, float] = field(default_factory=lambda: {"en": -0.3, "fr": -0.05, "zh": -0.3})
    # The off-topic class's blended probability must stay under this, per language.
    off_topic: dict[str, float] = field(default_factory=lambda: {"en": 0.3, "fr": 0.4, "zh": 0.3})
    # How near (cosine) the topic's nearest example must be at all, per language. Low:
    # unrelated text sits at 0.25-0.5 from some example, so it is the off-topic examples
    # that decline it (a knowledge base with few borrows some: bot/faq/off_topic.py).
    similar: dict[str, float] = field(default_factory=lambda: {"en": 0.2, "fr": 0.4, "zh": 0.2})
    suggest: float = 0.2  # below this the bot does not know (no "did you mean")

    def verdict(self, seen: Evidence, lang: str) -> Verdict:
        return self.verdict_of(
            seen.score, seen.off_topic, seen.near_topic, seen.near_off_topic, lang
        )

    def verdict_of(
        self, score: float, off_topic: float, near: float, near_off: float, lang: str
    ) -> Verdict:
        """`score`: the best topic's blended probability; `off_topic`: the off-topic
        class's; `near`: the cosine to the topic's nearest example; `near_off`: to the
        nearest off-topic example."""
        similar = near >= self.similar[lang]
        if (
            score >= self.answer[lang]
            and off_topic < self.off_topic[lang]
            and similar
            and near - near_off >= self.margin[lang]
        ):
            return Verdict.ANSWER
        return Verdict.SUGGEST if score >= self.suggest and similar else Verdict.UNKNOWN


@dataclass(frozen=True)
class Evidence:
    ranked: list[tuple[str, float]]  # the topics with their blended probability, best first
    off_topic: float  # the off-topic class's blended probability
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
        self.product_names = ProductNames(kb.product_names)
        self._ood = index.classes.index(OUT_OF_DOMAIN)
        # Where each class's examples are (they are stored class by class), for the
        # nearest-example vote and checks.
        bounds = np.searchsorted(index.labels, np.arange(len(index.classes) + 1))
        self._bounds = [(int(a), int(b)) for a, b in itertools.pairwise(bounds)]

    @property
    def size(self) -> int:
        return len(self.index.labels)

    def _nearest(self, vector: np.ndarray) -> np.ndarray:
        """Each class's cosine to the question's nearest example of it (0: none)."""
        cosines = self.index.embeddings @ vector
        return np.array([float(cosines[a:b].max()) if b > a else 0.0 for a, b in self._bounds])

    def evidence(self, question: str, lang: Lang) -> Evidence:
        """What the thresholds are applied to (also read by the calibration)."""
        return self._evidence(question, self.product_names.masked(question), lang)

    def _evidence(self, question: str, masked: str, lang: Lang) -> Evidence:
        """`masked`: the question with its product names set aside, for the encoder."""
        index = self.index
        row = index.vocabulary.rows([lexical_features(question, lang, self.synonyms)])
        lexical = probabilities(sparse_scores(index.lexical, row))[0]
        # masked() keeps the first MAX_QUESTION characters: 40,000 would cost 1 s.
        vector = self.embed([masked])[0]
        semantic = probabilities(dense_scores(index.semantic, vector[None, :]))[0]
        nearest = self._nearest(vector)
        log_blend = (
            LEXICAL * np.log(lexical + 1e-9)
            + SEMANTIC * np.log(semantic + 1e-9)
            + NEAREST * nearest
        )
        blend = probabilities(log_blend[None, :])[0]
        order = [int(i) for i in np.argsort(-blend) if int(i) != self._ood]
        best = order[0]
        return Evidence(
            ranked=[(index.classes[i], float(blend[i])) for i in order[:5]],
            off_topic=float(blend[self._ood]),
            near_topic=float(nearest[best]),
            near_off_topic=float(nearest[self._ood]),
        )

    def lang_of(self, question: str, fallback: Lang) -> Lang:
        """The question's language, read without its product names: "résilier mon compte
        企业微信" is French."""
        return guess_lang(self.product_names.masked(question), fallback)

    def match(self, question: str, fallback_lang: Lang = "en") -> Match:
        masked = self.product_names.masked(question)  # once: for the language and the encoder
        lang = guess_lang(masked, fallback_lang)
        if not any(ch.isalnum() for ch in question):
            return Match(question, lang, Verdict.UNKNOWN, None, 0.0)
        seen = self._evidence(question, masked, lang)
        verdict = self.thresholds.verdict(seen, lang)
        topic = seen.topic if verdict is Verdict.ANSWER else None
        return Match(question, lang, verdict, topic, seen.score, seen.ranked)
