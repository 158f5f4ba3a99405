"""Runs the stop-request dialogue for one user: start, typed answers, button clicks,
expiry and submission. Each step runs on the stored draft and its write is applied
only if nobody changed the draft meanwhile (else the step runs again on the new
one), so two messages or a double click from one user, even handled by two
processes, are applied one after the other."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from conversations import approval
from conversations import stop_request as sr
from conversations.faq.matcher import Match
from conversations.faq.question import is_question
from conversations.i18n import t
from conversations.model import Lang
from conversations.text import clean
from handlers import card_keys, faq
from handlers.actions import DialogueChoice
from handlers.announce import announcer
from handlers.cards import prompt_message, short_target, status_text
from handlers.events import Actor, Message, Post, Reply, UpdateCard
from handlers.ports import DELETE, KEEP, DialogueWrite, StorageDown
from handlers.services import Services, new_request_id

log = logging.getLogger(__name__)

# The draft outlives its idle timeout by this much so that a user who comes back
# late is told it expired, instead of meeting a bot that forgot them silently.
_EXPIRED_GRACE = timedelta(days=1)


def _ctx(svc: Services, actor: Actor | None = None, asked: Match | None = None) -> sr.Context:
    """`actor`: whose typed message is read, whose platform locale (if any) then fixes
    the dialogue's language; `asked`: the FAQ's verdict on that message when it is
    asked as a question (matched beforehand, off the event loop)."""
    return sr.Context(
        today=svc.today(),
        catalog=svc.policy.catalog,
        faq=(lambda _text, _lang: asked) if asked is not None else None,
        locale=actor.lang if actor is not None else None,
    )


def _say(actor: Actor, message: Message) -> Post:
    return Post(to=actor.id, message=message)


def _prompt(
    svc: Services, state: sr.DialogueState, notes: list[str], prompt: sr.Prompt | None = None
) -> Post:
    prompt = prompt or sr.prompt_for(state, _ctx(svc))
    target = state.answers.target.name if state.answers.target else "..."
    title = t(state.lang, "card_title", id=state.draft_id, target=target)
    return Post(
        to=state.user,
        key=card_keys.dialogue_prompt(state.draft_id),
        key_ttl=svc.idle_timeout + _EXPIRED_GRACE,
        message=prompt_message(prompt, notes, state.draft_id, state.step, state.lang, title),
    )


def _read(svc: Services, raw: str | None) -> tuple[sr.DialogueState | None, bool]:
    """The draft, and whether it had expired (the caller then deletes it)."""
    if raw is None:
        return None, False
    state = sr.DialogueState.model_validate_json(raw)
    if svc.now() - state.updated_at > svc.idle_timeout:
        return None, True
    return state, False


def _write(svc: Services, state: sr.DialogueState) -> DialogueWrite:
    return DialogueWrite(
        op="set",
        data=state.model_dump_json(exclude_defaults=True),
        ttl=svc.idle_timeout + _EXPIRED_GRACE,
        expires_at=state.updated_at + svc.idle_timeout,
    )


def _expired(svc: Services, actor: Actor, lang: Lang) -> list[Reply]:
    minutes = int(svc.idle_timeout.total_seconds() // 60)
    return [_say(actor, Message(text=t(lang, "expired", minutes=minutes)))]


Step = tuple[DialogueWrite, list[Reply]]


async def start(svc: Services, actor: Actor, lang: Lang, target: str | None = None) -> list[Reply]:
    """Starts a draft (or shows the one in progress). `target` ("sw:CRM", "own_account")
    answers the first question already, when the user said what to stop."""

    async def step(raw: str | None) -> Step:
        state, expired = _read(svc, raw)
        if state is not None:
            return KEEP, [_prompt(svc, state, [t(state.lang, "resume")])]
        # `lang`: the platform's locale, else the language of the command's words,
        # else the user's known one (the router's choice, in that order).
        chosen = lang
        state = sr.new_dialogue(actor.id, new_request_id(), chosen, svc.now())
        minutes = int(svc.idle_timeout.total_seconds() // 60)
        notes = [t(chosen, "expired", minutes=minutes)] if expired else []
        notes.append(t(chosen, "intro"))
        if target is not None:
            prefilled = sr.on_choice(state, sr.Step.TARGET, target, _ctx(svc), svc.now())
            if prefilled.state is not None and not prefilled.reasked:
                state = prefilled.state
        return _write(svc, state), [_prompt(svc, state, notes)]

    return await svc.drafts.run(actor.id, step)


async def abandon(svc: Services, actor: Actor, lang: Lang) -> list[Reply]:
    """`/cancel-account cancel`: the draft is dropped, whatever step it is at."""

    async def step(raw: str | None) -> Step:
        state, _ = _read(svc, raw)
        if state is None:
            return DELETE if raw is not None else KEEP, [
                _say(actor, Message(text=t(lang, "nothing_to_abandon")))
            ]
        return DELETE, [_say(actor, Message(text=t(state.lang, "abandoned")))]

    return await svc.drafts.run(actor.id, step)


async def has_draft(svc: Services, user: str) -> sr.DialogueState | None:
    state, _ = _read(svc, await svc.drafts.load(user))
    return state


class _Submitted:
    """Remembers the replies of a submission that created the request, in case the
    dialogue step runs again (another process touched the draft meanwhile): the
    second run finds the request already there, but the approval card must still
    be announced exactly once."""

    def __init__(self) -> None:
        self.replies: list[Reply] | None = None


async def on_text(svc: Services, actor: Actor, text: str, lang: Lang) -> list[Reply] | None:
    """A typed message; None when the user has no draft (the caller decides what then)."""
    submitted = _Submitted()
    asked_faq: list[Match] = []
    qid = secrets.token_hex(4)

    async def step(raw: str | None) -> tuple[DialogueWrite, list[Reply] | None]:
        state, expired = _read(svc, raw)
        if expired:
            return DELETE, _expired(svc, actor, lang)
        if state is None:
            return KEEP, await _without_draft(svc, actor, text, lang)
        kb, asked = svc.faq.kb, None
        if is_question(text):
            # Matched as the engine would: cleaned, in the user's own language when
            # their platform says it, else the dialogue's.
            kb, asked = await faq.ask(svc, clean(text), actor.lang or state.lang)
        outcome = sr.on_text(state, text, _ctx(svc, actor, asked), svc.now())
        if outcome.faq is not None and outcome.state is not None:
            # A question in the middle of the dialogue: its FAQ answer, then the same
            # step again; the answers are unchanged (the language may follow the
            # question's).
            asked_faq.append(outcome.faq)
            answer = faq.digression(svc, kb, outcome.faq, qid)
            now = outcome.state
            write = KEEP if now.lang == state.lang else _write(svc, now)
            return write, [_say(actor, answer), _prompt(svc, now, [], outcome.prompt)]
        return await _settle(svc, actor, state, outcome, submitted)

    replies = await svc.drafts.run(actor.id, step)
    if asked_faq:  # recorded once, whatever number of times the step ran
        await faq.remember(svc, actor, asked_faq[-1], qid)
    return submitted.replies or replies


async def _without_draft(svc: Services, actor: Actor, text: str, lang: Lang) -> list[Reply] | None:
    """A submit word typed when there is no draft (typically once more, after submitting)
    is about the latest request, not a question for the FAQ; anything else is left to
    the caller (None)."""
    if not sr.is_submit(text):
        return None
    latest = await svc.requests.of_user(actor.id, limit=1)
    if not latest:
        return [_say(actor, Message(text=t(lang, "nothing_to_submit")))]
    req = latest[0]
    text = t(
        lang,
        "already_submitted_latest",
        id=req.id,
        target=short_target(req, lang),
        status=status_text(req, lang),
    )
    return [_say(actor, Message(text=text))]


async def on_click(svc: Services, actor: Actor, click: DialogueChoice, lang: Lang) -> list[Reply]:
    draft_id = click.draft_id
    submitted = _Submitted()

    async def step(raw: str | None) -> Step:
        state, expired = _read(svc, raw)
        write = DELETE if expired else KEEP
        if state is None or state.draft_id != draft_id:
            # A second Submit, or a button from a draft that ended: if the draft was
            # submitted, answer with its request instead of starting anything.
            req = await svc.requests.get(draft_id)
            if req is not None and req.requester == actor.id:
                text = t(req.lang, "already_submitted", id=req.id)
                return write, [_say(actor, Message(text=text))]
            if expired:
                return write, _expired(svc, actor, lang)
            return write, [_say(actor, Message(text=t(lang, "expired_button")))]
        outcome = sr.on_choice(state, click.step, click.choice, _ctx(svc), svc.now())
        return await _settle(svc, actor, state, outcome, submitted)

    replies = await svc.drafts.run(actor.id, step)
    return submitted.replies or replies


async def _settle(
    svc: Services,
    actor: Actor,
    before: sr.DialogueState,
    outcome: sr.Outcome,
    submitted: _Submitted,
) -> Step:
    if outcome.abandoned or outcome.state is None:
        return DELETE, [_say(actor, Message(text="\n".join(outcome.notes)))]
    state = outcome.state
    if outcome.submit:
        return DELETE, await _submit(svc, actor, state, submitted)
    replies: list[Reply] = []
    line = sr.answered_line(before.step, state)
    if line is not None:
        # The answered question shrinks to one line, so the conversation stays readable.
        replies.append(
            UpdateCard(
                key=card_keys.dialogue_prompt(state.draft_id),
                channel=state.user,
                message=Message(text=line),
            )
        )
    replies.append(_prompt(svc, state, outcome.notes, outcome.prompt))
    return _write(svc, state), replies


async def _submit(
    svc: Services, actor: Actor, state: sr.DialogueState, submitted: _Submitted
) -> list[Reply]:
    now = svc.now()
    request_id = state.draft_id
    for _ in range(5):
        tr = approval.submit(
            request_id=request_id,
            requester=actor.id,
            lang=state.lang,
            answers=state.answers,
            stages=svc.policy.approval.stages,
            admins=svc.policy.admins,
            now=now,
        )
        req, done = await svc.requests.create(tr, svc.due_of(tr.request), announcer(svc))
        if done is not None or req.requester == actor.id:
            break
        # A random id collided with someone else's request: it must not stay listed as
        # this user's (the user's index is written first), and we try another id.
        await svc.requests.unlist(actor.id, request_id)
        request_id = new_request_id()
    if done is None:
        return [_say(actor, Message(text=t(req.lang, "already_submitted", id=req.id)))]
    stages = " → ".join(s.name for s in req.stages) or "-"
    replies: list[Reply] = [
        _say(actor, Message(text=t(req.lang, "submitted", id=req.id, stages=stages)))
    ]
    submitted.replies = replies + done.replies
    return submitted.replies


async def expire_idle(svc: Services) -> list[Reply]:
    """Tells the users whose draft just expired, once, even if they never come back.
    Safe with several schedulers: the expiry is a versioned write, only one wins."""
    out: list[Reply] = []
    for user in await svc.drafts.expiring(svc.now()):

        async def step(raw: str | None, user: str = user) -> tuple[DialogueWrite, list[Reply]]:
            state, expired = _read(svc, raw)
            if not expired:
                # Answered meanwhile (put the entry right), or already gone.
                when = state.updated_at + svc.idle_timeout if state is not None else None
                await svc.drafts.expire_at(user, when)
                return KEEP, []
            lang = sr.DialogueState.model_validate_json(raw or "{}").lang if raw else "en"
            return DELETE, _expired(svc, Actor(id=user), lang)

        try:
            out += await svc.drafts.run(user, step)
        except StorageDown:
            raise
        except Exception:
            log.exception("draft expiry failed", extra={"user": user})
            await svc.drafts.expire_at(user, None)  # a draft we cannot read: stop trying
    return out
