"""What DingTalk sends the bot, as the adapter receives it by either transport (a Stream
frame or an HTTP callback): the payload, what kind it is, and a way to answer it.

Both transports hand the adapter the same `Received`, so it has one entry point. The
Stream topics the bot subscribes to live here too: they name the two kinds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal

TOPIC_BOT_MESSAGE = "/v1.0/im/bot/messages/get"
TOPIC_CARD_CALLBACK = "/v1.0/card/instances/callback"

Kind = Literal["message", "card"]

KIND_OF_TOPIC: dict[str, Kind] = {TOPIC_BOT_MESSAGE: "message", TOPIC_CARD_CALLBACK: "card"}


class Answer:
    """The body of the answer DingTalk waits for, while it still waits.

    Over HTTP a card callback's answer may carry the card's new data, which updates the
    card in place; the handler waits a bounded time for it. Past that time (and for
    everything else: messages, Stream frames, which are acked at once) the answer is
    closed and `respond` says so, so the adapter updates the card through the OpenAPI
    instead: one of the two, never both.
    """

    def __init__(self, waited: asyncio.Future[dict[str, Any]] | None = None) -> None:
        self._body = waited

    @classmethod
    def closed(cls) -> Answer:
        return cls(None)

    @classmethod
    def waiting(cls) -> Answer:
        return cls(asyncio.get_running_loop().create_future())

    @property
    def is_open(self) -> bool:
        return self._body is not None and not self._body.done()

    def respond(self, body: dict[str, Any]) -> bool:
        """Answers DingTalk with `body`; False when it is too late (nothing was sent)."""
        if self._body is None or self._body.done():
            return False
        self._body.set_result(body)
        return True

    def close(self) -> None:
        """No answer will be taken from now on."""
        if self._body is not None and not self._body.done():
            self._body.cancel()

    def given(self) -> dict[str, Any] | None:
        """The body given through `respond`, if any."""
        if self._body is None or not self._body.done() or self._body.cancelled():
            return None
        return self._body.result()

    async def wait(self) -> None:
        """Returns once a body is given or the answer is closed."""
        if self._body is not None:
            await asyncio.wait({self._body})


@dataclass(frozen=True)
class Received:
    kind: Kind
    payload: dict[str, Any]  # the JSON object DingTalk sent (a Stream frame's `data`)
    # The Stream frame's own id (its headers.messageId); None over HTTP. A bot message
    # also carries its msgId in the payload, which is the same in both modes.
    frame_id: str | None = None
    answer: Answer = field(default_factory=Answer.closed)


# A coroutine function: the Stream thread schedules it on the bot's loop.
OnReceived = Callable[[Received], Coroutine[Any, Any, None]]
