"""Each user's stop-request dialogue in progress (handlers.ports.DraftStore).

A draft is written only by compare-and-set on a random version token: two quick
messages or a double click, even handled by two processes, never act on the same
old state, and a deleted and re-created draft is never mistaken for the one read.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from bot.storage.client import RedisClient, register, result
from bot.storage.errors import storage_call
from bot.storage.keys import Keys
from bot.storage.lru import Lru
from bot.storage.scripts import DIALOGUE_CAS
from handlers.ports import DialogueStep, DialogueWrite, StorageBusy

T = TypeVar("T")

MAX_RETRIES = 20


@dataclass(frozen=True)
class _Draft:
    token: str  # version token of the stored draft; "" = none stored
    data: str | None


class RedisDrafts:
    """`key`: where a user's draft is (the stop-request dialogue's by default; the
    shutdown-notice dialogue has its own). `expiry`: whether users are told when their
    draft expires (the expiry index is the stop-request dialogue's)."""

    def __init__(
        self,
        redis: RedisClient,
        keys: Keys,
        key: Callable[[str], str] | None = None,
        expiry: bool = True,
    ) -> None:
        self.redis = redis
        self.keys = keys
        self._key = key or keys.dialogue
        self._expiry = expiry
        self._cas = register(redis, DIALOGUE_CAS)
        self._seen: Lru[str, _Draft] = Lru()

    @storage_call
    async def run(self, user: str, step: DialogueStep[T]) -> T:
        """One round trip when this process saw the draft last (the common case), two
        when it did not."""
        key = self._key(user)
        draft = self._seen.get(user)
        if draft is None:
            token, data = await result(self.redis.hmget(key, ["v", "d"]))
            draft = _Draft(token or "", data if token else None)
        for _ in range(MAX_RETRIES):
            write, outcome = await step(draft.data)
            new_token = secrets.token_hex(8)
            ttl = max(1, int(write.ttl.total_seconds()))
            got = await self._cas(
                keys=[key], args=[draft.token, write.op, write.data, ttl, new_token]
            )
            if int(got[0]) == 1:
                if write.op == "set":
                    draft = _Draft(new_token, write.data)
                elif write.op == "delete":
                    draft = _Draft("", None)
                self._seen.put(user, draft)
                await self._schedule_expiry(user, write)
                return outcome
            draft = _Draft(got[1], got[2] if got[1] else None)
            self._seen.put(user, draft)
        raise StorageBusy(user)

    async def _schedule_expiry(self, user: str, write: DialogueWrite) -> None:
        """Derived index, written after the draft: a crash in between only costs the
        proactive notice (the user is still told at their next message)."""
        if not self._expiry:
            return
        index = self.keys.draft_expiry()
        if write.op == "set" and write.expires_at is not None:
            await result(self.redis.zadd(index, {user: write.expires_at.timestamp()}))
        elif write.op == "delete":
            await result(self.redis.zrem(index, user))

    @storage_call
    async def expiring(self, now: datetime, limit: int = 100) -> list[str]:
        found = await result(
            self.redis.zrangebyscore(
                self.keys.draft_expiry(), "-inf", now.timestamp(), start=0, num=limit
            )
        )
        return [str(user) for user in found]

    @storage_call
    async def expire_at(self, user: str, when: datetime | None) -> None:
        if when is None:
            await result(self.redis.zrem(self.keys.draft_expiry(), user))
        else:
            await result(self.redis.zadd(self.keys.draft_expiry(), {user: when.timestamp()}))

    @storage_call
    async def load(self, user: str) -> str | None:
        found = await result(self.redis.hget(self._key(user), "d"))
        return cast(str | None, found)
