"""Redis-backed storage for dialogues, stop requests, their audit trail and indexes.

State changes of a request are compare-and-set Lua scripts on the request's own
hash slot: the script checks the version that was read, writes the new JSON,
bumps the version, appends the audit entry and updates the open/due indexes, all
or nothing. Two processes or two clicks racing for the same transition therefore
cannot both win; the loser re-reads and lets the approval engine decide again.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Literal, TypeVar, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError as _RedisError

from bot.storage.client import RedisClient
from bot.storage.keys import AUDIT_BUCKETS, Keys, bucket
from conversations.approval import Transition
from conversations.model import AuditEntry, RequestStatus, StopRequest

RedisError = _RedisError
K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

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
-- Returns {1, new version}, {0, current version, current data} or {-1} (no request).
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return {-1} end
if v ~= ARGV[5] then return {0, v, redis.call('HGET', KEYS[1], 'data')} end
local entry = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 7))
local trail = redis.call('HGET', KEYS[1], 'audit')
redis.call('HSET', KEYS[1], 'data', ARGV[6], 'version', tonumber(v) + 1,
           'audit', trail .. ',' .. entry)
reindex(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return {1, tostring(tonumber(v) + 1)}
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

_DIALOGUE_CAS = """
-- KEYS: draft hash {d = data, v = version token}.
-- ARGV: expected token ('' = no draft), op (keep|set|delete), data, ttl (s), new token.
-- Returns {1} or, when someone else wrote first, {0, current token, current data}.
local v = redis.call('HGET', KEYS[1], 'v') or ''
if v ~= ARGV[1] then
  return {0, v, redis.call('HGET', KEYS[1], 'd') or ''}
end
if ARGV[2] == 'set' then
  redis.call('HSET', KEYS[1], 'd', ARGV[3], 'v', ARGV[5])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
elseif ARGV[2] == 'delete' then
  redis.call('DEL', KEYS[1])
end
return {1}
"""

_CACHE_SIZE = 10_000
_MAX_RETRIES = 20


class RequestNotFound(LookupError):
    pass


class StorageBusy(RuntimeError):
    """Other writers kept changing the same record; we gave up rather than loop on."""


@dataclass(frozen=True)
class DialogueWrite:
    """What a dialogue step wants done with the user's draft."""

    op: Literal["keep", "set", "delete"] = "keep"
    data: str = ""
    ttl: timedelta = timedelta(0)
    expires_at: datetime | None = None  # when the scheduler should tell the user it expired


KEEP = DialogueWrite()
DELETE = DialogueWrite(op="delete")


@dataclass(frozen=True)
class _Draft:
    token: str  # version token of the stored draft; "" = none stored
    data: str | None


