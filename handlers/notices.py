"""`/shutdown-notice`: admins compose a shutdown notice in a dialogue (conversations/
notice), see it exactly as it will appear, confirm, and it is queued as one job per
send time; `status` and `cancel <job>` as arguments. Anyone not among the policy's
admins is refused, and nothing is queued. Also the notice offered to admins when a
stop of software is finally approved (one click schedules it).

The dialogue's draft is written like the stop-request dialogue's (compare-and-set, so
two messages or two processes apply one after the other); jobs get ids derived from
the draft (or the request), so a step that runs twice queues nothing twice."""

from __future__ import annotations

from datetime import datetime

from conversations import notice as nb
from conversations.i18n import t
from conversations.long_date import long_date
from conversations.model import Lang, RequestStatus, StopRequest, TargetKind
from conversations.text import clean, fold
from handlers.actions import EditOffer, NoticeChoice, NoticeOffer, ScheduleOffer
from handlers.events import Actor, Card, Click, Command, Message, Post, Reply
from handlers.ports import DELETE, KEEP, DialogueWrite, NoticeJob, NoticeState, NoticeStatus
from handlers.replies import dm, private
from handlers.services import Services, new_notice_id
from handlers.subcommand_words import COMMON

_SUB = {
    **COMMON,
    "cancel": "cancel",
    "取消": "cancel",
    "annuler": "cancel",
}
_LISTED = 10  # jobs in `status`, failures in `status <job>`

Step = tuple[DialogueWrite, list[Reply]]


def state_text(state: NoticeState, lang: Lang) -> str:
    match state:
        case "scheduled":
            return t(lang, "nb_state_scheduled")
        case "running":
            return t(lang, "nb_state_running")
        case "done":
            return t(lang, "nb_state_done")
    return t(lang, "nb_state_cancelled")


# -- what the dialogue is told about the world -------------------------------------


def _facts(req: StopRequest) -> nb.RequestFacts:
    return nb.RequestFacts(
        approved=req.status is RequestStatus.APPROVED, notify=tuple(req.answers.notify or ())
    )


async def _context(svc: Services, d: nb.NoticeDraft | None, text: str = "") -> nb.NoticeContext:
    """The context of one step: the stop requests named in the text or already chosen
    are looked up first, since the engine does no I/O."""
    named = set(nb.request_ids_in(text))
    if d is not None and d.recipients is not None:
        named.update(d.recipients.requests)
    facts = {}
    for rid in sorted(named):
        req = await svc.requests.get(rid)
        if req is not None:
            facts[rid] = _facts(req)
    return _plain_context(svc, facts)


def _plain_context(svc: Services, facts: dict[str, nb.RequestFacts]) -> nb.NoticeContext:
    policy = svc.policy
    return nb.NoticeContext(
        now=svc.now(),
        tz=svc.tz,
        catalog=policy.catalog,
        broadcast=policy.broadcast.channels,
        series_time=policy.broadcast.series_time,
        contact=policy.support_channel or policy.admins[0],
        requests=facts,
    )


# -- the draft ----------------------------------------------------------------------


def _read(svc: Services, raw: str | None) -> nb.NoticeDraft | None:
    if raw is None:
        return None
    d = nb.NoticeDraft.model_validate_json(raw)
    return None if svc.now() - d.updated_at > svc.idle_timeout else d


def _write(svc: Services, d: nb.NoticeDraft) -> DialogueWrite:
    return DialogueWrite(
        op="set", data=d.model_dump_json(exclude_defaults=True), ttl=svc.idle_timeout
    )


