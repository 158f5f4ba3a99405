"""The notice itself: the localised template (what stops and when, with its weekday;
what to back up; whom to ask), the texts the admin typed instead, and the one message
every recipient gets, in every language chosen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from conversations.i18n import t
from conversations.long_date import long_date
from conversations.model import Lang
from conversations.notice.state import NoticeContext, NoticeDraft

# Between the languages of one notice: recipients are channels, whose members do not
# share one language, so every language chosen is in the one message.
SEPARATOR = "\n\n———\n\n"


def contact_for(software: str, ctx: NoticeContext) -> str:
    """Whom people are told to ask: the software's owner, else the policy's support
    channel (or first admin), as the caller put it in the context."""
    item = next((i for i in ctx.catalog if i.name == software), None)
    return item.owner if item is not None and item.owner else ctx.contact


def template(lang: Lang, software: str, stop_date: date, contact: str) -> str:
    return t(
        lang,
        "nb_template",
        software=software,
        date=long_date(stop_date, lang),
        contact=contact or "IT",
    )


def texts(d: NoticeDraft, ctx: NoticeContext) -> dict[Lang, str]:
    """The text in each language chosen: the one typed, else the template's."""
    assert d.software is not None and d.stop_date is not None
    contact = contact_for(d.software, ctx)
    return {
        lang: d.texts.get(lang) or template(lang, d.software, d.stop_date, contact)
        for lang in d.langs or [d.lang]
    }


def join(parts: Sequence[str]) -> str:
    return SEPARATOR.join(parts)


def notice_text(d: NoticeDraft, ctx: NoticeContext) -> str:
    """The message exactly as every recipient gets it."""
    return join(list(texts(d, ctx).values()))
