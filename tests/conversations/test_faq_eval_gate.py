"""The gate of issue 11, on the evaluation batch (tests/data/faq-eval): questions
written by a helper who never saw the knowledge base, its example bank or the
matcher, and never used to train the matcher or to choose its thresholds (those come
from cross-validation on the bank: bench/faq_calibrate.py). See its README."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.files.labelled import read_jsonl
from bot.files.live_kb import LiveKnowledgeBase
from conversations.faq.evaluate import evaluate
from conversations.model import LANGS

BATCH = Path(__file__).resolve().parents[1] / "data" / "faq-eval"
RIGHT = 0.95  # in-domain questions answered with their topic, per language
DECLINED = 0.93  # off-topic questions not answered, per language


@pytest.mark.parametrize("lang", LANGS)
def test_the_evaluation_batch_is_answered_and_declined(
    live_kb: LiveKnowledgeBase, lang: str
) -> None:
    items = read_jsonl(BATCH / f"{lang}.jsonl")
    report = evaluate(live_kb.matcher, items).langs[lang]  # type: ignore[index]
    print(f"{lang}: right {report.accuracy:.3f}, declined {report.decline_rate:.3f}")
    assert report.total >= 200 and report.off_topic >= 80
    assert report.accuracy >= RIGHT
    assert report.decline_rate >= DECLINED
