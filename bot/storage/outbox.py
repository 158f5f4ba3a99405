"""The transactional outbox: the replies a request's transition owes, written by the
transition's own commit script (requests.py), then claimed, sent and settled here.

Every entry lives in its request's bucket (keys.py), so each operation on it is one Lua
script on one hash slot (scripts.py): mark in flight, mark sent (with the card
reference the post produced), put off after a transient failure, record a permanent
failure (with the replies that tell people about it, and its audit entry), and claim
for a sweep. Entry ids are `<request>.<version>.<n>`: a commit that is retried after an
unknown outcome writes the same ids, so nothing is ever owed twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from bot.storage.audit import audit_fields
from bot.storage.client import RedisClient, register, result
from bot.storage.errors import storage_call
from bot.storage.keys import AUDIT_BUCKETS, Keys, Lane, bucket
from bot.storage.lru import Lru
from bot.storage.scripts import (
    OUTBOX_CLAIM,
    OUTBOX_FAILED,
    OUTBOX_IN_FLIGHT,
    OUTBOX_LATER,
    OUTBOX_SENT,
)
from conversations.model import AuditEntry
from handlers.card_keys import owner_of
from handlers.events import Post, Reply, UpdateCard

OwedReply = Annotated[Post | UpdateCard, Field(discriminator="kind")]


class Envelope(BaseModel):
    """What is stored for an owed reply."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reply: OwedReply
    at: int  # when it was owed (ms)
    lane: Lane = "interactive"
    # A permanent failure is told to whoever must know, except for those tellings
    # themselves: they are recorded, and told no further.
    tell: bool = True

    def dump(self) -> str:
        # Written for every owed reply on the interactive path, so built from pydantic's
        # own (fast) JSON: defaults left out (a third of the bytes), except the reply's
        # kind, which says which model to read it back as.
        reply = self.reply.model_dump_json(exclude_defaults=True)
        rest = "," + reply[1:] if reply != "{}" else "}"
        parts = [f'"reply":{{"kind":"{self.reply.kind}"{rest}', f'"at":{self.at}']
        if self.lane != "interactive":
            parts.append(f'"lane":"{self.lane}"')
        if not self.tell:
            parts.append('"tell":false')
        return "{" + ",".join(parts) + "}"


def owes(reply: Reply) -> bool:
    """What a transition tells others is owed (kept until delivered); home-view
    refreshes are not messages, and are redrawn when the view is opened anyway."""
    return isinstance(reply, Post | UpdateCard)


def entry_id(request_id: str, version: int, n: int) -> str:
    return f"{request_id}.{version}.{n}"


def telling_id(failed_id: str, n: int) -> str:
    return f"{failed_id}.t{n}"


def request_of(entry: str) -> str:
    """The request an entry belongs to (request ids have no dots)."""
    return entry.split(".", 1)[0]


