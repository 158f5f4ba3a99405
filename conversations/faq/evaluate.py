"""Scores the matcher on a labelled set: accuracy per language, out-of-domain
rejection, and which topics get mistaken for which."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from conversations.faq.matcher import Matcher, Verdict
from conversations.model import LANGS, Lang


@dataclass(frozen=True)
class Labelled:
    question: str
    lang: Lang
    topic: str | None


@dataclass
class Report:
    correct: Counter[str] = field(default_factory=Counter)  # per language, in domain
    total: Counter[str] = field(default_factory=Counter)
    suggested: Counter[str] = field(default_factory=Counter)  # right topic among suggestions
    rejected: int = 0
    out_of_domain: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, got)
    misses: list[tuple[Labelled, str | None, float]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(self.correct.values()) / max(1, sum(self.total.values()))

    @property
    def rejection(self) -> float:
        return self.rejected / max(1, self.out_of_domain)

    def lines(self, show_misses: int = 0) -> list[str]:
        out = []
        for lang in LANGS:
            if self.total[lang]:
                out.append(
                    f"{lang}: accuracy {self.correct[lang] / self.total[lang]:.3f} "
                    f"({self.correct[lang]}/{self.total[lang]}), right topic among "
                    f"suggestions {self.suggested[lang]}"
                )
        out.append(
            f"in-domain accuracy {self.accuracy:.3f} ({sum(self.correct.values())}/"
            f"{sum(self.total.values())})"
        )
        out.append(
            f"out-of-domain rejection {self.rejection:.3f} ({self.rejected}/{self.out_of_domain})"
        )
        if self.confusions:
            out.append("confusions (expected -> answered: count):")
            out += [f"  {a} -> {b}: {n}" for (a, b), n in self.confusions.most_common(15)]
        for item, got, score in self.misses[:show_misses]:
            out.append(
                f"  miss [{item.lang}] {item.question!r}: expected {item.topic}, "
                f"got {got} ({score:.2f})"
            )
        return out


def evaluate(matcher: Matcher, items: Iterable[Labelled]) -> Report:
    report = Report()
    for item in items:
        match = matcher.match(item.question, item.lang)
        if item.topic is None:
            report.out_of_domain += 1
            if match.topic is None:
                report.rejected += 1
            else:
                report.confusions[("(out of domain)", match.topic)] += 1
                report.misses.append((item, match.topic, match.score))
            continue
        report.total[item.lang] += 1
        if match.topic == item.topic:
            report.correct[item.lang] += 1
            continue
        if match.verdict is Verdict.SUGGEST and item.topic in match.suggestions:
            report.suggested[item.lang] += 1
        report.confusions[(item.topic, match.topic or f"({match.verdict})")] += 1
        report.misses.append((item, match.topic, match.score))
    return report