def _prompt(
    d: nb.NoticeDraft, ctx: nb.NoticeContext, notes: list[str], prompt: nb.Prompt | None = None
) -> list[Reply]:
    """The step's question (and, at the preview, first the notice exactly as it will
    be posted)."""
    prompt = prompt or nb.prompt_for(d, ctx)
    buttons = [
        NoticeChoice(d.draft_id, d.step, c.value).button(
            c.label,
            "primary" if c.style == "primary" else "danger" if c.style == "danger" else None,
        )
        for c in prompt.choices
    ]
    card = None
    if prompt.fields:
        card = Card(
            title=t(d.lang, "nb_card_title", software=d.software or "-"),
            fields=prompt.fields,
            lang=d.lang,
        )
    question = Message(text="\n".join([*notes, prompt.text]), card=card, buttons=buttons)
    out: list[Reply] = []
    if d.step is nb.NoticeStep.PREVIEW:
        out.append(Post(to=d.user, message=Message(text=nb.notice_text(d, ctx))))
    out.append(Post(to=d.user, message=question))
    return out


# -- the command ----------------------------------------------------------------------


async def command(svc: Services, cmd: Command, lang: Lang) -> list[Reply]:
    actor, channel = cmd.actor, cmd.channel
    if not svc.policy.is_admin(actor.id):
        return private(actor.id, channel, t(lang, "nb_admins_only"))
    words = clean(cmd.text).split()
    sub = _SUB.get(fold(words[0]) if words else "")
    match sub:
        case None:
            text = t(lang, "unknown_subcommand", word=words[0][:40], help=t(lang, "nb_help"))
            return private(actor.id, channel, text)
        case "start":
            return await start(svc, actor, lang)
        case "status":
            job = words[1].upper()[:40] if len(words) > 1 else None
            return await status(svc, actor, channel, lang, job)
        case "cancel":
            if len(words) != 2:
                return private(actor.id, channel, t(lang, "nb_cancel_usage"))
            return await cancel(svc, actor, channel, words[1].upper()[:40], lang)
    return private(actor.id, channel, t(lang, "nb_help"))


async def start(svc: Services, actor: Actor, lang: Lang) -> list[Reply]:
    async def step(raw: str | None) -> Step:
        d = _read(svc, raw)
        if d is not None:
            return KEEP, _prompt(d, await _context(svc, d), [t(d.lang, "nb_resume")])
        d = nb.new_notice(actor.id, new_notice_id(), lang, svc.now())
        return _write(svc, d), _prompt(d, await _context(svc, d), [t(lang, "nb_intro")])

    return await svc.notice_drafts.run(actor.id, step)


async def on_text(svc: Services, actor: Actor, text: str, lang: Lang) -> list[Reply] | None:
    """A typed message from an admin; None when they have no notice draft."""

    async def step(raw: str | None) -> tuple[DialogueWrite, list[Reply] | None]:
        d = _read(svc, raw)
        if d is None:
            return (KEEP if raw is None else DELETE), None
        ctx = await _context(svc, d, text)
        return await _settle(svc, actor, nb.on_text(d, text, ctx, svc.now()), ctx)

    return await svc.notice_drafts.run(actor.id, step)


async def on_click(svc: Services, actor: Actor, click: NoticeChoice, lang: Lang) -> list[Reply]:
    if not svc.policy.is_admin(actor.id):
        return [dm(actor.id, t(lang, "nb_admins_only"))]

    async def step(raw: str | None) -> Step:
        d = _read(svc, raw)
        if d is None or d.draft_id != click.draft_id:
            return KEEP, [dm(actor.id, t(lang, "nb_expired_button"))]
        ctx = await _context(svc, d)
        outcome = nb.on_choice(d, click.step, click.choice, ctx, svc.now())
        return await _settle(svc, actor, outcome, ctx)

    return await svc.notice_drafts.run(actor.id, step)


async def _settle(
    svc: Services, actor: Actor, outcome: nb.NoticeOutcome, ctx: nb.NoticeContext
) -> Step:
    if outcome.abandoned or outcome.state is None:
        return DELETE, [dm(actor.id, "\n".join(outcome.notes))]
    d = outcome.state
    if outcome.confirmed:
        # Admins only, checked again: the policy may have changed since the start.
        if not svc.policy.is_admin(actor.id):
            return DELETE, [dm(actor.id, t(d.lang, "nb_admins_only"))]
        return DELETE, await _queue(svc, actor, d, ctx, d.draft_id)
    return _write(svc, d), _prompt(d, ctx, outcome.notes, outcome.prompt)


