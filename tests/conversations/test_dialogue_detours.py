"""What the dialogue does with a message that is not a plain answer, on every step and
in the three languages: a real question the FAQ answers outright is a detour (its
answer, then the same step); anything else is an answer, or the step asked again with
its hint and options; never an FAQ paragraph for an answer the step could not read."""

from __future__ import annotations

import pytest

from bot.faq.live_kb import LiveKnowledgeBase
from conversations.faq.matcher import Match, Verdict
from conversations.faq.question import is_question
from conversations.i18n import every_lang, listing, t
from conversations.i18n.key_maps import STEP_KEY
from conversations.model import (
    LANGS,
    Billing,
    Compliance,
    Lang,
    Linked,
    Reason,
    Step,
    Target,
    TargetKind,
)
from conversations.stop_request import (
    Context,
    DialogueState,
    Outcome,
    is_submit,
    on_text,
    prompt_for,
)
from conversations.stop_request.prompts import EDITABLE
from tests.conversations.test_dialogue_engine import (
    _AT,
    CTX,
    NOW,
    at,
    crm_summary,
    open_state,
    unchanged,
)

OTHER = Target(kind=TargetKind.OTHER, name="Salesforce")


class FakeFaq:
    """An FAQ that gives the same verdict to anything, and counts what it was asked."""

    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        self.asked: list[str] = []

    def __call__(self, text: str, lang: Lang) -> Match:
        self.asked.append(text)
        topic = "refund" if self.verdict is Verdict.ANSWER else None
        return Match(text, lang, self.verdict, topic, 0.9, [("refund", 0.9)])


def with_faq(faq: FakeFaq) -> Context:
    return Context(today=CTX.today, catalog=CTX.catalog, faq=faq)


def state_at(step: Step, lang: Lang) -> DialogueState:
    state = crm_summary() if step is Step.SUMMARY else at(step, lang, **_AT[step])
    return state.model_copy(update={"lang": lang})


EVERY_STEP = [*_AT, Step.SUMMARY]

QUESTIONS: dict[Lang, list[str]] = {
    "en": [
        "will I get a refund?",
        "how long does the approval take",
        "Is it paid?",
        "can I get my money back after stopping it",
    ],
    "zh": ["注销后数据会丢失吗", "多久能审批完？", "怎么申请退款", "我的申请审批到哪一步了"],
    "fr": [
        "vais-je être remboursé ?",
        "combien de temps prend l'approbation",
        "est-ce que mes données seront perdues",
        "puis-je récupérer mon argent",
    ],
}
# What people typed in the dialogue that the FAQ matcher finds a topic for, but that
# asks nothing: answers (right or wrong), commands, ids.
NOT_QUESTIONS: dict[Lang, list[str]] = {
    "en": [
        "nobody",
        "security",
        "refund",
        "no",
        "edit why",
        "change the date",
        "submit",
        "console:team, <!channel>, @here",
        "may 31",
        "do not notify anyone",
    ],
    "zh": ["没有", "安全", "退款", "不是", "修改日期", "提交", "谁都不通知", "没什么"],
    "fr": [
        "personne",
        "laisser courir",
        "remboursement",
        "non",
        "modifier la date",
        "sécurité",
        "rendez-vous annulés",
    ],
}


def _moved(before: DialogueState, out: Outcome) -> bool:
    after = out.state
    return (
        out.submit
        or out.abandoned
        or after is None
        or after.step is not before.step
        or after.answers != before.answers
        or after.linked_pick != before.linked_pick
    )


# -- the rule, on every step and in every language ----------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step", EVERY_STEP)
def test_a_real_question_the_faq_answers_is_a_detour(step: Step, lang: Lang) -> None:
    faq = FakeFaq(Verdict.ANSWER)
    for question in QUESTIONS[lang]:
        before = state_at(step, lang)
        out = on_text(before, question, with_faq(faq), NOW)
        assert out.faq is not None and out.faq.topic == "refund", question
        assert out.notes == [] and not out.reasked and not out.submit
        assert out.state == before  # nothing answered, not even the language switched
        assert out.prompt is not None and out.prompt.text == prompt_for(before, CTX).text
    assert faq.asked == QUESTIONS[lang]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step", EVERY_STEP)