class _Lru(Generic[K, V]):
    """A bounded map: what this process last saw or wrote, to skip a read round trip.
    Never trusted on its own: every write it leads to is checked by a version."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def forget(self, key: K) -> None:
        self._items.pop(key, None)

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)


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
    def __init__(self, redis: RedisClient, keys: Keys | None = None) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        # redis-py types register_script for Redis only; RedisCluster has it too and
        # routes each script by its first key (all keys of a script share one slot).
        scripts = cast(Redis, redis)
        self._create = scripts.register_script(_CREATE)
        self._commit = scripts.register_script(_COMMIT)
        self._set_due = scripts.register_script(_SET_DUE)
        self._dialogue_cas = scripts.register_script(_DIALOGUE_CAS)
        self._drafts: _Lru[str, _Draft] = _Lru()
        self._requests: _Lru[str, tuple[StopRequest, int]] = _Lru()
        self._card_refs: _Lru[tuple[str, str], str] = _Lru()

    async def ping(self) -> bool:
        try:
            return bool(await _result(self.redis.ping()))
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self.redis.aclose()

    # -- dialogues ---------------------------------------------------------

    async def run_dialogue(
        self, user: str, step: Callable[[str | None], Awaitable[tuple[DialogueWrite, T]]]
    ) -> T:
        """Runs `step` on the user's draft and applies the write it asks for, only if
        nobody changed the draft meanwhile; otherwise runs it again on the new draft.
        One round trip when this process saw the draft last (the common case), two
        when it did not. Version tokens are random, so a deleted and re-created draft
        is never mistaken for the one that was read."""
        key = self.keys.dialogue(user)
        draft = self._drafts.get(user)
        if draft is None:
            token, data = await _result(self.redis.hmget(key, ["v", "d"]))
            draft = _Draft(token or "", data if token else None)
        for _ in range(_MAX_RETRIES):
            write, result = await step(draft.data)
            new_token = secrets.token_hex(8)
            ttl = max(1, int(write.ttl.total_seconds()))
            got = await self._dialogue_cas(
                keys=[key], args=[draft.token, write.op, write.data, ttl, new_token]
            )
            if int(got[0]) == 1:
                if write.op == "set":
                    draft = _Draft(new_token, write.data)
                elif write.op == "delete":
                    draft = _Draft("", None)
                self._drafts.put(user, draft)
                await self._schedule_expiry(user, write)
                return result
            draft = _Draft(got[1], got[2] if got[1] else None)
            self._drafts.put(user, draft)
        raise StorageBusy(user)

    async def _schedule_expiry(self, user: str, write: DialogueWrite) -> None:
        """Derived index, written after the draft: a crash in between only costs the
        proactive notice (the user is still told at their next message)."""
        index = self.keys.draft_expiry()
        if write.op == "set" and write.expires_at is not None:
            await _result(self.redis.zadd(index, {user: write.expires_at.timestamp()}))
        elif write.op == "delete":
            await _result(self.redis.zrem(index, user))

    async def expiring_drafts(self, now: datetime, limit: int = 100) -> list[str]:
        found = await _result(
            self.redis.zrangebyscore(
                self.keys.draft_expiry(), "-inf", now.timestamp(), start=0, num=limit
            )
        )
        return [str(user) for user in found]

    async def expire_at(self, user: str, when: datetime | None) -> None:
        if when is None:
            await _result(self.redis.zrem(self.keys.draft_expiry(), user))
        else:
            await _result(self.redis.zadd(self.keys.draft_expiry(), {user: when.timestamp()}))

    async def load_dialogue(self, user: str) -> str | None:
        """The stored draft, read fresh (for status views and tests)."""
        found = await _result(self.redis.hget(self.keys.dialogue(user), "d"))
        return cast(str | None, found)

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
        self._requests.put(req.id, (req, 1))
        return req, True

    async def unlist(self, user: str, request_id: str) -> None:
        await _result(self.redis.zrem(self.keys.user_requests(user), request_id))

    async def load_request(self, request_id: str) -> tuple[StopRequest, int] | None:
        data, version = await _result(
            self.redis.hmget(self.keys.request(request_id), ["data", "version"])
        )
        if data is None or version is None:
            return None
        found = StopRequest.model_validate_json(data), int(version)
        self._requests.put(request_id, found)
        return found

    async def get_request(self, request_id: str) -> StopRequest | None:
        found = await self.load_request(request_id)
        return found[0] if found else None

    async def commit(
        self, t: Transition, expected_version: int, due: datetime | None
    ) -> tuple[StopRequest, int] | None:
        """Writes a transition if nobody else changed the request since it was read.
        Returns None when written, else the request and version as they are now."""
        req = t.request
        got = await self._commit(
            keys=self._request_keys(req.id),
            args=[
                *self._index_args(req, due),
                str(expected_version),
                _dump(req),
                *_audit_fields(req.id, t.audit),
            ],
        )
        status = int(got[0])
        if status == -1:
            raise RequestNotFound(req.id)
        if status == 1:
            self._requests.put(req.id, (req, int(got[1])))
            return None
        current = StopRequest.model_validate_json(got[2]), int(got[1])
        self._requests.put(req.id, current)
        return current

    async def update_request(
        self,
        request_id: str,
        change: Callable[[StopRequest], Transition | None],
        due_of: Callable[[StopRequest], datetime | None],
    ) -> Transition | None:
        """Applies `change` (which may refuse by returning None or raising) and commits it
        with a version check, retrying on the current state when another writer got
        there first. Starts from what this process last saw of the request when it can
        (saving a read); a refusal is only final when it was decided on fresh state."""
        found = self._requests.get(request_id)
        fresh = found is None
        if found is None:
            found = await self.load_request(request_id)
            if found is None:
                raise RequestNotFound(request_id)
        for _ in range(_MAX_RETRIES):
            req, version = found
            try:
                t = change(req)
            except Exception:
                if fresh:
                    raise
                t = None
            if t is None:
                if fresh:
                    return None
                found, fresh = await self.load_request(request_id), True
                if found is None:
                    raise RequestNotFound(request_id)
                continue
            current = await self.commit(t, version, due_of(t.request))
            if current is None:
                return t
            found, fresh = current, True
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

    async def mark(self, what: str, ttl_seconds: int) -> None:
        await _result(self.redis.set(self.keys.once(what), "1", ex=ttl_seconds))

    async def marked(self, what: str) -> bool:
        return bool(await _result(self.redis.exists(self.keys.once(what))))

    async def first_time(self, what: str, ttl_seconds: int) -> bool:
        """True the first time `what` is seen within the TTL, across every process."""
        return bool(
            await _result(self.redis.set(self.keys.once(what), "1", nx=True, ex=ttl_seconds))
        )

    # -- FAQ -------------------------------------------------------------------

    async def faq_remember(self, user: str, entry: str, keep: int = 10) -> None:
        """Appends to the user's recent FAQ questions (kept a day, for a human handoff)."""
        key = self.keys.faq_transcript(user)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.rpush(key, entry)
            pipe.ltrim(key, -keep, -1)
            pipe.expire(key, 86400)
            await pipe.execute()

    async def faq_transcript(self, user: str) -> list[str]:
        found = await _result(self.redis.lrange(self.keys.faq_transcript(user), 0, -1))
        return [str(x) for x in found]

    async def faq_count(self, field: str, by: int = 1) -> None:
        await _result(self.redis.hincrby(self.keys.faq_stats(), field, by))

    async def faq_vote(self, user: str, topic: str, helpful: bool) -> bool:
        """Counts one 👍/👎 per user per topic per day; False for a repeated vote. Keyed
        by topic, not by the answer's id from the button, which a client can forge."""
        first = await _result(
            self.redis.set(self.keys.faq_vote(topic, user), "1", nx=True, ex=86400)
        )
        if not first:
            return False
        await self.faq_count(f"{topic}:{'up' if helpful else 'down'}")
        return True

    async def faq_stats(self) -> dict[str, int]:
        raw = await _result(self.redis.hgetall(self.keys.faq_stats()))
        return {str(k): int(v) for k, v in raw.items()}

    # -- card references (platform message ids of posted cards) -------------

    async def set_card_ref(
        self, request_id: str, card_key: str, ref: str, ttl: timedelta | None = None
    ) -> None:
        key = self.keys.cards(request_id)
        if ttl is None:
            await _result(self.redis.hset(key, card_key, ref))
            # A posted card's reference never changes, so a cached one is always right.
            self._card_refs.put((request_id, card_key), ref)
            return
        # Re-posted under the same key (a dialogue's question): never cached, since
        # another process may have posted the newer one; gone with the draft.
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(key, card_key, ref)
            pipe.expire(key, max(1, int(ttl.total_seconds())))
            await pipe.execute()
        self._card_refs.forget((request_id, card_key))

    async def get_card_ref(self, request_id: str, card_key: str) -> str | None:
        cached = self._card_refs.get((request_id, card_key))
        if cached is not None:
            return cached
        found = cast(
            str | None, await _result(self.redis.hget(self.keys.cards(request_id), card_key))
        )
        return found

    async def memory_usage(self, key: str) -> int:
        return int(await _result(self.redis.memory_usage(key, samples=0)) or 0)
