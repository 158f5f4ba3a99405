"""What the composition root needs of a platform adapter."""

from __future__ import annotations

from typing import Protocol

from handlers.events import Reply


class Adapter(Protocol):
    platform: str  # the id prefix it serves: "slack", "dingtalk", "console"

    async def deliver(self, reply: Reply, ref: str | None = None) -> str | None:
        """Sends one reply. For a keyed Post, returns a reference to the posted message
        (kept so the card can be updated later); for UpdateCard, `ref` is that reference."""
        ...
