"""Telling people what happened: the engine's effects of one transition become the
approval cards to post or rewrite, the requester's and approvers' notices, reminders,
escalations and home-view refreshes. Shared by the dialogue (a submission opens the
first stage) and the approvals (every later transition)."""

from __future__ import annotations

from conversations.approval import EffectKind, Transition
from conversations.i18n import listing, t
from conversations.model import RequestStatus, StopRequest
from handlers import card_keys, notices
from handlers.cards import approval_card, short_target, status_text
from handlers.events import Post, RefreshHome, Reply, UpdateCard
from handlers.ports import Announce
from handlers.replies import dm
from handlers.services import Services


def _card_update(req: StopRequest, i: int, svc: Services) -> UpdateCard:
    return UpdateCard(
        key=card_keys.stage_card(req.id, i),
        channel=req.stages[i].channel,
        message=approval_card(req, i, svc),
    )


def announcer(svc: Services) -> Announce:
    """What handlers give the request store with a change, so that the replies are
    owed in the same write as the transition."""
    return lambda tr: replies_for(tr, svc)


def replies_for(tr: Transition, svc: Services) -> list[Reply]:
    """Turns the engine's effects into posts, card updates and DMs."""
    req = tr.request
    lang = req.lang
    target = short_target(req)
    out: list[Reply] = []

    for effect in tr.effects:
        i = effect.stage
        match effect.kind:
            case EffectKind.STAGE_OPENED:
                assert i is not None
                out.append(
                    Post(
                        to=req.stages[i].channel,
                        key=card_keys.stage_card(req.id, i),
                        message=approval_card(req, i, svc),
                    )
                )
            case EffectKind.STAGE_CLOSED | EffectKind.VOTE_RECORDED:
                assert i is not None
                out.append(_card_update(req, i, svc))
                stage = req.stages[i]
                if effect.kind is EffectKind.STAGE_CLOSED and req.status is RequestStatus.PENDING:
                    text = t(
                        lang,
                        "tell_stage_approved",
                        id=req.id,
                        target=target,
                        stage=stage.name,
                        who=stage.votes[-1].by,
                        next=req.stages[req.current].name,
                    )
                    out.append(dm(req.requester, text))
            case EffectKind.DELEGATED:
                assert i is not None
                stage = req.stages[i]
                d = stage.delegations[-1]
                out.append(_card_update(req, i, svc))
                params = dict(id=req.id, target=target, stage=stage.name, who=d.by, to=d.to)
                out.append(dm(req.requester, t(lang, "tell_delegated", reason=d.reason, **params)))
                out.append(
                    dm(
                        d.to,
                        t(lang, "tell_delegate", reason=d.reason, channel=stage.channel, **params),
                    )
                )
            case EffectKind.FINISHED:
                out += _finished(req, target, svc)
            case EffectKind.REMINDED | EffectKind.ESCALATED:
                assert i is not None
                out += _nudge(req, i, target, effect.kind, svc)
    # Whoever sees this request on a home view: the requester and every approver of
    # the stages it has reached.
    viewers = [req.requester]
    for stage in req.stages[: req.current + 1]:
        viewers += stage.approvers + [d.to for d in stage.delegations]
    out += [RefreshHome(to=user) for user in dict.fromkeys(viewers)]
    return out


def _finished(req: StopRequest, target: str, svc: Services) -> list[Reply]:
    lang = req.lang
    out: list[Reply] = []
    stop_date = req.answers.stop_date.isoformat() if req.answers.stop_date else "-"
    if req.status is RequestStatus.APPROVED:
        text = t(lang, "tell_approved", id=req.id, target=target, date=stop_date)
    elif req.status is RequestStatus.REJECTED:
        stage = req.stages[req.current]
        text = t(
            lang,
            "tell_rejected",
            id=req.id,
            target=target,
            stage=stage.name,
            who=stage.rejected_by,
            reason=stage.reason,
        )
    else:
        text = t(lang, "tell_withdrawn", id=req.id, target=target)
    out.append(dm(req.requester, text))
    notice = t(
        lang,
        "notice_outcome",
        id=req.id,
        target=target,
        requester=req.requester,
        date=stop_date,
        status=status_text(req, lang),
    )
    for to in req.answers.notify or []:
        if to != req.requester:
            out.append(dm(to, notice))
    # Software that stops: its users must be told, so the admins are offered a notice.
    out += notices.offer(req, svc)
    return out


def _nudge(req: StopRequest, i: int, target: str, kind: EffectKind, svc: Services) -> list[Reply]:
    lang = req.lang
    stage = req.stages[i]
    since = svc.when(stage.opened_at) if stage.opened_at else "-"
    params = dict(id=req.id, target=target, stage=stage.name, since=since)
    who = listing(lang, stage.missing_votes())
    if kind is EffectKind.REMINDED:
        text = t(lang, "remind", who=who, **params)
        recipients = [stage.channel, *stage.missing_votes()]
        return [dm(to, text) for to in recipients]
    fallback = (
        t(lang, "escalate_fallback", who=listing(lang, stage.fallback_approvers))
        if stage.fallback_approvers
        else ""
    )
    text = t(lang, "escalate", who=who, fallback=fallback, **params).strip()
    recipients = list(dict.fromkeys([*svc.policy.admins, *stage.fallback_approvers]))
    out: list[Reply] = [dm(to, text) for to in recipients]
    out.append(_card_update(req, i, svc))
    return out


def undelivered(
    req: StopRequest, to: str, is_card: bool, reason: str, svc: Services
) -> list[Reply]:
    """Who must know that a message about `req` to `to` was refused for good: the
    requester (their request may stall), unless the message was for them; then, and
    for an approval card (a stage that cannot be decided), the admins."""
    lang = req.lang
    params = dict(id=req.id, target=short_target(req), to=to, reason=reason)
    out: list[Reply] = []
    if to != req.requester:
        out.append(dm(req.requester, t(lang, "undelivered_requester", **params)))
    if to == req.requester or is_card:
        text = t(lang, "undelivered_admin", requester=req.requester, **params)
        out += [dm(admin, text) for admin in dict.fromkeys(svc.policy.admins) if admin != to]
    return out
