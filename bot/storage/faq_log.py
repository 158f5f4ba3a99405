"""What the FAQ remembers (handlers.ports.FaqLog): each user's recent questions, kept
a day for a human handoff, and the counters of the feedback report."""

from __future__ import annotations

from bot.storage.client import RedisClient, result
from bot.storage.errors import storage_call
from bot.storage.keys import Keys
from handlers import faq_stats

_DAY = 86400


class RedisFaqLog:
    def __init__(self, redis: RedisClient, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    @storage_call
    async def remember(self, user: str, entry: str, keep: int = 10) -> None:
        key = self.keys.faq_transcript(user)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.rpush(key, entry)
            pipe.ltrim(key, -keep, -1)
            pipe.expire(key, _DAY)
            await pipe.execute()

    @storage_call
    async def transcript(self, user: str) -> list[str]:
        found = await result(self.redis.lrange(self.keys.faq_transcript(user), 0, -1))
        return [str(x) for x in found]

    @storage_call
    async def count(self, field: str, by: int = 1) -> None:
        await result(self.redis.hincrby(self.keys.faq_stats(), field, by))

    @storage_call
    async def vote(self, user: str, topic: str, helpful: bool) -> bool:
        """Keyed by topic, not by the answer's id from the button, which a client can
        forge."""
        first = await result(self.redis.set(self.keys.faq_vote(topic, user), "1", nx=True, ex=_DAY))
        if not first:
            return False
        await self.count(faq_stats.votes(topic, helpful))
        return True

    @storage_call
    async def stats(self) -> dict[str, int]:
        raw = await result(self.redis.hgetall(self.keys.faq_stats()))
        return {str(k): int(v) for k, v in raw.items()}
