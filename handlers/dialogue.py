"""Runs the stop-request dialogue for one user: start, typed answers, button clicks,
expiry and submission. The user's lock is held from reading the draft to writing it,
so two messages (or a double click) from one user are applied one after the other."""

from __future__ import annotations

from datetime import timedelta

from bot.events import Actor, Message, Post, Reply
from bot.storage.store import DialogueSession
from conversations import approval
from conversations import stop_request as sr
from conversations.i18n import t
from conversations.model import Lang
from conversations.text import detect_lang
from handlers.approvals import replies_for
from handlers.cards import prompt_message
from handlers.services import Services, new_request_id

# The draft outlives its idle timeout by this much so that a user who comes back
# late is told it expired, instead of meeting a bot that forgot them silently.
_EXPIRED_GRACE = timedelta(days=1)


def _ctx(svc: Services) -> sr.Context:
    return sr.Context(today=svc.today(), catalog=svc.policy.catalog)


def _say(actor: Actor, message: Message) -> Post:
    return Post(to=actor.id, message=message)


def _prompt(
    svc: Services, state: sr.DialogueState, notes: list[str], prompt: sr.Prompt | None = None
) -> Post:
    prompt = prompt or sr.prompt_for(state, _ctx(svc))
    target = state.answers.target.name if state.answers.target else "..."
    title = t(state.lang, "card_title", id=state.draft_id, target=target)
    return Post(
        to=state.user, message=prompt_message(prompt, notes, state.draft_id, state.step, title)
    )


def _read(svc: Services, raw: str | None) -> tuple[sr.DialogueState | None, bool]:
    """The draft, and whether it had expired (the caller then deletes it)."""
    if raw is None:
        return None, False
    state = sr.DialogueState.model_validate_json(raw)
    if svc.now() - state.updated_at > svc.idle_timeout:
        return None, True
    return state, False


def _open(svc: Services, session: DialogueSession) -> tuple[sr.DialogueState | None, bool]:
    state, expired = _read(svc, session.data)
    if expired:
        session.delete()
    return state, expired


def _save(svc: Services, session: DialogueSession, state: sr.DialogueState) -> None:
    session.set(state.model_dump_json(exclude_defaults=True), svc.idle_timeout + _EXPIRED_GRACE)


def _expired(svc: Services, actor: Actor, lang: Lang) -> list[Reply]:
    minutes = int(svc.idle_timeout.total_seconds() // 60)
    return [_say(actor, Message(text=t(lang, "expired", minutes=minutes)))]


async def start(svc: Services, actor: Actor, text: str, lang: Lang) -> list[Reply]:
    async with svc.store.dialogue(actor.id) as session:
        state, expired = _open(svc, session)
        if state is not None:
            return [_prompt(svc, state, [t(state.lang, "resume")])]
        lang = detect_lang(text) or lang
        state = sr.new_dialogue(actor.id, new_request_id(), lang, svc.now())
        _save(svc, session, state)
        notes = (
            [t(lang, "expired", minutes=int(svc.idle_timeout.total_seconds() // 60))]
            if expired
            else []
        )
        return [_prompt(svc, state, [*notes, t(lang, "intro")])]


async def has_draft(svc: Services, user: str) -> sr.DialogueState | None:
    state, _ = _read(svc, await svc.store.load_dialogue(user))
    return state


async def on_text(svc: Services, actor: Actor, text: str, lang: Lang) -> list[Reply] | None:
    """A typed message; None when the user has no draft (the caller decides what then)."""
    async with svc.store.dialogue(actor.id) as session:
        state, expired = _open(svc, session)
        if expired:
            return _expired(svc, actor, lang)
        if state is None:
            return None
        outcome = sr.on_text(state, text, _ctx(svc), svc.now())
        return await _settle(svc, session, actor, outcome)


async def on_click(svc: Services, actor: Actor, value: str, lang: Lang) -> list[Reply]:
    draft_id, step, choice = [*value.split("|", 2), "", ""][:3]
    async with svc.store.dialogue(actor.id) as session:
        state, expired = _open(svc, session)
        if state is None or state.draft_id != draft_id:
            # A second Submit, or a button from a draft that ended: if the draft was
            # submitted, answer with its request instead of starting anything.
            req = await svc.store.get_request(draft_id)
            if req is not None and req.requester == actor.id:
                return [_say(actor, Message(text=t(req.lang, "already_submitted", id=req.id)))]
            if expired:
                return _expired(svc, actor, lang)
            return [_say(actor, Message(text=t(lang, "expired_button")))]
        outcome = sr.on_choice(state, step, choice, _ctx(svc), svc.now())
        return await _settle(svc, session, actor, outcome)


async def _settle(
    svc: Services, session: DialogueSession, actor: Actor, outcome: sr.Outcome
) -> list[Reply]:
    if outcome.abandoned or outcome.state is None:
        session.delete()
        return [_say(actor, Message(text="\n".join(outcome.notes)))]
    state = outcome.state
    if outcome.submit:
        replies = await _submit(svc, actor, state)
        session.delete()
        return replies
    _save(svc, session, state)
    return [_prompt(svc, state, outcome.notes, outcome.prompt)]


async def _submit(svc: Services, actor: Actor, state: sr.DialogueState) -> list[Reply]:
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
        req, created = await svc.store.create_request(tr, svc.due_of(tr.request))
        if created or req.requester == actor.id:
            break
        request_id = new_request_id()  # a random id collided with someone else's request
    if not created:
        return [_say(actor, Message(text=t(req.lang, "already_submitted", id=req.id)))]
    stages = " → ".join(s.name for s in req.stages) or "-"
    replies: list[Reply] = [
        _say(actor, Message(text=t(req.lang, "submitted", id=req.id, stages=stages)))
    ]
    return replies + replies_for(tr, svc)
