"""What DingTalk sends the bot, as the adapter receives it by either transport (a Stream
frame or an HTTP callback): the payload and what kind it is.

Both transports hand the adapter the same `Received`, so it has one entry point; both
have answered DingTalk already (a Stream ack, an HTTP `{}`), so the adapter never
answers: it rewrites a clicked card through the OpenAPI. The Stream topics the bot
subscribes to live here too: they name the two kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal

TOPIC_BOT_MESSAGE = "/v1.0/im/bot/messages/get"
TOPIC_CARD_CALLBACK = "/v1.0/card/instances/callback"

Kind = Literal["message", "card"]

KIND_OF_TOPIC: dict[str, Kind] = {TOPIC_BOT_MESSAGE: "message", TOPIC_CARD_CALLBACK: "card"}


@dataclass(frozen=True)
class Received:
    kind: Kind
    payload: dict[str, Any]  # the JSON object DingTalk sent (a Stream frame's `data`)
    # The Stream frame's own id (its headers.messageId); None over HTTP. A bot message
    # also carries its msgId in the payload, which is the same in both modes.
    frame_id: str | None = None


# A coroutine function: the Stream thread schedules it on the bot's loop.
OnReceived = Callable[[Received], Coroutine[Any, Any, None]]
