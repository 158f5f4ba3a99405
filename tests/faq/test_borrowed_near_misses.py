"""A small knowledge base without off-topic examples still declines what it is not
about: the bundled near misses are borrowed as neighbours (real encoder, real build)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.faq.encoder import shared_encoder
from bot.faq.matchers import matcher_for
from bot.faq.off_topic import FEW_OFF_TOPIC, borrowed_near_misses
from bot.files.kb import bundled_kb_path, load_kb, load_kb_text
from conversations.faq.index import OUT_OF_DOMAIN, build_index, fingerprint
from conversations.faq.matcher import Matcher
from conversations.model import LANGS
from tests.helpers import GOOD_KB

SMALL_KB = (
    GOOD_KB
    + """
  - id: data-loss
    title: {en: Data, zh: 数据, fr: Données}
    answer: {en: It is deleted., zh: 会删除。, fr: Elles sont supprimées.}
    examples:
      en: [will my data be lost, what happens to my files]
      zh: [数据会丢失吗, 我的文件会怎样]
      fr: [mes données seront-elles perdues, que deviennent mes fichiers]
"""
)

PASSWORD_TOPIC = """
  - id: password
    title: {en: Passwords, zh: 密码, fr: Mots de passe}
    answer: {en: Use the portal., zh: 用门户。, fr: Utilisez le portail.}
    examples:
      en: [how do I reset my password, I forgot my password]
      zh: [怎么重置密码, 忘记密码了]
      fr: [comment réinitialiser mon mot de passe, j'ai oublié mon mot de passe]
"""

UNRELATED = {
    "en": ["what's for lunch", "how do I reset my password", "book a meeting room for tomorrow"],
    "fr": [
        "on mange quoi ce midi",
        "comment réinitialiser mon mot de passe",
        "l'imprimante est en panne",
    ],
    "zh": ["中午吃什么", "怎么重置密码", "打印机坏了"],
}
ABOUT_IT = {
    "en": [
        ("do I get my money back after cancelling", "refund"),
        ("are my files deleted", "data-loss"),
    ],
    "fr": [
        ("est-ce que je serai remboursé", "refund"),
        ("mes fichiers vont être effacés ?", "data-loss"),
    ],
    "zh": [("取消了能退钱吗", "refund"), ("我的数据会被删掉吗", "data-loss")],
}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return matcher_for(load_kb_text(SMALL_KB), tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize("lang", LANGS)
def test_a_small_knowledge_base_declines_what_it_is_not_about(small: Matcher, lang: str) -> None:
    for question in UNRELATED[lang]:
        assert small.match(question, lang).topic is None, question  # type: ignore[arg-type]
    for question, topic in ABOUT_IT[lang]:
        assert small.match(question, lang).topic == topic, question  # type: ignore[arg-type]


def test_the_near_misses_are_neighbours_not_lessons(small: Matcher) -> None:
    index = small.index
    borrowed = sum(len(v) for v in borrowed_near_misses(small.kb).values())
    assert borrowed > 3 * 500
    # In the index for the nearness checks, as off-topic examples...
    own = sum(len(t.examples.get(lang)) for t in small.kb.topics for lang in LANGS)
    assert len(index.labels) == borrowed + own == borrowed + 9
    ood = index.classes.index(OUT_OF_DOMAIN)
    assert int((index.labels == ood).sum()) == borrowed
    # ...but not taught to the classifiers: they are what the KB alone teaches.
    alone = build_index(small.kb, shared_encoder(), index.known_embeddings())
    assert len(alone.labels) == own
    assert index.vocabulary.terms == alone.vocabulary.terms
    assert np.array_equal(index.lexical, alone.lexical)
    assert np.array_equal(index.semantic, alone.semantic)


def test_a_topic_of_the_knowledge_base_is_not_declined_as_a_borrowed_near_miss(
    tmp_path: Path,
) -> None:
    # The bundled near misses ask to reset passwords; this knowledge base answers that.
    kb = load_kb_text(SMALL_KB + PASSWORD_TOPIC)
    matcher = matcher_for(kb, tmp_path)
    for question, lang in [
        ("reset my password please", "en"),
        ("comment changer mon mot de passe oublié", "fr"),
        ("重置密码怎么弄", "zh"),
    ]:
        assert matcher.match(question, lang).topic == "password", question  # type: ignore[arg-type]
    assert matcher.match("on mange quoi ce midi", "fr").topic is None


def test_a_knowledge_base_with_enough_off_topic_examples_borrows_none() -> None:
    bundled = load_kb(bundled_kb_path())
    assert all(len(bundled.out_of_domain.get(lang)) >= FEW_OFF_TOPIC for lang in LANGS)
    assert borrowed_near_misses(bundled) == {}


def test_own_examples_are_not_borrowed_back_and_the_fingerprint_knows_the_loan() -> None:
    line = load_kb(bundled_kb_path()).out_of_domain.en[0]
    kb = load_kb_text(SMALL_KB.replace("[will my data be lost,", f"[{line!r},"))
    borrowed = borrowed_near_misses(kb)
    assert set(borrowed) == set(LANGS)
    assert line not in borrowed["en"] and len(borrowed["en"]) > 500
    name = shared_encoder().name
    assert fingerprint(kb, name, borrowed) != fingerprint(kb, name)
    one_less = {**borrowed, "fr": borrowed["fr"][1:]}
    assert fingerprint(kb, name, one_less) != fingerprint(kb, name, borrowed)
