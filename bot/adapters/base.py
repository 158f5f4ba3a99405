"""What a platform adapter and the app see of each other.

The app hands every adapter itself as a `Host`: events go in through `handle`, the
replies an adapter does not answer itself go out through `deliver`, and `home` renders
a user's home view. The app reaches each adapter through `Adapter.deliver`.
"""

from __future__ import annotations

from typing import Protocol

from conversations.model import Lang
from handlers.events import Event, Message, Reply


class Host(Protocol):
    async def handle(self, event: Event) -> list[Reply]:
        """Handles an event and returns its replies, delivering none of them (an
        adapter may answer some itself: a Slack modal's errors, a thread reply)."""
        ...

    async def deliver(self, replies: list[Reply]) -> None:
        """Sends replies through whichever adapter serves each destination."""
        ...

    async def home(self, user: str, lang: Lang | None) -> list[Message]:
        """The sections of a user's home view (Slack App Home)."""
        ...


class Adapter(Protocol):
    platform: str  # the id prefix it serves: "slack", "dingtalk", "console"

    async def deliver(self, reply: Reply, ref: str | None = None) -> str | None:
        """Sends one reply. For a keyed Post, returns a reference to the posted message
        (kept so the card can be updated later); for UpdateCard, `ref` is that reference."""
        ...
