"""The outbox in Redis, on every topology: the replies a transition owes are written
by the transition's own script, and every later step of an entry (in flight, sent
with its card reference, put off, failed and told, claimed) is one script on the
request's slot, fenced by the lease."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.storage.client import client_for_url
from bot.storage.keys import Keys, bucket, hash_slot
from bot.storage.outbox import Claimed, Envelope
from bot.storage.requests import DEFAULT_LEASE
from bot.storage.store import Store
from conversations import approval
from conversations.model import Answers, AuditEntry, Target, TargetKind
from conversations.policy import Policy
from handlers.events import Message, Post, RefreshHome, Reply, UpdateCard
from tests.helpers import submission

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MS = int(NOW.timestamp() * 1000)
LEASE_MS = int(DEFAULT_LEASE.total_seconds() * 1000)
RID = "SR-OUTBOX01"


def _submission(policy: Policy, rid: str = RID) -> approval.Transition:
    answers = Answers(target=Target(kind=TargetKind.SOFTWARE, name="CRM", paid=True))
    return submission(policy, rid, NOW, answers)


def _tells(t: approval.Transition) -> list[Reply]:
    rid = t.request.id
    return [
        Post(to="console:approvals", key=f"{rid}:0", message=Message(text="card")),
        Post(to="console:employee", message=Message(text=f"v{len(t.request.stages)}")),
        RefreshHome(to="console:employee"),
    ]


async def _owe_two(store: Store, policy: Policy, rid: str = RID) -> list[Reply]:
    _, done = await store.requests.create(_submission(policy, rid), None, _tells)
    assert done is not None
    return done.replies


async def test_a_transition_owes_its_messages_in_its_own_write(
    store: Store, policy: Policy
) -> None:
    replies = await _owe_two(store, policy)
    # The messages carry their entry ids; a home-view refresh is not owed.
    assert [getattr(r, "outbox", None) for r in replies] == [f"{RID}.1.0", f"{RID}.1.1", None]
    b = bucket(RID)
    stored = await store.redis.hgetall(store.keys.outbox(b))
    assert sorted(stored) == [f"{RID}.1.0", f"{RID}.1.1"]
    assert Envelope.model_validate_json(stored[f"{RID}.1.0"]).reply == replies[0]
    # Leased from birth to the committer: nobody may claim them before the lease ends.
    due = await store.redis.zrange(store.keys.outbox_due(b), 0, -1, withscores=True)
    assert due == [(f"{RID}.1.0", MS + LEASE_MS), (f"{RID}.1.1", MS + LEASE_MS)]
    # Submitting the same draft again owes nothing more.
    _, again = await store.requests.create(_submission(policy), None, _tells)
    assert again is None
    assert await store.outbox.pending() == 2


async def test_only_the_commit_that_wins_owes_anything(store: Store, policy: Policy) -> None:
    await _owe_two(store, policy)
    found = await store.requests.load(RID)
    assert found is not None
    req, version = found
    first = approval.approve(req, 0, "console:head", NOW)
    second = approval.reject(req, 0, "console:head", "no", NOW)
    _, owed = store.requests._owe(first, version + 1, _tells)
    assert await store.requests.commit(first, version, None, owed) is None
    _, owed = store.requests._owe(second, version + 1, _tells)
    assert await store.requests.commit(second, version, None, owed) is not None  # refused
    ids = sorted(await store.redis.hkeys(store.keys.outbox(bucket(RID))))
    assert ids == [f"{RID}.1.0", f"{RID}.1.1", f"{RID}.2.0", f"{RID}.2.1"]


async def test_a_lease_is_fenced_and_claimed_only_once_it_ran_out(
    store: Store, policy: Policy
) -> None:
    await _owe_two(store, policy)
    out, b = store.outbox, bucket(RID)
    assert await out.claim(b, MS + LEASE_MS - 1, MS + 2 * LEASE_MS, 10) == []
    claimed = await out.claim(b, MS + LEASE_MS, MS + 2 * LEASE_MS, 10)
    assert [(c.id, c.epoch, c.attempts) for c in claimed] == [
        (f"{RID}.1.0", 1, 0),
        (f"{RID}.1.1", 1, 0),
    ]
    # The committer (epoch 0) lost its lease: it can no longer send or put them off.
    birth = Claimed(id=claimed[0].id, envelope=claimed[0].envelope, epoch=0)
    assert await out.in_flight([birth], MS, MS + LEASE_MS) == set()
    assert not await out.later(birth, MS)
    # Nobody else gets them while the claimer's lease runs.
    assert await out.claim(b, MS + 2 * LEASE_MS - 1, MS + 3 * LEASE_MS, 10) == []
    assert await out.in_flight(claimed[:1], MS + LEASE_MS, MS + 3 * LEASE_MS) == {claimed[0].id}
    meta = await out.meta(claimed[0].id)
    assert meta is not None and (meta["e"], meta["a"], meta["s"]) == (1, 1, MS + LEASE_MS)
    # Taken over again once that lease ran out too: it says it was in flight.
    again = await out.claim(b, MS + 3 * LEASE_MS, MS + 4 * LEASE_MS, 10)
    first = next(c for c in again if c.id == claimed[0].id)
    assert (first.epoch, first.attempts, first.in_flight_since) == (2, 1, MS + LEASE_MS)


async def test_sent_settles_the_entry_and_files_its_card_at_once(
    store: Store, policy: Policy
) -> None:
    replies = await _owe_two(store, policy)
    card = replies[0]
    assert isinstance(card, Post) and card.outbox and card.key
    assert await store.outbox.sent([(card.outbox, card.key, '{"ref": 1}')]) == 1
    # Settled already (another process found it delivered): the first card stays filed.
    assert await store.outbox.sent([(card.outbox, card.key, '{"ref": 2}')]) == 0
    assert await store.card_refs.get(card.key) == '{"ref": 1}'
    assert await store.outbox.meta(card.outbox) is None
    assert await store.outbox.pending() == 1
    assert hash_slot(store.keys.cards(RID)) == hash_slot(store.keys.outbox(bucket(RID)))


async def test_a_transient_failure_puts_the_entry_off(store: Store, policy: Policy) -> None:
    replies = await _owe_two(store, policy)
    entry = Claimed(id=str(getattr(replies[1], "outbox", "")), envelope=_env(replies[1]), epoch=0)
    assert await store.outbox.in_flight([entry], MS, MS + LEASE_MS) == {entry.id}
    assert await store.outbox.later(entry, MS + 60_000, "http_503")
    b = bucket(RID)
    # Not before the backoff is over, even though the lease would have been.
    claimed = await store.outbox.claim(b, MS + 59_999, MS + 90_000, 10)
    assert [c.id for c in claimed] == [f"{RID}.1.0"]
    claimed = await store.outbox.claim(b, MS + 60_000, MS + 90_000, 10)
    assert [(c.id, c.attempts) for c in claimed] == [(entry.id, 1)]
    meta = await store.outbox.meta(entry.id)
    assert meta is not None and meta["err"] == "http_503"


def _env(reply: Reply) -> Envelope:
    assert isinstance(reply, Post | UpdateCard)
    return Envelope(reply=reply, at=MS)


async def test_a_permanent_failure_is_recorded_told_once_and_audited(
    store: Store, policy: Policy
) -> None:
    replies = await _owe_two(store, policy)
    card = replies[0]
    entry = Claimed(id=str(getattr(card, "outbox", "")), envelope=_env(card), epoch=0)
    tell = Post(to="console:employee", message=Message(text="your card could not be posted"))
    audit = AuditEntry(at=NOW, actor="stopbot", action="undelivered", detail="x: gone")
    told = await store.outbox.failed(entry, "channel_not_found", MS, [tell], MS + LEASE_MS, audit)
    assert told is not None and [getattr(r, "outbox", None) for r in told] == [f"{entry.id}.t0"]
    # A second attempt to fail it (another process, a retry) tells nobody again.
    assert await store.outbox.failed(entry, "channel_not_found", MS, [tell], MS, audit) is None
    failures = await store.outbox.failures()
    assert [(f.id, f.reason, f.reply) for f in failures] == [(entry.id, "channel_not_found", card)]
    owed = await store.redis.hkeys(store.keys.outbox(bucket(RID)))
    assert sorted(owed) == sorted([f"{RID}.1.1", f"{entry.id}.t0"])
    history = await store.requests.history(RID)
    assert [(e.action, e.detail) for e in history] == [
        ("submitted", "CRM"),
        ("undelivered", "x: gone"),
    ]


async def test_two_sweepers_never_claim_the_same_entry(
    store: Store, policy: Policy, redis_url: str, keys: Keys
) -> None:
    for n in range(12):
        await _owe_two(store, policy, f"SR-RACE{n:04d}")
    other = client_for_url(redis_url)
    try:
        stores = [store, Store(other, keys)]
        later = MS + LEASE_MS

        async def sweep(s: Store) -> list[str]:
            got = []
            for b in await s.outbox.due_buckets(later):
                got += [c.id for c in await s.outbox.claim(b, later, later + LEASE_MS, 3)]
                await asyncio.sleep(0)
            return got

        a, b = await asyncio.gather(sweep(stores[0]), sweep(stores[1]))
        rest = await sweep(stores[0])  # what was left beyond the claim limit
    finally:
        await other.aclose()
    everything = a + b + rest
    assert len(everything) == len(set(everything)) == 24


def test_the_outbox_lives_on_its_requests_slot() -> None:
    k = Keys()
    for rid in ("SR-ABCDEFGH", "SR-00000000", "SR-ZZZZZZZZ"):
        b = bucket(rid)
        slots = {
            hash_slot(key)
            for key in (
                k.request(rid),
                k.audit(rid),
                k.cards(rid),
                k.outbox(b),
                k.outbox_due(b),
                k.outbox_meta(b),
                k.outbox_failed(b),
            )
        }
        assert len(slots) == 1


async def test_a_claimed_entry_reads_back_as_it_was_owed(store: Store, policy: Policy) -> None:
    replies = await _owe_two(store, policy)
    claimed = await store.outbox.claim(bucket(RID), MS + LEASE_MS, MS + 2 * LEASE_MS, 10)
    assert [c.reply for c in claimed] == replies[:2]
    assert all(c.envelope.lane == "interactive" and c.envelope.at == MS for c in claimed)
