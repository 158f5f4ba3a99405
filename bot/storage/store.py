"""All of stopbot's Redis storage behind one connection: each part implements a port
of handlers/ports.py (or serves an adapter), and every key is in keys.py."""

from __future__ import annotations

from datetime import timedelta

from bot.storage.card_refs import RedisCardRefs
from bot.storage.client import RedisClient, result
from bot.storage.console_cards import RedisConsoleCards
from bot.storage.drafts import RedisDrafts
from bot.storage.errors import storage_call
from bot.storage.faq_log import RedisFaqLog
from bot.storage.keys import Keys
from bot.storage.marks import RedisMarks
from bot.storage.outbox import Births, RedisOutbox
from bot.storage.requests import DEFAULT_LEASE, RedisRequests
from handlers.ports import StorageDown


class Store:
    def __init__(
        self, redis: RedisClient, keys: Keys | None = None, lease: timedelta = DEFAULT_LEASE
    ) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        self.lease = lease  # how long an owed reply stays with the process that holds it
        self.drafts = RedisDrafts(redis, self.keys)
        births = Births()  # what this process owes and holds from birth (outbox.py)
        self.requests = RedisRequests(redis, self.keys, lease, births)
        self.outbox = RedisOutbox(redis, self.keys, births)
        self.marks = RedisMarks(redis, self.keys)
        self.faq_log = RedisFaqLog(redis, self.keys)
        self.card_refs = RedisCardRefs(redis, self.keys)
        self.console_cards = RedisConsoleCards(redis, self.keys)

    async def ping(self) -> bool:
        try:
            return bool(await self._ping())
        except StorageDown:
            return False

    @storage_call
    async def _ping(self) -> bool:
        return bool(await result(self.redis.ping()))

    async def close(self) -> None:
        await self.redis.aclose()

    @storage_call
    async def memory_usage(self, key: str) -> int:
        return int(await result(self.redis.memory_usage(key, samples=0)) or 0)
