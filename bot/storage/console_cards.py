"""The console playground's clickable messages, kept so `/click` works after a restart."""

from __future__ import annotations

from typing import cast

from bot.storage.client import RedisClient, result
from bot.storage.errors import storage_call
from bot.storage.keys import Keys


class RedisConsoleCards:
    def __init__(self, redis: RedisClient, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    @storage_call
    async def save(self, data: str) -> None:
        await result(self.redis.set(self.keys.console_cards(), data))

    @storage_call
    async def load(self) -> str | None:
        return cast(str | None, await result(self.redis.get(self.keys.console_cards())))
