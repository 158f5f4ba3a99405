"""Where a /shutdown-notice dialogue stands (its step and the answers so far), what
it is told about the world (the catalog, the broadcast channels, the stop requests it
names), what it replies, and which step comes next."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from conversations.model import Lang
from conversations.policy import CatalogItem
from conversations.stop_request.state import Prompt

MAX_MESSAGE = 3000  # characters per language; a notice is read, not scrolled
MIN_MESSAGE = 12  # shorter is a word meant for a button ("next", "confirm"), not a notice
MAX_TYPED_IDS = 500  # in chat; a longer list comes from a file on the command line
MAX_SERIES_DAYS = 60
LANGS: tuple[Lang, ...] = ("zh", "en", "fr")


class NoticeStep(StrEnum):
    SOFTWARE = "software"
    DATE = "date"
    LANGS = "langs"
    MESSAGE = "message"
    RECIPIENTS = "recipients"
    WHEN = "when"
    WHEN_AT = "when_at"  # "at a date and time" was picked: the date and time, typed
    PREVIEW = "preview"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Recipients(_Model):
    """Who gets the notice, as the admin named them; resolved to ids when it is queued."""

    broadcast: bool = False  # the policy's broadcast.channels
    requests: list[str] = Field(default_factory=list)  # approved stop requests: their notify lists
    ids: list[str] = Field(default_factory=list)


class When(_Model):
    kind: Literal["now", "at", "series"]
    at: datetime | None = None  # kind "at"
    days_before: int | None = None  # kind "series": that many days before, and the day


class NoticeDraft(_Model):
    user: str
    draft_id: str
    lang: Lang  # the dialogue's language (not the notice's)
    step: NoticeStep = NoticeStep.SOFTWARE
    software: str | None = None
    stop_date: date | None = None
    langs: list[Lang] | None = None
    # The texts the admin typed, by language; the others follow the template, so that a
    # changed date or software changes them too.
    texts: dict[Lang, str] = Field(default_factory=dict)
    message_ok: bool = False
    recipients: Recipients | None = None
    when: When | None = None
    request: str | None = None  # the approved stop request this notice was offered for
    started_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RequestFacts:
    """What the dialogue needs to know of a stop request named as recipients."""

    approved: bool
    notify: tuple[str, ...]


@dataclass(frozen=True)
class NoticeContext:
    now: datetime
    tz: tzinfo | None
    catalog: Sequence[CatalogItem] = ()
    broadcast: Sequence[str] = ()
    series_time: time = time(9, 0)
    contact: str = ""  # whom the template tells people to ask, when the software has no owner
    # The stop requests named in the text being answered (or already chosen), looked up
    # by the caller beforehand: the engine does no I/O. Absent: no such request.
    requests: Mapping[str, RequestFacts] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


@dataclass
class NoticeOutcome:
    state: NoticeDraft | None
    notes: list[str] = field(default_factory=list)
    prompt: Prompt | None = None
    confirmed: bool = False
    abandoned: bool = False
    reasked: bool = False


def new_notice(user: str, draft_id: str, lang: Lang, now: datetime) -> NoticeDraft:
    return NoticeDraft(user=user, draft_id=draft_id, lang=lang, started_at=now, updated_at=now)


def next_step(d: NoticeDraft) -> NoticeStep:
    if d.software is None:
        return NoticeStep.SOFTWARE
    if d.stop_date is None:
        return NoticeStep.DATE
    if d.langs is None:
        return NoticeStep.LANGS
    if not d.message_ok:
        return NoticeStep.MESSAGE
    if d.recipients is None:
        return NoticeStep.RECIPIENTS
    if d.when is None:
        return NoticeStep.WHEN
    return NoticeStep.PREVIEW