def test_what_is_not_asked_as_a_question_never_goes_to_the_faq(step: Step, lang: Lang) -> None:
    """Even an FAQ sure of itself is not consulted: the text is an answer, or the step
    is asked again with its hint."""
    faq = FakeFaq(Verdict.ANSWER)
    for text in NOT_QUESTIONS[lang]:
        before = state_at(step, lang)
        out = on_text(before, text, with_faq(faq), NOW)
        assert out.faq is None, text
        if not _moved(before, out):
            assert out.reasked, text
            assert len(out.notes) == 1 and out.prompt is not None, text
            assert out.state is not None
            assert out.prompt.text == prompt_for(out.state, CTX).text
    assert faq.asked == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step", EVERY_STEP)
def test_a_question_the_faq_is_not_sure_about_is_no_detour(step: Step, lang: Lang) -> None:
    """A grey-zone match ("did you mean...") is no answer to give in the middle of a
    dialogue: the message is read as an answer or re-asked like any other."""
    for verdict in (Verdict.SUGGEST, Verdict.UNKNOWN):
        faq = FakeFaq(verdict)
        for question in QUESTIONS[lang]:
            before = state_at(step, lang)
            out = on_text(before, question, with_faq(faq), NOW)
            assert out.faq is None, question
            assert _moved(before, out) or (out.reasked and len(out.notes) == 1), question
        assert faq.asked == QUESTIONS[lang]


@pytest.mark.parametrize("typed", ["Submit?", "提交？", "2?"])
def test_an_option_asked_back_is_an_answer(typed: str) -> None:
    faq = FakeFaq(Verdict.ANSWER)
    state = crm_summary()
    out = on_text(state, typed, with_faq(faq), NOW)
    assert out.faq is None
    assert out.submit or open_state(out).step is Step.REASON
    assert faq.asked == []


# -- the cases that were seen, with the bundled knowledge base --------------------------


@pytest.fixture(scope="module")
def kb_ctx(live_kb: LiveKnowledgeBase) -> Context:
    return Context(today=CTX.today, catalog=CTX.catalog, faq=live_kb.matcher.match)


@pytest.mark.parametrize(
    ("lang", "typed"), [("en", "nobody"), ("en", "security"), ("fr", "personne")]
)
def test_a_wrong_answer_at_billing_gets_the_hint(kb_ctx: Context, lang: Lang, typed: str) -> None:
    before = at(Step.BILLING, lang, **_AT[Step.BILLING])
    out = on_text(before, typed, kb_ctx, NOW)
    assert out.faq is None
    assert out.notes == [t(lang, "hint_choice")]
    unchanged(before, out.state)
    assert out.prompt is not None
    assert out.prompt.text == t(lang, "q_billing_paid", target="CRM")


def test_a_real_question_at_billing_is_answered_then_asked_again(kb_ctx: Context) -> None:
    before = at(Step.BILLING, "en", **_AT[Step.BILLING])
    out = on_text(before, "will I get a refund?", kb_ctx, NOW)
    assert out.faq is not None and out.faq.topic == "refund"
    assert out.state == before


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "typed",
    ["console:team, <!channel>, @here", "<!here>", "<!everyone>", "@channel", "@all", "@所有人"],
)
def test_a_mass_mention_to_notify_is_refused(kb_ctx: Context, lang: Lang, typed: str) -> None:
    before = at(Step.NOTIFY, lang, **_AT[Step.NOTIFY])
    out = on_text(before, typed, kb_ctx, NOW)
    assert out.faq is None and out.reasked
    assert out.state is not None
    first = typed.split(", ")[1] if "," in typed else typed
    assert out.notes == [t(out.state.lang, "hint_notify_mass", token=first)]
    unchanged(before, out.state)


def test_valid_ids_next_to_no_mention_are_accepted(kb_ctx: Context) -> None:
    before = at(Step.NOTIFY, "en", **_AT[Step.NOTIFY])
    state = open_state(on_text(before, "console:team, @slack:U0123", kb_ctx, NOW))
    assert state.answers.notify == ["console:team", "slack:U0123"]