def owe(
    replies: Sequence[Reply], ids: Sequence[str], at_ms: int, tell: bool = True
) -> tuple[list[Reply], list[str]]:
    """The replies with an outbox id on each owed one (`ids` are used in order), and
    the script arguments that write the owed ones: n, then (id, envelope) pairs."""
    out: list[Reply] = []
    args: list[str] = []
    for reply in replies:
        if isinstance(reply, Post | UpdateCard):
            reply = reply.model_copy(update={"outbox": ids[len(args) // 2]})
            args += [reply.outbox or "", Envelope(reply=reply, at=at_ms, tell=tell).dump()]
        out.append(reply)
    return out, [str(len(args) // 2), *args]


class Births:
    """The entries this process has just owed, with the end of the lease it holds on
    them from birth. The committer sends those at once without first marking them in
    flight (a round trip saved on every interactive commit); a sweeper therefore treats
    an entry never marked as possibly in flight since it was owed, and looks it up."""

    def __init__(self) -> None:
        self._until: Lru[str, int] = Lru()

    def record(self, entries: Sequence[str], lease_until_ms: int) -> None:
        for entry in entries:
            self._until.put(entry, lease_until_ms)

    def take(self, entry: str) -> int | None:
        """The birth lease of an entry this process owed (once), or None."""
        until = self._until.get(entry)
        self._until.forget(entry)
        return until


@dataclass(frozen=True)
class Claimed:
    """An entry whose lease this process holds."""

    id: str
    envelope: Envelope
    epoch: int  # the lease's fencing token: 0 for the process that owed it
    attempts: int = 0
    in_flight_since: int = 0  # ms; 0 = never sent, so it cannot have arrived

    @property
    def reply(self) -> Post | UpdateCard:
        return self.envelope.reply


@dataclass(frozen=True)
class Failure:
    """An entry the platform refused for good."""

    id: str
    reply: Post | UpdateCard
    reason: str
    at: int  # ms


class _Record(BaseModel):
    envelope: Envelope
    reason: str
    at: int


class RedisOutbox:
    def __init__(self, redis: RedisClient, keys: Keys, births: Births | None = None) -> None:
        self.redis = redis
        self.keys = keys
        self.births = births or Births()
        self._in_flight = register(redis, OUTBOX_IN_FLIGHT)
        self._sent = register(redis, OUTBOX_SENT)
        self._later = register(redis, OUTBOX_LATER)
        self._failed = register(redis, OUTBOX_FAILED)
        self._claim = register(redis, OUTBOX_CLAIM)

    def _keys(self, number: int) -> list[str]:
        k = self.keys
        return [k.outbox(number), k.outbox_due(number), k.outbox_meta(number)]

    def _of(self, entry: str) -> list[str]:
        return self._keys(bucket(request_of(entry)))

    @storage_call
    async def in_flight(
        self, entries: Sequence[Claimed], now_ms: int, lease_until_ms: int
    ) -> set[str]:
        """Records an attempt of each entry before the platform calls and extends their
        lease, with one script per request. The ids marked: the others are settled or
        were taken over by another process."""
        marked: set[str] = set()
        by_request: dict[str, list[str]] = {}
        for entry in entries:
            by_request.setdefault(request_of(entry.id), []).extend([entry.id, str(entry.epoch)])
        for rid, pairs in by_request.items():
            got = await self._in_flight(
                keys=self._keys(bucket(rid)), args=[str(now_ms), str(lease_until_ms), *pairs]
            )
            marked.update(got)
        return marked

    @storage_call
    async def sent(self, settled: Sequence[tuple[str, str | None, str]]) -> int:
        """Settles entries as delivered, each with the card key and reference its post
        placed (None: no card), and files those cards, with one script per request.
        Returns how many were still owed."""
        by_request: dict[str, list[str]] = {}
        for entry, card_key, ref in settled:
            rid = request_of(entry)
            if card_key is not None and owner_of(card_key) != rid:
                # Not one of this request's cards (never produced by announce): the
                # reference is filed apart, under its owner.
                await result(self.redis.hset(self.keys.cards(owner_of(card_key)), card_key, ref))
                card_key = None
            by_request.setdefault(rid, []).extend([entry, card_key or "", ref])
        count = 0
        for rid, triples in by_request.items():
            keys = [*self._keys(bucket(rid)), self.keys.cards(rid)]
            count += int(await self._sent(keys=keys, args=triples))
        return count

    @storage_call
    async def later(self, entry: Claimed, when_ms: int, error: str = "") -> bool:
        """Gives the lease back until `when_ms` (a backoff, or now on shutdown)."""
        args = [entry.id, str(entry.epoch), str(when_ms), error]
        return bool(await self._later(keys=self._of(entry.id), args=args))

    @storage_call
    async def failed(
        self,
        entry: Claimed,
        reason: str,
        now_ms: int,
        tellings: Sequence[Reply],
        lease_until_ms: int,
        audit: AuditEntry,
    ) -> list[Reply] | None:
        """Records a permanent failure, owes `tellings` in its place (leased to this
        process) and appends `audit` to the request's trail. The tellings with their
        ids, or None when the entry was not ours to fail."""
        rid = request_of(entry.id)
        ids = [telling_id(entry.id, n) for n in range(len(tellings))]
        replies, owed = owe(tellings, ids, now_ms, tell=False)
        record = (
            f'{{"envelope":{entry.envelope.dump()},"reason":{json.dumps(reason)},"at":{now_ms}}}'
        )
        b = bucket(rid)
        keys = [
            *self._keys(b),
            self.keys.outbox_failed(b),
            self.keys.audit(rid),
            self.keys.request(rid),
        ]
        args = [
            entry.id, str(entry.epoch), record, str(lease_until_ms), *owed,
            *audit_fields(rid, audit),
        ]  # fmt: skip
        done = await self._failed(keys=keys, args=args)
        if not done:
            return None
        self.births.record(ids, lease_until_ms)
        return replies

    @storage_call
    async def owes_card(self, card_key: str) -> bool:
        """Whether the post of this card is still owed (not delivered yet)."""
        rid = owner_of(card_key)
        outbox = self.keys.outbox(bucket(rid))
        async for _, raw in self.redis.hscan_iter(outbox, match=f"{rid}.*"):
            reply = Envelope.model_validate_json(raw).reply
            if isinstance(reply, Post) and reply.key == card_key:
                return True
        return False

    @storage_call
    async def due_buckets(self, now_ms: int) -> list[int]:
        """The buckets holding an entry whose lease or backoff is over (one round trip)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for b in range(AUDIT_BUCKETS):
                pipe.zrangebyscore(self.keys.outbox_due(b), "-inf", now_ms, start=0, num=1)
            rows = await pipe.execute()
        return [b for b, found in enumerate(rows) if found]

    @storage_call
    async def claim(
        self, number: int, now_ms: int, lease_until_ms: int, limit: int
    ) -> list[Claimed]:
        """Takes the lease of up to `limit` due entries of bucket `number`; another
        process claiming at the same time gets the others, never the same."""
        rows = await self._claim(
            keys=self._keys(number), args=[str(now_ms), str(lease_until_ms), str(limit)]
        )
        claimed = []
        for row in rows:
            envelope = Envelope.model_validate_json(row[1])
            claimed.append(
                Claimed(
                    id=row[0],
                    envelope=envelope,
                    epoch=int(row[2]),
                    attempts=int(float(row[3])),
                    # Never marked: its committer may have been sending it (Births).
                    in_flight_since=int(float(row[4])) or envelope.at,
                )
            )
        return claimed

    @storage_call
    async def pending(self) -> int:
        """How many replies are owed and not delivered yet."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for b in range(AUDIT_BUCKETS):
                pipe.zcard(self.keys.outbox_due(b))
            rows = await pipe.execute()
        return sum(int(n) for n in rows)

    @storage_call
    async def failures(self) -> list[Failure]:
        """Every entry refused for good, oldest first."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for b in range(AUDIT_BUCKETS):
                pipe.hgetall(self.keys.outbox_failed(b))
            rows = await pipe.execute()
        found = []
        for row in rows:
            for entry, raw in row.items():
                record = _Record.model_validate_json(raw)
                found.append(Failure(entry, record.envelope.reply, record.reason, record.at))
        return sorted(found, key=lambda f: (f.at, f.id))

    @storage_call
    async def meta(self, entry: str) -> dict[str, object] | None:
        """An entry's attempts, lease epoch, in-flight time and last error (for checks)."""
        raw = await result(self.redis.hget(self._of(entry)[2], entry))
        return dict(json.loads(raw)) if raw else None
