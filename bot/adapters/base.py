"""What a platform adapter and the app see of each other.

The app hands every adapter itself as a `Host`: events go in through `handle`, the
replies an adapter does not answer itself go out through `deliver`, and `home` renders
a user's home view. The app reaches each adapter through `Adapter.deliver`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from conversations.model import Lang
from handlers.events import Event, Message, Post, Reply


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


@runtime_checkable
class Recalls(Protocol):
    """An adapter whose platform can say whether a message went out: after a crash,
    an owed post found in flight is looked up before it is sent again."""

    async def find_sent(self, reply: Post, since: datetime) -> str | None:
        """The reference of the post labelled with `reply.outbox` if it reached the
        platform after `since`, else None. Raises when the platform cannot tell."""
        ...
