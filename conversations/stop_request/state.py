"""Where a stop-request dialogue stands (its step and the answers so far), what it
replies, and which step comes next."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from conversations.faq.matcher import Match
from conversations.model import Answers, Lang, Linked, Reason, Step, TargetKind
from conversations.policy import CatalogItem

MAX_TEXT = 300
MAX_NOTIFY = 10


class DialogueState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str
    draft_id: str
    lang: Lang
    step: Step = Step.TARGET
    answers: Answers = Field(default_factory=Answers)
    linked_pick: list[Linked] = Field(default_factory=list)
    started_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    style: str | None = None  # "primary" / "danger", a rendering hint


@dataclass
class Prompt:
    text: str
    choices: list[Choice] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Outcome:
    state: DialogueState | None
    notes: list[str] = field(default_factory=list)
    prompt: Prompt | None = None
    submit: bool = False
    abandoned: bool = False
    reasked: bool = False  # the answer was not valid for the step, which is asked again
    # A question the FAQ answers, asked instead of an answer: the caller gives the FAQ's
    # answer, then the same step again (`prompt`); the draft is unchanged.
    faq: Match | None = None


# The FAQ matcher's reading of a question, in the dialogue's language when unsure.
FaqLookup = Callable[[str, Lang], Match]


@dataclass(frozen=True)
class Context:
    today: date
    catalog: Sequence[CatalogItem] = ()
    faq: FaqLookup | None = None  # None: no detours into the FAQ (a dialogue on its own)
    # The language the platform says the user reads (a Slack locale), when it says one:
    # the dialogue then speaks it whatever the user types.
    locale: Lang | None = None


def new_dialogue(user: str, draft_id: str, lang: Lang, now: datetime) -> DialogueState:
    return DialogueState(user=user, draft_id=draft_id, lang=lang, started_at=now, updated_at=now)


def needs_billing(a: Answers) -> bool:
    """Paid catalog software, or something outside the catalog that may be billed."""
    if a.target is None:
        return False
    return a.target.kind is TargetKind.OTHER or (
        a.target.kind is TargetKind.SOFTWARE and a.target.paid
    )


def next_step(a: Answers) -> Step:
    if a.target is None:
        return Step.TARGET
    if a.reason is None:
        return Step.REASON
    if a.reason is Reason.OTHER and not a.reason_text:
        return Step.REASON_TEXT
    if a.stop_date is None:
        return Step.WHEN
    if a.backup is None:
        return Step.BACKUP
    if a.linked is None:
        return Step.LINKED
    if needs_billing(a) and a.billing is None:
        return Step.BILLING
    if a.compliance is None:
        return Step.COMPLIANCE
    if a.notify is None:
        return Step.NOTIFY
    return Step.SUMMARY
