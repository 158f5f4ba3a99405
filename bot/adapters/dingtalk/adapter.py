"""DingTalk (钉钉): the robot's messages and the interactive cards' clicks, by Stream mode
or the HTTP callback, as neutral events; replies as robot messages and cards.

Inbound, both transports hand over the same `Received` (received.py) to `on_received`:

- A bot message acts once per msgId across processes (a Redis mark), whichever process
  DingTalk redelivers it to. What is not text gets a clear answer. Then, in order: one
  of the bot's commands typed (`注销账号 status`) -> Command; a typed approval command
  (`同意 SR-…`, what an ActionCard's buttons send) -> the very Click or FormSubmit a
  Slack button sends, so it is authorised by the same handler code; in a single chat,
  the answer to the form the user is filling in (a reject or delegate reason, asked
  one field at a time; `cancel`/`取消`/`annuler` drops it) -> FormSubmit; a typed
  answer to the latest buttons (not a dialogue's) this user was shown there -> Click;
  anything else -> UserMessage (the dialogue, or the FAQ; a group @-mention only ever
  gets an FAQ answer). Commands come before the form, as in the console: a form left
  open never swallows `注销账号`.
- A card callback acts once (by what the click says, and by the Stream frame's id),
  is mapped back from its outTrackId (wire.py) to the request and stage its card was
  posted for, and becomes the same Click/FormSubmit as the typed command. It is
  answered at once with `{}`, and the card is rewritten by the UpdateCard the
  transition owes, delivered by the outbox with `PUT /v1.0/card/instances`: ack then
  PUT, never both. Answering with the card data instead would need the transition
  within DingTalk's 2 s, and would skip the outbox, which is what makes the rewrite
  survive a crash or an outage and keeps every card of a request in order.

Outbound (`deliver`), a Post goes to a group (cid…) or a person's single chat. An
approval card (decision buttons) is an interactive card when DINGTALK_CARD_TEMPLATE_ID
is set (createAndDeliver, callback STREAM or HTTP as the mode), else an ActionCard
whose buttons send the typed command; anything else is markdown with its buttons
listed by number. An answer goes through the conversation's session webhook while one
is known and fresh (remembered from the latest message there, in this process), else
through the OpenAPI; what is proactive (a Post that carries an outbox label: news a
transition owes, a shutdown notice) always goes through the OpenAPI, as DingTalk means
session webhooks for answering. Ephemeral and FormErrors go to the person's single
chat; OpenForm is kept in Redis and its first question asked there. UpdateCard rewrites a template
card in place; a robot message cannot be edited, so an updated approval card is sent
anew (a dialogue's answered question or a progress line is not: the chat shows it).
Every failure is DeliveryFailed, classified in failures.py for the outbox.

This adapter is no `Recalls` (bot/adapters/base.py): DingTalk cannot look a sent
robot message up by a label of ours, so after a crash the outbox resends what was in
flight at that moment, at most those few entries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.adapters.base import Host
from bot.adapters.dingtalk import actioncard, card_data, inbound, markdown, typed_commands, wire
from bot.adapters.dingtalk.failures import SessionExpired
from bot.adapters.dingtalk.ids import PLATFORM, is_group
from bot.adapters.dingtalk.openapi import CallbackType, DingTalkApi
from bot.adapters.dingtalk.received import Received
from bot.adapters.dingtalk.robot_message import RobotMessage
from bot.adapters.dingtalk.typed_commands import Decision, Usage
from bot.adapters.outcome import RATELIMITED, DeliveryFailed
from bot.storage.lru import Lru
from bot.storage.pending_forms import PendingForm, RedisPendingForms
from bot.storage.shown_buttons import RedisShownButtons
from conversations.i18n import t
from conversations.ids import raw_id
from conversations.lang import clearly_in, detect_lang
from conversations.model import Lang, StopRequest
from conversations.stop_request.vocabulary import CANCEL_WORDS
from conversations.text import fold
from handlers.actions import DialogueChoice, StageDecision, parse_action
from handlers.events import (
    Actor,
    Button,
    Click,
    Command,
    Ephemeral,
    Event,
    FormErrors,
    FormSubmit,
    Message,
    OpenForm,
    Post,
    RefreshHome,
    Reply,
    UpdateCard,
    UserMessage,
)
from handlers.ports import Clock, Marks, StorageDown

log = logging.getLogger(__name__)

# Where DingTalk's session webhooks live (https://oapi.dingtalk.com/robot/sendBySession?…).
SESSION_WEBHOOK_HOST = "oapi.dingtalk.com"
# Tries of an answer DingTalk throttles (each after its retry_after, about a second).
ANSWER_ATTEMPTS = 3

RequestOf = Callable[[str], Awaitable[StopRequest | None]]
"""A request by its id (the store's), for the current stage of a typed decision and
the language of a card's request."""


@dataclass(frozen=True)
class DingTalkSettings:
    api_url: str
    client_id: str
    client_secret: str
    robot_code: str
    callback_type: CallbackType  # where the cards' clicks come: the transport in use
    card_template_id: str | None = None
    callback_route_key: str | None = None  # HTTP mode: where DingTalk sends the clicks


@dataclass(frozen=True)
class _Session:
    webhook: str
    expires: datetime | None


class DingTalkAdapter:
    platform = PLATFORM

    def __init__(
        self,
        settings: DingTalkSettings,
        host: Host,
        *,
        marks: Marks,
        forms: RedisPendingForms,
        shown: RedisShownButtons,
        request_of: RequestOf,
        clock: Clock,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.host = host
        self.marks = marks
        self.forms = forms
        self.shown = shown
        self.request_of = request_of
        self.clock = clock
        self.sleep = sleep  # injected: tests do not wait out a throttle
        self.session = aiohttp.ClientSession()
        self.api = DingTalkApi(
            self.session,
            base_url=settings.api_url,
            app_key=settings.client_id,
            app_secret=settings.client_secret,
            robot_code=settings.robot_code,
            clock=clock,
        )
        # Each conversation's latest session webhook (by where replies go: the person
        # for a single chat, the group), and each person's last clear language
        # (DingTalk gives no locale): this process's, bounded.
        self._sessions: Lru[str, _Session] = Lru()
        self._langs: Lru[str, Lang] = Lru()
        self._groups: Lru[str, bool] = Lru()  # groups whose id was logged

    async def close(self) -> None:
        await self.session.close()

    # -- inbound -------------------------------------------------------------------------

    async def on_received(self, received: Received) -> None:
        """Both transports' one entry point."""
        if received.kind == "card":
            await self._on_card(received)
        else:
            await self._on_message(received.payload)

    async def _first_time(self, mark: str, ttl: int) -> bool:
        try:
            return await self.marks.first_time(mark, ttl)
        except StorageDown as exc:
            # The handlers will meet the same storage and say it is down; dropping the
            # message here would leave the user with no answer at all.
            log.warning("DingTalk redelivery not checked", extra={"error": repr(exc)})
            return True

    async def _on_message(self, payload: Mapping[str, Any]) -> None:
        read = inbound.read_message(payload)
        if read is None:
            return
        meta = read.meta
        if not await self._first_time(wire.message_mark(meta.msg_id), wire.SEEN_TTL):
            log.info("DingTalk message already handled", extra={"msg_id": meta.msg_id})
            return
        channel = read.channel if isinstance(read, inbound.NotText) else read.event.channel
        if not meta.direct and self._groups.get(channel) is None:
            # The group's id is what the policy needs for an approval or broadcast
            # group, and DingTalk shows it nowhere: say it once per process.
            self._groups.put(channel, True)
            log.info(
                "DingTalk group %s (%s)",
                channel,
                meta.conversation_title or "untitled",
                extra={"group": channel, "title": meta.conversation_title},
            )
        if meta.session_webhook and self._trusted(meta.session_webhook):
            self._sessions.put(
                channel, _Session(meta.session_webhook, meta.session_webhook_expires)
            )
        if isinstance(read, inbound.NotText):
            text = t(self._langs.get(read.actor.id) or "en", "dt_not_text")
            await self.host.deliver([Post(to=channel, message=Message(text=text))])
            return
        event = read.event
        heard = clearly_in(event.text)
        if heard is not None:
            self._langs.put(event.actor.id, heard)
        actor = self._actor(event.actor)
        try:
            await self._on_text(event.model_copy(update={"actor": actor}), payload)
        except StorageDown as exc:
            log.error("storage unavailable", extra={"error": repr(exc)})
            lang = detect_lang(event.text) or actor.known_lang or "en"
            await self._tell(actor.id, t(lang, "storage_down"))

    def _trusted(self, webhook: str) -> bool:
        """Whether a payload's sessionWebhook is DingTalk's: answers (which may hold a
        person's requests) are posted to it, so a forged payload must not name its own
        server. DingTalk's own host over https, or the configured API's origin (a
        private deployment, or a test's fake)."""
        url = urlsplit(webhook)
        if url.scheme == "https" and url.hostname == SESSION_WEBHOOK_HOST:
            return True
        api = urlsplit(self.settings.api_url)
        if (url.scheme, url.netloc) == (api.scheme, api.netloc):
            return True
        log.warning("untrusted DingTalk session webhook ignored", extra={"host": url.hostname})
        return False

    def _actor(self, actor: Actor) -> Actor:
        return actor.model_copy(update={"known_lang": self._langs.get(actor.id)})

    async def _on_text(self, event: UserMessage, payload: Mapping[str, Any]) -> None:
        actor, channel, text = event.actor, event.channel, event.text
        command = typed_commands.read_command(text)
        if command is not None:
            name, args = command
            await self._run(Command(actor=actor, channel=channel, name=name, text=args))
            return
        decision = typed_commands.read_decision(text, wire.mentioned(payload))
        if isinstance(decision, Usage):
            usage = Ephemeral(to=actor.id, channel=channel, message=Message(text=decision.text()))
            await self.host.deliver([usage])
            return
        if isinstance(decision, Decision):
            await self._decide(decision, actor, channel)
            return
        if event.direct:
            pending = await self.forms.get(actor.id)
            if pending is not None:
                await self._answer_form(actor, pending, text)
                return
        shown = await self.shown.latest(actor.id, channel)
        if shown:
            button = typed_commands.pick_button(shown, text)
            if button is not None:
                click = Click(
                    actor=actor, channel=channel, action=button.action, value=button.value
                )
                await self._run(click)
                return
        await self._run(event)

    async def _decide(self, decision: Decision, actor: Actor, channel: str) -> None:
        stage = decision.stage
        if stage is None:
            # Typed by hand: it decides the request's current stage (0 when there is no
            # such request: the handler then answers that the card is stale).
            request = await self.request_of(decision.request_id)
            stage = request.current if request is not None else 0
        actor = actor.model_copy(update={"known_lang": decision.lang})
        await self._run(decision.event(actor, channel, stage), prefill=decision.prefill())

    async def _on_card(self, received: Received) -> None:
        click = inbound.read_card_click(received.payload)
        if click is None:
            return
        for mark, ttl in wire.callback_marks(received.frame_id, received.payload):
            if not await self._first_time(mark, ttl):
                log.info("DingTalk card callback already handled", extra={"mark": mark})
                return
        found = wire.stage_of(click.out_track_id)
        action = next((a for a in click.action_ids if a in card_data.ACTIONS), None)
        if found is None or action is None:
            log.warning(
                "DingTalk card callback of no approval card ignored",
                extra={"out_track_id": click.out_track_id[:100], "actions": click.action_ids},
            )
            return
        request_id, stage = found
        try:
            request = await self.request_of(request_id)
        except StorageDown:
            request = None  # the handler says storage is down, in its words
        lang = self._langs.get(click.clicker) or (request.lang if request is not None else "en")
        decision = Decision(
            action,
            request_id,
            stage,
            lang,
            reason=click.reason or "",
            person=click.delegate_to or "",
        )
        # A click has no conversation of its own here: private answers go to the
        # clicker's single chat.
        actor = Actor(id=click.clicker, known_lang=lang)
        try:
            await self._run(decision.event(actor, click.clicker, stage), prefill=decision.prefill())
        except StorageDown as exc:
            log.error("storage unavailable", extra={"error": repr(exc)})
            await self._tell(click.clicker, t(lang, "storage_down"))

    async def _run(self, event: Event, prefill: Mapping[str, str] | None = None) -> None:
        replies = await self.host.handle(event)
        for reply in replies:
            if isinstance(reply, OpenForm):
                await self._open_form(reply, prefill or {})
        rest: list[Reply] = [r for r in replies if not isinstance(r, OpenForm)]
        channel = getattr(event, "channel", "")
        if is_group(raw_id(channel)):
            # An answer in a group with buttons (an FAQ vote): the asker answers it there.
            for reply in rest:
                if isinstance(reply, Post) and reply.to == channel and reply.message.buttons:
                    await self._remember(event.actor.id, channel, reply.message.buttons)
        await self.host.deliver(rest)

    # -- forms, one field at a time in the single chat -----------------------------------

    async def _open_form(self, form: OpenForm, prefill: Mapping[str, str]) -> None:
        await self.forms.open(form.to, form)
        names = {f.name for f in form.fields}
        for name, value in prefill.items():
            if name in names:
                await self.forms.answer(form.to, name, value)
        pending = await self.forms.get(form.to)
        question = self._question(form.to, pending) if pending is not None else None
        if question:
            await self._tell(form.to, question)

    def _question(self, user: str, pending: PendingForm) -> str | None:
        i = pending.next_field()
        if i >= len(pending.form.fields):
            return None
        spec = pending.form.fields[i]
        lang = detect_lang(pending.form.title) or self._langs.get(user) or "en"
        if spec.kind == "user":
            return t(lang, "dt_form_ask_user", title=pending.form.title, label=spec.label)
        return t(lang, "dt_form_ask", title=pending.form.title, label=spec.label)

    async def _answer_form(self, actor: Actor, pending: PendingForm, text: str) -> None:
        user = actor.id
        if fold(text).strip() in CANCEL_WORDS:
            await self.forms.close(user)
            lang = detect_lang(text) or actor.known_lang or "en"
            await self._tell(user, t(lang, "dt_form_closed"))
            return
        spec = pending.form.fields[pending.next_field()]
        value = typed_commands.read_person(text) if spec.kind == "user" else text
        if not await self.forms.answer(user, spec.name, value):
            # The form expired or was closed meanwhile: an ordinary message then.
            await self._run(UserMessage(actor=actor, channel=user, text=text, direct=True))
            return
        pending.values[spec.name] = value
        question = self._question(user, pending)
        if question:
            await self._tell(user, question)
            return
        form = pending.form
        submit = FormSubmit(
            actor=actor, form=form.form, context=form.context, values=dict(pending.values)
        )
        replies = await self.host.handle(submit)
        errors = [r for r in replies if isinstance(r, FormErrors) and r.to == user]
        rest = [r for r in replies if r not in errors]
        if errors and not any(e.final for e in errors):
            # Answers another answer can fix: those fields are asked again.
            await self._reask(user, errors)
        else:
            # Done, or refused for good (the card stale, the stage decided): the next
            # messages are no longer taken as answers.
            await self.forms.close(user)
            for error in errors:
                await self._send(user, self._robot_message(_error_lines(error)))
        await self.host.deliver(rest)

    # -- outbound ------------------------------------------------------------------------

    async def deliver(self, reply: Reply, ref: str | None = None) -> str | None:
        """Sends one reply; a failure is raised as DeliveryFailed (failures.py). What a
        transition owes (an outbox label) is retried by the outbox, paced; an answer to
        someone who is there is sent once by the app, so a throttle is waited out here,
        a few times (as Slack's client does for its answers)."""
        if isinstance(reply, Post | UpdateCard) and reply.outbox is not None:
            return await self._deliver(reply, ref)
        for attempt in range(1, ANSWER_ATTEMPTS + 1):
            try:
                return await self._deliver(reply, ref)
            except DeliveryFailed as exc:
                if exc.reason != RATELIMITED or attempt == ANSWER_ATTEMPTS:
                    raise
                log.info("DingTalk throttled an answer; trying again", extra={"try": attempt})
                await self.sleep(exc.retry_after or 1.0)
        raise AssertionError("unreachable")

    async def _deliver(self, reply: Reply, ref: str | None) -> str | None:
        match reply:
            case Post():
                return await self._post(reply)
            case UpdateCard():
                await self._update(reply, ref)
            case Ephemeral():
                await self._remember(reply.to, reply.to, reply.message.buttons)
                await self._send(reply.to, self._robot_message(reply.message))
            case FormErrors():
                # Not the open form's own submission (that is `_answer_form`'s): a typed
                # or clicked decision refused. Said, leaving any open form alone.
                await self._send(reply.to, self._robot_message(_error_lines(reply)))
            case OpenForm():
                await self._open_form(reply, {})
            case RefreshHome():
                pass  # DingTalk has no home view
        return None

    async def _post(self, reply: Post) -> str:
        message = reply.message
        if not is_group(raw_id(reply.to)):
            await self._remember(reply.to, reply.to, message.buttons)
        card = actioncard.render(message)
        template = self.settings.card_template_id
        if card is not None and template and reply.key and message.card is not None:
            track = wire.out_track_id(reply.key)
            await self.api.create_card(
                raw_id(reply.to),
                template_id=template,
                out_track_id=track,
                params=card_data.param_map(message),
                callback_type=self.settings.callback_type,
                callback_route_key=self.settings.callback_route_key,
            )
            return wire.card_ref(track)
        # What a transition owes or a notice broadcasts (it carries an outbox label) is
        # not an answer to a message: it goes by the OpenAPI, whichever session is fresh.
        robot = self._robot_message(message)
        return wire.robot_ref(await self._send(reply.to, robot, answer=reply.outbox is None))

    async def _update(self, reply: UpdateCard, ref: str | None) -> None:
        found = wire.read_ref(ref)
        message = reply.message
        if isinstance(found, wire.CardRef) and message.card is not None:
            await self.api.update_card(found.out_track_id, card_data.param_map(message))
            return
        if message.card is None and not message.buttons:
            # A dialogue's answered question, a notice's progress line: the chat shows
            # the answer already, and a robot message cannot shrink in place.
            log.debug("DingTalk robot message not rewritten", extra={"key": reply.key})
            return
        # A robot message cannot be edited: the updated card is a new message.
        await self._post(Post(to=reply.channel, message=message, outbox=reply.outbox))

    async def _reask(self, user: str, errors: list[FormErrors]) -> None:
        """The open form's refused fields, asked again with why."""
        lines = []
        for error in errors:
            for name, why in error.errors.items():
                await self.forms.forget(user, name)
                lines.append(f"✖ {why}")
        pending = await self.forms.get(user)
        question = self._question(user, pending) if pending is not None else None
        if question:
            lines.append(question)
        await self._send(user, self._robot_message(Message(text="\n".join(lines))))

    def _robot_message(self, message: Message) -> RobotMessage:
        card = actioncard.render(message)
        if card is not None:
            return card.robot_message()
        rendered = markdown.render(message)
        return RobotMessage.markdown(rendered.title, rendered.text)

    async def _tell(self, to: str, text: str) -> None:
        """A line for one person (a form's question, a refusal), like any reply."""
        await self.host.deliver([Post(to=to, message=Message(text=text))])

    async def _send(self, to: str, message: RobotMessage, *, answer: bool = True) -> str:
        """Sends to a person's single chat or a group: an answer by the conversation's
        session webhook while it is fresh, else (and anything proactive) by the OpenAPI.
        Returns the processQueryKey ("" by a session webhook, which gives none)."""
        session = self._sessions.get(to) if answer else None
        if session is not None:
            try:
                await self.api.reply_by_session(session.webhook, message, session.expires)
                return ""
            except SessionExpired:
                self._sessions.forget(to)
            except DeliveryFailed as exc:
                if exc.reason != RATELIMITED:
                    raise
                # The webhook is throttled (130101): the OpenAPI has a budget of its own.
        raw = raw_id(to)
        if is_group(raw):
            return await self.api.send_to_group(raw, message)
        return await self.api.send_to_user(raw, message)

    async def _remember(self, user: str, channel: str, buttons: list[Button]) -> None:
        """The buttons `user` may answer by typing in `channel`: those of the latest
        message that has any, but a dialogue's (it reads typed answers itself) or an
        approval card's (typed commands). A dialogue's question forgets the others, so
        that "2" answers the question on screen."""
        if not buttons:
            return
        typed = [b for b in buttons if not _read_elsewhere(b)]
        await self.shown.remember(user, channel, buttons if typed else [])


def _error_lines(errors: FormErrors) -> Message:
    return Message(text="\n".join(f"✖ {why}" for why in errors.errors.values()))


def _read_elsewhere(button: Button) -> bool:
    return isinstance(parse_action(button.action, button.value), DialogueChoice | StageDecision)
