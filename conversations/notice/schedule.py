"""When a notice goes out: now, at a date and time the admin types ("2026-12-01 09:00",
"tomorrow 14:30", "demain 9h", "明天 9:00"), or a series (N days before the stop, and
the day itself, at the policy's time of day). Times are the company's (the context's
time zone)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, tzinfo

from conversations.dates import parse_date
from conversations.i18n import t
from conversations.long_date import long_date
from conversations.model import Lang
from conversations.notice.state import NoticeContext, When

# A time of day at the end of what was typed: 9:00, 09h30, 9h, 9 am, 9点, 9点30分, 下午3点.
_TIME = re.compile(
    r"(?P<half>上午|早上|下午|晚上)?\s*(?P<h>\d{1,2})"
    r"(?:\s*(?P<sep>[:h点时])\s*(?P<m>\d{2})?\s*分?)?\s*(?P<ampm>am|pm)?$"
)
# Each character is read by one alternative only: a repeated group holding a
# quantifier ("(?:[\s,]+|…)+") backtracks exponentially on ", , , , x".
_BEFORE_TIME = re.compile(r"(?:[\s,]|\b(?:at|a|vers|le)\b|在)+$")
# "7 days before", "7 jours avant", "提前7天", "7天前", "series 7", "série de 7 jours".
_SERIES = re.compile(
    r"^(?:(?:series|serie|系列)\s*(?:of|de)?\s*)?(?:提前\s*)?(?P<n>\d{1,3})\s*"
    r"(?:days?|jours?|天|日)?\s*(?:before|avant|前|提前)?(?:\s*(?:and|et|和)?\s*"
    r"(?:on\s+the\s+day|the\s+day|le\s+jour\s+meme|当天))?$"
)
# Anything typed within a minute of now counts as now: "09:00" typed at 09:00:30.
GRACE = timedelta(minutes=1)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().strip()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text)


def local(naive: datetime, tz: tzinfo | None) -> datetime:
    """A wall-clock time in the company's time zone (the system's when it has none)."""
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()


def parse_datetime(text: str, ctx: NoticeContext, lang: Lang) -> datetime | None:
    """A date and a time of day, or a time alone (today); None when not understood."""
    text = _norm(text)
    if not text or len(text) > 100:
        return None
    try:
        iso = datetime.fromisoformat(text.upper())
    except ValueError:
        iso = None
    if iso is not None:
        if iso.tzinfo is None:
            return local(iso, ctx.tz) if "T" in text.upper() or " " in text else None
        return iso
    found = _TIME.search(text)
    if found is None or (found["sep"] is None and found["ampm"] is None and found["half"] is None):
        return None
    hour, minute = int(found["h"]), int(found["m"] or 0)
    if found["ampm"] == "pm" or found["half"] in ("下午", "晚上"):
        hour += 12 if hour < 12 else 0
    elif found["ampm"] == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    head = _BEFORE_TIME.sub("", text[: found.start()]).strip()
    day = ctx.today if not head else parse_date(head, ctx.today, lang)
    if day is None:
        return None
    return local(datetime.combine(day, time(hour, minute)), ctx.tz)


def series_days(text: str) -> int | None:
    """The N of "N days before (and on the day)", in any of the three languages."""
    found = _SERIES.match(_norm(text))
    return int(found["n"]) if found is not None else None


def occurrences(when: When, stop_date: date, ctx: NoticeContext) -> list[datetime]:
    """When each notice of this plan goes out."""
    if when.kind == "now":
        return [ctx.now]
    if when.kind == "at":
        assert when.at is not None
        return [when.at]
    assert when.days_before is not None
    days = [stop_date - timedelta(days=when.days_before), stop_date]
    return [local(datetime.combine(d, ctx.series_time), ctx.tz) for d in days]


def said(at: datetime, lang: Lang, tz: tzinfo | None) -> str:
    """A moment in words, with its weekday: "Friday 4 December 2026 09:00"."""
    moment = at.astimezone(tz)
    return f"{long_date(moment.date(), lang)} {moment:%H:%M}"


def describe(when: When, stop_date: date, ctx: NoticeContext, lang: Lang) -> str:
    if when.kind == "now":
        return t(lang, "nb_v_now")
    moments = occurrences(when, stop_date, ctx)
    if when.kind == "at":
        return t(lang, "nb_v_at", at=said(moments[0], lang, ctx.tz))
    dates = "; ".join(said(m, lang, ctx.tz) for m in moments)
    return t(lang, "nb_v_series", count=len(moments), dates=dates)
