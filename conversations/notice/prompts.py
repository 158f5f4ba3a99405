"""What the notice dialogue says: each step's question and choices, and the preview's
fields. The notice itself is shown by the caller, exactly as recipients will get it."""

from __future__ import annotations

from conversations.i18n import listing, t
from conversations.long_date import long_date
from conversations.model import Lang
from conversations.notice.message import notice_text
from conversations.notice.recipients import resolve
from conversations.notice.schedule import GRACE, occurrences
from conversations.notice.schedule import describe as describe_when
from conversations.notice.state import (
    NoticeContext,
    NoticeDraft,
    NoticeStep,
    Recipients,
    When,
)
from conversations.stop_request.state import Choice, Prompt

EDITABLE = [
    NoticeStep.SOFTWARE,
    NoticeStep.DATE,
    NoticeStep.LANGS,
    NoticeStep.MESSAGE,
    NoticeStep.RECIPIENTS,
    NoticeStep.WHEN,
]
SERIES_OFFERED = (7, 1)  # the series offered as buttons; any other N can be typed
_SHOWN_IDS = 5


def field_name(step: NoticeStep, lang: Lang) -> str:
    match step:
        case NoticeStep.SOFTWARE:
            return t(lang, "nb_f_software")
        case NoticeStep.DATE:
            return t(lang, "nb_f_date")
        case NoticeStep.LANGS:
            return t(lang, "nb_f_langs")
        case NoticeStep.MESSAGE:
            return t(lang, "nb_f_message")
        case NoticeStep.RECIPIENTS:
            return t(lang, "nb_f_recipients")
        case NoticeStep.WHEN | NoticeStep.WHEN_AT:
            return t(lang, "nb_f_when")
    raise AssertionError(step)


def lang_name(code: Lang, lang: Lang) -> str:
    match code:
        case "en":
            return t(lang, "nb_lang_en")
        case "zh":
            return t(lang, "nb_lang_zh")
    return t(lang, "nb_lang_fr")


def series_possible(days: int, d: NoticeDraft, ctx: NoticeContext) -> bool:
    assert d.stop_date is not None
    first = occurrences(When(kind="series", days_before=days), d.stop_date, ctx)[0]
    return first >= ctx.now - GRACE


def _when_choices(d: NoticeDraft, ctx: NoticeContext) -> list[Choice]:
    lang = d.lang
    choices = [Choice("now", t(lang, "nb_c_now"))]
    for days in SERIES_OFFERED:
        if series_possible(days, d, ctx):
            label = t(lang, "nb_c_series_1") if days == 1 else t(lang, "nb_c_series", days=days)
            choices.append(Choice(f"series:{days}", label))
    choices.append(Choice("at", t(lang, "nb_c_at")))
    return choices


def prompt_for(d: NoticeDraft, ctx: NoticeContext) -> Prompt:
    lang = d.lang
    match d.step:
        case NoticeStep.SOFTWARE:
            choices = [Choice(item.name, item.name) for item in ctx.catalog]
            return Prompt(t(lang, "nb_q_software"), choices)
        case NoticeStep.DATE:
            return Prompt(t(lang, "nb_q_date", software=d.software or "-"))
        case NoticeStep.LANGS:
            choices = [Choice(code, lang_name(code, lang)) for code in ("en", "zh", "fr")]
            choices.append(Choice("zh,en", t(lang, "nb_c_zh_en")))
            choices.append(Choice("zh,en,fr", t(lang, "nb_c_all_langs")))
            return Prompt(t(lang, "nb_q_langs"), choices)
        case NoticeStep.MESSAGE:
            choices = [Choice("keep", t(lang, "nb_c_keep"), "primary")]
            if d.texts:
                choices.append(Choice("reset", t(lang, "nb_c_reset")))
            text = t(lang, "nb_q_message") + "\n\n" + notice_text(d, ctx)
            return Prompt(text, choices)
        case NoticeStep.RECIPIENTS:
            channels = ", ".join(ctx.broadcast[:_SHOWN_IDS]) or "-"
            if len(ctx.broadcast) > _SHOWN_IDS:
                channels += ", ..."
            choices = (
                [Choice("broadcast", t(lang, "nb_c_broadcast", count=len(ctx.broadcast)))]
                if ctx.broadcast
                else []
            )
            return Prompt(t(lang, "nb_q_recipients", channels=channels), choices)
        case NoticeStep.WHEN:
            return Prompt(t(lang, "nb_q_when"), _when_choices(d, ctx))
        case NoticeStep.WHEN_AT:
            return Prompt(t(lang, "nb_q_when_at"))
        case NoticeStep.PREVIEW:
            edits = [
                Choice(f"edit:{step}", t(lang, "c_edit", field=field_name(step, lang)))
                for step in EDITABLE
            ]
            choices = [
                Choice("confirm", t(lang, "nb_c_confirm"), "primary"),
                *edits,
                Choice("cancel", t(lang, "c_cancel"), "danger"),
            ]
            return Prompt(t(lang, "nb_q_preview"), choices, describe(d, ctx))
    raise AssertionError(d.step)


def count_recipients(count: int, lang: Lang) -> str:
    """ "1 recipient", "3 recipients": a number of recipients said in a sentence."""
    return t(lang, "nb_one_recipient") if count == 1 else t(lang, "nb_n_recipients", count=count)


def describe_recipients(r: Recipients, ctx: NoticeContext, lang: Lang) -> str:
    every = resolve(r, ctx.broadcast, ctx.requests)
    count = count_recipients(len(every), lang)
    names = [t(lang, "nb_v_broadcast")] if r.broadcast else []
    names += [t(lang, "nb_v_request", id=rid) for rid in r.requests]
    names += r.ids[:_SHOWN_IDS]
    more = len(r.ids) - _SHOWN_IDS
    if more > 0:
        return t(lang, "nb_v_recipients_more", count=count, names=listing(lang, names), more=more)
    return t(lang, "nb_v_recipients", count=count, names=listing(lang, names))


def describe(d: NoticeDraft, ctx: NoticeContext) -> list[tuple[str, str]]:
    """The answers as (field, value) lines for the preview card."""
    lang = d.lang
    rows = [
        (field_name(NoticeStep.SOFTWARE, lang), d.software or "-"),
        (
            field_name(NoticeStep.DATE, lang),
            long_date(d.stop_date, lang) if d.stop_date else "-",
        ),
        (
            field_name(NoticeStep.LANGS, lang),
            listing(lang, (lang_name(code, lang) for code in d.langs or [])) or "-",
        ),
    ]
    if d.recipients is not None:
        rows.append(
            (field_name(NoticeStep.RECIPIENTS, lang), describe_recipients(d.recipients, ctx, lang))
        )
    if d.when is not None and d.stop_date is not None:
        rows.append(
            (field_name(NoticeStep.WHEN, lang), describe_when(d.when, d.stop_date, ctx, lang))
        )
    return rows
