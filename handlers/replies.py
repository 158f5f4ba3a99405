"""Small builders for the replies every handler gives."""

from __future__ import annotations

from handlers.events import Button, Ephemeral, Message, Post, Reply


def private(to: str, channel: str, text: str, buttons: list[Button] | None = None) -> list[Reply]:
    """An answer only `to` sees, where they asked (a refusal, a status, a thank-you)."""
    return [Ephemeral(to=to, channel=channel, message=Message(text=text, buttons=buttons or []))]


def dm(to: str, text: str) -> Post:
    """A message to a user, in their direct conversation with the bot."""
    return Post(to=to, message=Message(text=text))