# -- words of a label --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "typed", "billing"),
    [
        ("fr", "laisser courir", Billing.END_OF_TERM),
        ("fr", "Laisser courir la période", Billing.END_OF_TERM),
        ("fr", "demander un remboursement", Billing.REFUND),
        ("en", "let the paid period run out", Billing.END_OF_TERM),
        ("en", "cancel now", Billing.REFUND),
        ("zh", "用完已付费周期", Billing.END_OF_TERM),
        ("zh", "请财务处理", Billing.UNSURE),
    ],
)
def test_the_start_or_words_of_one_label_are_that_answer(
    kb_ctx: Context, lang: Lang, typed: str, billing: Billing
) -> None:
    out = on_text(at(Step.BILLING, lang, **_AT[Step.BILLING]), typed, kb_ctx, NOW)
    assert out.faq is None and out.notes == []
    state = open_state(out)
    assert state.answers.billing is billing
    assert state.step is Step.COMPLIANCE


@pytest.mark.parametrize(
    ("lang", "typed", "numbers"),
    [
        ("en", "ask", [1, 3]),  # "Cancel now, ask for a prorated refund", "Not sure, ask finance"
        ("en", "paid", [2, 4]),
        ("zh", "不", [3, 4]),
        ("fr", "payée", [2]),  # one label only: no question
    ],
)
def test_words_of_several_labels_are_asked_about(
    kb_ctx: Context, lang: Lang, typed: str, numbers: list[int]
) -> None:
    before = at(Step.BILLING, lang, **(_AT[Step.BILLING] | {"target": OTHER}))
    choices = prompt_for(before, CTX).choices
    out = on_text(before, typed, kb_ctx, NOW)
    assert out.faq is None
    if len(numbers) == 1:
        assert open_state(out).answers.billing == choices[numbers[0] - 1].value
        return
    options = listing(lang, [f"[{n}] {choices[n - 1].label}" for n in numbers], long=True)
    assert out.notes == [t(lang, "hint_which", typed=typed, options=options)]
    unchanged(before, out.state)


@pytest.mark.parametrize("typed", ["the", "la", "a the"])
def test_filler_words_are_in_every_label_and_answer_nothing(kb_ctx: Context, typed: str) -> None:
    before = at(Step.BILLING, "en", **_AT[Step.BILLING])
    out = on_text(before, typed, kb_ctx, NOW)
    assert out.notes and out.notes[0] in {t(lang, "hint_choice") for lang in LANGS}
    unchanged(before, out.state)


@pytest.mark.parametrize(
    ("step", "typed", "field", "value"),
    [
        (Step.BACKUP, "backed", "backup", "done"),
        (Step.COMPLIANCE, "records must", "compliance", Compliance.KEEP),
        (Step.REASON, "longer needed", "reason", Reason.NOT_NEEDED),
    ],
)
def test_label_words_on_other_steps(step: Step, typed: str, field: str, value: object) -> None:
    state = open_state(on_text(at(step, "en", **_AT[step]), typed, CTX, NOW))
    assert getattr(state.answers, field) == value


# -- "Is it paid?" ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["no", "No.", "nope", "non", "不是", "否"])
def test_no_answers_is_it_paid(kb_ctx: Context, typed: str) -> None:
    before = at(Step.BILLING, "en", **(_AT[Step.BILLING] | {"target": OTHER}))
    assert prompt_for(before, CTX).text == t("en", "q_billing_other")
    state = open_state(on_text(before, typed, kb_ctx, NOW))
    assert state.answers.billing is Billing.NOT_PAID
    assert state.step is Step.COMPLIANCE


@pytest.mark.parametrize("typed", ["no", "non", "不是"])
def test_no_is_no_answer_for_paid_catalog_software(kb_ctx: Context, typed: str) -> None:
    before = at(Step.BILLING, "en", **_AT[Step.BILLING])
    out = on_text(before, typed, kb_ctx, NOW)
    assert out.faq is None and out.reasked
    unchanged(before, out.state)


# -- the summary: edit a field named in any language ------------------------------------------


