"""The console playground: the same handlers and storage as Slack or DingTalk, driven
by lines on stdin (a terminal or a pipe) and printed as text.

Every message is printed, whoever it is for, so one person can play the requester
and every approver (`/as console:head`). Messages with buttons are remembered in
Redis so that `/click` still works after a restart.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from typing import TextIO

from pydantic import TypeAdapter

from bot.adapters.base import Host
from bot.storage.console_cards import RedisConsoleCards
from conversations.ids import is_identity
from conversations.lang import detect_lang
from conversations.model import Lang
from conversations.text import clean
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

_MAX_REMEMBERED = 200
_BUTTONS = TypeAdapter(list[Button])

HELP = """Console commands:
  /cancel-account [status|withdraw ID|pending|help]   the bot's command
  /shutdown-notice [status [JOB]|cancel JOB|help]    admins: a shutdown notice
  /as ID             act as another user (e.g. /as console:head)
  /click N|LABEL     click button N (or the button labelled LABEL) of the latest card with it
  /whoami            show the acting user
  /quit              leave (everything is kept; run chat again to continue)
Anything else you type is a message to the bot."""


@dataclass
class _Shown:
    seq: int
    to: str
    key: str | None
    buttons: list[Button]


@dataclass
class _PendingForm:
    form: OpenForm
    values: dict[str, str] = field(default_factory=dict)

    def next_field(self) -> int:
        """The first field still without an answer (refused answers are removed)."""
        names = [f.name for f in self.form.fields]
        return next((i for i, n in enumerate(names) if n not in self.values), len(names))


class ConsoleAdapter:
    platform = "console"

    def __init__(
        self,
        host: Host,
        cards: RedisConsoleCards,
        out: TextIO | None = None,
        user: str = "console:employee",
        lang: Lang | None = None,
    ) -> None:
        self.host = host
        self.cards = cards
        self.out = out or sys.stdout
        self.user = user
        self.lang = lang
        self.shown: list[_Shown] = []
        self.forms: dict[str, _PendingForm] = {}
        # A console has no locale: remember the language each user last wrote in, so
        # their clicks (which carry no text) are answered in it too.
        self.langs: dict[str, Lang] = {}

    # -- output ----------------------------------------------------------------

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _render(self, header: str, message: Message) -> list[str]:
        lines = [header]
        if message.text:
            lines += [f"  {line}" for line in message.text.splitlines()]
        card = message.card
        if card is not None:
            lines.append(f"  ┌ {card.title}")
            lines += [f"  │ {label}: {value}" for label, value in card.fields]
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
                # Remember before printing: whatever the user has seen can be clicked
                # even if the process dies the next instant.
                await self._remember(reply.to, reply.key, reply.message.buttons)
                shown_key = reply.key and reply.key_ttl is None  # a request card
                where = f"→ {reply.to}" + (f"  (card {reply.key})" if shown_key else "")
                self._print("\n".join(self._render(where, reply.message)))
                return reply.key
            case Ephemeral():
                await self._remember(reply.to, None, reply.message.buttons)
                self._print("\n".join(self._render(f"→ {reply.to} (only you)", reply.message)))
            case UpdateCard():
                for shown in self.shown:
                    if shown.key == reply.key:
                        shown.buttons = list(reply.message.buttons)
                await self._save()
                if reply.message.card is None and not reply.message.buttons:
                    self._print(f"  {reply.message.text}")  # an answered question, in brief
                else:
                    self._print(
                        "\n".join(self._render(f"↻ card {reply.key} updated", reply.message))
                    )
            case OpenForm():
                self.forms[reply.to] = _PendingForm(reply)
                self._ask(reply.to)
            case FormErrors():
                pending = self.forms.get(reply.to)
                for name, error in reply.errors.items():
                    self._print(f"→ {reply.to} (only you)\n  ✖ {error}")
                    if pending is not None:
                        pending.values.pop(name, None)
                if pending is not None:
                    self._ask(reply.to)
            case RefreshHome():
                pass  # the console has no home view: it prints everything anyway
        return None

    def _ask(self, user: str) -> None:
        pending = self.forms[user]
        spec = pending.form.fields[pending.next_field()]
        hint = " (a user id, e.g. console:alice)" if spec.kind == "user" else ""
        self._print(
            f"→ {user} (only you)\n  {pending.form.title}: {spec.label}{hint}? "
            "(type it, or /cancel)"
        )

    # -- remembered buttons, kept in Redis so /click survives a restart ------------

    async def _remember(self, to: str, key: str | None, buttons: list[Button]) -> None:
        if not buttons:
            return
        seq = self.shown[-1].seq + 1 if self.shown else 1
        self.shown.append(_Shown(seq, to, key, list(buttons)))
        del self.shown[:-_MAX_REMEMBERED]
        await self._save()

    async def _save(self) -> None:
        data = [
            {"seq": s.seq, "to": s.to, "key": s.key, "buttons": [b.model_dump() for b in s.buttons]}
            for s in self.shown
        ]
        await self.cards.save(json.dumps(data))

    async def load(self) -> None:
        raw = await self.cards.load()
        if not raw:
            return
        self.shown = [
            _Shown(d["seq"], d["to"], d["key"], _BUTTONS.validate_python(d["buttons"]))
            for d in json.loads(raw)
        ]

    def _find_button(self, wanted: str) -> tuple[_Shown, Button] | None:
        """The latest remembered message with that button: the acting user's own
        messages first (their dialogue), then everything else (channel cards)."""
        own = [s for s in reversed(self.shown) if s.to == self.user]
        rest = [s for s in reversed(self.shown) if s.to != self.user]
        for shown in own + rest:
            if wanted.isdigit():
                i = int(wanted)
                if 1 <= i <= len(shown.buttons):
                    return shown, shown.buttons[i - 1]
                continue
            for button in shown.buttons:
                if button.label.casefold() == wanted.casefold():
                    return shown, button
        return None

    # -- input -----------------------------------------------------------------

    async def dispatch(self, event: Event) -> list[Reply]:
        replies = await self.host.handle(event)
        await self.host.deliver(replies)
        return replies

    def actor(self) -> Actor:
        return Actor(id=self.user, lang=self.lang or self.langs.get(self.user))

    def _heard(self, text: str) -> None:
        found = detect_lang(text)
        if found is not None:
            self.langs[self.user] = found

    async def handle_line(self, line: str) -> bool:
        """Handles one input line; False when the user asked to quit."""
        text = clean(line)
        if not text:
            return True
        if text in ("/quit", "/exit"):
            return False
        pending = self.forms.get(self.user)
        if pending is not None:
            await self._form_answer(pending, text)
            return True
        if text == "/help":
            self._print(HELP)
        elif text == "/whoami":
            self._print(f"Acting as {self.user}.")
        elif text.startswith("/as"):
            self._switch(text[3:].strip())
        elif text.startswith("/click"):
            await self._click(text[6:].strip())
        elif text.startswith("/"):
            name, _, rest = text[1:].partition(" ")
            self._heard(rest)
            await self.dispatch(
                Command(actor=self.actor(), channel=self.user, name=name, text=rest)
            )
        else:
            self._heard(text)
            await self.dispatch(
                UserMessage(actor=self.actor(), channel=self.user, text=text, direct=True)
            )
        return True

    def _switch(self, who: str) -> None:
        if who and ":" not in who:
            who = f"console:{who}"
        if not is_identity(who):
            self._print("Usage: /as ID, e.g. /as console:head (letters, digits and ._@+- only).")
            return
        self.user = who
        self._print(f"Now acting as {who}.")

    async def _click(self, wanted: str) -> None:
        if not wanted:
            self._print("Usage: /click N or /click LABEL")
            return
        found = self._find_button(wanted)
        if found is None:
            self._print(f"No card has a button '{wanted}'.")
            return
        shown, button = found
        channel = shown.to
        self._print(f"({self.user} clicks '{button.label}')")
        await self.dispatch(
            Click(actor=self.actor(), channel=channel, action=button.action, value=button.value)
        )

    async def _form_answer(self, pending: _PendingForm, text: str) -> None:
        if text == "/cancel":
            del self.forms[self.user]
            self._print("Form closed; nothing was changed.")
            return
        spec = pending.form.fields[pending.next_field()]
        pending.values[spec.name] = text
        if pending.next_field() < len(pending.form.fields):
            self._ask(self.user)
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
        # Refused answers keep the form open (FormErrors re-asked); anything else ends it.
        if not any(isinstance(r, FormErrors) and r.to == self.user for r in replies):
            self.forms.pop(self.user, None)

    async def run(self, stdin: TextIO | None = None) -> None:
        source = stdin or sys.stdin
        await self.load()
        self._print(
            f"stopbot console, acting as {self.user}. Type /cancel-account to start a stop "
            "request, /help for console commands."
        )
        while True:
            line = await asyncio.to_thread(source.readline)
            if not line:
                return  # end of input
            if not await self.handle_line(line):
                return
