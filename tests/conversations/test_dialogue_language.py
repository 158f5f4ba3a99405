"""Which language an open dialogue speaks, and the answers that look like commands.

The rule: the language changes only on what the user writes in their own words when
it is clearly in another language (a sentence; a question the FAQ answers); never on
a command ("edit quoi", "submit", "取消"), an option's words in any language, a
number, an id or a date; a platform locale, when there is one, fixes it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conversations.faq.matcher import Match, Verdict
from conversations.i18n import listing, t
from conversations.i18n.key_maps import STEP_KEY
from conversations.lang import guess_lang
from conversations.model import Billing, Compliance, Lang, Linked, Reason, Step
from conversations.stop_request import Context, DialogueState, Outcome, on_text, prompt_for
from conversations.stop_request.prompts import answered_line, describe
from tests.conversations.test_dialogue_engine import (
    _AT,
    CRM,
    CTX,
    NOW,
    at,
    crm_summary,
    open_state,
    unchanged,
)

LANGS: list[Lang] = ["en", "zh", "fr"]


def summary(lang: Lang) -> DialogueState:
    return crm_summary().model_copy(update={"lang": lang})


def asked(out: Outcome, lang: Lang, key: str, **params: object) -> None:
    """The dialogue is open, in `lang`, and asks the question `key`."""
    state = open_state(out)
    assert state.lang == lang
    assert out.prompt is not None and out.prompt.text == t(lang, key, **params)


# -- item 1: commands and option words never switch the language ------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("typed", "step", "question"),
    [
        ("edit quoi", Step.TARGET, "q_target"),
        ("edit 原因", Step.REASON, "q_reason"),
        ("edit why", Step.REASON, "q_reason"),
        ("modifier la date", Step.WHEN, "q_when"),
        ("修改日期", Step.WHEN, "q_when"),
        ("change the date", Step.WHEN, "q_when"),
    ],
)
def test_an_edit_in_any_language_keeps_the_dialogue_language(
    lang: Lang, typed: str, step: Step, question: str
) -> None:
    out = on_text(summary(lang), typed, CTX, NOW)
    assert open_state(out).step is step
    asked(out, lang, question)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("typed", ["submit", "envoyer", "提交", "3", "option 3", "#3"])
def test_submit_and_option_numbers_keep_the_language(lang: Lang, typed: str) -> None:
    out = on_text(summary(lang), typed, CTX, NOW)
    if typed[-1] == "3":  # [3] on the summary: edit the stop date
        asked(out, lang, "q_when")
        return
    assert out.submit is True and open_state(out).lang == lang


@pytest.mark.parametrize(
    ("lang", "step", "typed"),
    [
        ("en", Step.REASON, "太贵"),
        ("en", Step.REASON, "trop cher"),
        ("zh", Step.REASON, "too expensive"),
        ("fr", Step.REASON, "no longer needed"),
        ("en", Step.WHEN, "demain"),
        ("zh", Step.WHEN, "tomorrow"),
        ("en", Step.COMPLIANCE, "je ne sais pas"),  # a sentence, but an option's words
        ("fr", Step.COMPLIANCE, "I don't know"),
        ("en", Step.BILLING, "Laisser courir la période payée"),  # the start of a label
        ("zh", Step.NOTIFY, "console:team, slack:C0123"),
        ("fr", Step.TARGET, "CRM"),
    ],
)
def test_an_option_in_another_language_is_read_and_the_language_kept(
    lang: Lang, step: Step, typed: str
) -> None:
    out = on_text(at(step, lang, **_AT[step]), typed, CTX, NOW)
    state = open_state(out)
    assert out.notes == [] or step is Step.BACKUP
    assert state.step is not step, out.notes  # answered
    assert state.lang == lang


# -- item 1: a sentence clearly in another language switches it -----------------------


@pytest.mark.parametrize(
    ("lang", "typed", "switched"),
    [
        ("en", "le projet est terminé et personne ne s'en sert", "fr"),
        ("zh", "the project ended and nobody uses it any more", "en"),
        ("fr", "项目已经结束了，没有人再用", "zh"),
        ("en", "项目已经结束了，没有人再用", "zh"),
        ("zh", "the project ended", "zh"),  # too short to be sure: kept
    ],
)
def test_a_reason_written_out_in_another_language_switches_it(
    lang: Lang, typed: str, switched: Lang
) -> None:
    out = on_text(at(Step.REASON, lang, target=CRM), typed, CTX, NOW)
    state = open_state(out)
    assert state.answers.reason is Reason.OTHER and state.answers.reason_text == typed
    asked(out, switched, "q_when")


def test_a_sentence_with_an_option_in_it_switches_it() -> None:
    out = on_text(at(Step.TARGET, "en"), "我要停用CRM", CTX, NOW)
    assert open_state(out).answers.target == CRM
    asked(out, "zh", "q_reason")


def test_the_request_keeps_the_language_of_the_dialogue_at_submit() -> None:
    state = open_state(on_text(summary("en"), "edit quoi", CTX, NOW))
    state = open_state(on_text(state, "3", CTX, NOW))  # OA
    out = on_text(state, "submit", CTX, NOW)
    assert out.submit is True and open_state(out).lang == "en"


# -- item 1: the platform locale wins --------------------------------------------------


@pytest.mark.parametrize("locale", LANGS)
def test_a_platform_locale_fixes_the_language(locale: Lang) -> None:
    ctx = Context(today=CTX.today, catalog=CTX.catalog, locale=locale)
    for typed in ("le projet est terminé et personne ne s'en sert", "项目已经结束了，没有人再用"):
        out = on_text(at(Step.REASON, "en", target=CRM), typed, ctx, NOW)
        asked(out, locale, "q_when")


# -- item 1: a question the FAQ answers, then the step in the answer's language ----------


def _faq(text: str, lang: Lang) -> Match:
    return Match(text, guess_lang(text, lang), Verdict.ANSWER, "refund", 0.9, [])


@pytest.mark.parametrize(
    ("lang", "question", "answered_in"),
    [
        ("en", "我停用以后能退款吗？", "zh"),
        ("fr", "will I get a refund when it stops?", "en"),
        ("zh", "est-ce que je serai remboursé ?", "fr"),
        ("en", "will I get a refund when it stops?", "en"),
    ],
)
def test_the_step_after_a_question_is_asked_in_the_answers_language(
    lang: Lang, question: str, answered_in: Lang
) -> None:
    before = at(Step.WHEN, lang, target=CRM, reason="too_expensive")
    out = on_text(before, question, Context(today=CTX.today, catalog=CTX.catalog, faq=_faq), NOW)
    assert out.faq is not None and out.faq.lang == answered_in
    asked(out, answered_in, "q_when")
    assert open_state(out).answers == before.answers and open_state(out).step is Step.WHEN
    # With a platform locale, the answer is in the question's language, the step in the
    # locale's.
    ctx = Context(today=CTX.today, catalog=CTX.catalog, faq=_faq, locale=lang)
    asked(on_text(before, question, ctx, NOW), lang, "q_when")


# -- item 2: an abort word that is also an option's words asks which was meant -----------


def _billing(lang: Lang) -> DialogueState:
    return at(Step.BILLING, lang, **_AT[Step.BILLING])


@pytest.mark.parametrize(
    ("lang", "typed"), [("en", "cancel"), ("en", "Cancel"), ("zh", "取消"), ("fr", "cancel")]
)
def test_cancel_at_the_billing_step_asks_before_discarding(lang: Lang, typed: str) -> None:
    before = _billing(lang)
    out = on_text(before, typed, CTX, NOW)
    assert out.abandoned is False and out.reasked is True
    refund = prompt_for(before, CTX).choices[0]
    assert refund.value == Billing.REFUND
    hint = t(lang, "hint_abort_or_option", options=f"[1] {refund.label}")
    assert out.notes == [hint]
    assert "/cancel-account cancel" in hint
    asked(out, lang, "q_billing_paid", target="CRM")
    unchanged(before, out.state)
    # Its number then chooses it.
    assert open_state(on_text(before, "1", CTX, NOW)).answers.billing is Billing.REFUND


@pytest.mark.parametrize(("lang", "typed"), [("fr", "annuler"), ("en", "abort"), ("zh", "放弃")])
def test_an_abort_word_that_names_no_option_still_abandons(lang: Lang, typed: str) -> None:
    out = on_text(_billing(lang), typed, CTX, NOW)
    assert out.abandoned is True and out.state is None
    assert out.notes == [t(lang, "abandoned")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "typed",
    [
        "option 2",
        "Option #2",
        "#2",
        "choix 2",
        "n° 2",
        "numéro 2",
        "选项2",
        "选项 2",
        "第2个",
        "２",
    ],
)
def test_an_option_can_be_typed_as_option_n(lang: Lang, typed: str) -> None:
    out = on_text(_billing(lang), typed, CTX, NOW)
    state = open_state(out)
    assert state.answers.billing is Billing.END_OF_TERM, out.notes
    assert state.step is Step.COMPLIANCE
    state = open_state(on_text(state, typed.replace("2", "3").replace("２", "3"), CTX, NOW))
    assert state.answers.compliance is Compliance.UNKNOWN


@pytest.mark.parametrize("typed", ["option 9", "option", "选项", "2 3", "option 2 please"])
def test_an_option_number_that_is_not_offered_is_not_an_answer(typed: str) -> None:
    before = _billing("en")
    out = on_text(before, typed, CTX, NOW)
    assert out.reasked is True
    unchanged(before, out.state)


# -- item 3: lists and label/value rows as each language writes them -------------------


def test_chinese_lists_use_the_enumeration_comma() -> None:
    state = summary("zh")
    state.answers.linked = [Linked.MAILBOX, Linked.SSO]
    state.answers.notify = ["console:team", "slack:C0123"]
    rows = dict(describe(state.answers, "zh", "console:employee"))
    assert rows[t("zh", "f_linked")] == "邮箱、单点登录"
    assert rows[t("zh", "f_notify")] == "console:team、slack:C0123"
    out = on_text(state, "修改", CTX, NOW)
    fields = [t("zh", STEP_KEY[s]) for s in [Step.TARGET, Step.REASON, Step.WHEN]]
    assert "、".join(fields) in out.notes[0] and ", " not in out.notes[0]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "✓ Why: Too expensive"),
        ("fr", "✓ Pourquoi : Trop cher"),
        ("zh", "✓ 原因：费用太高"),
    ],
)
def test_an_answered_line_follows_the_languages_typography(lang: Lang, line: str) -> None:
    before = at(Step.REASON, lang, target=CRM)
    state = open_state(on_text(before, "2", CTX, NOW))
    assert answered_line(Step.REASON, state) == line


def test_the_french_hint_lists_options_with_a_spaced_semicolon() -> None:
    before = at(Step.BILLING, "fr", **_AT[Step.BILLING])
    out = on_text(before, "ask", CTX, NOW)
    choices = prompt_for(before, CTX).choices
    options = f"[1] {choices[0].label} ; [3] {choices[2].label}"
    assert out.notes == [t("fr", "hint_which", typed="ask", options=options)]
    assert listing("zh", ["a", "b"], long=True) == "a；b"


def test_today_is_fixed() -> None:
    # The parametrised dates above rely on the shared fixed day.
    assert CTX.today == date(2026, 11, 23) and NOW == datetime(2026, 11, 23, 9, tzinfo=UTC)
