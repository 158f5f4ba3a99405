"""The Redis store and the embedded server, against real Redis servers."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.faq.live_kb import LiveKnowledgeBase
from bot.storage.client import client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.keys import Keys, bucket, hash_slot
from bot.storage.store import Store
from conversations import approval
from conversations.model import Answers, Target, TargetKind
from conversations.policy import Policy
from handlers.events import Actor, Command, Ephemeral, Reply
from handlers.ports import DELETE, DialogueWrite, StorageDown
from tests.fakes.clock import FakeClock
from tests.helpers import build_app, submission

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def tells_nobody(t: approval.Transition) -> list[Reply]:
    """A transition that tells nobody (storage tests that are not about the outbox)."""
    return []


def _submission(policy: Policy, rid: str = "SR-TEST0001") -> approval.Transition:
    answers = Answers(target=Target(kind=TargetKind.SOFTWARE, name="CRM", paid=True))
    return submission(policy, rid, NOW, answers)


async def test_create_is_idempotent(store: Store, policy: Policy) -> None:
    tr = _submission(policy)
    req, created = await store.requests.create(tr, None, tells_nobody)
    assert created is not None
    again, created_again = await store.requests.create(_submission(policy), None, tells_nobody)
    assert created_again is None
    assert again == req
    assert len(await store.requests.history(req.id)) == 1
    assert [r.id for r in await store.requests.of_user("console:employee")] == [req.id]


async def test_commit_refuses_a_stale_version(store: Store, policy: Policy) -> None:
    tr = _submission(policy)
    await store.requests.create(tr, None, tells_nobody)
    found = await store.requests.load(tr.request.id)
    assert found is not None
    req, version = found
    first = approval.approve(req, 0, "console:head", NOW)
    second = approval.reject(req, 0, "console:head", "no", NOW)
    assert await store.requests.commit(first, version, None) is None  # written
    current = await store.requests.commit(second, version, None)  # refused, with the state now
    assert current is not None and current[1] == version + 1
    stored = await store.requests.get(req.id)
    assert stored is not None and stored.current == 1
    assert [e.action for e in await store.requests.history(req.id)] == ["submitted", "approved"]


async def test_audit_entries_say_who_what_when(store: Store, policy: Policy) -> None:
    tr = _submission(policy)
    await store.requests.create(tr, None, tells_nobody)
    t2 = await store.requests.update(
        tr.request.id,
        lambda r: approval.reject(r, 0, "console:head", "not now <!channel>", NOW),
        lambda r: None,
        tells_nobody,
    )
    assert t2 is not None
    entry = (await store.requests.history(tr.request.id))[-1]
    assert (entry.actor, entry.action, entry.stage, entry.detail) == (
        "console:head",
        "rejected",
        "department-head",
        "not now <!channel>",
    )
    assert entry.at == NOW


async def test_indexes_skip_ids_whose_request_never_landed(store: Store, policy: Policy) -> None:
    await store.redis.zadd(store.keys.user_requests("console:employee"), {"SR-GHOST000": 1})
    await store.redis.zadd(store.keys.open_requests(7), {"SR-GHOST000": 1})
    tr = _submission(policy)
    await store.requests.create(tr, None, tells_nobody)
    assert [r.id for r in await store.requests.of_user("console:employee")] == [tr.request.id]
    assert [r.id for r in await store.requests.open()] == [tr.request.id]


async def test_dialogue_state_has_an_idle_ttl(store: Store) -> None:
    async def step(raw: str | None) -> tuple[DialogueWrite, None]:
        return DialogueWrite(op="set", data="{}", ttl=timedelta(minutes=30)), None

    await store.drafts.run("console:x", step)
    ttl = await store.redis.ttl(store.keys.dialogue("console:x"))
    assert 1700 < ttl <= 1800
    assert await store.drafts.load("console:x") == "{}"


def test_every_atomic_script_stays_on_one_cluster_slot() -> None:
    k = Keys()
    for rid in ("SR-ABCDEFGH", "SR-00000000", "SR-ZZZZZZZZ"):
        b = bucket(rid)
        slots = {
            hash_slot(key)
            for key in (k.request(rid), k.audit(rid), k.cards(rid), k.open_requests(b), k.due(b))
        }
        assert len(slots) == 1
    # Known value from the Redis Cluster specification.
    assert hash_slot("123456789") == 12739


async def test_racing_dialogue_steps_lose_no_update(
    redis_url: str, keys: Keys, store: Store
) -> None:
    """Two processes (own connections, own caches) append to one user's draft at the
    same time: both appends land, because the slower one runs again on the new draft."""
    conns = [client_for_url(redis_url) for _ in range(2)]
    stores = [Store(c, keys) for c in conns]
    runs: list[str] = []
    both_read = asyncio.Event()

    def appender(name: str) -> Callable[[str | None], Awaitable[tuple[DialogueWrite, None]]]:
        async def step(raw: str | None) -> tuple[DialogueWrite, None]:
            runs.append(name)
            if len(runs) >= 2:
                both_read.set()
            await asyncio.wait_for(both_read.wait(), 10)  # both read before either writes
            data = (raw or "") + name
            return DialogueWrite(op="set", data=data, ttl=timedelta(minutes=1)), None

        return step

    try:
        await asyncio.gather(
            stores[0].drafts.run("console:u", appender("a")),
            stores[1].drafts.run("console:u", appender("b")),
        )
    finally:
        for c in conns:
            await c.aclose()
    assert await store.drafts.load("console:u") in ("ab", "ba")
    assert len(runs) == 3  # the loser ran again


async def test_a_recreated_draft_is_not_mistaken_for_the_one_read(
    redis_url: str, keys: Keys, store: Store
) -> None:
    """Process A caches the draft; process B deletes it and creates an identical one.
    A's next write must not land on B's draft as if nothing had happened (ABA)."""
    a = Store(store.redis, keys)
    conn = client_for_url(redis_url)
    b = Store(conn, keys)

    def put(data: str) -> Callable[[str | None], Awaitable[tuple[DialogueWrite, str | None]]]:
        async def step(raw: str | None) -> tuple[DialogueWrite, str | None]:
            return DialogueWrite(op="set", data=data, ttl=timedelta(minutes=1)), raw

        return step

    async def delete(raw: str | None) -> tuple[DialogueWrite, None]:
        return DELETE, None

    try:
        await a.drafts.run("console:v", put("draft-1"))  # A now caches draft-1
        await b.drafts.run("console:v", delete)
        await b.drafts.run("console:v", put("draft-1"))  # same bytes, new draft
        seen = await a.drafts.run("console:v", put("draft-2"))
    finally:
        await conn.aclose()
    # A's step ran again on B's draft (it saw it), rather than trusting its cache.
    assert seen == "draft-1"
    assert await store.drafts.load("console:v") == "draft-2"


async def test_a_redis_that_is_down_gets_a_clear_answer(
    tmp_path: Path, policy: Policy, live_kb: LiveKnowledgeBase
) -> None:
    dead = Redis.from_url(
        f"unix://{tmp_path}/nothing.sock", decode_responses=True, socket_connect_timeout=1
    )
    handlers = (await build_app(Store(dead), policy, FakeClock(NOW), live_kb)).handlers
    actor = Actor(id="console:employee")
    for text in ("", "status", "withdraw SR-ABCDEFGH"):
        replies = await handlers.handle(
            Command(actor=actor, channel="console:employee", name="cancel-account", text=text)
        )
        assert len(replies) == 1 and isinstance(replies[0], Ephemeral)
        assert "storage is unavailable right now, so nothing was changed" in replies[0].message.text
    # The scheduler surfaces the error; App.run_scheduler logs it and tries again later.
    with pytest.raises(StorageDown):
        await handlers.tick()
    await dead.aclose()


# -- the embedded server ---------------------------------------------------------


@pytest.fixture
def private_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    server = EmbeddedRedis(tmp_path / "data")
    yield server
    server.stop()


def test_one_server_per_data_dir_even_when_started_together(private_server: EmbeddedRedis) -> None:
    with ThreadPoolExecutor(4) as pool:
        urls = set(pool.map(lambda _: private_server.ensure_running(), range(4)))
    assert urls == {private_server.url}
    pid = private_server.pid()
    assert pid is not None
    assert private_server.ensure_running() == private_server.url
    assert private_server.pid() == pid


async def test_embedded_server_keeps_data_after_being_killed(private_server: EmbeddedRedis) -> None:
    url = private_server.ensure_running()
    client = Redis.from_url(url, decode_responses=True)
    await client.set("survivor", "yes")
    await client.aclose()
    await asyncio.sleep(1.2)  # appendfsync everysec: let the fsync happen
    pid = private_server.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        if not private_server.is_running():
            break
        await asyncio.sleep(0.02)
    url = await asyncio.to_thread(private_server.ensure_running)
    assert private_server.pid() != pid
    client = Redis.from_url(url, decode_responses=True)
    assert await client.get("survivor") == "yes"
    assert await client.config_get("appendonly") == {"appendonly": "yes"}
    await client.aclose()


def test_long_data_dirs_still_get_a_usable_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("x" * 60) / ("y" * 60)
    server = EmbeddedRedis(deep)
    assert len(str(server.socket_path)) <= 100
    try:
        assert server.ensure_running().startswith("unix:///tmp/stopbot-redis-")
    finally:
        server.stop()


async def test_reposted_card_refs_expire_and_are_always_read_fresh(store: Store) -> None:
    """A dialogue's question is re-posted under one key at every step, possibly by
    another process: its reference must come from Redis, and vanish with the draft."""
    await store.card_refs.set("draft-SR-1:prompt", "ts-1", timedelta(hours=1))
    key = store.keys.cards("draft-SR-1")
    assert 3500 < await store.redis.ttl(key) <= 3600
    await store.redis.hset(key, "draft-SR-1:prompt", "ts-2")  # another process re-posted
    assert await store.card_refs.get("draft-SR-1:prompt") == "ts-2"
    # A request's own cards never expire.
    await store.card_refs.set("SR-1:0", "ts-9")
    assert await store.redis.ttl(store.keys.cards("SR-1")) == -1