async def _queue(
    svc: Services, actor: Actor, d: nb.NoticeDraft, ctx: nb.NoticeContext, base_id: str
) -> list[Reply]:
    """One job per send time, with ids derived from `base_id`: queuing the same draft
    (or offer) again creates nothing new."""
    jobs = plan(d, ctx, actor.id, base_id)
    assert d.recipients is not None
    targets = nb.resolve(d.recipients, ctx.broadcast, ctx.requests)
    if not targets:
        return [dm(actor.id, t(d.lang, "nb_no_recipients"))]
    for job in jobs:
        await svc.notices.create(job, targets)
    lines = [t(d.lang, "nb_scheduled", count=nb.count_recipients(len(targets), d.lang))]
    lines += [
        t(d.lang, "nb_scheduled_line", id=job.id, when=_when(job.at, ctx, d.lang)) for job in jobs
    ]
    lines.append(t(d.lang, "nb_follow"))
    return [dm(actor.id, "\n".join(lines))]


def _when(at: datetime, ctx: nb.NoticeContext, lang: Lang) -> str:
    return t(lang, "nb_v_now") if at <= ctx.now else nb.said(at, lang, ctx.tz)


def plan(d: nb.NoticeDraft, ctx: nb.NoticeContext, by: str, base_id: str) -> list[NoticeJob]:
    """The jobs a confirmed notice becomes: one per send time."""
    assert d.when is not None and d.stop_date is not None and d.software is not None
    moments = nb.occurrences(d.when, d.stop_date, ctx)
    series = len(moments) > 1
    text = nb.notice_text(d, ctx)
    return [
        NoticeJob(
            id=f"{base_id}-{n}" if series else base_id,
            text=text,
            at=at,
            created_by=by,
            created_at=ctx.now,
            software=d.software,
            stop_date=d.stop_date,
            langs=tuple(d.langs or [d.lang]),
            series=base_id if series else "",
            request=d.request or "",
            report_to=by,
            report_lang=d.lang,
        )
        for n, at in enumerate(moments, 1)
    ]


# -- status and cancel ------------------------------------------------------------------


def status_line(st: NoticeStatus, lang: Lang, svc: Services) -> str:
    return t(
        lang,
        "nb_status_line",
        id=st.job.id,
        software=st.job.software or "-",
        state=state_text(st.state, lang),
        sent=st.sent,
        total=st.total,
        failed=st.failed,
        pending=st.pending,
        when=nb.said(st.job.at, lang, svc.tz),
    )


async def status(
    svc: Services, actor: Actor, channel: str, lang: Lang, job_id: str | None
) -> list[Reply]:
    if job_id is None:
        jobs = await svc.notices.recent(limit=_LISTED)
        if not jobs:
            return private(actor.id, channel, t(lang, "nb_status_none"))
        lines = [t(lang, "nb_status_header"), *(status_line(j, lang, svc) for j in jobs)]
        return private(actor.id, channel, "\n".join(lines))
    st = await svc.notices.status(job_id, failures=_LISTED)
    if st is None:
        return private(actor.id, channel, t(lang, "nb_unknown_job", id=job_id))
    return private(actor.id, channel, "\n".join([status_line(st, lang, svc), *failures(st, lang)]))


def failures(st: NoticeStatus, lang: Lang) -> list[str]:
    if not st.failed:
        return []
    lines = [t(lang, "nb_failures_header")]
    lines += [t(lang, "nb_failure_line", target=tg, reason=why) for tg, why in st.failures]
    more = st.failed - len(st.failures)
    if more > 0:
        lines.append(t(lang, "nb_failures_more", more=more, id=st.job.id))
    return lines


