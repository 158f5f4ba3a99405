"""Stop requests, their audit trail and their indexes (handlers.ports.RequestStore).

A state change is a compare-and-set Lua script on the request's own hash slot: it
checks the version that was read, writes the new JSON, bumps the version, appends the
audit entry, updates the open/due indexes and owes the replies the transition tells
(the outbox, outbox.py), all or nothing. Two processes or two clicks racing for the
same transition therefore cannot both win; the loser re-reads and lets the approval
engine decide again; and a process dying after the commit leaves its replies owed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.storage.audit import audit_fields
from bot.storage.client import RedisClient, register, result
from bot.storage.errors import storage_call
from bot.storage.keys import AUDIT_BUCKETS, Keys, bucket
from bot.storage.lru import Lru
from bot.storage.millis import ms
from bot.storage.outbox import Births, entry_id, owe
from bot.storage.scripts import COMMIT, CREATE, SET_DUE
from conversations.approval import Transition
from conversations.model import AuditEntry, RequestStatus, StopRequest
from handlers.events import Post, UpdateCard
from handlers.ports import Announce, Committed, DueOf, RequestNotFound, StorageBusy

# How long the process that commits a transition holds its owed replies before any
# other process may take them over: it delivers them at once, so this only matters
# when it dies or hangs (then the sweeper of any process picks them up).
DEFAULT_LEASE = timedelta(seconds=20)

MAX_RETRIES = 20


def _dump(req: StopRequest) -> str:
    # Defaults (empty lists, nulls) are left out: a third less memory per request.
    return req.model_dump_json(exclude_defaults=True)


def _index_args(req: StopRequest, due: datetime | None) -> list[str]:
    pending = req.status is RequestStatus.PENDING
    return [
        req.id,
        repr(req.created_at.timestamp()),
        repr(due.timestamp()) if due is not None and pending else "",
        "1" if pending else "0",
    ]


class RedisRequests:
    def __init__(
        self,
        redis: RedisClient,
        keys: Keys,
        lease: timedelta = DEFAULT_LEASE,
        births: Births | None = None,
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.lease = lease
        self.births = births or Births()
        self._create = register(redis, CREATE)
        self._commit = register(redis, COMMIT)
        self._set_due = register(redis, SET_DUE)
        self._seen: Lru[str, tuple[StopRequest, int]] = Lru()

    def _script_keys(self, rid: str) -> list[str]:
        b = bucket(rid)
        k = self.keys
        return [
            k.request(rid), k.audit(rid), k.open_requests(b), k.due(b), k.outbox(b), k.outbox_due(b)
        ]  # fmt: skip

    def _owe(self, t: Transition, version: int, announce: Announce) -> tuple[Committed, list[str]]:
        """The replies of the transition that `version` will be, with their outbox ids,
        and the script arguments that owe them: leased from the transition's own time
        (the injected clock's) to the committing process."""
        replies = announce(t)
        ids = [entry_id(t.request.id, version, n) for n in range(len(replies))]
        at = ms(t.audit.at)
        told, owed = owe(replies, ids, at)
        return Committed(t, told), [str(self._lease_until(at)), *owed]

    def _lease_until(self, at_ms: int) -> int:
        return at_ms + int(self.lease.total_seconds() * 1000)

    def _born(self, done: Committed) -> None:
        owed = [r.outbox for r in done.replies if isinstance(r, Post | UpdateCard) and r.outbox]
        self.births.record(owed, self._lease_until(ms(done.transition.audit.at)))

    @storage_call
    async def create(
        self, t: Transition, due: datetime | None, announce: Announce
    ) -> tuple[StopRequest, Committed | None]:
        """A second submit of the same draft returns the stored request untouched."""
        req = t.request
        done, owed = self._owe(t, 1, announce)
        # The owner's index first: a crash between the two leaves an id that readers
        # skip, never a request its owner cannot find.
        await result(
            self.redis.zadd(
                self.keys.user_requests(req.requester), {req.id: req.created_at.timestamp()}
            )
        )
        existing = await self._create(
            keys=self._script_keys(req.id),
            args=[*_index_args(req, due), _dump(req), *owed, *audit_fields(req.id, t.audit)],
        )
        if existing:
            return StopRequest.model_validate_json(existing), None
        self._seen.put(req.id, (req, 1))
        self._born(done)
        return req, done

    @storage_call
    async def unlist(self, user: str, request_id: str) -> None:
        await result(self.redis.zrem(self.keys.user_requests(user), request_id))

    @storage_call
    async def load(self, request_id: str) -> tuple[StopRequest, int] | None:
        """The request and its version, read fresh."""
        data, version = await result(
            self.redis.hmget(self.keys.request(request_id), ["data", "version"])
        )
        if data is None or version is None:
            return None
        found = StopRequest.model_validate_json(data), int(version)
        self._seen.put(request_id, found)
        return found

    async def get(self, request_id: str) -> StopRequest | None:
        found = await self.load(request_id)
        return found[0] if found else None

    @storage_call
    async def commit(
        self,
        t: Transition,
        expected_version: int,
        due: datetime | None,
        owed: list[str] | None = None,
    ) -> tuple[StopRequest, int] | None:
        """Writes a transition (and the replies `owed`, as `_owe` gives them) if nobody
        else changed the request since it was read. Returns None when written, else the
        request and version as they are now."""
        req = t.request
        got = await self._commit(
            keys=self._script_keys(req.id),
            args=[
                *_index_args(req, due),
                str(expected_version),
                _dump(req),
                *(owed or ["0", "0"]),
                *audit_fields(req.id, t.audit),
            ],
        )
        status = int(got[0])
        if status == -1:
            raise RequestNotFound(req.id)
        if status == 1:
            self._seen.put(req.id, (req, int(got[1])))
            return None
        current = StopRequest.model_validate_json(got[2]), int(got[1])
        self._seen.put(req.id, current)
        return current

    async def update(
        self,
        request_id: str,
        change: Callable[[StopRequest], Transition | None],
        due_of: DueOf,
        announce: Announce,
    ) -> Committed | None:
        """Starts from what this process last saw of the request when it can (saving a
        read); a refusal is only final when it was decided on fresh state."""
        found = self._seen.get(request_id)
        fresh = found is None
        if found is None:
            found = await self.load(request_id)
            if found is None:
                raise RequestNotFound(request_id)
        for _ in range(MAX_RETRIES):
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
                found, fresh = await self.load(request_id), True
                if found is None:
                    raise RequestNotFound(request_id)
                continue
            done, owed = self._owe(t, version + 1, announce)
            current = await self.commit(t, version, due_of(t.request), owed)
            if current is None:
                self._born(done)
                return done
            found, fresh = current, True
        raise StorageBusy(request_id)

    @storage_call
    async def reschedule(self, request_id: str, due_of: DueOf) -> None:
        req = await self.get(request_id)
        if req is None:
            await self._set_due(keys=self._script_keys(request_id), args=[request_id, "0", "", "0"])
            return
        await self._set_due(keys=self._script_keys(request_id), args=_index_args(req, due_of(req)))

    @storage_call
    async def history(self, request_id: str) -> list[AuditEntry]:
        trail = await result(self.redis.hget(self.keys.request(request_id), "audit"))
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

    @storage_call
    async def of_user(self, user: str, limit: int = 20) -> list[StopRequest]:
        ids = await result(self.redis.zrevrange(self.keys.user_requests(user), 0, limit - 1))
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

    @storage_call
    async def open(self, limit: int = 500) -> list[StopRequest]:
        ids = await self._from_buckets("open", "-inf", "+inf", limit)
        reqs = await self._load_many(ids)
        return [r for r in reqs if r.status is RequestStatus.PENDING]

    @storage_call
    async def due_ids(self, now: datetime, limit: int = 100) -> list[str]:
        return await self._from_buckets("due", "-inf", now.timestamp(), limit)
