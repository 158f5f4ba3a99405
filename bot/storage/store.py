"""Redis-backed storage for dialogues, stop requests, their audit trail and indexes.

State changes of a request are compare-and-set Lua scripts on the request's own
hash slot: the script checks the version that was read, writes the new JSON,
bumps the version, appends the audit entry and updates the open/due indexes, all
or nothing. Two processes or two clicks racing for the same transition therefore
cannot both win; the loser re-reads and lets the approval engine decide again.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError as _RedisError

from bot.storage.keys import AUDIT_BUCKETS, Keys, bucket
from conversations.approval import Transition
from conversations.model import AuditEntry, RequestStatus, StopRequest

RedisError = _RedisError

# Shared tail of the two request scripts: KEYS[3] open index, KEYS[4] due index;
# ARGV: id, created score, due score ('' = none), pending flag.
_REINDEX = """
local function reindex(id, created, due, pending)
  if pending == '1' then
    redis.call('ZADD', KEYS[3], created, id)
    if due ~= '' then redis.call('ZADD', KEYS[4], due, id) else redis.call('ZREM', KEYS[4], id) end
  else
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
  end
end
"""

_CREATE = (
    _REINDEX
    + """
-- KEYS: request, audit stream, open, due. ARGV: id, created, due, pending, data, audit...
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGET', KEYS[1], 'data')
end
local entry = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 6))
redis.call('HSET', KEYS[1], 'data', ARGV[5], 'version', 1, 'audit', entry)
reindex(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return false
"""
)

_COMMIT = (
    _REINDEX
    + """
-- KEYS: request, audit stream, open, due.
-- ARGV: id, created, due, pending, expected version, data, audit...
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return -1 end
if v ~= ARGV[5] then return 0 end
local entry = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 7))
local trail = redis.call('HGET', KEYS[1], 'audit')
redis.call('HSET', KEYS[1], 'data', ARGV[6], 'version', tonumber(v) + 1,
           'audit', trail .. ',' .. entry)
reindex(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return tonumber(v) + 1
"""
)

_SET_DUE = (
    _REINDEX
    + """
-- Repairs the due index from the request itself (scheduler found nothing due).
-- KEYS: request, unused, open, due. ARGV: id, created, due, pending.
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
  return 0
end
reindex(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return 1
"""
)

_LOCK_AND_LOAD = """
-- KEYS: lock, dialogue. ARGV: token, lock ttl (ms)
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('GET', KEYS[2])}
end
return {0}
"""

_SAVE_AND_UNLOCK = """
-- KEYS: lock, dialogue. ARGV: token, op (keep|set|del), data, ttl (s)
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == 'set' then
  redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4])
elseif ARGV[2] == 'del' then
  redis.call('DEL', KEYS[2])
end
redis.call('DEL', KEYS[1])
return 1
"""

_LOCK_TTL_MS = 10_000
_LOCK_WAIT_S = 5.0
_MAX_RETRIES = 20


class RequestNotFound(LookupError):
    pass


class StorageBusy(RuntimeError):
    """Another process holds the user's lock for longer than we are willing to wait."""


class DialogueSession:
    """A user's draft, read under the user's lock; the change is written, and the lock
    released, by one script when the session ends without an error."""

    def __init__(self, data: str | None) -> None:
        self.data = data
        self.op = "keep"
        self.ttl = 0

    def set(self, data: str, ttl: timedelta) -> None:
        self.data, self.op, self.ttl = data, "set", max(1, int(ttl.total_seconds()))

    def delete(self) -> None:
        self.data, self.op = None, "del"


def _dump(req: StopRequest) -> str:
    # Defaults (empty lists, nulls) are left out: a third less memory per request.
    return req.model_dump_json(exclude_defaults=True)


def _audit_fields(request_id: str, entry: AuditEntry) -> list[str]:
    return [
        "rid", request_id,
        "at", entry.at.isoformat(),
        "actor", entry.actor,
        "action", entry.action,
        "stage", entry.stage,
        "detail", entry.detail,
    ]  # fmt: skip


