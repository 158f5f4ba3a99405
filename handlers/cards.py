"""Approval cards and request descriptions as neutral messages."""

from __future__ import annotations

from conversations.i18n import listing, t
from conversations.i18n.key_maps import FLAG_KEY, LINKED_KEY, MODE_KEY, STATUS_KEY
from conversations.model import (
    Lang,
    RequestStatus,
    RiskFlag,
    StageStatus,
    StopRequest,
    TargetKind,
    risk_flags,
)
from conversations.stop_request import Prompt, Step, describe, describe_target
from handlers.actions import Approve, Delegate, DialogueChoice, Reject
from handlers.events import Button, Card, Message
from handlers.services import Services


def short_target(req: StopRequest, lang: Lang | None = None) -> str:
    """The target as a name in running text: "CRM", or "own account of console:bob"."""
    target = req.answers.target
    if target is not None and target.kind is TargetKind.OWN_ACCOUNT:
        return describe_target(target, lang or req.lang, req.requester)
    return req.target_name


def status_text(req: StopRequest, lang: Lang) -> str:
    """Where the request is, in the reader's language: "rejected", "已拒绝". A whole
    status phrase: templates put it in a slot of its own and never add a status word
    of theirs around it (no "已" + "已拒绝")."""
    if req.status is RequestStatus.PENDING and req.stage is not None:
        return t(lang, "status_pending", stage=req.stage.name)
    return t(lang, STATUS_KEY[req.status])


def status_line(req: StopRequest, lang: Lang, svc: Services) -> str:
    """One request in a list: id, target, where it is, when it was filed."""
    return t(
        lang,
        "status_line",
        id=req.id,
        target=short_target(req, lang),
        status=status_text(req, lang),
        date=req.created_at.astimezone(svc.tz).date().isoformat(),
    )


def flag_texts(req: StopRequest, svc: Services) -> list[str]:
    lang = req.lang
    out = []
    for flag in risk_flags(req.answers, req.created_at.astimezone(svc.tz).date()):
        if flag is RiskFlag.LINKED_SERVICES:
            services = listing(lang, (t(lang, LINKED_KEY[x]) for x in req.answers.linked or []))
            out.append(t(lang, "flag_linked_services", services=services))
        else:
            out.append(t(lang, FLAG_KEY[flag]))
    return out


def approval_card(req: StopRequest, index: int, svc: Services) -> Message:
    lang = req.lang
    stage = req.stages[index]
    fields = [(t(lang, "f_requester"), req.requester), *describe(req.answers, lang, req.requester)]
    who = list(stage.approvers)
    if stage.escalated_at is not None:
        who += [f for f in stage.fallback_approvers if f not in who]
    context = [
        t(
            lang,
            "card_stage",
            n=index + 1,
            total=len(req.stages),
            stage=stage.name,
            mode=t(lang, MODE_KEY[stage.mode]),
        ),
        t(lang, "card_approvers", who=listing(lang, who)),
    ]
    context += [
        t(lang, "out_delegated", who=d.by, to=d.to, reason=d.reason) for d in stage.delegations
    ]
    outcome: list[str] = []
    if stage.status is StageStatus.APPROVED:
        outcome = [t(lang, "out_approved", who=v.by, at=svc.when(v.at)) for v in stage.votes]
    elif stage.status is StageStatus.REJECTED:
        assert stage.closed_at is not None
        outcome = [
            t(
                lang,
                "out_rejected",
                who=stage.rejected_by,
                at=svc.when(stage.closed_at),
                reason=stage.reason,
            )
        ]
    elif stage.status is StageStatus.CANCELLED:
        if req.status is RequestStatus.WITHDRAWN and req.closed_at is not None:
            outcome = [t(lang, "out_withdrawn", at=svc.when(req.closed_at))]
        else:
            outcome = [t(lang, "out_cancelled")]
    elif stage.votes:
        context += [
            t(
                lang,
                "out_vote",
                who=v.by,
                done=len(stage.votes),
                total=len(stage.approvers),
                missing=listing(lang, stage.missing_votes()),
            )
            for v in stage.votes[-1:]
        ]
    card = Card(
        title=t(lang, "card_title", id=req.id, target=req.target_name),
        fields=fields,
        flags=flag_texts(req, svc),
        context=context,
        outcome=outcome,
        lang=lang,
    )
    buttons: list[Button] = []
    if stage.status is StageStatus.OPEN and req.status is RequestStatus.PENDING:
        buttons = [
            Approve(req.id, index).button(t(lang, "b_approve"), "primary"),
            Reject(req.id, index).button(t(lang, "b_reject"), "danger"),
            Delegate(req.id, index).button(t(lang, "b_delegate")),
        ]
    return Message(card=card, buttons=buttons)


def prompt_message(
    prompt: Prompt,
    notes: list[str],
    draft_id: str,
    step: str,
    lang: Lang,
    title: str | None = None,
) -> Message:
    """A dialogue question; buttons carry the draft and step so stale clicks are recognised."""
    text = "\n".join([*notes, prompt.text])
    buttons = [
        DialogueChoice(draft_id, step, c.value).button(
            c.label,
            "primary" if c.style == "primary" else "danger" if c.style == "danger" else None,
        )
        for c in prompt.choices
    ]
    card = Card(title=title, fields=prompt.fields, lang=lang) if prompt.fields and title else None
    date_choice = DialogueChoice.date_prefix(draft_id, step) if step == Step.WHEN else None
    return Message(text=text, card=card, buttons=buttons, date_choice=date_choice)
