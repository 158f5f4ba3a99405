"""Fixtures only (shared helpers are in tests/helpers.py): real Redis servers (the
embedded one on a temp dir, a Cluster and a Sentinel started from the same binary, or
REDIS_URL when it is set), an injected clock, the policies, the knowledge base, and the
console harness that drives the real app."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.faq.live_kb import LiveKnowledgeBase
from bot.files.kb import bundled_kb_path
from bot.files.policy import bundled_policy_path, load_policy, load_policy_text
from bot.storage.client import RedisClient, client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.keys import Keys
from bot.storage.store import Store
from conversations.policy import Policy
from tests import servers
from tests.fakes.clock import FakeClock
from tests.helpers import FAQ_CACHE, START, TEAM_POLICY, Harness, make_harness

# Processes the tests start find the FAQ indexes already built (tests/helpers.py).
os.environ.setdefault("FAQ_CACHE_DIR", str(FAQ_CACHE))


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis-data"))
    server.ensure_running()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with servers.cluster(tmp_path_factory.mktemp("cluster")) as url:
        yield url


@pytest.fixture(scope="session")
def sentinel_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with servers.sentinel(tmp_path_factory.mktemp("sentinel")) as url:
        yield url


@pytest.fixture
def redis_url(embedded_redis: EmbeddedRedis) -> str:
    """The Redis that tests of logic run on: REDIS_URL when set, else the embedded
    server. Storage tests run on every topology (tests/storage/conftest.py)."""
    return os.environ.get("REDIS_URL") or embedded_redis.url


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[RedisClient]:
    client = client_for_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def keys() -> Keys:
    # A prefix per test keeps tests apart without FLUSHDB, which would be rude to a
    # shared server named by REDIS_URL.
    return Keys(prefix=f"t{uuid.uuid4().hex[:10]}")


@pytest.fixture
async def store(redis: RedisClient, keys: Keys) -> AsyncIterator[Store]:
    yield Store(redis, keys)
    # Leave a shared server (REDIS_URL) as we found it.
    async for key in redis.scan_iter(match=f"{keys.prefix}:*", count=500):
        await redis.delete(key)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """A DATA_DIR for `chat` processes; its embedded Redis is stopped afterwards."""
    data = tmp_path / "data"
    yield data
    EmbeddedRedis(data).stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def policy() -> Policy:
    return load_policy(bundled_policy_path())


@pytest.fixture
def team_policy() -> Policy:
    return load_policy_text(TEAM_POLICY, "team.yaml")


@pytest.fixture(scope="session")
def live_kb() -> LiveKnowledgeBase:
    return LiveKnowledgeBase(bundled_kb_path(), FAQ_CACHE)


@pytest.fixture
async def harness(
    store: Store, policy: Policy, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> Harness:
    return await make_harness(store, policy, clock, live_kb)


@pytest.fixture
async def team(
    store: Store, team_policy: Policy, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> Harness:
    return await make_harness(store, team_policy, clock, live_kb)
