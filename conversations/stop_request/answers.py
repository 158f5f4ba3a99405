"""What counts as an answer: typed answers and button clicks go through the same step
handlers, so whatever a button can do, typing can do too."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from conversations.date_answer import TooFar, stop_date_answer
from conversations.faq.matcher import Match, Verdict
from conversations.faq.question import is_question
from conversations.i18n import Later, every_lang, listing, t
from conversations.i18n.key_maps import (
    BACKUP_KEY,
    BILLING_KEY,
    COMPLIANCE_KEY,
    LINKED_KEY,
    REASON_KEY,
    STEP_KEY,
)
from conversations.ids import is_identity
from conversations.lang import STOP_WORDS, clearly_in
from conversations.model import (
    Backup,
    Billing,
    Compliance,
    Lang,
    Linked,
    Reason,
    Step,
    Target,
    TargetKind,
    software_choice,
    software_of,
)
from conversations.stop_request.prompts import EDITABLE, FIELD_OF, prompt_for
from conversations.stop_request.state import (
    MAX_NOTIFY,
    MAX_TEXT,
    Choice,
    Context,
    DialogueState,
    Outcome,
    Prompt,
    needs_billing,
    next_step,
)
from conversations.stop_request.vocabulary import (
    BACKUP_WORDS,
    BILLING_WORDS,
    CANCEL_WORDS,
    COMPLIANCE_WORDS,
    EDIT_VERBS,
    FIELD_WORDS,
    LINKED_DONE_WORDS,
    LINKED_WORDS,
    NONE_WORDS,
    OTHER_TARGET_WORDS,
    OWN_ACCOUNT_WORDS,
    REASON_WORDS,
    SUBMIT_VERBS,
    SUBMIT_WORDS,
    option_number,
)
from conversations.text import after_verb, clean, fold, match_choice, part_of

# A choice's label, in any language, is an answer too; and so are its words, when they
# are the words of one label only ("laisser courir").
_REASON_LABELS: dict[str, tuple[str, ...]] = {v: every_lang(REASON_KEY[v]) for v in REASON_KEY}
_BACKUP_LABELS: dict[str, tuple[str, ...]] = {v: every_lang(BACKUP_KEY[v]) for v in BACKUP_KEY}
_BILLING_LABELS: dict[str, tuple[str, ...]] = {v: every_lang(BILLING_KEY[v]) for v in BILLING_KEY}
_COMPLIANCE_LABELS: dict[str, tuple[str, ...]] = {
    v: every_lang(COMPLIANCE_KEY[v]) for v in COMPLIANCE_KEY
}
_REASON_SYNONYMS: dict[str, list[str]] = {
    v: [*w, *_REASON_LABELS[v]] for v, w in REASON_WORDS.items()
}
_BACKUP_SYNONYMS: dict[str, list[str]] = {
    v: [*w, *_BACKUP_LABELS[v]] for v, w in BACKUP_WORDS.items()
}
_LINKED_SYNONYMS: dict[str, list[str]] = {
    v: [*w, *every_lang(LINKED_KEY[v])] for v, w in LINKED_WORDS.items()
}
_BILLING_SYNONYMS: dict[str, list[str]] = {
    v: [*w, *_BILLING_LABELS[v]] for v, w in BILLING_WORDS.items()
}
_COMPLIANCE_SYNONYMS: dict[str, list[str]] = {
    v: [*w, *_COMPLIANCE_LABELS[v]] for v, w in COMPLIANCE_WORDS.items()
}
_FIELD_SYNONYMS: dict[str, list[str]] = {
    str(step): [*words, *every_lang(STEP_KEY[step]), FIELD_OF[step]]
    for step, words in FIELD_WORDS.items()
}
_EDIT_VERBS = sorted((fold(v, keep="") for v in EDIT_VERBS), key=len, reverse=True)
_SUBMIT_ONLY = frozenset(fold(w) for w in [*SUBMIT_VERBS, *every_lang("c_submit")])
_FILLER = STOP_WORDS["en"] | STOP_WORDS["fr"]
_LINKED_DONE = frozenset(fold(w) for w in [*LINKED_DONE_WORDS, *every_lang("c_linked_done")])
# The synonyms (with the labels in every language) of the options of each step with
# fixed options; the target's depend on the catalog (_target_synonyms).
_NONE = [*NONE_WORDS, *every_lang("c_linked_none"), *every_lang("c_notify_none")]
_STEP_WORDS: dict[Step, dict[str, list[str]]] = {
    Step.REASON: _REASON_SYNONYMS,
    Step.BACKUP: _BACKUP_SYNONYMS,
    Step.LINKED: {
        **{str(v): w for v, w in _LINKED_SYNONYMS.items()},
        "none": _NONE,
        "done": [*LINKED_DONE_WORDS, *every_lang("c_linked_done")],
    },
    Step.BILLING: _BILLING_SYNONYMS,
    Step.COMPLIANCE: _COMPLIANCE_SYNONYMS,
    Step.NOTIFY: {"none": _NONE},
}


def _copy(state: DialogueState) -> DialogueState:
    # pydantic-core round trip: several times faster than copy.deepcopy of the model.
    return DialogueState.model_validate(state.model_dump())


class _Reask(Exception):
    """The answer does not fit the step, which is asked again after this hint."""

    def __init__(self, hint: Later) -> None:
        super().__init__(hint.key)
        self.hint = hint


def _free_text(text: str) -> str:
    if not text:
        raise _Reask(Later("hint_empty"))
    if len(text) > MAX_TEXT:
        raise _Reask(Later("hint_too_long", max=MAX_TEXT))
    return text


def _pick(
    text: str,
    choices: list[Choice],
    synonyms: Mapping[str, Sequence[str]],
    lang: Lang,
    labels: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """A typed answer to a choice question: its number, its label, a synonym, or words
    of one label ("laisser courir"); words of several labels are asked about again."""
    number = option_number(text, len(choices))
    if number is not None:
        return choices[number - 1].value
    by_label = {c.value: [c.label] for c in choices}
    for value, words in synonyms.items():
        by_label.setdefault(value, []).extend(words)
    offered = {c.value for c in choices}
    found = match_choice(text, by_label)
    if found is not None and found in offered:
        return found
    if found is None and not _only_filler(text):
        every = labels or {}
        fitting = part_of(text, {c.value: [c.label, *every.get(c.value, ())] for c in choices})
        if len(fitting) == 1:
            return fitting[0]
        if fitting:
            raise _Reask(_which(text, choices, fitting, lang))
    raise _Reask(Later("hint_choice"))


def _only_filler(text: str) -> bool:
    """Only words like "the", "a", "la", "de": part of every label, a hint at none."""
    return all(word in _FILLER for word in fold(text).split())


def _which(text: str, choices: list[Choice], fitting: list[str], lang: Lang) -> Later:
    return Later("hint_which", typed=text[:40], options=_numbered(choices, fitting, lang))


def _numbered(choices: list[Choice], values: Sequence[str], lang: Lang) -> str:
    """Some of the options as "[1] label", listed as `lang` lists things."""
    shown = [f"[{n}] {c.label}" for n, c in enumerate(choices, 1) if c.value in values]
    return listing(lang, shown, long=True)


def _set_target(state: DialogueState, value: str, ctx: Context) -> Step | None:
    a = state.answers
    if value == TargetKind.OWN_ACCOUNT:
        a.target = Target(kind=TargetKind.OWN_ACCOUNT, name="account")
    elif value == TargetKind.OTHER:
        return Step.TARGET_OTHER
    elif (name := software_of(value)) is not None:
        item = next((i for i in ctx.catalog if i.name == name), None)
        if item is None:
            raise _Reask(Later("hint_choice"))
        a.target = Target(kind=TargetKind.SOFTWARE, name=item.name, paid=item.paid)
    else:
        raise _Reask(Later("hint_choice"))
    if not needs_billing(a):
        a.billing = None
    return None


def _target_synonyms(ctx: Context) -> dict[str, list[str]]:
    syn: dict[str, list[str]] = {
        TargetKind.OWN_ACCOUNT: [*OWN_ACCOUNT_WORDS, *every_lang("c_own_account")],
        TargetKind.OTHER: [*OTHER_TARGET_WORDS, *every_lang("c_other_target")],
    }
    for item in ctx.catalog:
        syn[software_choice(item.name)] = [item.name, *item.aliases]
    return syn


# A mention of everyone somewhere, in any platform's spelling: Slack's <!channel>,
# <!here>, <!everyone>, <!subteam^...> and @channel/@here/@everyone, DingTalk's @all
# and @所有人.
_MASS_MENTION = re.compile(r"<!|[@＠](?:here|channel|everyone|all|所有人)\b", re.IGNORECASE)


def _parse_notify(text: str) -> list[str]:
    if match_choice(text, {"none": [*NONE_WORDS, *every_lang("c_notify_none")]}) == "none":
        return []
    raw = [tok for tok in re.split(r"[,，、;；\s]+", text) if tok.strip()]
    if not raw:
        raise _Reask(Later("hint_empty"))
    for tok in raw:
        if _MASS_MENTION.match(tok):
            # The outcome goes to the ids listed, never to a whole channel's members.
            raise _Reask(Later("hint_notify_mass", token=tok[:40]))
    tokens = [tok.lstrip("#@") for tok in raw]
    out: list[str] = []
    for tok in tokens:
        if not is_identity(tok):
            raise _Reask(Later("hint_notify", token=tok[:40], max=MAX_NOTIFY))
        if tok not in out:
            out.append(tok)
    if len(out) > MAX_NOTIFY:
        raise _Reask(Later("hint_notify", token=out[MAX_NOTIFY], max=MAX_NOTIFY))
    return out


def _is_linked_done(text: str) -> bool:
    """The word Done alone: the picks so far (a sentence around it names services)."""
    return fold(text) in _LINKED_DONE


def _parse_linked(text: str) -> list[Linked]:
    if match_choice(text, {"none": [*NONE_WORDS, *every_lang("c_linked_none")]}) == "none":
        return []
    found: list[Linked] = []
    for part in re.split(r"[,，、;；/]|\band\b|\bet\b|和|及", text):
        if not part.strip():
            continue
        value = match_choice(part, _LINKED_SYNONYMS)
        if value is None:
            raise _Reask(Later("hint_linked"))
        if Linked(value) not in found:
            found.append(Linked(value))
    if not found:
        raise _Reask(Later("hint_linked"))
    return found


def _check_date(value: str, ctx: Context, state: DialogueState) -> date:
    found = stop_date_answer(value, ctx.today, state.lang)
    if isinstance(found, TooFar):
        raise _Reask(Later("hint_date_too_far", date=found.shown, max=found.last))
    if not isinstance(found, date):
        raise _Reask(found)
    return found


def _apply(
    state: DialogueState, value: str, typed: bool, ctx: Context
) -> tuple[Step | None, list[str]]:
    """Applies one answer to the current step. Returns (explicit next step, extra notes)."""
    a = state.answers
    prompt = prompt_for(state, ctx)
    notes: list[str] = []
    number = option_number(value, len(prompt.choices)) if typed else None
    if number is not None:
        # A typed option number is the same as clicking that button, on every step.
        value, typed = prompt.choices[number - 1].value, False
    if not typed and not prompt.choices:
        raise _Reask(Later("hint_choice"))  # a forged click on a free-text question

    def choose(
        synonyms: Mapping[str, Sequence[str]], labels: Mapping[str, Sequence[str]] | None = None
    ) -> str:
        if not typed:
            if value not in {c.value for c in prompt.choices}:
                raise _Reask(Later("hint_choice"))
            return value
        return _pick(value, prompt.choices, synonyms, state.lang, labels)

    match state.step:
        case Step.TARGET:
            if typed:
                # A catalog name wins over generic words: "my Jira account" is Jira.
                in_catalog = match_choice(
                    value, {software_choice(i.name): [i.name, *i.aliases] for i in ctx.catalog}
                )
                if in_catalog is not None:
                    return _set_target(state, in_catalog, ctx), notes
                try:
                    picked = _pick(value, prompt.choices, _target_synonyms(ctx), state.lang)
                except _Reask:
                    # Anything not in the catalog is still a legitimate thing to stop.
                    a.target = Target(kind=TargetKind.OTHER, name=_free_text(value))
                    return None, notes
                return _set_target(state, picked, ctx), notes
            return _set_target(state, choose({}), ctx), notes
        case Step.TARGET_OTHER:
            a.target = Target(kind=TargetKind.OTHER, name=_free_text(value))
        case Step.REASON:
            if typed:
                try:
                    a.reason = Reason(
                        _pick(value, prompt.choices, _REASON_SYNONYMS, state.lang, _REASON_LABELS)
                    )
                except _Reask:
                    a.reason, a.reason_text = Reason.OTHER, _free_text(value)
                    return None, notes
            else:
                a.reason = Reason(choose({}))
            a.reason_text = None
            if a.reason is Reason.OTHER:
                return Step.REASON_TEXT, notes
        case Step.REASON_TEXT:
            a.reason_text = _free_text(value)
        case Step.WHEN:
            a.stop_date = _check_date(value, ctx, state)
        case Step.BACKUP:
            a.backup = Backup(choose(_BACKUP_SYNONYMS, _BACKUP_LABELS))
            if a.backup is Backup.NOT_YET:
                notes.append(t(state.lang, "backup_howto"))
        case Step.LINKED:
            if typed and _is_linked_done(value):
                a.linked = list(state.linked_pick)
            elif typed:
                a.linked = _parse_linked(value)
            elif value == "done":
                a.linked = list(state.linked_pick)
            elif value == "none":
                a.linked, state.linked_pick = [], []
            else:
                item = Linked(choose({}))
                if item in state.linked_pick:
                    state.linked_pick.remove(item)
                else:
                    state.linked_pick.append(item)
                return Step.LINKED, notes
        case Step.BILLING:
            a.billing = Billing(choose(_BILLING_SYNONYMS, _BILLING_LABELS))
        case Step.COMPLIANCE:
            a.compliance = Compliance(choose(_COMPLIANCE_SYNONYMS, _COMPLIANCE_LABELS))
        case Step.NOTIFY:
            a.notify = [] if (not typed and value == "none") else _parse_notify(value)
        case Step.SUMMARY:
            raise AssertionError("summary is handled by the caller")
    return None, notes


def _edit(state: DialogueState, step: Step) -> None:
    a = state.answers
    match step:
        case Step.TARGET:
            a.target = None
        case Step.REASON:
            a.reason, a.reason_text = None, None
        case Step.WHEN:
            a.stop_date = None
        case Step.BACKUP:
            a.backup = None
        case Step.LINKED:
            state.linked_pick = list(a.linked or [])
            a.linked = None
        case Step.BILLING:
            a.billing = None
        case Step.COMPLIANCE:
            a.compliance = None
        case Step.NOTIFY:
            a.notify = None
        case _:
            raise AssertionError(step)
    state.step = step


def _answer(state: DialogueState, value: str, typed: bool, ctx: Context, now: datetime) -> Outcome:
    state = _copy(state)
    state.updated_at = now
    if state.step is Step.SUMMARY:
        return _answer_summary(state, value, typed, ctx)
    try:
        explicit, notes = _apply(state, value, typed, ctx)
    except _Reask as reask:
        notes = [reask.hint.say(state.lang)]
        return Outcome(state, notes, prompt_for(state, ctx), reasked=True)
    state.step = explicit or next_step(state.answers)
    return Outcome(state, notes, prompt_for(state, ctx))


def _written_in(state: DialogueState, text: str, ctx: Context) -> Lang | None:
    """The language of a message the user wrote in their own words, when it is clearly
    one; None for what is only a command (everything said on the summary) or only the
    words of one of the step's options, which people type in any language."""
    lang = clearly_in(text)
    if lang is None or lang == state.lang or state.step is Step.SUMMARY:
        return None
    words = _options_words(state, ctx)
    folded = fold(text).rstrip(". ")
    if any(fold(w) == folded for names in words.values() for w in names):
        return None
    return None if part_of(text, words) else lang


