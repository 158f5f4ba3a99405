"""Software names listed in the knowledge base are masked in the examples and the
questions before the sentence encoder reads them (real encoder, real build). What it
gains is measured by cross-validation on the bank (conversations/faq/product_names.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.faq.encoder import shared_encoder
from bot.faq.matchers import matcher_for
from bot.files.kb import load_kb_text
from conversations.faq.matcher import Matcher
from conversations.faq.softmax import Floats

KB = """
topics:
  - id: how-to-cancel
    title: {en: Cancel, zh: 注销, fr: Résilier}
    answer: {en: Use /cancel-account., zh: 用 /cancel-account。, fr: Utilisez /cancel-account.}
    examples:
      en: [how do I cancel my Zoom subscription, close my Asana account, stop using Miro]
      zh: [怎么注销 Zoom 账号, 取消 Asana 订阅, 停用 Miro]
      fr: [comment résilier mon abonnement Zoom, fermer mon compte Asana, arrêter Miro]
  - id: reactivate
    title: {en: Reactivate, zh: 恢复, fr: Réactiver}
    answer: {en: Ask IT., zh: 找 IT。, fr: Demandez à l'IT.}
    examples:
      en: [reactivate Asana, bring Zoom back, turn Miro on again]
      zh: [恢复 Asana, 重新启用 Zoom, Miro 还能再开吗]
      fr: [réactiver Asana, remettre Zoom en service, rouvrir Miro]
"""


class Recording:
    """The real encoder, noting what it is asked to embed."""

    def __init__(self) -> None:
        self.encoder = shared_encoder()
        self.seen: list[str] = []

    @property
    def name(self) -> str:
        return self.encoder.name

    def __call__(self, texts: Sequence[str]) -> Floats:
        self.seen += texts
        return self.encoder(texts)


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    kb = load_kb_text(KB + "product_names: [Asana, Zoom, Miro]\n")
    return matcher_for(kb, tmp_path_factory.mktemp("named"))


def test_examples_are_embedded_with_names_masked(named: Matcher) -> None:
    index = named.index
    assert "réactiver X" in index.texts and "réactiver Asana" not in index.texts
    row = index.embeddings[index.texts.index("réactiver X")]
    assert np.allclose(row, shared_encoder()(["réactiver X"])[0], atol=1e-5)


def test_a_question_is_embedded_with_names_masked(named: Matcher) -> None:
    recording = Recording()
    matcher = Matcher(named.kb, named.index, recording)
    matcher.match("résilier Asana", "fr")
    matcher.match("注销 zoom 账号", "zh")
    assert recording.seen == ["résilier X", "注销 X 账号"]


def test_without_a_list_the_name_is_read_as_a_word(tmp_path: Path) -> None:
    plain = matcher_for(load_kb_text(KB), tmp_path)
    assert "réactiver Asana" in plain.index.texts
    recording = Recording()
    Matcher(plain.kb, plain.index, recording).match("résilier Asana", "fr")
    assert recording.seen == ["résilier Asana"]
