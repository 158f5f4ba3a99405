"""Redis-backed storage for dialogues, stop requests, their audit trail and indexes.

State changes of a request are compare-and-set Lua scripts on the request's own
hash slot: the script checks the version that was read, writes the new JSON,
bumps the version and appends the audit entry, all or nothing. Two processes or
two clicks racing for the same transition therefore cannot both win; the loser
re-reads and lets the approval engine decide again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import LockError
from redis.exceptions import RedisError as _RedisError

from bot.storage.keys import Keys
from conversations.approval import Transition
from conversations.model import AuditEntry, RequestStatus, StopRequest

RedisError = _RedisError

_CREATE = """
-- KEYS: request hash, audit stream. ARGV: data, audit fields...
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGET', KEYS[1], 'data')
end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'version', 1)
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
return false
"""

_COMMIT = """
-- KEYS: request hash, audit stream. ARGV: expected version, data, audit fields...
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return -1 end
if v ~= ARGV[1] then return 0 end
local nv = tonumber(v) + 1
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'version', nv)
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
return nv
"""

_MAX_RETRIES = 20


class RequestNotFound(LookupError):
    pass


class StorageBusy(RuntimeError):
    """Another process holds the user's lock for longer than we are willing to wait."""


def _audit_fields(entry: AuditEntry) -> list[str]:
    return [
        "at",
        entry.at.isoformat(),
        "actor",
        entry.actor,
        "action",
        entry.action,
        "stage",
        entry.stage,
        "detail",
        entry.detail,
    ]