async def cancel(svc: Services, actor: Actor, channel: str, job_id: str, lang: Lang) -> list[Reply]:
    cancelled, st = await svc.notices.cancel(job_id, actor.id, svc.now())
    if st is None:
        return private(actor.id, channel, t(lang, "nb_unknown_job", id=job_id))
    if not cancelled:
        text = t(lang, "nb_cancel_too_late", id=job_id, state=state_text(st.state, lang))
        return private(actor.id, channel, text)
    return private(
        actor.id, channel, t(lang, "nb_cancelled", id=job_id, sent=st.sent, left=st.pending)
    )


# -- the offer made when a stop of software is approved ------------------------------


def _offered(
    svc: Services, req: StopRequest, admin: str, ctx: nb.NoticeContext
) -> nb.NoticeDraft | None:
    a = req.answers
    if (
        req.status is not RequestStatus.APPROVED
        or a.target is None
        or a.target.kind is not TargetKind.SOFTWARE
        or a.stop_date is None
        or a.stop_date < ctx.today
    ):
        return None
    d = nb.offered(
        admin,
        _offer_id(req.id),
        req.lang,
        ctx,
        software=a.target.name,
        stop_date=a.stop_date,
        request=req.id,
    )
    assert d.recipients is not None
    return d if nb.resolve(d.recipients, ctx.broadcast, ctx.requests) else None


def _offer_id(request_id: str) -> str:
    # One offer per request: clicking Schedule twice, or two admins clicking, queue it once.
    return "NB-" + request_id.removeprefix("SR-")


def offer(req: StopRequest, svc: Services) -> list[Reply]:
    """The notice proposed to every admin when a stop of software is finally approved."""
    ctx = _plain_context(svc, {req.id: _facts(req)})
    out: list[Reply] = []
    for admin in svc.policy.admins:
        d = _offered(svc, req, admin, ctx)
        if d is None:
            return []
        assert d.recipients is not None and d.when is not None and d.stop_date is not None
        lang = d.lang
        targets = nb.resolve(d.recipients, ctx.broadcast, ctx.requests)
        intro = t(
            lang,
            "nb_offer",
            id=req.id,
            software=d.software,
            date=long_date(d.stop_date, lang),
            count=nb.count_recipients(len(targets), lang),
            when=nb.describe_when(d.when, d.stop_date, ctx, lang),
        )
        buttons = [
            ScheduleOffer(req.id).button(t(lang, "nb_c_offer_schedule"), "primary"),
            EditOffer(req.id).button(t(lang, "nb_c_offer_edit")),
        ]
        text = intro + "\n\n" + nb.notice_text(d, ctx)
        out.append(Post(to=admin, message=Message(text=text, buttons=buttons)))
    return out


async def on_offer(svc: Services, click: Click, lang: Lang) -> list[Reply]:
    actor = click.actor
    if not svc.policy.is_admin(actor.id):
        return [dm(actor.id, t(lang, "nb_admins_only"))]
    parsed: NoticeOffer | None = (
        ScheduleOffer.parse(click.value)
        if click.action == ScheduleOffer.id
        else EditOffer.parse(click.value)
    )
    req = await svc.requests.get(parsed.request_id) if parsed is not None else None
    if parsed is None or req is None:
        return [dm(actor.id, t(lang, "nb_expired_button"))]
    ctx = _plain_context(svc, {req.id: _facts(req)})
    d = _offered(svc, req, actor.id, ctx)
    if d is None:
        return [dm(actor.id, t(lang, "nb_offer_gone", id=req.id))]
    if click.action == EditOffer.id:
        # The admin's own dialogue, opened at the preview of the offered notice.
        d = d.model_copy(update={"draft_id": new_notice_id()})

        async def step(raw: str | None) -> Step:
            return _write(svc, d), _prompt(d, ctx, [])

        return await svc.notice_drafts.run(actor.id, step)
    jobs = plan(d, ctx, actor.id, _offer_id(req.id))
    existing = await svc.notices.status(jobs[0].id, failures=0)
    if existing is not None:
        ids = ", ".join(job.id for job in jobs)
        return [dm(actor.id, t(d.lang, "nb_offer_already", id=req.id, jobs=ids))]
    return await _queue(svc, actor, d, ctx, _offer_id(req.id))
