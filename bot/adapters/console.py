"""The console playground: the same handlers and storage as Slack or DingTalk, driven
by lines on stdin (a terminal or a pipe) and printed as text.

Every message is printed, whoever it is for, so one person can play the requester
and every approver (`/as console:head`). But a button is clicked only by whom it was
shown to, as on a real platform: a private message's buttons by its recipient, a card
posted to a channel's by anyone (the handlers' card rules then decide: only approvers
approve). Messages with buttons and open forms are kept in Redis, each entry written
on its own, so `/click` and a half-typed reason work in every `chat` process that
shares the storage and after a restart.

Stdin is read as bytes and decoded here, undecodable bytes replaced: a stray byte
from a terminal or a pipe must not end the session.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable
from typing import BinaryIO, TextIO

from bot.adapters.base import Host
from bot.storage.console_cards import RedisConsoleCards, Shown
from bot.storage.pending_forms import PendingForm, RedisPendingForms
from conversations.i18n import Later, t
from conversations.ids import is_identity
from conversations.lang import clearly_in, detect_lang
from conversations.model import Lang
from conversations.text import clean
from handlers import commands
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
from handlers.ports import StorageDown

log = logging.getLogger(__name__)

# The console's own commands. With the bot's (commands.NAMES) they stay commands while
# a form is open; any other line, even one starting with "/", answers the form.
_QUIT = ("quit", "exit")
_OWN = ("help", "whoami", "as", "click", "cancel", *_QUIT)
_KNOWN = frozenset((*_OWN, *commands.NAMES))

# A line starting with this is a comment: a piped script can explain itself.
_COMMENT = "#"


def _command(text: str) -> tuple[str, str] | None:
    """(name, the rest) when the line is a slash command, else None."""
    if not text.startswith("/"):
        return None
    name, _, rest = text[1:].partition(" ")
    return name, rest.strip()


def _clickable(shown: Shown, user: str) -> bool:
    return shown.shared or shown.to == user


def _button(shown: Shown, wanted: str) -> Button | None:
    if wanted.isdigit():
        i = int(wanted)
        return shown.buttons[i - 1] if 1 <= i <= len(shown.buttons) else None
    return next((b for b in shown.buttons if b.label.casefold() == wanted.casefold()), None)


def find_button(shown: list[Shown], wanted: str, user: str) -> tuple[Shown, Button] | None:
    """The latest message `user` may click with that button: their own messages first
    (their dialogue, their answers), then the cards posted to channels."""
    own = [s for s in shown if s.to == user]
    shared = [s for s in shown if s.to != user and s.shared]
    for candidate in own + shared:
        button = _button(candidate, wanted)
        if button is not None:
            return candidate, button
    return None


def shown_to_another(shown: list[Shown], wanted: str, user: str) -> str | None:
    """Whom the latest message with that button was shown to, when `user` may not click it."""
    return next(
        (s.to for s in shown if not _clickable(s, user) and _button(s, wanted) is not None),
        None,
    )


class ConsoleAdapter:
    platform = "console"

    def __init__(
        self,
        host: Host,
        cards: RedisConsoleCards,
        forms: RedisPendingForms,
        out: TextIO | None = None,
        user: str = "console:employee",
        lang: Lang | None = None,
    ) -> None:
        self.host = host
        self.cards = cards
        self.forms = forms
        self.out = out or sys.stdout
        self.user = user
        self.lang = lang
        # A console has no locale: remember the language each user last wrote in, so
        # their clicks (which carry no text) and the console's own words follow it.
        self.langs: dict[str, Lang] = {}
        self._asked = False  # a form prompt was printed while handling the current line

    def _lang(self) -> Lang:
        return self.lang or self.langs.get(self.user) or "en"

    def _say(self, text: Later) -> None:
        self._print(text.say(self._lang()))

    # -- output ----------------------------------------------------------------

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _private(self, to: str) -> str:
        return t(self._lang(), "console_private", to=to)

    def _render(self, header: str, message: Message) -> list[str]:
        lines = [header]
        if message.text:
            lines += [f"  {line}" for line in message.text.splitlines()]
        card = message.card
        if card is not None:
            lines.append(f"  ┌ {card.title}")
            lines += [f"  │ {row}" for row in card.rows()]
            lines += [f"  │ ⚠ {flag}" for flag in card.flags]
            lines += [f"  │ · {line}" for line in card.context]
            lines += [f"  │ ✔ {line}" for line in card.outcome]
            lines.append("  └")
        if message.buttons:
            lines.append(
                "  " + "  ".join(f"[{i}] {b.label}" for i, b in enumerate(message.buttons, 1))
            )
        return lines

    async def deliver(self, reply: Reply, ref: str | None = None) -> str | None:
        match reply:
            case Post():
                # A request's card (kept as long as its request) is posted to a channel:
                # anyone may click it. Anything else is for `to` alone.
                card = bool(reply.key) and reply.key_ttl is None
                # Remember before printing: whatever the user has seen can be clicked
                # even if the process dies the next instant.
                await self._remember(
                    Shown(to=reply.to, key=reply.key, shared=card, buttons=reply.message.buttons)
                )
                where = f"→ {reply.to}"
                if card:
                    where += "  " + t(self._lang(), "console_card", card=reply.key)
                self._print("\n".join(self._render(where, reply.message)))
                return reply.key
            case Ephemeral():
                await self._remember(Shown(to=reply.to, buttons=reply.message.buttons))
                self._print("\n".join(self._render(self._private(reply.to), reply.message)))
            case UpdateCard():
                await self._rewrite(reply.key, reply.message.buttons)
                if reply.message.card is None and not reply.message.buttons:
                    self._print(f"  {reply.message.text}")  # an answered question, in brief
                else:
                    updated = t(self._lang(), "console_card_updated", card=reply.key)
                    self._print("\n".join(self._render(f"↻ {updated}", reply.message)))
            case OpenForm():
                await self._kept(self.forms.open(reply.to, reply))
                self._ask(reply.to, PendingForm(reply))
            case FormErrors():
                for name, error in reply.errors.items():
                    self._print(f"{self._private(reply.to)}\n  ✖ {error}")
                    if not reply.final:
                        await self._kept(self.forms.forget(reply.to, name))
                pending = None if reply.final else await self.forms.get(reply.to)
                if pending is not None:
                    self._ask(reply.to, pending)
            case RefreshHome():
                pass  # the console has no home view: it prints everything anyway
        return None

    def _ask(self, user: str, pending: PendingForm) -> None:
        fields = pending.form.fields
        i = pending.next_field()
        if i >= len(fields):
            return
        spec = fields[i]
        prompt = t(
            self._lang(),
            "console_form_ask_user" if spec.kind == "user" else "console_form_ask",
            title=pending.form.title,
            label=spec.label,
        )
        self._print(f"{self._private(user)}\n  {prompt}")
        self._asked = True

    # -- remembered buttons: each message one entry in Redis -------------------------

    async def _remember(self, shown: Shown) -> None:
        if shown.buttons:
            await self._kept(self.cards.remember(shown))

    async def _rewrite(self, key: str, buttons: list[Button]) -> None:
        await self._kept(self.cards.rewrite(key, buttons))

    async def _kept(self, call: Awaitable[object]) -> None:
        """Runs a storage call whose failure must not hide the message being printed:
        with storage down, it is still printed, only not clickable later."""
        try:
            await call
        except StorageDown as exc:
            log.warning("console storage unavailable", extra={"error": repr(exc)})

    # -- input -----------------------------------------------------------------

    async def dispatch(self, event: Event) -> list[Reply]:
        replies = await self.host.handle(event)
        await self.host.deliver(replies)
        return replies

    def actor(self) -> Actor:
        # --lang stands for a platform's locale; what the user wrote is only a hint.
        return Actor(id=self.user, lang=self.lang, known_lang=self.langs.get(self.user))

    def _heard(self, text: str, *, command: bool = False) -> None:
        # A command's words say which language to start in; a plain line counts only
        # when it is a sentence (a dialogue's language changes on nothing shorter).
        found = detect_lang(text) if command else clearly_in(text)
        if found is not None:
            self.langs[self.user] = found

    async def handle_line(self, line: str) -> bool:
        """Handles one input line; False when the user asked to quit."""
        text = clean(line)
        if not text or text.startswith(_COMMENT):
            return True
        command = _command(text)
        if command is not None and command[0] in _QUIT:
            return False
        try:
            await self._handle(text, command)
        except StorageDown as exc:
            # The console's own records (forms, clickable messages) are unreachable.
            log.error("console storage unavailable", extra={"error": repr(exc)})
            self._say(Later("storage_down"))
        return True

    async def _handle(self, text: str, command: tuple[str, str] | None) -> None:
        if command is None or command[0] not in _KNOWN:
            pending = await self.forms.get(self.user)
            if pending is not None:
                await self._form_answer(pending, text)
                return
        self._asked = False
        if command is None:
            self._heard(text)
            await self.dispatch(
                UserMessage(actor=self.actor(), channel=self.user, text=text, direct=True)
            )
        else:
            await self._command(*command)
        # A command leaves an open form open: ask it again, so the next line is
        # clearly its answer (also after /as, for the user now acting).
        if not self._asked:
            await self._reask()

    async def _command(self, name: str, rest: str) -> None:
        match name:
            case "help":
                self._say(Later("console_help"))
            case "whoami":
                self._say(Later("console_whoami", user=self.user))
            case "as":
                self._switch(rest)
            case "click":
                await self._click(rest)
            case "cancel":
                await self._cancel()
            case _ if name not in commands.NAMES:
                self._say(Later("console_unknown_command", name=name[:40]))
            case _:
                self._heard(rest, command=True)
                await self.dispatch(
                    Command(actor=self.actor(), channel=self.user, name=name, text=rest)
                )

    def _switch(self, who: str) -> None:
        if who and ":" not in who:
            who = f"console:{who}"
        if not is_identity(who):
            self._say(Later("console_as_usage"))
            return
        self.user = who
        self._say(Later("console_now_acting", user=who))

    async def _click(self, wanted: str) -> None:
        if not wanted:
            self._say(Later("console_click_usage"))
            return
        shown = await self.cards.latest()
        found = find_button(shown, wanted, self.user)
        if found is None:
            owner = shown_to_another(shown, wanted, self.user)
            if owner is not None:
                self._say(Later("console_not_yours", owner=owner))
            else:
                self._say(Later("console_no_button", wanted=wanted))
            return
        message, button = found
        self._say(Later("console_clicks", user=self.user, label=button.label))
        await self.dispatch(
            Click(actor=self.actor(), channel=message.to, action=button.action, value=button.value)
        )

    async def _cancel(self) -> None:
        if await self.forms.get(self.user) is None:
            self._say(Later("console_no_form"))
            return
        await self.forms.close(self.user)
        self._say(Later("console_form_closed"))

    async def _form_answer(self, pending: PendingForm, text: str) -> None:
        spec = pending.form.fields[pending.next_field()]
        pending.values[spec.name] = text
        await self.forms.answer(self.user, spec.name, text)
        if pending.next_field() < len(pending.form.fields):
            self._ask(self.user, pending)
            return
        form = pending.form
        replies = await self.dispatch(
            FormSubmit(
                actor=self.actor(),
                form=form.form,
                context=form.context,
                values=dict(pending.values),
            )
        )
        # Refused answers keep the form open (FormErrors re-asked); anything else, or a
        # refusal no other answer could change (`final`), ends it.
        errors = [r for r in replies if isinstance(r, FormErrors) and r.to == self.user]
        if not errors or any(e.final for e in errors):
            await self.forms.close(self.user)

    async def _reask(self) -> None:
        """Asks the acting user's open form again, if they have one."""
        try:
            pending = await self.forms.get(self.user)
        except StorageDown:
            return  # said by the next line that needs the form
        if pending is not None:
            self._ask(self.user, pending)

    async def run(self, stdin: BinaryIO | None = None, encoding: str | None = None) -> None:
        """Reads lines until the input ends or /quit. Bytes are decoded in the terminal's
        encoding (stdin's, by default), any that do not decode replaced."""
        source = stdin or sys.stdin.buffer
        encoding = encoding or sys.stdin.encoding or "utf-8"
        self._say(Later("console_banner", user=self.user))
        # A form left open by an earlier session (or another process) is still open.
        await self._reask()
        while True:
            raw = await asyncio.to_thread(source.readline)
            if not raw:
                return  # end of input
            if not await self.handle_line(raw.decode(encoding, errors="replace")):
                return
