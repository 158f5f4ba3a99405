"""Which FAQ topic a question is about, and how sure we are.

Every example question (and every keyword) of every topic is a small document; so is
every out-of-domain example. Features are words (full weight) and character n-grams
(less weight: they only rescue typos), weighted by TF-IDF. Two models read them:

* a multinomial Naive Bayes over the topics and the out-of-domain examples picks the
  topic: it learns which words tell topics apart, where nearest neighbours are misled
  by the vocabulary every topic shares ("cancel", "account");
* the nearest examples (cosine, through an inverted index so that only documents
  sharing a feature are touched) say whether the question is really like that
  topic's examples, and whether an out-of-domain example is as close.

The verdict is honest about confidence:
* UNKNOWN when the out-of-domain examples win or come close, or nothing is similar
  enough: near misses such as "cancel a Webex meeting" or "refund my train ticket";
* SUGGEST ("Did you mean...") when the topic is similar enough but the models are not
  sure which: the top three topics as buttons;
* ANSWER otherwise.
On the labelled dev set (tests/data) the thresholds below give 0.91 in-domain
accuracy and 0.90 out-of-domain rejection without the example folder; see
`stopbot faq eval`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from conversations.faq.kb import KnowledgeBase
from conversations.faq.tokens import Synonyms, features
from conversations.lang import guess_lang
from conversations.model import LANGS, Lang

OUT_OF_DOMAIN = "__out_of_domain__"
_WEIGHTS = {"w": 1.0, "c": 0.3}


class Verdict(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Thresholds:
    similar: float = 0.15  # nearest-example similarity below which the bot does not know
    ood_margin: float = 0.05  # ...and by how much the topic must beat out-of-domain examples
    answer_similarity: float = 0.20  # similarity needed to answer rather than suggest
    answer_confidence: float = 0.30  # Naive Bayes probability needed to answer


@dataclass(frozen=True)
class Match:
    question: str
    lang: Lang
    verdict: Verdict
    topic: str | None  # set only when the verdict is ANSWER
    score: float  # the best topic's score, 0..1
    ranked: list[tuple[str, float]] = field(default_factory=list)  # top topics, best first
    out_of_domain: float = 0.0  # best out-of-domain example's score

    @property
    def suggestions(self) -> list[str]:
        return [topic for topic, _ in self.ranked[:3]]


def _vector(feats: list[str], idf: dict[str, float]) -> dict[str, float]:
    counts = Counter(feats)
    vec: dict[str, float] = {}
    for feat, n in counts.items():
        weight = idf.get(feat)
        if weight is None:
            continue  # unseen anywhere in the knowledge base: says nothing about topics
        vec[feat] = (1.0 + math.log(n)) * weight * _WEIGHTS[feat[0]]
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {f: v / norm for f, v in vec.items()} if norm else {}


class Matcher:
    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds | None = None) -> None:
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        self.synonyms = Synonyms(kb.synonyms.model_dump())
        docs: list[tuple[str, list[str]]] = []
        for topic in kb.topics:
            for lang in LANGS:
                for text in topic.examples.get(lang) + topic.keywords.get(lang):
                    docs.append((topic.id, features(text, lang, self.synonyms)))
        for lang in LANGS:
            for text in kb.out_of_domain.get(lang):
                docs.append((OUT_OF_DOMAIN, features(text, lang, self.synonyms)))
        docs = [(label, feats) for label, feats in docs if feats]
        df: Counter[str] = Counter()
        for _, feats in docs:
            df.update(set(feats))
        n = len(docs)
        self._idf = {f: math.log((n + 1) / (d + 1)) + 1.0 for f, d in df.items()}
        self._labels = [label for label, _ in docs]
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        mass: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for index, (label, feats) in enumerate(docs):
            for feat, value in _vector(feats, self._idf).items():
                self._postings[feat].append((index, value))
                mass[label][feat] += value
        self._train_bayes(mass)

    def _train_bayes(self, mass: dict[str, dict[str, float]], alpha: float = 0.1) -> None:
        """Multinomial Naive Bayes on the TF-IDF mass of each label's documents, with
        uniform priors (the out-of-domain set is not more likely for being larger).
        Stored as each label's log-probability of an unseen feature plus, per feature,
        what seeing it adds for the labels that have it."""
        vocabulary = len(self._idf)
        self._classes = sorted(mass)
        self._unseen: dict[str, float] = {}
        self._bayes: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for label in self._classes:
            total = sum(mass[label].values())
            denominator = math.log(total + alpha * vocabulary)
            unseen = math.log(alpha) - denominator
            self._unseen[label] = unseen
            for feat, value in mass[label].items():
                self._bayes[feat].append((label, math.log(value + alpha) - denominator - unseen))

    @property
    def size(self) -> int:
        return len(self._labels)

    def _query(self, question: str, lang: Lang) -> dict[str, float]:
        return _vector(features(question, lang, self.synonyms), self._idf)

    def _similar(self, query: dict[str, float]) -> dict[str, float]:
        """Per label, the blend of its best and second-best example similarity."""
        sims: dict[int, float] = defaultdict(float)
        for feat, value in query.items():
            for index, doc_value in self._postings.get(feat, ()):
                sims[index] += value * doc_value
        best: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for index, sim in sims.items():
            top = best[self._labels[index]]
            if sim > top[0]:
                top[0], top[1] = sim, top[0]
            elif sim > top[1]:
                top[1] = sim
        return {label: 0.8 * a + 0.2 * b for label, (a, b) in best.items()}

    def _posterior(self, query: dict[str, float]) -> dict[str, float]:
        mass = sum(query.values())
        scores = {label: self._unseen[label] * mass for label in self._classes}
        for feat, value in query.items():
            for label, extra in self._bayes.get(feat, ()):
                scores[label] += value * extra
        top = max(scores.values())
        exp = {label: math.exp(score - top) for label, score in scores.items()}
        total = sum(exp.values())
        return {label: value / total for label, value in exp.items()}

    def match(self, question: str, fallback_lang: Lang = "en") -> Match:
        lang = guess_lang(question, fallback_lang)
        query = self._query(question, lang)
        if not query:
            return Match(question, lang, Verdict.UNKNOWN, None, 0.0)
        posterior = self._posterior(query)
        similar = self._similar(query)
        ood = similar.get(OUT_OF_DOMAIN, 0.0)
        ranked = sorted(
            ((label, p) for label, p in posterior.items() if label != OUT_OF_DOMAIN),
            key=lambda item: -item[1],
        )
        best = max(posterior, key=lambda label: posterior[label])
        th = self.thresholds
        closeness = similar.get(best, 0.0)
        verdict = Verdict.UNKNOWN
        if best != OUT_OF_DOMAIN and closeness >= th.similar and closeness >= ood + th.ood_margin:
            sure = posterior[best] >= th.answer_confidence
            near = closeness >= th.answer_similarity
            verdict = Verdict.ANSWER if sure and near else Verdict.SUGGEST
        topic = best if verdict is Verdict.ANSWER else None
        score = posterior[best] if best != OUT_OF_DOMAIN else 0.0
        return Match(question, lang, verdict, topic, score, ranked[:5], ood)
