"""Approval clicks, the reject/delegate forms, withdrawal, pending cards and due
reminders. Every decision goes through the approval engine and one versioned commit;
what it tells people is in announce.py."""

from __future__ import annotations

import logging
from collections.abc import Callable

from conversations import approval
from conversations.approval import Denied, Deny, Transition
from conversations.i18n import listing, t
from conversations.i18n.key_maps import DENY_KEY
from conversations.ids import is_identity
from conversations.model import Lang, StopRequest
from conversations.text import clean
from handlers.actions import Approve, Delegate, Reject, StageDecision, parse_action
from handlers.announce import announcer
from handlers.cards import approval_card, status_text
from handlers.events import (
    Actor,
    Click,
    Ephemeral,
    FormErrors,
    FormField,
    FormSubmit,
    OpenForm,
    Reply,
)
from handlers.ports import Committed, StorageDown
from handlers.replies import private
from handlers.services import Services

MAX_REASON = 500
# The reject and delegate forms' fields, as their answers (FormSubmit.values) name them.
REASON_FIELD = "reason"
DELEGATE_TO_FIELD = "to"
log = logging.getLogger(__name__)


def deny_text(code: Deny, req: StopRequest | None, lang: Lang) -> str:
    if code is Deny.NOT_PENDING and req is not None:
        return t(lang, "deny_not_pending", id=req.id, status=status_text(req, lang))
    if code is Deny.NOT_APPROVER and req is not None and req.stage is not None:
        return t(
            lang, "deny_not_approver", stage=req.stage.name, who=listing(lang, req.stage.approvers)
        )
    return t(lang, DENY_KEY[code])


async def _decide(
    svc: Services,
    actor: Actor,
    request_id: str,
    change: Callable[[StopRequest], Transition],
    lang: Lang,
) -> tuple[Committed | None, str | None]:
    """Commits one decision with what it tells people; returns (the commit, None) or
    (None, refusal text)."""
    refused: list[tuple[Deny, StopRequest]] = []

    def attempt(req: StopRequest) -> Transition | None:
        try:
            return change(req)
        except Denied as denied:
            refused.append((denied.code, req))
            return None

    try:
        done = await svc.requests.update(request_id, attempt, svc.due_of, announcer(svc))
    except LookupError:
        return None, t(lang, "deny_stale_card")
    if done is None:
        code, req = refused[-1]
        return None, deny_text(code, req, lang)
    return done, None


async def on_click(svc: Services, click: Click, lang: Lang) -> list[Reply]:
    decision = parse_action(click.action, click.value)
    if not isinstance(decision, StageDecision):
        return private(click.actor.id, click.channel, t(lang, "deny_stale_card"))
    rid, index = decision.request_id, decision.stage
    actor, now = click.actor.id, svc.now()
    if isinstance(decision, Approve):
        done, refusal = await _decide(
            svc, click.actor, rid, lambda r: approval.approve(r, index, actor, now), lang
        )
        if refusal:
            return private(click.actor.id, click.channel, refusal)
        assert done is not None
        return done.replies
    # Reject and delegate ask for a reason first; refuse before showing the form
    # when the answer would be no anyway.
    req = await svc.requests.get(rid)
    if req is None:
        return private(click.actor.id, click.channel, t(lang, "deny_stale_card"))
    try:
        approval.reject(req, index, actor, "-", now)
    except Denied as denied:
        return private(click.actor.id, click.channel, deny_text(denied.code, req, lang))
    fields = [FormField(name=REASON_FIELD, label=t(lang, "form_reason"), max_length=MAX_REASON)]
    if isinstance(decision, Delegate):
        fields.insert(
            0, FormField(name=DELEGATE_TO_FIELD, label=t(lang, "form_delegate_to"), kind="user")
        )
    return [
        OpenForm(
            to=actor,
            # The form is named by the action that opened it, so its answer parses as one.
            form=decision.id,
            context=decision.pack(),
            title=t(
                lang,
                "form_delegate_title" if isinstance(decision, Delegate) else "form_reject_title",
                id=rid,
            ),
            fields=fields,
            submit=t(lang, "c_submit"),
            cancel=t(lang, "c_cancel"),
        )
    ]