class Store:
    def __init__(self, redis: Redis, keys: Keys | None = None) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        self._create = redis.register_script(_CREATE)
        self._commit = redis.register_script(_COMMIT)

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self.redis.aclose()

    # -- dialogues ---------------------------------------------------------

    @asynccontextmanager
    async def user_lock(self, user: str) -> AsyncIterator[None]:
        """Serialises one user's messages across processes; taken before state is read."""
        lock = self.redis.lock(
            self.keys.dialogue_lock(user), timeout=10, blocking_timeout=5, sleep=0.01
        )
        if not await lock.acquire():
            raise StorageBusy(user)
        try:
            yield
        finally:
            try:
                await lock.release()
            except LockError:
                pass  # expired while we worked; the next holder is already safe

    async def load_dialogue(self, user: str) -> str | None:
        return cast(str | None, await self.redis.get(self.keys.dialogue(user)))

    async def save_dialogue(self, user: str, data: str, ttl: timedelta) -> None:
        await self.redis.set(self.keys.dialogue(user), data, ex=ttl)

    async def delete_dialogue(self, user: str) -> None:
        await self.redis.delete(self.keys.dialogue(user))

    # -- requests ----------------------------------------------------------

    async def create_request(self, t: Transition, due: datetime | None) -> tuple[StopRequest, bool]:
        """Stores a newly submitted request; returns (request, created). Idempotent on the
        id: a second submit of the same draft returns the stored request untouched."""
        req = t.request
        k = self.keys
        # Indexes first: a crash between the two leaves an index entry that readers
        # skip, never a request that nobody can find.
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(k.user_requests(req.requester), {req.id: req.created_at.timestamp()})
            if req.status is RequestStatus.PENDING:
                pipe.zadd(k.open_requests(), {req.id: req.created_at.timestamp()})
                if due is not None:
                    pipe.zadd(k.due(), {req.id: due.timestamp()}, nx=True)
            await pipe.execute()
        existing = await self._create(
            keys=[k.request(req.id), k.audit(req.id)],
            args=[req.model_dump_json(), *_audit_fields(t.audit)],
        )
        if existing:
            return StopRequest.model_validate_json(existing), False
        return req, True

    async def load_request(self, request_id: str) -> tuple[StopRequest, int] | None:
        raw = await self.redis.hmget(self.keys.request(request_id), ["data", "version"])
        data, version = raw[0], raw[1]
        if data is None or version is None:
            return None
        return StopRequest.model_validate_json(data), int(version)

    async def get_request(self, request_id: str) -> StopRequest | None:
        found = await self.load_request(request_id)
        return found[0] if found else None

    async def commit(self, t: Transition, expected_version: int, due: datetime | None) -> bool:
        """Writes a transition if nobody else changed the request since it was read."""
        req = t.request
        k = self.keys
        result = await self._commit(
            keys=[k.request(req.id), k.audit(req.id)],
            args=[str(expected_version), req.model_dump_json(), *_audit_fields(t.audit)],
        )
        if int(result) == -1:
            raise RequestNotFound(req.id)
        if int(result) == 0:
            return False
        await self._reindex(req, due)
        return True

    async def _reindex(self, req: StopRequest, due: datetime | None) -> None:
        k = self.keys
        async with self.redis.pipeline(transaction=False) as pipe:
            if req.status is RequestStatus.PENDING and due is not None:
                pipe.zadd(k.due(), {req.id: due.timestamp()})
            else:
                pipe.zrem(k.due(), req.id)
            if req.status is not RequestStatus.PENDING:
                pipe.zrem(k.open_requests(), req.id)
            await pipe.execute()

    async def update_request(
        self,
        request_id: str,
        change: Callable[[StopRequest], Transition | None],
        due_of: Callable[[StopRequest], datetime | None],
    ) -> Transition | None:
        """Reads, applies `change` (which may raise to refuse), and commits with a version
        check, retrying from a fresh read when another writer got there first.
        Returns None when `change` decided there was nothing to do."""
        for _ in range(_MAX_RETRIES):
            found = await self.load_request(request_id)
            if found is None:
                raise RequestNotFound(request_id)
            req, version = found
            t = change(req)
            if t is None:
                return None
            if await self.commit(t, version, due_of(t.request)):
                return t
        raise StorageBusy(request_id)

    async def history(self, request_id: str) -> list[AuditEntry]:
        rows = cast(
            list[tuple[str, dict[str, str]]], await self.redis.xrange(self.keys.audit(request_id))
        )
        return [AuditEntry.model_validate(fields) for _id, fields in rows]

    async def _load_many(self, ids: list[str]) -> list[StopRequest]:
        if not ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for rid in ids:
                pipe.hget(self.keys.request(rid), "data")
            raw = await pipe.execute()
        return [StopRequest.model_validate_json(r) for r in raw if r]

    async def requests_of(self, user: str, limit: int = 20) -> list[StopRequest]:
        ids = cast(
            list[str], await self.redis.zrevrange(self.keys.user_requests(user), 0, limit - 1)
        )
        return await self._load_many(ids)

    async def open_requests(self, limit: int = 500) -> list[StopRequest]:
        ids = cast(list[str], await self.redis.zrange(self.keys.open_requests(), 0, limit - 1))
        reqs = await self._load_many(ids)
        return [r for r in reqs if r.status is RequestStatus.PENDING]

    async def due_ids(self, now: datetime, limit: int = 100) -> list[str]:
        ids = await self.redis.zrangebyscore(
            self.keys.due(), "-inf", now.timestamp(), start=0, num=limit
        )
        return cast(list[str], ids)

    async def set_due(self, request_id: str, when: datetime | None) -> None:
        if when is None:
            await self.redis.zrem(self.keys.due(), request_id)
        else:
            await self.redis.zadd(self.keys.due(), {request_id: when.timestamp()})

    # -- card references (platform message ids of posted cards) -------------

    async def set_card_ref(self, request_id: str, card_key: str, ref: str) -> None:
        await self.redis.hset(self.keys.cards(request_id), card_key, ref)

    async def get_card_ref(self, request_id: str, card_key: str) -> str | None:
        return cast(str | None, await self.redis.hget(self.keys.cards(request_id), card_key))

    async def memory_usage(self, key: str) -> int:
        return int(await cast(Awaitable[Any], self.redis.memory_usage(key)) or 0)
