"""What the admin who sent a shutdown notice sees while it goes out: one message,
rewritten at most every few seconds (sent, failed, pending, rate, time left), then a
final report with every target that was refused and why."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from conversations.durations import format_duration
from conversations.i18n import t
from conversations.notice import count_recipients
from handlers import card_keys
from handlers.events import Message, Post, Reply, UpdateCard
from handlers.notices import failures
from handlers.ports import NoticeStatus

_FAILURES_LISTED = 50


def _rate(st: NoticeStatus, now: datetime) -> float:
    """Targets settled per second since the job started."""
    if st.started_at is None:
        return 0.0
    elapsed = (now - st.started_at).total_seconds()
    return (st.sent + st.failed) / elapsed if elapsed > 0 else 0.0


def progress(st: NoticeStatus, now: datetime) -> Message:
    lang = st.job.report_lang
    rate = _rate(st, now)
    if rate == 0:
        return Message(
            text=t(
                lang,
                "nb_progress_starting",
                id=st.job.id,
                software=st.job.software or "-",
                total=count_recipients(st.total, lang),
            )
        )
    left = timedelta(seconds=round(st.pending / rate)) if rate > 0 else None
    text = t(
        lang,
        "nb_progress",
        rate=f"{rate:.1f}",
        eta=format_duration(left) if left is not None else "?",
        **_counts(st),
    )
    return Message(text=text)


def _counts(st: NoticeStatus) -> dict[str, object]:
    """What every progress line says: the job, and where its targets stand."""
    return dict(
        id=st.job.id,
        software=st.job.software or "-",
        sent=st.sent,
        failed=st.failed,
        pending=st.pending,
        total=st.total,
    )


def started(st: NoticeStatus, now: datetime) -> list[Reply]:
    """The progress message, posted when the job starts."""
    if not st.job.report_to:
        return []
    key = card_keys.notice_progress(st.job.id)
    return [Post(to=st.job.report_to, key=key, message=progress(st, now))]


def update(st: NoticeStatus, now: datetime) -> list[Reply]:
    if not st.job.report_to:
        return []
    key = card_keys.notice_progress(st.job.id)
    return [UpdateCard(key=key, channel=st.job.report_to, message=progress(st, now))]


def final(st: NoticeStatus) -> list[Reply]:
    """The progress message's last state, and the report: a new message, so that the
    admin is notified, with each target that was refused and why."""
    if not st.job.report_to:
        return []
    lang = st.job.report_lang
    params = _counts(st)
    if st.state == "cancelled":
        line = t(lang, "nb_progress_cancelled", **params)
    else:
        took = (st.finished_at or st.job.at) - (st.started_at or st.job.at)
        # Whole seconds, rounded up: "in 1s", not "in 0.003s".
        seconds = timedelta(seconds=max(1, math.ceil(took.total_seconds())))
        line = t(lang, "nb_progress_done", took=format_duration(seconds), **params)
    listed = NoticeStatus(**{**st.__dict__, "failures": st.failures[:_FAILURES_LISTED]})
    key = card_keys.notice_progress(st.job.id)
    return [
        UpdateCard(key=key, channel=st.job.report_to, message=Message(text=line)),
        Post(to=st.job.report_to, message=Message(text="\n".join([line, *failures(listed, lang)]))),
    ]
