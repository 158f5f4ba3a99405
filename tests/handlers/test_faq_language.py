"""The replies that follow an FAQ answer (the thanks for a vote, the handoff to a human)
speak the language of that answer, which is the language its question was asked in,
not the session's: a French user who asks in English reads English throughout."""

from __future__ import annotations

import pytest

from conversations.i18n import t
from conversations.model import Lang
from tests.helpers import Harness

QUESTIONS: dict[Lang, tuple[str, str]] = {
    # (a question the FAQ answers, one it does not know), in that language
    "en": (
        "will my data be lost if my CRM account is closed?",
        "why is the coffee machine on floor 3 always broken",
    ),
    "fr": (
        "est-ce que mes données seront perdues si mon compte CRM est fermé ?",
        "pourquoi la machine à café du 3e étage est-elle toujours en panne",
    ),
    "zh": ("CRM账号关闭后我的数据会丢失吗？", "为什么三楼的咖啡机总是坏的"),
}
PAIRS = [("fr", "en"), ("en", "zh"), ("zh", "fr")]  # (the session's language, the question's)


@pytest.mark.parametrize(("session", "asked"), PAIRS)
async def test_vote_thanks_speak_the_answers_language(
    harness: Harness, session: Lang, asked: Lang
) -> None:
    harness.console.lang = session
    out = await harness.type(QUESTIONS[asked][0])
    assert t(asked, "faq_did_it_help") in out
    out = await harness.type(f"/click {t(asked, 'b_helpful')}")
    assert t(asked, "faq_thanks_up") in out
    assert t(session, "faq_thanks_up") not in out
    out = await harness.type(f"/click {t(asked, 'b_not_helpful')}")
    assert t(asked, "faq_already_voted") in out


@pytest.mark.parametrize(("session", "asked"), PAIRS)
async def test_the_handoff_confirmation_speaks_the_questions_language(
    harness: Harness, session: Lang, asked: Lang
) -> None:
    harness.console.lang = session
    out = await harness.type(QUESTIONS[asked][1])
    assert t(asked, "b_ask_human") in out
    out = await harness.type(f"/click {t(asked, 'b_ask_human')}")
    done = t(asked, "faq_handoff_done", channel="console:it-help")
    assert done in out and t(session, "faq_handoff_done", channel="console:it-help") not in out


async def test_a_thumbs_down_offers_the_handoff_in_the_answers_language(harness: Harness) -> None:
    harness.console.lang = "fr"
    await harness.type(QUESTIONS["en"][0])
    out = await harness.type(f"/click {t('en', 'b_not_helpful')}")
    assert t("en", "faq_thanks_down") in out
    out = await harness.type(f"/click {t('en', 'b_ask_human')}")
    assert t("en", "faq_handoff_done", channel="console:it-help") in out
