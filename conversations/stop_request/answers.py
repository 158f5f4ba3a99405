"""What counts as an answer: typed answers and button clicks go through the same step
handlers, so whatever a button can do, typing can do too."""

from __future__ import annotations

import re
from datetime import date, datetime

from conversations.dates import DateProblem, check_stop_date, parse_date
from conversations.i18n import Later, every_lang, t
from conversations.i18n.key_maps import (
    BACKUP_KEY,
    BILLING_KEY,
    COMPLIANCE_KEY,
    LINKED_KEY,
    REASON_KEY,
)
from conversations.ids import is_identity
from conversations.lang import detect_lang
from conversations.long_date import long_date
from conversations.model import (
    Backup,
    Billing,
    Compliance,
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
    needs_billing,
    next_step,
)
from conversations.stop_request.vocabulary import (
    BACKUP_WORDS,
    BILLING_WORDS,
    CANCEL_WORDS,
    COMPLIANCE_WORDS,
    LINKED_WORDS,
    NONE_WORDS,
    OTHER_TARGET_WORDS,
    OWN_ACCOUNT_WORDS,
    REASON_WORDS,
    SUBMIT_WORDS,
)
from conversations.text import clean, fold, match_choice

# A choice's label, in any language, is an answer too.
_REASON_SYNONYMS: dict[str, list[str]] = {
    v: [*w, *every_lang(REASON_KEY[v])] for v, w in REASON_WORDS.items()
}
_BACKUP_SYNONYMS: dict[str, list[str]] = {
    v: [*w, *every_lang(BACKUP_KEY[v])] for v, w in BACKUP_WORDS.items()
}
_LINKED_SYNONYMS: dict[str, list[str]] = {
    v: [*w, *every_lang(LINKED_KEY[v])] for v, w in LINKED_WORDS.items()
}
_BILLING_SYNONYMS: dict[str, list[str]] = {
    v: [*w, *every_lang(BILLING_KEY[v])] for v, w in BILLING_WORDS.items()
}
_COMPLIANCE_SYNONYMS: dict[str, list[str]] = {
    v: [*w, *every_lang(COMPLIANCE_KEY[v])] for v, w in COMPLIANCE_WORDS.items()
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


def _pick(text: str, choices: list[Choice], synonyms: dict[str, list[str]]) -> str:
    """A typed answer to a choice question: its number, its label, or a synonym."""
    stripped = text.strip().rstrip(".)")
    if stripped.isdigit() and 1 <= int(stripped) <= len(choices):
        return choices[int(stripped) - 1].value
    by_label = {c.value: [c.label] for c in choices}
    for value, words in synonyms.items():
        by_label.setdefault(value, []).extend(words)
    found = match_choice(text, by_label)
    if found is None or found not in {c.value for c in choices}:
        raise _Reask(Later("hint_choice"))
    return found


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


def _parse_notify(text: str) -> list[str]:
    if match_choice(text, {"none": [*NONE_WORDS, *every_lang("c_notify_none")]}) == "none":
        return []
    tokens = [tok.lstrip("#@") for tok in re.split(r"[,，、;；\s]+", text) if tok.strip()]
    if not tokens:
        raise _Reask(Later("hint_empty"))
    out: list[str] = []
    for tok in tokens:
        if not is_identity(tok):
            raise _Reask(Later("hint_notify", token=tok[:40], max=MAX_NOTIFY))
        if tok not in out:
            out.append(tok)
    if len(out) > MAX_NOTIFY:
        raise _Reask(Later("hint_notify", token=out[MAX_NOTIFY], max=MAX_NOTIFY))
    return out


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
    lang = state.lang
    result = check_stop_date(value, ctx.today, lang)
    if isinstance(result, date):
        return result
    if result is DateProblem.UNPARSED:
        raise _Reask(Later("hint_date_unparsed"))
    parsed = parse_date(value, ctx.today, lang)
    shown = long_date(parsed, lang) if parsed else value[:40]
    if result is DateProblem.PAST:
        raise _Reask(Later("hint_date_past", date=shown))
    limit = (
        ctx.today.replace(year=ctx.today.year + 1)
        if not (ctx.today.month == 2 and ctx.today.day == 29)
        else ctx.today.replace(year=ctx.today.year + 1, day=28)
    )
    raise _Reask(Later("hint_date_too_far", date=shown, max=long_date(limit, lang)))


def _apply(
    state: DialogueState, value: str, typed: bool, ctx: Context
) -> tuple[Step | None, list[str]]:
    """Applies one answer to the current step. Returns (explicit next step, extra notes)."""
    a = state.answers
    prompt = prompt_for(state, ctx)
    notes: list[str] = []
    number = value.strip().rstrip(".)")
    if typed and prompt.choices and number.isdigit() and 1 <= int(number) <= len(prompt.choices):
        # A typed option number is the same as clicking that button, on every step.
        value, typed = prompt.choices[int(number) - 1].value, False
    if not typed and not prompt.choices:
        raise _Reask(Later("hint_choice"))  # a forged click on a free-text question

    def choose(synonyms: dict[str, list[str]]) -> str:
        if not typed:
            if value not in {c.value for c in prompt.choices}:
                raise _Reask(Later("hint_choice"))
            return value
        return _pick(value, prompt.choices, synonyms)

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
                    picked = _pick(value, prompt.choices, _target_synonyms(ctx))
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
                    a.reason = Reason(_pick(value, prompt.choices, _REASON_SYNONYMS))
                except _Reask:
                    a.reason, a.reason_text = Reason.OTHER, _free_text(value)
                    return None, notes
            else:
                a.reason = Reason(choose({}))
            if a.reason is not Reason.OTHER:
                a.reason_text = None
            else:
                a.reason_text = None
                return Step.REASON_TEXT, notes
        case Step.REASON_TEXT:
            a.reason_text = _free_text(value)
        case Step.WHEN:
            a.stop_date = _check_date(value, ctx, state)
        case Step.BACKUP:
            a.backup = Backup(choose(_BACKUP_SYNONYMS))
            if a.backup is Backup.NOT_YET:
                notes.append(t(state.lang, "backup_howto"))
        case Step.LINKED:
            if typed:
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
            a.billing = Billing(choose(_BILLING_SYNONYMS))
        case Step.COMPLIANCE:
            a.compliance = Compliance(choose(_COMPLIANCE_SYNONYMS))
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


def _answer_summary(state: DialogueState, value: str, typed: bool, ctx: Context) -> Outcome:
    choice: str | None = value
    if typed:
        synonyms = {"submit": [*SUBMIT_WORDS, *every_lang("c_submit")]}
        for step in EDITABLE:
            synonyms[f"edit:{step}"] = [f"edit {FIELD_OF[step]}", f"change {FIELD_OF[step]}"]
        try:
            choice = _pick(value, prompt_for(state, ctx).choices, synonyms)
        except _Reask as reask:
            return Outcome(
                state, [reask.hint.say(state.lang)], prompt_for(state, ctx), reasked=True
            )
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
    return Outcome(state, [t(state.lang, "hint_choice")], prompt_for(state, ctx))


def on_text(state: DialogueState, text: str, ctx: Context, now: datetime) -> Outcome:
    """A typed message while the dialogue is open."""
    cleaned = clean(text)
    guessed = detect_lang(cleaned)
    if guessed is not None and guessed != state.lang:
        state = state.model_copy(update={"lang": guessed})
    if fold(cleaned) in CANCEL_WORDS:
        return Outcome(None, [t(state.lang, "abandoned")], abandoned=True)
    return _answer(state, cleaned, True, ctx, now)


def on_choice(state: DialogueState, step: str, value: str, ctx: Context, now: datetime) -> Outcome:
    """A button click; `step` is the step the button was rendered for."""
    if step != state.step:
        return Outcome(state, [t(state.lang, "stale_button")], prompt_for(state, ctx))
    return _answer(state, value, False, ctx, now)