def _options_words(state: DialogueState, ctx: Context) -> dict[str, list[str]]:
    """Every way to name each option of the current step: its label as shown, its
    labels in the other languages and its synonyms."""
    more = _target_synonyms(ctx) if state.step is Step.TARGET else _STEP_WORDS.get(state.step, {})
    return {c.value: [c.label, *more.get(c.value, ())] for c in prompt_for(state, ctx).choices}


def _speaking(state: DialogueState, lang: Lang | None, ctx: Context) -> DialogueState:
    """The dialogue in `lang` from now on, unless the platform says which language the
    user reads (then in that one, whatever they type)."""
    lang = ctx.locale or lang
    if lang is None or lang == state.lang:
        return state
    return state.model_copy(update={"lang": lang})


def _answer_summary(state: DialogueState, value: str, typed: bool, ctx: Context) -> Outcome:
    choice: str | None = value
    if typed:
        prompt = prompt_for(state, ctx)
        try:
            choice = _summary_pick(value, prompt, state.lang)
        except _Reask as reask:
            return Outcome(state, [reask.hint.say(state.lang)], prompt, reasked=True)
    if choice == "cancel":
        return Outcome(None, [t(state.lang, "abandoned")], abandoned=True)
    if choice == "submit":
        # The date may have slipped into the past while the draft waited.
        if state.answers.stop_date is not None:
            try:
                _check_date(state.answers.stop_date.isoformat(), ctx, state)
            except _Reask as reask:
                state.answers.stop_date = None
                state.step = Step.WHEN
                return Outcome(state, [reask.hint.say(state.lang)], prompt_for(state, ctx))
        return Outcome(state, submit=True)
    editable = {f"edit:{step}": step for step in EDITABLE}
    if choice in editable:
        _edit(state, editable[choice])
        return Outcome(state, [], prompt_for(state, ctx))
    return Outcome(state, [t(state.lang, "hint_choice")], prompt_for(state, ctx), reasked=True)


