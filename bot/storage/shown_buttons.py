"""The latest buttons shown to each user in each conversation where buttons are answered
by typing (DingTalk markdown has none: a message lists them numbered), so that "2" or
"yes" typed next is read as a click of that button, by whichever process gets it.

One entry per user and conversation (a single chat, a group where they asked),
replaced by every message with buttons they are shown there and gone after `TTL`:
only a fresh list is answered by a number.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import TypeAdapter

from bot.storage.client import RedisClient, result
from bot.storage.errors import storage_call
from bot.storage.keys import Keys
from handlers.events import Button

TTL = timedelta(hours=1)
_BUTTONS = TypeAdapter(list[Button])


class RedisShownButtons:
    def __init__(self, redis: RedisClient, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    @storage_call
    async def remember(self, user: str, channel: str, buttons: list[Button]) -> None:
        """Replaces what `user` was shown in `channel` before; no buttons: forgets it."""
        key = self.keys.shown_buttons(user, channel)
        if not buttons:
            await result(self.redis.delete(key))
            return
        ttl = int(TTL.total_seconds())
        await result(self.redis.set(key, _BUTTONS.dump_json(buttons).decode(), ex=ttl))

    @storage_call
    async def latest(self, user: str, channel: str) -> list[Button]:
        raw = await result(self.redis.get(self.keys.shown_buttons(user, channel)))
        return [] if raw is None else _BUTTONS.validate_json(raw)
