"""Scores the matcher on a labelled set, per language: in-domain accuracy, the right
topic among a "did you mean", off-topic questions declined, which topics get mistaken
for which, and the worst misses (a confident wrong answer first)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from conversations.faq.matcher import Match, Matcher, Verdict
from conversations.model import LANGS, Lang

OFF_TOPIC = "(off-topic)"
"""How an off-topic question's expected topic is shown."""
_WORST_FIRST = {Verdict.ANSWER: 0, Verdict.SUGGEST: 1, Verdict.UNKNOWN: 2}


@dataclass(frozen=True)
class Labelled:
    question: str
    lang: Lang
    topic: str | None  # None: a question the bot should decline


@dataclass(frozen=True)
class Miss:
    item: Labelled
    match: Match

    @property
    def outcome(self) -> str:
        """What the bot did: the topic it answered, its suggestions, or that it declined."""
        if self.match.verdict is Verdict.ANSWER:
            return str(self.match.topic)
        if self.match.verdict is Verdict.SUGGEST:
            return f"did you mean {', '.join(self.match.suggestions)}"
        return "declined"

    def sort_key(self) -> tuple[int, float]:
        """A wrong answer is worse than a "did you mean", which is worse than a decline;
        the surer the bot was, the worse."""
        return (_WORST_FIRST[self.match.verdict], -self.match.score)

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.item.question,
            "expected": self.item.topic,
            "verdict": str(self.match.verdict),
            "answered": self.match.topic,
            "suggestions": list(self.match.suggestions),
            "score": round(self.match.score, 4),
        }


@dataclass
class LangReport:
    correct: int = 0  # in-domain questions answered with their topic
    total: int = 0  # in-domain questions
    suggested: int = 0  # ...not answered, but their topic among the suggestions
    declined: int = 0  # off-topic questions not answered (a "did you mean" counts)
    off_topic: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, got)
    misses: list[Miss] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / max(1, self.total)

    @property
    def decline_rate(self) -> float:
        return self.declined / max(1, self.off_topic)

    def worst(self, n: int) -> list[Miss]:
        return sorted(self.misses, key=Miss.sort_key)[:n]

    def add(self, item: Labelled, match: Match) -> None:
        if item.topic is None:
            self.off_topic += 1
            if match.topic is None:
                self.declined += 1
                return
            self.confusions[(OFF_TOPIC, match.topic)] += 1
        else:
            self.total += 1
            if match.topic == item.topic:
                self.correct += 1
                return
            if match.verdict is Verdict.SUGGEST and item.topic in match.suggestions:
                self.suggested += 1
            self.confusions[(item.topic, match.topic or f"({match.verdict})")] += 1
        self.misses.append(Miss(item, match))


@dataclass
class Report:
    langs: dict[Lang, LangReport] = field(
        default_factory=lambda: {lang: LangReport() for lang in LANGS}
    )

    @property
    def correct(self) -> dict[Lang, int]:
        return {lang: r.correct for lang, r in self.langs.items()}

    @property
    def total(self) -> dict[Lang, int]:
        return {lang: r.total for lang, r in self.langs.items()}

    @property
    def accuracy(self) -> float:
        return sum(self.correct.values()) / max(1, sum(self.total.values()))

    @property
    def rejection(self) -> float:
        """The share of off-topic questions declined, all languages together."""
        declined = sum(r.declined for r in self.langs.values())
        return declined / max(1, sum(r.off_topic for r in self.langs.values()))

    def lines(self, show_misses: int = 0, show_confusions: int = 5) -> list[str]:
        out: list[str] = []
        for lang, r in self.langs.items():
            if not r.total and not r.off_topic:
                continue
            out.append(
                f"{lang}: in-domain accuracy {r.accuracy:.3f} ({r.correct}/{r.total}), "
                f"right topic among suggestions {r.suggested}; "
                f"off-topic declined {r.decline_rate:.3f} ({r.declined}/{r.off_topic})"
            )
            if r.confusions:
                top = r.confusions.most_common(show_confusions)
                out.append("  confusions: " + "; ".join(f"{a} -> {b} x{n}" for (a, b), n in top))
            for miss in r.worst(show_misses):
                out.append(
                    f"  miss {miss.item.question!r}: expected "
                    f"{miss.item.topic or OFF_TOPIC}, got {miss.outcome} ({miss.match.score:.2f})"
                )
        declined = sum(r.declined for r in self.langs.values())
        off_topic = sum(r.off_topic for r in self.langs.values())
        out.append(
            f"all: in-domain accuracy {self.accuracy:.3f} ({sum(self.correct.values())}/"
            f"{sum(self.total.values())}); off-topic declined {self.rejection:.3f} "
            f"({declined}/{off_topic})"
        )
        return out

    def as_dict(self, show_misses: int = 0) -> dict[str, Any]:
        return {
            "accuracy": round(self.accuracy, 4),
            "decline_rate": round(self.rejection, 4),
            "langs": {
                lang: {
                    "accuracy": round(r.accuracy, 4),
                    "correct": r.correct,
                    "in_domain": r.total,
                    "right_topic_among_suggestions": r.suggested,
                    "decline_rate": round(r.decline_rate, 4),
                    "declined": r.declined,
                    "off_topic": r.off_topic,
                    "confusions": [
                        {"expected": a, "got": b, "count": n}
                        for (a, b), n in r.confusions.most_common()
                    ],
                    "worst_misses": [miss.as_dict() for miss in r.worst(show_misses)],
                }
                for lang, r in self.langs.items()
                if r.total or r.off_topic
            },
        }


def evaluate(matcher: Matcher, items: Iterable[Labelled]) -> Report:
    report = Report()
    for item in items:
        report.langs[item.lang].add(item, matcher.match(item.question, item.lang))
    return report