def _summary_pick(text: str, prompt: Prompt, lang: Lang) -> str:
    """A typed answer to the summary: an option's number, Submit, or "edit" (or
    "change", "modifier", "修改"...) with the name of an answer in any language."""
    offered = [c.value for c in prompt.choices]
    number = option_number(text, len(offered))
    if number is not None:
        return offered[number - 1]
    editing = _edit_request(text)
    if editing is not None:
        if editing and f"edit:{editing}" in offered:
            return f"edit:{editing}"
        steps = [Step(v.removeprefix("edit:")) for v in offered if v.startswith("edit:")]
        fields = [t(lang, STEP_KEY[step]) for step in steps]
        raise _Reask(Later("hint_edit", fields=listing(lang, fields)))
    if match_choice(text, {"submit": [*SUBMIT_WORDS, *every_lang("c_submit")]}) == "submit":
        return "submit"
    raise _Reask(Later("hint_choice"))


def _edit_request(text: str) -> str | None:
    """The step named after an edit verb ("edit why", "change the date", "修改日期");
    "" for an edit verb with no answer it names; None when the text asks no edit."""
    rest = after_verb(text, _EDIT_VERBS)
    if rest is None:
        return None
    return (match_choice(rest, _FIELD_SYNONYMS) or "") if rest else ""