@pytest.mark.parametrize("step", EDITABLE)
def test_edit_and_a_field_name_in_any_language_opens_it(kb_ctx: Context, step: Step) -> None:
    for verb in ("edit", "change", "修改", "modifier", "Edit:", "更改"):
        for name in every_lang(STEP_KEY[step]):
            typed = f"{verb} {name}"
            out = on_text(crm_summary(), typed, kb_ctx, NOW)
            assert out.faq is None, typed
            state = open_state(out)
            assert state.step is step, typed


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step", EDITABLE)
def test_the_edit_button_label_typed_opens_it(kb_ctx: Context, lang: Lang, step: Step) -> None:
    summary = crm_summary().model_copy(update={"lang": lang})
    label = next(c.label for c in prompt_for(summary, CTX).choices if c.value == f"edit:{step}")
    assert open_state(on_text(summary, label, kb_ctx, NOW)).step is step


@pytest.mark.parametrize(
    ("typed", "step"),
    [
        ("edit why", Step.REASON),
        ("edit stop date", Step.WHEN),
        ("change the date", Step.WHEN),
        ("modifier la date", Step.WHEN),
        ("修改日期", Step.WHEN),
        ("改一下日期", Step.WHEN),
        ("edit when", Step.WHEN),
        ("change the reason", Step.REASON),
        ("modifier la raison", Step.REASON),
        ("修改原因", Step.REASON),
        ("update the billing", Step.BILLING),
        ("modifier l'abonnement", Step.BILLING),
        ("edit who to notify", Step.NOTIFY),
        ("change the software", Step.TARGET),
    ],
)
def test_natural_ways_to_ask_for_an_edit(kb_ctx: Context, typed: str, step: Step) -> None:
    out = on_text(crm_summary(), typed, kb_ctx, NOW)
    assert out.faq is None
    assert open_state(out).step is step


@pytest.mark.parametrize("typed", ["edit", "modifier", "修改", "change the colour"])
def test_an_edit_without_a_field_lists_the_fields(kb_ctx: Context, typed: str) -> None:
    before = crm_summary()
    out = on_text(before, typed, kb_ctx, NOW)
    assert out.faq is None and out.reasked and out.state is not None
    lang = out.state.lang
    fields = ", ".join(t(lang, STEP_KEY[step]) for step in EDITABLE)
    assert out.notes == [t(lang, "hint_edit", fields=fields)]
    unchanged(before, out.state)


def test_editing_a_field_the_summary_does_not_offer_lists_those_it_does(kb_ctx: Context) -> None:
    before = crm_summary()
    before.answers.target = Target(kind=TargetKind.SOFTWARE, name="OA", paid=False)
    before.answers.billing = None
    out = on_text(before, "edit billing", kb_ctx, NOW)
    assert out.reasked and out.state is not None
    assert t("en", "f_billing") not in out.notes[0]
    assert t("en", "f_when") in out.notes[0]
    unchanged(before, out.state)


# -- what remains an answer ---------------------------------------------------------------------


def test_done_typed_on_linked_services_keeps_the_picks() -> None:
    state = at(Step.LINKED, "en", **_AT[Step.LINKED]).model_copy(
        update={"linked_pick": [Linked.SSO]}
    )
    for typed in ("done", "Done", "完成", "Terminé"):
        after = open_state(on_text(state, typed, CTX, NOW))
        assert after.answers.linked == [Linked.SSO] and after.step is Step.BILLING


@pytest.mark.parametrize(
    ("text", "submit"),
    [
        ("submit", True),
        ("Submit", True),
        ("提交", True),
        ("envoyer", True),
        ("yes", False),  # says yes to whatever was asked, not necessarily to a submission
        ("submit the form later", False),
        ("", False),
    ],
)
def test_words_that_can_only_mean_submit(text: str, submit: bool) -> None:
    assert is_submit(text) is submit


# -- the question detector ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_questions_are_questions(lang: Lang) -> None:
    assert all(is_question(q) for q in QUESTIONS[lang]), QUESTIONS[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_answers_are_not_questions(lang: Lang) -> None:
    assert not any(is_question(a) for a in NOT_QUESTIONS[lang]), [
        a for a in NOT_QUESTIONS[lang] if is_question(a)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "y a-t-il des frais",
        "faut-il sauvegarder avant",
        "pourquoi faut-il une approbation",
        "what's the status",
        "where is my request",
        "do I need a backup",
        "数据会保留多久",
        "要不要先备份",
        "是不是要等审批",
    ],
)
def test_more_question_shapes(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize("text", ["", "?", "3?", "   ", "may 31", "don't know", "add-on"])
def test_more_non_questions(text: str) -> None:
    assert not is_question(text)