async def _result(value: Any) -> Any:
    """redis-py types many commands as `Awaitable[T] | T`; on the asyncio client they
    are always awaitables."""
    return await value


class Store:
    def __init__(self, redis: Redis, keys: Keys | None = None) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        self._create = redis.register_script(_CREATE)
        self._commit = redis.register_script(_COMMIT)
        self._set_due = redis.register_script(_SET_DUE)
        self._lock_and_load = redis.register_script(_LOCK_AND_LOAD)
        self._save_and_unlock = redis.register_script(_SAVE_AND_UNLOCK)

    async def ping(self) -> bool:
        try:
            return bool(await _result(self.redis.ping()))
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self.redis.aclose()

    # -- dialogues ---------------------------------------------------------

    @asynccontextmanager
    async def dialogue(self, user: str) -> AsyncIterator[DialogueSession]:
        """Locks the user's conversation, then reads it (aiogram's lesson: lock before
        reading, or two quick messages both act on the same old state). Two round trips
        in all: lock-and-read, write-and-unlock."""
        keys = [self.keys.dialogue_lock(user), self.keys.dialogue(user)]
        token = secrets.token_hex(8)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _LOCK_WAIT_S
        while True:
            got = await self._lock_and_load(keys=keys, args=[token, _LOCK_TTL_MS])
            if int(got[0]) == 1:
                break
            if loop.time() > deadline:
                raise StorageBusy(user)
            await asyncio.sleep(0.005)
        session = DialogueSession(got[1] if len(got) > 1 else None)
        try:
            yield session
        except BaseException:
            try:
                await self._save_and_unlock(keys=keys, args=[token, "keep", "", 0])
            except RedisError:
                pass  # the lock expires on its own
            raise
        done = await self._save_and_unlock(
            keys=keys, args=[token, session.op, session.data or "", session.ttl]
        )
        if int(done) != 1:
            # We held the lock longer than its TTL and someone else may have written:
            # refuse rather than overwrite their state.
            raise StorageBusy(user)

    async def load_dialogue(self, user: str) -> str | None:
        return cast(str | None, await _result(self.redis.get(self.keys.dialogue(user))))

    async def save_dialogue(self, user: str, data: str, ttl: timedelta) -> None:
        await _result(self.redis.set(self.keys.dialogue(user), data, ex=ttl))

    async def delete_dialogue(self, user: str) -> None:
        await _result(self.redis.delete(self.keys.dialogue(user)))

    # -- requests ----------------------------------------------------------

    def _request_keys(self, rid: str) -> list[str]:
        b = bucket(rid)
        k = self.keys
        return [k.request(rid), k.audit(rid), k.open_requests(b), k.due(b)]

    @staticmethod
    def _index_args(req: StopRequest, due: datetime | None) -> list[str]:
        pending = req.status is RequestStatus.PENDING
        return [
            req.id,
            repr(req.created_at.timestamp()),
            repr(due.timestamp()) if due is not None and pending else "",
            "1" if pending else "0",
        ]

    async def create_request(self, t: Transition, due: datetime | None) -> tuple[StopRequest, bool]:
        """Stores a newly submitted request; returns (request, created). Idempotent on the
        id: a second submit of the same draft returns the stored request untouched."""
        req = t.request
        # The owner's index first: a crash between the two leaves an id that readers
        # skip, never a request its owner cannot find.
        await _result(
            self.redis.zadd(
                self.keys.user_requests(req.requester), {req.id: req.created_at.timestamp()}
            )
        )
        existing = await self._create(
            keys=self._request_keys(req.id),
            args=[*self._index_args(req, due), _dump(req), *_audit_fields(req.id, t.audit)],
        )
        if existing:
            return StopRequest.model_validate_json(existing), False
        return req, True

    async def load_request(self, request_id: str) -> tuple[StopRequest, int] | None:
        data, version = await _result(
            self.redis.hmget(self.keys.request(request_id), ["data", "version"])
        )
        if data is None or version is None:
            return None
        return StopRequest.model_validate_json(data), int(version)

    async def get_request(self, request_id: str) -> StopRequest | None:
        found = await self.load_request(request_id)
        return found[0] if found else None

    async def commit(self, t: Transition, expected_version: int, due: datetime | None) -> bool:
        """Writes a transition if nobody else changed the request since it was read."""
        req = t.request
        result = int(
            await self._commit(
                keys=self._request_keys(req.id),
                args=[
                    *self._index_args(req, due),
                    str(expected_version),
                    _dump(req),
                    *_audit_fields(req.id, t.audit),
                ],
            )
        )
        if result == -1:
            raise RequestNotFound(req.id)
        return result != 0

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

    async def reschedule(
        self, request_id: str, due_of: Callable[[StopRequest], datetime | None]
    ) -> None:
        """Puts the request's due-index entry right, from the request as stored now."""
        req = await self.get_request(request_id)
        if req is None:
            await self._set_due(
                keys=self._request_keys(request_id), args=[request_id, "0", "", "0"]
            )
            return
        await self._set_due(
            keys=self._request_keys(request_id), args=self._index_args(req, due_of(req))
        )

    async def history(self, request_id: str) -> list[AuditEntry]:
        trail = await _result(self.redis.hget(self.keys.request(request_id), "audit"))
        if not trail:
            return []
        stream = self.keys.audit(request_id)
        async with self.redis.pipeline(transaction=False) as pipe:
            for entry_id in str(trail).split(","):
                pipe.xrange(stream, entry_id, entry_id)
            rows = await pipe.execute()
        entries = []
        for found in rows:
            for _id, fields in found:
                fields.pop("rid", None)
                entries.append(AuditEntry.model_validate(fields))
        return entries

    async def _load_many(self, ids: list[str]) -> list[StopRequest]:
        if not ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for rid in ids:
                pipe.hget(self.keys.request(rid), "data")
            raw = await pipe.execute()
        return [StopRequest.model_validate_json(r) for r in raw if r]

    async def requests_of(self, user: str, limit: int = 20) -> list[StopRequest]:
        ids = await _result(self.redis.zrevrange(self.keys.user_requests(user), 0, limit - 1))
        return await self._load_many(list(ids))

    async def _from_buckets(
        self, name: str, lo: float | str, hi: float | str, limit: int
    ) -> list[str]:
        index = self.keys.open_requests if name == "open" else self.keys.due
        async with self.redis.pipeline(transaction=False) as pipe:
            for b in range(AUDIT_BUCKETS):
                pipe.zrangebyscore(index(b), lo, hi, start=0, num=limit, withscores=True)
            rows = await pipe.execute()
        scored = sorted((score, rid) for found in rows for rid, score in found)
        return [rid for _score, rid in scored[:limit]]

    async def open_requests(self, limit: int = 500) -> list[StopRequest]:
        ids = await self._from_buckets("open", "-inf", "+inf", limit)
        reqs = await self._load_many(ids)
        return [r for r in reqs if r.status is RequestStatus.PENDING]

    async def due_ids(self, now: datetime, limit: int = 100) -> list[str]:
        return await self._from_buckets("due", "-inf", now.timestamp(), limit)

    # -- card references (platform message ids of posted cards) -------------

    async def set_card_ref(self, request_id: str, card_key: str, ref: str) -> None:
        await _result(self.redis.hset(self.keys.cards(request_id), card_key, ref))

    async def get_card_ref(self, request_id: str, card_key: str) -> str | None:
        found = await _result(self.redis.hget(self.keys.cards(request_id), card_key))
        return cast(str | None, found)

    async def memory_usage(self, key: str) -> int:
        return int(await _result(self.redis.memory_usage(key, samples=0)) or 0)
