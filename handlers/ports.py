"""What the handlers need from the outer ring, and nothing about how it is done.

The outer ring (bot/) implements these Protocols with Redis, files and the system
clock; the handlers are typed on them only, so they never import redis, read a file
or look at the wall clock. The values and errors below travel across the boundary.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, Protocol, TypeVar

from conversations.approval import Transition
from conversations.faq.kb import KnowledgeBase
from conversations.faq.matcher import Matcher
from conversations.model import AuditEntry, Lang, StopRequest
from handlers.events import Reply

T = TypeVar("T")

# -- values and errors shared with the outer ring ---------------------------------


@dataclass(frozen=True)
class DialogueWrite:
    """What a dialogue step wants done with the user's draft."""

    op: Literal["keep", "set", "delete"] = "keep"
    data: str = ""
    ttl: timedelta = timedelta(0)
    expires_at: datetime | None = None  # when the scheduler should tell the user it expired


KEEP = DialogueWrite()
DELETE = DialogueWrite(op="delete")

DialogueStep = Callable[[str | None], Awaitable[tuple[DialogueWrite, T]]]
"""Runs on the stored draft (JSON, or None when there is none) and says what to write."""

DueOf = Callable[[StopRequest], datetime | None]
"""When a request next needs the scheduler (a reminder, an escalation), or None."""

Announce = Callable[[Transition], list[Reply]]
"""What a transition tells people (handlers/announce.py): the store owes these replies
in the same atomic write as the transition, so none is lost if the process dies."""


@dataclass(frozen=True)
class Committed:
    """A transition as written, and the replies it tells: the owed ones carry their
    outbox id, and whoever delivers them settles that entry."""

    transition: Transition
    replies: list[Reply]


class StorageDown(RuntimeError):
    """Storage did not answer (connection refused, timeout, a server error). Nothing
    was changed by the call that raised it, or the change is unknown to have happened
    and the caller's next read will tell."""


class StorageBusy(RuntimeError):
    """Other writers kept changing the same record; we gave up rather than loop on."""


class RequestNotFound(LookupError):
    pass


NoticeState = Literal["scheduled", "running", "done", "cancelled"]


@dataclass(frozen=True)
class NoticeJob:
    """A shutdown notice to send: one message to every target, at `at`."""

    id: str  # NB-...
    text: str  # exactly what every target gets
    at: datetime
    created_by: str
    created_at: datetime
    software: str = ""
    stop_date: date | None = None
    langs: tuple[str, ...] = ()
    series: str = ""  # shared by the jobs of one series (N days before, and the day)
    request: str = ""  # the stop request it was offered for
    report_to: str = ""  # who is shown the progress and the final report
    report_lang: Lang = "en"  # ...in their language


@dataclass(frozen=True)
class NoticeStatus:
    job: NoticeJob
    state: NoticeState
    total: int
    sent: int
    failed: int
    # (target, reason) of targets refused for good; the first ones when there are many
    failures: list[tuple[str, str]] = field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def pending(self) -> int:
        """Neither sent nor failed: still to send, or (once cancelled) never sent."""
        return self.total - self.sent - self.failed


# -- ports --------------------------------------------------------------------------


class Clock(Protocol):
    """Injected time: the system clock in production, a settable one in tests, so that
    reminders, escalations and dialogue expiry are tested without sleeping."""

    def now(self) -> datetime: ...


class DraftStore(Protocol):
    """Each user's stop-request dialogue in progress, written only by compare-and-set."""

    async def run(self, user: str, step: DialogueStep[T]) -> T:
        """Runs `step` on the user's draft and applies the write it asks for only if
        nobody changed the draft meanwhile; otherwise runs it again on the new draft
        (StorageBusy after too many tries)."""
        ...

    async def load(self, user: str) -> str | None:
        """The stored draft, read fresh."""
        ...

    async def expiring(self, now: datetime, limit: int = 100) -> list[str]:
        """Users whose draft's idle timeout has passed, as far as the index knows."""
        ...

    async def expire_at(self, user: str, when: datetime | None) -> None:
        """Puts the user's entry in the expiry index right (None: remove it)."""
        ...


class RequestStore(Protocol):
    """Stop requests: each change is one atomic, versioned commit with its audit entry
    and its index entries."""

    async def create(
        self, t: Transition, due: datetime | None, announce: Announce
    ) -> tuple[StopRequest, Committed | None]:
        """Stores a new request with the replies `announce` gives for it; returns the
        stored request and, when this call created it, the commit. Idempotent on the id."""
        ...

    async def unlist(self, user: str, request_id: str) -> None: ...

    async def get(self, request_id: str) -> StopRequest | None: ...

    async def update(
        self,
        request_id: str,
        change: Callable[[StopRequest], Transition | None],
        due_of: DueOf,
        announce: Announce,
    ) -> Committed | None:
        """Applies `change` (which may refuse by returning None or raising) and commits
        it with a version check, and the replies `announce` gives for it, retrying on the
        current state when another writer got there first. RequestNotFound when there is
        no such request."""
        ...

    async def reschedule(self, request_id: str, due_of: DueOf) -> None:
        """Puts the request's due-index entry right, from the request as stored now."""
        ...

    async def of_user(self, user: str, limit: int = 20) -> list[StopRequest]: ...

    async def open(self, limit: int = 500) -> list[StopRequest]: ...

    async def due_ids(self, now: datetime, limit: int = 100) -> list[str]: ...

    async def history(self, request_id: str) -> list[AuditEntry]: ...


class NoticeJobs(Protocol):
    """Shutdown-notice jobs: each change (created, started, cancelled, done) is one
    atomic write with its audit entry."""

    async def create(self, job: NoticeJob, targets: Sequence[str]) -> bool:
        """Queues the job for these targets (each once); False when a job with this id
        exists already (nothing is changed: creating is idempotent on the id)."""
        ...

    async def status(self, job_id: str, failures: int = 20) -> NoticeStatus | None: ...

    async def recent(self, limit: int = 20) -> list[NoticeStatus]:
        """The latest jobs, newest first."""
        ...

    async def cancel(self, job_id: str, by: str, now: datetime) -> tuple[bool, NoticeStatus | None]:
        """Stops a scheduled or running job (targets already sent stay sent). Returns
        whether this call cancelled it, and the job as it is now (None: no such job)."""
        ...

    async def history(self, job_id: str) -> list[AuditEntry]: ...


class Marks(Protocol):
    """Small facts with a lifetime, shared by every process: an inbound event already
    handled, a user who looks at their home view."""

    async def mark(self, what: str, ttl_seconds: int) -> None: ...

    async def marked(self, what: str) -> bool: ...

    async def first_time(self, what: str, ttl_seconds: int) -> bool:
        """True the first time `what` is seen within the TTL, across every process."""
        ...


class FaqLog(Protocol):
    """What the FAQ remembers: each user's recent questions (for a human handoff) and
    the counters of the feedback report."""

    async def remember(self, user: str, entry: str, keep: int = 10) -> None: ...

    async def transcript(self, user: str) -> list[str]: ...

    async def count(self, field: str, by: int = 1) -> None: ...

    async def vote(self, user: str, topic: str, helpful: bool) -> bool:
        """Counts one vote per user, topic and day; False for a repeated vote."""
        ...

    async def stats(self) -> dict[str, int]: ...


class KnowledgeSource(Protocol):
    """The knowledge base in use and its matcher; reloading swaps both at once."""

    @property
    def matcher(self) -> Matcher: ...

    @property
    def kb(self) -> KnowledgeBase: ...

    async def reload(self) -> list[str]:
        """Loads the source again; returns its errors (empty when the new one is in use)."""
        ...
