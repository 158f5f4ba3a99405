"""What every handler needs, built once by the composition root."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from bot.clock import Clock, local_today
from bot.storage.store import Store
from conversations.policy import Policy

if TYPE_CHECKING:
    from handlers.faq import KnowledgeSource
from conversations import approval
from conversations.model import StopRequest

# Crockford's base32 without the look-alikes, so ids survive being read aloud or retyped.
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_request_id() -> str:
    return "SR-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


@dataclass
class Services:
    store: Store
    policy: Policy
    clock: Clock
    tz: tzinfo | None = None
    faq: KnowledgeSource | None = None

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return local_today(self.clock, self.tz)

    @property
    def idle_timeout(self) -> timedelta:
        return self.policy.dialogue.idle_timeout

    def due_of(self, req: StopRequest) -> datetime | None:
        a = self.policy.approval
        return approval.next_due(req, a.remind_after, a.escalate_after)

    def when(self, at: datetime) -> str:
        return at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
