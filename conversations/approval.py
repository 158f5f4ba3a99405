"""The approval engine: a stop request's way through its stages.

Every function takes the request as it was read, returns the request as it must
be written plus one audit entry and the effects to tell people about, and never
touches storage. Storage commits the result with a version check; a caller that
loses a race reads the request again and calls the function again, so the rules
here are the only place that decides who may do what.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from conversations.ids import is_identity
from conversations.model import (
    Answers,
    AuditEntry,
    Delegation,
    Lang,
    RequestStatus,
    StageRun,
    StageStatus,
    StopRequest,
    Vote,
)
from conversations.policy import Stage


class Deny(StrEnum):
    NOT_PENDING = "not_pending"  # the request is already approved, rejected or withdrawn
    STALE_CARD = "stale_card"  # the card is for a stage that is no longer open
    SELF_APPROVAL = "self_approval"
    NOT_APPROVER = "not_approver"
    ALREADY_VOTED = "already_voted"
    REASON_REQUIRED = "reason_required"
    BAD_DELEGATE = "bad_delegate"
    NOT_REQUESTER = "not_requester"


class Denied(Exception):
    def __init__(self, code: Deny) -> None:
        super().__init__(code.value)
        self.code = code


class EffectKind(StrEnum):
    STAGE_OPENED = "stage_opened"  # post the stage's approval card
    STAGE_CLOSED = "stage_closed"  # rewrite the stage's card with its outcome
    VOTE_RECORDED = "vote_recorded"  # an "all" stage got one more approval
    DELEGATED = "delegated"
    FINISHED = "finished"  # the request reached approved / rejected / withdrawn
    REMINDED = "reminded"
    ESCALATED = "escalated"


@dataclass(frozen=True)
class Effect:
    kind: EffectKind
    stage: int | None = None


@dataclass
class Transition:
    request: StopRequest
    audit: AuditEntry
    effects: list[Effect] = field(default_factory=list)


def _clone(req: StopRequest) -> StopRequest:
    # pydantic-core round trip: several times faster than copy.deepcopy of the model.
    return StopRequest.model_validate(req.model_dump())


def submit(
    *,
    request_id: str,
    requester: str,
    lang: Lang,
    answers: Answers,
    stages: Sequence[Stage],
    admins: Sequence[str],
    now: datetime,
) -> Transition:
    paid = answers.is_paid()
    runs: list[StageRun] = []
    for tpl in stages:
        if not tpl.applies(paid):
            continue
        # Nobody approves their own request: drop the requester from the stage,
        # falling back to the stage's fallback approvers, then to the admins.
        approvers = [a for a in tpl.approvers if a != requester]
        fallback = [a for a in tpl.fallback_approvers if a != requester]
        if not approvers:
            approvers = fallback or [a for a in admins if a != requester]
        runs.append(
            StageRun(
                name=tpl.name,
                approvers=approvers,
                channel=tpl.channel,
                mode=tpl.mode,
                fallback_approvers=fallback,
            )
        )
    req = StopRequest(
        id=request_id,
        requester=requester,
        lang=lang,
        created_at=now,
        answers=answers,
        stages=runs,
    )
    audit = AuditEntry(at=now, actor=requester, action="submitted", detail=req.target_name)
    if not runs:
        req.status = RequestStatus.APPROVED
        req.closed_at = now
        return Transition(req, audit, [Effect(EffectKind.FINISHED)])
    _open(req.stages[0], now)
    return Transition(req, audit, [Effect(EffectKind.STAGE_OPENED, 0)])


def _open(stage: StageRun, now: datetime) -> None:
    stage.status = StageStatus.OPEN
    stage.opened_at = now


def _may_act(stage: StageRun, user: str) -> bool:
    if stage.may_act(user):
        return True
    return stage.escalated_at is not None and user in stage.fallback_approvers


def _check_actor(req: StopRequest, stage_index: int, actor: str) -> StageRun:
    if req.status is not RequestStatus.PENDING:
        raise Denied(Deny.NOT_PENDING)
    if stage_index != req.current:
        raise Denied(Deny.STALE_CARD)
    if actor == req.requester:
        raise Denied(Deny.SELF_APPROVAL)
    stage = req.stages[req.current]
    if not _may_act(stage, actor):
        raise Denied(Deny.NOT_APPROVER)
    return stage


def approve(req: StopRequest, stage_index: int, actor: str, now: datetime) -> Transition:
    new = _clone(req)
    stage = _check_actor(new, stage_index, actor)
    if stage.has_voted(actor):
        raise Denied(Deny.ALREADY_VOTED)
    stage.votes.append(Vote(by=actor, at=now))
    is_fallback = actor not in stage.approvers
    if stage.mode == "all" and not is_fallback and stage.missing_votes():
        audit = AuditEntry(at=now, actor=actor, action="vote", stage=stage.name)
        return Transition(new, audit, [Effect(EffectKind.VOTE_RECORDED, stage_index)])
    stage.status = StageStatus.APPROVED
    stage.closed_at = now
    effects = [Effect(EffectKind.STAGE_CLOSED, stage_index)]
    audit = AuditEntry(at=now, actor=actor, action="approved", stage=stage.name)
    if new.current + 1 < len(new.stages):
        new.current += 1
        _open(new.stages[new.current], now)
        effects.append(Effect(EffectKind.STAGE_OPENED, new.current))
    else:
        new.status = RequestStatus.APPROVED
        new.closed_at = now
        effects.append(Effect(EffectKind.FINISHED))
    return Transition(new, audit, effects)


def reject(
    req: StopRequest, stage_index: int, actor: str, reason: str, now: datetime
) -> Transition:
    new = _clone(req)
    stage = _check_actor(new, stage_index, actor)
    if not reason.strip():
        raise Denied(Deny.REASON_REQUIRED)
    if stage.has_voted(actor):
        # In an "all" stage an approval is final, as in a DingTalk 会签: whoever has
        # approved cannot reject the same stage afterwards.
        raise Denied(Deny.ALREADY_VOTED)
    stage.status = StageStatus.REJECTED
    stage.closed_at = now
    stage.rejected_by = actor
    stage.reason = reason
    _cancel_later_stages(new, now)
    new.status = RequestStatus.REJECTED
    new.closed_at = now
    audit = AuditEntry(at=now, actor=actor, action="rejected", stage=stage.name, detail=reason)
    return Transition(
        new, audit, [Effect(EffectKind.STAGE_CLOSED, stage_index), Effect(EffectKind.FINISHED)]
    )


def delegate(
    req: StopRequest, stage_index: int, actor: str, to: str, reason: str, now: datetime
) -> Transition:
    """Hands the actor's place in the stage to someone else (转交)."""
    new = _clone(req)
    stage = _check_actor(new, stage_index, actor)
    if not reason.strip():
        raise Denied(Deny.REASON_REQUIRED)
    if not is_identity(to) or to in (actor, new.requester) or _may_act(stage, to):
        raise Denied(Deny.BAD_DELEGATE)
    if stage.has_voted(actor):
        raise Denied(Deny.ALREADY_VOTED)
    # The delegate takes the actor's own place: a regular approver's vote, or (after
    # escalation) a fallback approver's power to decide alone. Nobody is added beside
    # the actor, so an "all" stage never waits for one more vote.
    if actor in stage.approvers:
        stage.approvers[stage.approvers.index(actor)] = to
    else:
        stage.fallback_approvers[stage.fallback_approvers.index(actor)] = to
    stage.delegations.append(Delegation(by=actor, to=to, reason=reason, at=now))
    audit = AuditEntry(
        at=now, actor=actor, action="delegated", stage=stage.name, detail=f"{to}: {reason}"
    )
    return Transition(new, audit, [Effect(EffectKind.DELEGATED, stage_index)])