async def on_form(svc: Services, form: FormSubmit, lang: Lang) -> list[Reply]:
    decision = parse_action(form.form, form.context)
    actor = form.actor.id
    if not isinstance(decision, Reject | Delegate):
        stale = t(lang, "deny_stale_card")
        return [FormErrors(to=actor, errors={REASON_FIELD: stale}, final=True)]
    rid, index = decision.request_id, decision.stage
    reason = clean(form.values.get(REASON_FIELD, ""))
    if not reason:
        return [FormErrors(to=actor, errors={REASON_FIELD: t(lang, "deny_reason_required")})]
    if len(reason) > MAX_REASON:
        return [
            FormErrors(to=actor, errors={REASON_FIELD: t(lang, "hint_too_long", max=MAX_REASON)})
        ]
    now = svc.now()
    if isinstance(decision, Reject):
        done, refusal = await _decide(
            svc, form.actor, rid, lambda r: approval.reject(r, index, actor, reason, now), lang
        )
        field = REASON_FIELD
    else:
        to = clean(form.values.get(DELEGATE_TO_FIELD, "")).lstrip("@")
        if not is_identity(to):
            return [
                FormErrors(
                    to=actor, errors={DELEGATE_TO_FIELD: t(lang, "bad_user_id", value=to[:60])}
                )
            ]
        done, refusal = await _decide(
            svc,
            form.actor,
            rid,
            lambda r: approval.delegate(r, index, actor, to, reason, now),
            lang,
        )
        field = DELEGATE_TO_FIELD
    if refusal:
        # A refused rejection is about the decision itself (stale, decided, not theirs);
        # a refused delegation may be about the person named, which another answer fixes.
        return [FormErrors(to=actor, errors={field: refusal}, final=field == REASON_FIELD)]
    assert done is not None
    return done.replies


async def withdraw(svc: Services, actor: Actor, channel: str, rid: str, lang: Lang) -> list[Reply]:
    req = await svc.requests.get(rid)
    if req is None or req.requester != actor.id:
        # Same answer for "no such id" and "not yours": ids of others stay private.
        return private(actor.id, channel, t(lang, "withdraw_unknown", id=rid))
    now = svc.now()
    done, refusal = await _decide(
        svc, actor, rid, lambda r: approval.withdraw(r, actor.id, now), lang
    )
    if refusal:
        return private(actor.id, channel, refusal)
    assert done is not None
    return done.replies


async def pending_cards(svc: Services, actor: Actor, channel: str, lang: Lang) -> list[Reply]:
    reqs = [r for r in await svc.requests.open() if approval.pending_for(r, actor.id)]
    if not reqs:
        return private(actor.id, channel, t(lang, "pending_none"))
    out = private(actor.id, channel, t(lang, "pending_header"))
    for req in reqs:
        out.append(
            Ephemeral(to=actor.id, channel=channel, message=approval_card(req, req.current, svc))
        )
    return out


async def run_due(svc: Services) -> list[Reply]:
    """Sends the reminders and escalations that are due. Safe to run in several
    processes at once: each one is a versioned transition, so only one process wins
    it and only the winner sends."""
    now = svc.now()
    a = svc.policy.approval
    out: list[Reply] = []
    for rid in await svc.requests.due_ids(now):
        try:
            done = await svc.requests.update(
                rid,
                lambda r: approval.due_action(r, now, a.remind_after, a.escalate_after),
                svc.due_of,
                announcer(svc),
            )
            if done is not None:
                out += done.replies
            else:
                # Nothing due (another process sent it, or the request moved on).
                await svc.requests.reschedule(rid, svc.due_of)
        except LookupError:
            await svc.requests.reschedule(rid, svc.due_of)
        except StorageDown:
            raise  # storage trouble: the whole tick waits for the next one
        except Exception:
            # One request that cannot be processed must not hold up the others.
            log.exception("reminder failed", extra={"request": rid})
    return out