def is_submit(text: str) -> bool:
    """The text can only mean "submit it" (also said after the request was submitted)."""
    return fold(clean(text)) in _SUBMIT_ONLY


def _detour(state: DialogueState, text: str, ctx: Context) -> Match | None:
    """A real question that the FAQ answers outright, asked instead of an answer. A
    message that is not asked as a question, or that the FAQ is not sure about, is
    read as an answer (and re-asked with the step's hint when it is not one)."""
    if ctx.faq is None or not is_question(text):
        return None
    choices = prompt_for(state, ctx).choices
    bare = text.rstrip("?？ ")
    if (
        option_number(bare, len(choices)) is not None
        or fold(bare) in {fold(c.label) for c in choices}
        or (state.step is Step.SUMMARY and is_submit(bare))
    ):
        return None  # an option asked back ("Submit?", "2?"): an answer
    match = ctx.faq(text, state.lang)
    return match if match.verdict is Verdict.ANSWER and match.topic is not None else None


def on_text(state: DialogueState, text: str, ctx: Context, now: datetime) -> Outcome:
    """A typed message while the dialogue is open.

    The dialogue's language changes only on what the user writes in their own words
    (a question for the FAQ, a name or a reason typed out) when it is clearly in
    another language (`clearly_in`); never on an option's words, a number, an id, a
    date or a command ("edit quoi", "submit", "取消"), which people type in whatever
    language comes to hand. A platform's locale, when there is one, fixes it."""
    cleaned = clean(text)
    state = _speaking(state, None, ctx)
    asked = _detour(state, cleaned, ctx)
    if asked is not None:
        # The question was read (and is answered) in `asked.lang`: the step is asked
        # again in the same language as the answer just above it.
        state = _speaking(state, asked.lang, ctx)
        return Outcome(state, prompt=prompt_for(state, ctx), faq=asked)
    if fold(cleaned) in CANCEL_WORDS:
        return _abort(state, cleaned, ctx)
    # Before the answer is read: its hint or the next question come in that language.
    state = _speaking(state, _written_in(state, cleaned, ctx), ctx)
    return _answer(state, cleaned, True, ctx, now)


def _abort(state: DialogueState, text: str, ctx: Context) -> Outcome:
    """An abort word abandons the draft, unless it is also words of an option at this
    step ("cancel" and "Cancel now, ask for a prorated refund"): a draft is never
    thrown away on a guess; the user is asked which they meant, and told the way to
    abandon that cannot be misread."""
    prompt = prompt_for(state, ctx)
    words = _options_words(state, ctx)
    words.pop("cancel", None)  # the summary's Cancel: the same thing
    named = part_of(text, words)
    if not named:
        return Outcome(None, [t(state.lang, "abandoned")], abandoned=True)
    hint = t(
        state.lang, "hint_abort_or_option", options=_numbered(prompt.choices, named, state.lang)
    )
    return Outcome(state, [hint], prompt, reasked=True)


def on_choice(state: DialogueState, step: str, value: str, ctx: Context, now: datetime) -> Outcome:
    """A button click; `step` is the step the button was rendered for."""
    if step != state.step:
        return Outcome(state, [t(state.lang, "stale_button")], prompt_for(state, ctx))
    return _answer(state, value, False, ctx, now)
