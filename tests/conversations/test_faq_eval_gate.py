"""The gate of issue 11, on the evaluation batch (tests/data/faq-eval): questions
written by a helper who never saw the knowledge base, its example bank or the
matcher, and never used to train the matcher or to choose its thresholds (those come
from cross-validation on the bank: bench/faq_calibrate.py). See its README."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.faq.live_kb import LiveKnowledgeBase
from bot.files.labelled import read_jsonl
from conversations.faq.evaluate import evaluate
from conversations.model import LANGS

BATCH = Path(__file__).resolve().parents[1] / "data" / "faq-eval"
# In-domain questions answered with their topic: issue 11 asks 0.95 in every language.
# Measured on 2026-12-03 (product names masked for the encoder, fifth French batch in
# the bank): en 0.969 (222 of 229), fr 0.956 (219 of 229), zh 0.967 (237 of 245).
RIGHT = {"en": 0.95, "fr": 0.95, "zh": 0.95}
DECLINED = 0.93  # off-topic questions not answered, per language: 0.967, 0.978, 1.000


@pytest.mark.parametrize("lang", LANGS)
def test_the_evaluation_batch_is_answered_and_declined(
    live_kb: LiveKnowledgeBase, lang: str
) -> None:
    items = read_jsonl(BATCH / f"{lang}.jsonl")
    report = evaluate(live_kb.matcher, items).langs[lang]  # type: ignore[index]
    print(f"{lang}: right {report.accuracy:.3f}, declined {report.decline_rate:.3f}")
    assert report.total >= 200 and report.off_topic >= 80
    assert report.accuracy >= RIGHT[lang]
    assert report.decline_rate >= DECLINED
