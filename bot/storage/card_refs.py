"""Where each posted card is on its platform (a Slack channel and ts, say), so that it
can be rewritten in place when its request moves on."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from bot.storage.client import RedisClient, result
from bot.storage.errors import storage_call
from bot.storage.keys import Keys
from bot.storage.lru import Lru
from handlers.card_keys import owner_of


class RedisCardRefs:
    def __init__(self, redis: RedisClient, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._seen: Lru[str, str] = Lru()

    # Filed under the card's owner (a request or a draft), in the owner's hash slot.

    @storage_call
    async def set(self, card_key: str, ref: str, ttl: timedelta | None = None) -> None:
        key = self.keys.cards(owner_of(card_key))
        if ttl is None:
            await result(self.redis.hset(key, card_key, ref))
            # A posted card's reference never changes, so a cached one is always right.
            self._seen.put(card_key, ref)
            return
        # Re-posted under the same key (a dialogue's question): never cached, since
        # another process may have posted the newer one; gone with the draft.
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(key, card_key, ref)
            pipe.expire(key, max(1, int(ttl.total_seconds())))
            await pipe.execute()
        self._seen.forget(card_key)

    def known(self, card_key: str, ref: str) -> None:
        """A request card's reference that the outbox recorded (with its entry)."""
        self._seen.put(card_key, ref)

    @storage_call
    async def get(self, card_key: str) -> str | None:
        cached = self._seen.get(card_key)
        if cached is not None:
            return cached
        found = await result(self.redis.hget(self.keys.cards(owner_of(card_key)), card_key))
        return cast(str | None, found)