def withdraw(req: StopRequest, actor: str, now: datetime) -> Transition:
    if actor != req.requester:
        raise Denied(Deny.NOT_REQUESTER)
    if req.status is not RequestStatus.PENDING:
        raise Denied(Deny.NOT_PENDING)
    new = _clone(req)
    open_index = new.current
    _cancel_later_stages(new, now, include_current=True)
    new.status = RequestStatus.WITHDRAWN
    new.closed_at = now
    audit = AuditEntry(at=now, actor=actor, action="withdrawn", stage=req.stages[open_index].name)
    return Transition(
        new, audit, [Effect(EffectKind.STAGE_CLOSED, open_index), Effect(EffectKind.FINISHED)]
    )


def _cancel_later_stages(req: StopRequest, now: datetime, include_current: bool = False) -> None:
    start = req.current if include_current else req.current + 1
    for stage in req.stages[start:]:
        stage.status = StageStatus.CANCELLED
        stage.closed_at = now


def next_due(
    req: StopRequest, remind_after: timedelta, escalate_after: timedelta
) -> datetime | None:
    """When the scheduler must look at this request again, or None."""
    stage = req.stage
    if stage is None or stage.opened_at is None:
        return None
    if stage.reminded_at is None:
        return stage.opened_at + remind_after
    if stage.escalated_at is None:
        return stage.opened_at + escalate_after
    return None


def due_action(
    req: StopRequest, now: datetime, remind_after: timedelta, escalate_after: timedelta
) -> Transition | None:
    """The reminder or escalation that is due now, if any (system actor)."""
    stage = req.stage
    if stage is None or stage.opened_at is None:
        return None
    new = _clone(req)
    stage = new.stages[new.current]
    assert stage.opened_at is not None
    if stage.escalated_at is None and now >= stage.opened_at + escalate_after:
        # Escalation also counts as the reminder, so nobody gets both at once.
        stage.escalated_at = now
        stage.reminded_at = stage.reminded_at or now
        audit = AuditEntry(at=now, actor="system", action="escalated", stage=stage.name)
        return Transition(new, audit, [Effect(EffectKind.ESCALATED, new.current)])
    if stage.reminded_at is None and now >= stage.opened_at + remind_after:
        stage.reminded_at = now
        audit = AuditEntry(at=now, actor="system", action="reminded", stage=stage.name)
        return Transition(new, audit, [Effect(EffectKind.REMINDED, new.current)])
    return None


def pending_for(req: StopRequest, user: str) -> bool:
    """Whether `user` may act on the request's open stage right now."""
    stage = req.stage
    if stage is None or user == req.requester:
        return False
    return _may_act(stage, user) and not stage.has_voted(user)
