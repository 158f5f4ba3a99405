"""What every handler needs, built once by the composition root (bot/app.py) from the
outer ring's implementations of the ports."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from conversations import approval
from conversations.model import StopRequest
from conversations.policy import Policy
from handlers.ports import (
    Clock,
    DraftStore,
    FaqLog,
    KnowledgeSource,
    NoticeJobs,
    RequestStore,
)

# Crockford's base32 without the look-alikes, so ids survive being read aloud or retyped.
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _random_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


def new_request_id() -> str:
    return "SR-" + _random_id()


def new_notice_id() -> str:
    """A shutdown-notice job's id; the jobs of a series add "-1", "-2"... to theirs."""
    return "NB-" + _random_id()


@dataclass
class Services:
    drafts: DraftStore
    requests: RequestStore
    faq_log: FaqLog
    policy: Policy
    clock: Clock
    faq: KnowledgeSource
    notices: NoticeJobs
    notice_drafts: DraftStore  # admins' /shutdown-notice dialogues in progress
    tz: tzinfo | None = None

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """Today where the company is: a stop date of 'tomorrow' must not depend on UTC."""
        return self.clock.now().astimezone(self.tz).date()

    @property
    def idle_timeout(self) -> timedelta:
        return self.policy.dialogue.idle_timeout

    def due_of(self, req: StopRequest) -> datetime | None:
        a = self.policy.approval
        return approval.next_due(req, a.remind_after, a.escalate_after)

    def when(self, at: datetime) -> str:
        return at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
