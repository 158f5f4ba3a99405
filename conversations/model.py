"""What a stop request is: the answers a requester gives and the request's run
through its approval stages. Pure data, serialised as JSON into storage."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["en", "zh", "fr"]
LANGS: tuple[Lang, ...] = ("en", "zh", "fr")
ApprovalMode = Literal["any", "all"]  # one approver is enough, or every approver must agree


class TargetKind(StrEnum):
    OWN_ACCOUNT = "own_account"
    SOFTWARE = "software"
    OTHER = "other"


# How a dialogue's target is written as a choice value (in buttons, and in the FAQ's
# "start a request for CRM" offer): TargetKind values, or "sw:" and a catalog name.
_SOFTWARE = "sw:"


def software_choice(name: str) -> str:
    return f"{_SOFTWARE}{name}"


def software_of(choice: str) -> str | None:
    """The catalog name a choice value names, or None when it is not software."""
    return choice[len(_SOFTWARE) :] if choice.startswith(_SOFTWARE) else None


class Reason(StrEnum):
    NOT_NEEDED = "not_needed"
    TOO_EXPENSIVE = "too_expensive"
    ALTERNATIVE = "alternative"
    SECURITY = "security"
    OTHER = "other"


class Backup(StrEnum):
    DONE = "done"
    NOT_YET = "not_yet"
    NOT_NEEDED = "not_needed"


class Linked(StrEnum):
    MAILBOX = "mailbox"
    FILES = "files"
    INTEGRATIONS = "integrations"
    SSO = "sso"


class Billing(StrEnum):
    REFUND = "refund"  # cancel now, ask for the prorated refund
    END_OF_TERM = "end_of_term"  # let the paid period run out, stop renewal
    UNSURE = "unsure"
    NOT_PAID = "not_paid"


class Compliance(StrEnum):
    KEEP = "keep"
    NONE = "none"
    UNKNOWN = "unknown"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Target(_Model):
    kind: TargetKind
    name: str
    paid: bool = False


class Answers(_Model):
    """Answers collected by the dialogue; every field is optional while drafting."""

    target: Target | None = None
    reason: Reason | None = None
    reason_text: str | None = None
    stop_date: date | None = None
    backup: Backup | None = None
    linked: list[Linked] | None = None
    billing: Billing | None = None
    compliance: Compliance | None = None
    notify: list[str] | None = None

    def is_paid(self) -> bool:
        """Money is involved: paid catalog software, or something the requester says is billed."""
        if self.target is None:
            return False
        if self.target.kind is TargetKind.SOFTWARE:
            return self.target.paid
        if self.target.kind is TargetKind.OTHER:
            return self.billing not in (None, Billing.NOT_PAID)
        return False


class Step(StrEnum):
    """The dialogue's questions, then its summary. Kept with the answers they fill, below
    the dialogue, so that the texts can be keyed on them."""

    TARGET = "target"
    TARGET_OTHER = "target_other"
    REASON = "reason"
    REASON_TEXT = "reason_text"
    WHEN = "when"
    BACKUP = "backup"
    LINKED = "linked"
    BILLING = "billing"
    COMPLIANCE = "compliance"
    NOTIFY = "notify"
    SUMMARY = "summary"


class RiskFlag(StrEnum):
    NO_BACKUP = "no_backup"
    COMPLIANCE_UNKNOWN = "compliance_unknown"
    RECORDS_TO_KEEP = "records_to_keep"
    NO_REFUND_PLAN = "no_refund_plan"
    LINKED_SERVICES = "linked_services"
    SECURITY = "security"
    SHORT_NOTICE = "short_notice"


def risk_flags(answers: Answers, today: date) -> list[RiskFlag]:
    """What an approver should look at twice, derived from the checklist."""
    flags: list[RiskFlag] = []
    if answers.reason is Reason.SECURITY:
        flags.append(RiskFlag.SECURITY)
    if answers.backup is Backup.NOT_YET:
        flags.append(RiskFlag.NO_BACKUP)
    if answers.compliance is Compliance.UNKNOWN:
        flags.append(RiskFlag.COMPLIANCE_UNKNOWN)
    elif answers.compliance is Compliance.KEEP:
        flags.append(RiskFlag.RECORDS_TO_KEEP)
    if answers.is_paid() and answers.billing in (None, Billing.UNSURE):
        flags.append(RiskFlag.NO_REFUND_PLAN)
    if answers.linked:
        flags.append(RiskFlag.LINKED_SERVICES)
    if answers.stop_date is not None and (answers.stop_date - today).days < 3:
        flags.append(RiskFlag.SHORT_NOTICE)
    return flags


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class StageStatus(StrEnum):
    WAITING = "waiting"  # a later stage, not yet reached
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # the request was withdrawn or rejected before this stage ended


class Vote(_Model):
    by: str
    at: datetime


class Delegation(_Model):
    by: str
    to: str
    reason: str
    at: datetime


class StageRun(_Model):
    """One approval stage of one request, snapshotted from the policy at submission
    so that editing the policy never changes who approves a request in flight."""

    name: str
    approvers: list[str]
    channel: str
    mode: ApprovalMode = "any"
    fallback_approvers: list[str] = Field(default_factory=list)
    status: StageStatus = StageStatus.WAITING
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    votes: list[Vote] = Field(default_factory=list)
    delegations: list[Delegation] = Field(default_factory=list)
    rejected_by: str | None = None
    reason: str | None = None
    reminded_at: datetime | None = None
    escalated_at: datetime | None = None

    def may_act(self, user: str) -> bool:
        return user in self.approvers

    def has_voted(self, user: str) -> bool:
        return any(v.by == user for v in self.votes)

    def missing_votes(self) -> list[str]:
        return [a for a in self.approvers if not self.has_voted(a)]


class StopRequest(_Model):
    id: str
    requester: str
    lang: Lang = "en"
    created_at: datetime
    answers: Answers
    status: RequestStatus = RequestStatus.PENDING
    stages: list[StageRun]
    current: int = 0
    closed_at: datetime | None = None

    @property
    def stage(self) -> StageRun | None:
        if self.status is not RequestStatus.PENDING or not self.stages:
            return None
        return self.stages[self.current]

    @property
    def target_name(self) -> str:
        return self.answers.target.name if self.answers.target else "?"


class AuditEntry(_Model):
    """One line of a request's append-only history."""

    at: datetime
    actor: str
    action: str
    stage: str = ""
    detail: str = ""
