"""What counts as an answer in the notice dialogue: typed answers and button clicks go
through the same step handlers, so whatever a button can do, typing can do too."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from conversations.date_answer import TooFar, stop_date_answer
from conversations.i18n import Later, t
from conversations.lang import detect_lang
from conversations.long_date import long_date
from conversations.model import Lang
from conversations.notice.prompts import EDITABLE, field_name, lang_name, prompt_for
from conversations.notice.recipients import (
    BROADCAST_WORDS,
    RecipientProblem,
    check,
    read,
    resolve,
    split,
)
from conversations.notice.schedule import GRACE, occurrences, parse_datetime, said, series_days
from conversations.notice.state import (
    LANGS,
    MAX_MESSAGE,
    MAX_SERIES_DAYS,
    MAX_TYPED_IDS,
    MIN_MESSAGE,
    NoticeContext,
    NoticeDraft,
    NoticeOutcome,
    NoticeStep,
    Recipients,
    When,
    new_notice,
    next_step,
)
from conversations.notice.vocabulary import (
    ALL_LANGS_WORDS,
    AT_WORDS,
    CONFIRM_WORDS,
    FIELD_WORDS,
    KEEP_WORDS,
    LANG_WORDS,
    NOW_WORDS,
    RESET_WORDS,
)
from conversations.stop_request.state import Choice
from conversations.stop_request.vocabulary import CANCEL_WORDS, EDIT_VERBS, option_number
from conversations.text import after_verb, clean, fold, match_choice

_MAX_NAME = 80
_EDIT_VERBS = sorted((fold(v, keep="") for v in EDIT_VERBS), key=len, reverse=True)
_FIELDS: dict[str, list[str]] = {str(step): words for step, words in FIELD_WORDS.items()}
_LANG_SPLIT = re.compile(r"[,，、;；/+&]|\band\b|\bet\b|和|及|\s+")


class _Reask(Exception):
    """The answer does not fit the step, which is asked again after this hint."""

    def __init__(self, hint: Later) -> None:
        super().__init__(hint.key)
        self.hint = hint


def _copy(d: NoticeDraft) -> NoticeDraft:
    return NoticeDraft.model_validate(d.model_dump())


def _is(text: str, words: Sequence[str]) -> bool:
    return match_choice(text, {"yes": words}) == "yes" and len(fold(text).split()) <= 3


def _free(text: str, limit: int) -> str:
    if not text:
        raise _Reask(Later("hint_empty"))
    if len(text) > limit:
        raise _Reask(Later("hint_too_long", max=limit))
    return text


# -- one function per step ------------------------------------------------------------


def _software(d: NoticeDraft, value: str, typed: bool, ctx: NoticeContext) -> None:
    if not typed:
        d.software = value
        return
    names = {item.name: [item.name, *item.aliases] for item in ctx.catalog}
    found = match_choice(value, names) if names else None
    if found is not None:
        d.software = found
    elif not ctx.catalog:
        d.software = _free(value, _MAX_NAME)
    else:
        raise _Reask(Later("nb_hint_software", typed=value[:40], names=", ".join(names)))


def _date(d: NoticeDraft, value: str, ctx: NoticeContext) -> None:
    found = stop_date_answer(value, ctx.today, d.lang)
    if isinstance(found, TooFar):
        raise _Reask(Later("nb_hint_date_too_far", date=found.shown, max=found.last))
    if not isinstance(found, date):
        raise _Reask(found)
    d.stop_date = found


def read_langs(text: str) -> list[Lang] | None:
    """Languages named in any language ("en, zh", "English and Chinese", "tous")."""
    if _is(text, ALL_LANGS_WORDS):
        return list(LANGS)
    found: list[Lang] = []
    for part in _LANG_SPLIT.split(text):
        if not part.strip():
            continue
        code = match_choice(part, LANG_WORDS)
        if code is None:
            return None
        lang: Lang = "zh" if code == "zh" else "fr" if code == "fr" else "en"
        if lang not in found:
            found.append(lang)
    return found or None


def _langs(d: NoticeDraft, value: str, typed: bool) -> None:
    found = read_langs(value) if typed else read_langs(value.replace(",", " "))
    if not found:
        raise _Reask(Later("nb_hint_langs"))
    d.langs = found


def _message(d: NoticeDraft, value: str, typed: bool) -> tuple[NoticeStep | None, list[str]]:
    langs = d.langs or [d.lang]
    choice = value if not typed else None
    if typed and _is(value, KEEP_WORDS):
        choice = "keep"
    elif typed and _is(value, RESET_WORDS) and d.texts:
        choice = "reset"
    if choice == "keep":
        d.message_ok = True
        return None, []
    if choice == "reset":
        d.texts = {}
        return NoticeStep.MESSAGE, []
    text = _free(value, MAX_MESSAGE)
    if len(text) < MIN_MESSAGE:
        # "2", "next", "confirm": an answer meant for a button, not a notice.
        raise _Reask(Later("nb_hint_message_short", min=MIN_MESSAGE))
    written = detect_lang(text)
    lang = written if written in langs else (d.lang if d.lang in langs else langs[0])
    d.texts[lang] = text
    note = t(d.lang, "nb_replaced", language=lang_name(lang, d.lang))
    if len(langs) > 1:
        return NoticeStep.MESSAGE, [note]  # the other languages may be replaced too
    d.message_ok = True
    return None, [note]


def _recipient_hint(problem: RecipientProblem) -> Later:
    match problem.kind:
        case "mass":
            return Later("nb_hint_mass", token=problem.token)
        case "no_broadcast":
            return Later("nb_hint_no_broadcast")
        case "unknown_request":
            return Later("nb_hint_request_unknown", id=problem.token)
        case "not_approved":
            return Later("nb_hint_request_not_approved", id=problem.token)
        case "no_notify":
            return Later("nb_hint_request_no_notify", id=problem.token)
    return Later("nb_hint_recipient", token=problem.token)


def _checked(r: Recipients, ctx: NoticeContext) -> Recipients:
    try:
        check(r, ctx.broadcast, ctx.requests)
    except RecipientProblem as problem:
        raise _Reask(_recipient_hint(problem)) from None
    return r


def _recipients(d: NoticeDraft, value: str, typed: bool, ctx: NoticeContext) -> None:
    if not typed or fold(value) in {fold(w) for w in BROADCAST_WORDS} | {
        fold(t(d.lang, "nb_c_broadcast", count=len(ctx.broadcast)))
    }:
        d.recipients = _checked(Recipients(broadcast=True), ctx)
        return
    tokens = split(value)
    if len(tokens) > MAX_TYPED_IDS:
        raise _Reask(Later("nb_hint_too_many", max=MAX_TYPED_IDS))
    try:
        named = read(tokens)
    except RecipientProblem as problem:
        raise _Reask(_recipient_hint(problem)) from None
    if not (named.broadcast or named.requests or named.ids):
        raise _Reask(Later("hint_empty"))
    d.recipients = _checked(named, ctx)


def _check_at(at: datetime, d: NoticeDraft, ctx: NoticeContext) -> None:
    assert d.stop_date is not None
    if at < ctx.now - GRACE:
        raise _Reask(Later("nb_hint_when_past", when=said(at, d.lang, ctx.tz)))
    if at.astimezone(ctx.tz).date() > d.stop_date:
        raise _Reask(
            Later(
                "nb_hint_when_after_stop",
                when=said(at, d.lang, ctx.tz),
                date=long_date(d.stop_date, d.lang),
            )
        )


def _check_series(days: int, d: NoticeDraft, ctx: NoticeContext) -> None:
    assert d.stop_date is not None
    if not 1 <= days <= MAX_SERIES_DAYS:
        raise _Reask(Later("nb_hint_series_days", max=MAX_SERIES_DAYS))
    first = occurrences(When(kind="series", days_before=days), d.stop_date, ctx)[0]
    if first < ctx.now - GRACE:
        raise _Reask(Later("nb_hint_series_past", days=days, when=said(first, d.lang, ctx.tz)))


def check_when(when: When, d: NoticeDraft, ctx: NoticeContext) -> None:
    if when.kind == "at":
        assert when.at is not None
        _check_at(when.at, d, ctx)
    elif when.kind == "series":
        assert when.days_before is not None
        _check_series(when.days_before, d, ctx)


def _when(d: NoticeDraft, value: str, typed: bool, ctx: NoticeContext) -> NoticeStep | None:
    when: When | None = None
    if not typed:
        if value == "at":
            return NoticeStep.WHEN_AT
        if value == "now":
            when = When(kind="now")
        else:
            when = When(kind="series", days_before=int(value.removeprefix("series:")))
    elif _is(value, NOW_WORDS):
        when = When(kind="now")
    elif (days := series_days(value)) is not None:
        when = When(kind="series", days_before=days)
    elif (at := parse_datetime(value, ctx, d.lang)) is not None:
        when = When(kind="at", at=at)
    elif _is(value, AT_WORDS):
        return NoticeStep.WHEN_AT
    else:
        raise _Reask(Later("nb_hint_when"))
    check_when(when, d, ctx)
    d.when = when
    return None


def _when_at(d: NoticeDraft, value: str, ctx: NoticeContext) -> None:
    at = parse_datetime(value, ctx, d.lang)
    if at is None:
        raise _Reask(Later("nb_hint_datetime"))
    when = When(kind="at", at=at)
    check_when(when, d, ctx)
    d.when = when


def _apply(
    d: NoticeDraft, value: str, typed: bool, ctx: NoticeContext
) -> tuple[NoticeStep | None, list[str]]:
    """Applies one answer to the current step: (explicit next step, notes)."""
    choices = prompt_for(d, ctx).choices
    number = option_number(value, len(choices)) if typed else None
    if number is not None:
        value, typed = choices[number - 1].value, False  # a typed number is a click
    if not typed and value not in {c.value for c in choices}:
        raise _Reask(Later("hint_choice"))
    if typed:
        label = _label(value, choices)
        if label is not None:
            value, typed = label, False
    match d.step:
        case NoticeStep.SOFTWARE:
            _software(d, value, typed, ctx)
        case NoticeStep.DATE:
            _date(d, value, ctx)
        case NoticeStep.LANGS:
            _langs(d, value, typed)
        case NoticeStep.MESSAGE:
            return _message(d, value, typed)
        case NoticeStep.RECIPIENTS:
            _recipients(d, value, typed, ctx)
        case NoticeStep.WHEN:
            return _when(d, value, typed, ctx), []
        case NoticeStep.WHEN_AT:
            _when_at(d, value, ctx)
        case NoticeStep.PREVIEW:
            raise AssertionError("the preview is answered by _preview")
    return None, []


def _label(text: str, choices: list[Choice]) -> str | None:
    """A choice typed by its label ("Now", "7 days before, and on the day")."""
    folded = fold(text)
    return next((c.value for c in choices if fold(c.label) == folded), None)


def _edit(d: NoticeDraft, step: NoticeStep) -> None:
    match step:
        case NoticeStep.SOFTWARE:
            d.software = None
        case NoticeStep.DATE:
            d.stop_date = None
        case NoticeStep.LANGS:
            d.langs = None
        case NoticeStep.MESSAGE:
            d.message_ok = False
        case NoticeStep.RECIPIENTS:
            d.recipients = None
        case NoticeStep.WHEN | NoticeStep.WHEN_AT:
            d.when = None
        case _:
            raise AssertionError(step)
    d.step = step


def _edit_request(text: str) -> str | None:
    """The part named after an edit verb ("edit message", "modifier la date", "修改时间");
    "" for an edit verb alone; None when the text asks no edit."""
    rest = after_verb(text, _EDIT_VERBS)
    if rest is None:
        return None
    return (match_choice(rest, _FIELDS) or "") if rest else ""


def _preview_pick(text: str, d: NoticeDraft, ctx: NoticeContext) -> str:
    offered = [c.value for c in prompt_for(d, ctx).choices]
    number = option_number(text, len(offered))
    if number is not None:
        return offered[number - 1]
    editing = _edit_request(text)
    if editing is not None:
        if editing and f"edit:{editing}" in offered:
            return f"edit:{editing}"
        fields = ", ".join(field_name(step, d.lang) for step in EDITABLE)
        raise _Reask(Later("nb_hint_edit", fields=fields))
    if _is(text, [*CONFIRM_WORDS, t(d.lang, "nb_c_confirm")]):
        return "confirm"
    raise _Reask(Later("hint_choice"))


def _confirm(d: NoticeDraft, ctx: NoticeContext) -> NoticeOutcome:
    """Everything is checked again: time has passed since each answer (a date or a time
    may be in the past now, a request may no longer be approved)."""
    assert d.stop_date is not None and d.when is not None and d.recipients is not None
    hints: list[Later] = []
    try:
        _date(d, d.stop_date.isoformat(), ctx)
        check_when(d.when, d, ctx)
    except _Reask as reask:
        d.when = None
        hints.append(reask.hint)
    try:
        _checked(d.recipients, ctx)
        if not resolve(d.recipients, ctx.broadcast, ctx.requests):
            raise _Reask(Later("nb_no_recipients"))
    except _Reask as reask:
        d.recipients = None
        hints.append(reask.hint)
    if hints:
        d.step = next_step(d)
        notes = [hint.say(d.lang) for hint in hints]
        return NoticeOutcome(d, notes, prompt_for(d, ctx), reasked=True)
    return NoticeOutcome(d, confirmed=True)


def _preview(d: NoticeDraft, value: str, typed: bool, ctx: NoticeContext) -> NoticeOutcome:
    try:
        choice = _preview_pick(value, d, ctx) if typed else value
    except _Reask as reask:
        return NoticeOutcome(d, [reask.hint.say(d.lang)], prompt_for(d, ctx), reasked=True)
    if choice == "cancel":
        return NoticeOutcome(None, [t(d.lang, "nb_abandoned")], abandoned=True)
    if choice == "confirm":
        return _confirm(d, ctx)
    editable = {f"edit:{step}": step for step in EDITABLE}
    if choice in editable:
        _edit(d, editable[choice])
        return NoticeOutcome(d, [], prompt_for(d, ctx))
    return NoticeOutcome(d, [t(d.lang, "hint_choice")], prompt_for(d, ctx), reasked=True)


def _answer(
    d: NoticeDraft, value: str, typed: bool, ctx: NoticeContext, now: datetime
) -> NoticeOutcome:
    d = _copy(d)
    d.updated_at = now
    if d.step is NoticeStep.PREVIEW:
        return _preview(d, value, typed, ctx)
    try:
        explicit, notes = _apply(d, value, typed, ctx)
    except _Reask as reask:
        return NoticeOutcome(d, [reask.hint.say(d.lang)], prompt_for(d, ctx), reasked=True)
    d.step = explicit or next_step(d)
    return NoticeOutcome(d, notes, prompt_for(d, ctx))


def on_text(d: NoticeDraft, text: str, ctx: NoticeContext, now: datetime) -> NoticeOutcome:
    """A typed message while the dialogue is open."""
    cleaned = clean(text)
    if fold(cleaned) in CANCEL_WORDS:
        return NoticeOutcome(None, [t(d.lang, "nb_abandoned")], abandoned=True)
    return _answer(d, cleaned, True, ctx, now)


def on_choice(
    d: NoticeDraft, step: str, value: str, ctx: NoticeContext, now: datetime
) -> NoticeOutcome:
    """A button click; `step` is the step the button was rendered for."""
    if step != d.step:
        return NoticeOutcome(d, [t(d.lang, "stale_button")], prompt_for(d, ctx))
    return _answer(d, value, False, ctx, now)


def offered(
    user: str,
    draft_id: str,
    lang: Lang,
    ctx: NoticeContext,
    *,
    software: str,
    stop_date: date,
    request: str,
) -> NoticeDraft:
    """The notice proposed to admins when a stop of software is approved: its users (the
    request's notify list, else the broadcast channels), a week ahead and on the day (or
    the day before and on the day, or now when the stop is that close), in the
    request's language; ready for the preview."""
    d = new_notice(user, draft_id, lang, ctx.now)
    d.software, d.stop_date, d.langs, d.message_ok, d.request = (
        software,
        stop_date,
        [lang],
        True,
        request,
    )
    facts = ctx.requests.get(request)
    d.recipients = (
        Recipients(requests=[request])
        if facts is not None and facts.notify
        else Recipients(broadcast=True)
    )
    d.when = When(kind="now")
    for days in (7, 1):
        try:
            _check_series(days, d, ctx)
        except _Reask:
            continue
        d.when = When(kind="series", days_before=days)
        break
    d.step = NoticeStep.PREVIEW
    return d
