"""Small facts with a lifetime, shared by every process (handlers.ports.Marks)."""

from __future__ import annotations

from bot.storage.client import RedisClient, result
from bot.storage.errors import storage_call
from bot.storage.keys import Keys


class RedisMarks:
    def __init__(self, redis: RedisClient, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    @storage_call
    async def mark(self, what: str, ttl_seconds: int) -> None:
        await result(self.redis.set(self.keys.once(what), "1", ex=ttl_seconds))

    @storage_call
    async def marked(self, what: str) -> bool:
        return bool(await result(self.redis.exists(self.keys.once(what))))

    @storage_call
    async def first_time(self, what: str, ttl_seconds: int) -> bool:
        return bool(
            await result(self.redis.set(self.keys.once(what), "1", nx=True, ex=ttl_seconds))
        )
