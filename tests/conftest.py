"""Shared fixtures: a real Redis server (the embedded one on a temp dir, and also
REDIS_URL when it is set), an injected clock, and a console harness that drives the
real handlers through the console adapter."""

from __future__ import annotations

import io
import os
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.clock import FakeClock
from bot.config import Settings
from bot.files.kb import bundled_kb_path
from bot.files.live_kb import LiveKnowledgeBase
from bot.files.policy import bundled_policy_path, load_policy, load_policy_text
from bot.storage.client import RedisClient, client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.keys import Keys
from bot.storage.store import Store
from conversations.model import StopRequest
from conversations.policy import Policy
from handlers.events import Reply
from handlers.router import Handlers
from handlers.services import Services
from tests import servers

# Monday 09:00 UTC: a weekday, so "tomorrow" and "next Monday" are distinct dates.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


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


def _backends() -> list[str]:
    # Every test that stores anything runs on each topology the bot supports.
    found = ["embedded", "cluster", "sentinel"]
    return [*found, "redis_url"] if os.environ.get("REDIS_URL") else found


@pytest.fixture(params=_backends())
def redis_url(request: pytest.FixtureRequest, embedded_redis: EmbeddedRedis) -> str:
    if request.param == "redis_url":
        return os.environ["REDIS_URL"]
    if request.param in ("cluster", "sentinel"):
        return str(request.getfixturevalue(f"{request.param}_url"))
    return embedded_redis.url


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
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def policy() -> Policy:
    return load_policy(bundled_policy_path())


TEAM_POLICY = """
admins: [console:admin]
approval:
  stages:
    - name: department-head
      approvers: [console:head, console:head2]
      channel: console:approvals-head
      mode: any
    - name: it
      approvers: [console:it, console:it2]
      channel: console:approvals-it
      mode: all
      fallback_approvers: [console:itlead]
    - name: finance
      approvers: [console:finance]
      channel: console:approvals-finance
      when: paid
  remind_after: 24h
  escalate_after: 72h
catalog:
  - {name: CRM, paid: true}
  - {name: OA, paid: false}
"""


@pytest.fixture
def team_policy() -> Policy:
    return load_policy_text(TEAM_POLICY, "team.yaml")


@dataclass
class Harness:
    """The real app, handlers and console adapter on a real Redis, with a fake clock."""

    app: App
    console: ConsoleAdapter
    out: io.StringIO
    clock: FakeClock
    _mark: int = 0
    delivered: list[Reply] = field(default_factory=list)

    @property
    def store(self) -> Store:
        return self.app.services.store

    async def type(self, *lines: str) -> str:
        """Types lines into the console; returns what was printed meanwhile."""
        for line in lines:
            await self.console.handle_line(line)
        return self.new_output()

    def new_output(self) -> str:
        text = self.out.getvalue()[self._mark :]
        self._mark = len(self.out.getvalue())
        return text

    async def tick(self) -> str:
        await self.app.deliver(await self.app.handlers.tick())
        return self.new_output()

    async def request(self, request_id: str) -> StopRequest:
        req = await self.store.get_request(request_id)
        assert req is not None
        return req


@pytest.fixture(scope="session")
def live_kb() -> LiveKnowledgeBase:
    return LiveKnowledgeBase(bundled_kb_path())


def make_harness(
    store: Store, policy: Policy, clock: FakeClock, faq: LiveKnowledgeBase | None = None
) -> Harness:
    services = Services(store=store, policy=policy, clock=clock, tz=UTC, faq=faq)
    app = App(
        settings=Settings.load({}, dotenv=Path("/nonexistent")),
        services=services,
        handlers=Handlers(services),
    )
    out = io.StringIO()
    console = ConsoleAdapter(store, app.dispatch, out=out)
    app.register(console, fallback=True)
    return Harness(app=app, console=console, out=out, clock=clock)


@pytest.fixture
def harness(store: Store, policy: Policy, clock: FakeClock, live_kb: LiveKnowledgeBase) -> Harness:
    return make_harness(store, policy, clock, live_kb)


@pytest.fixture
def team(
    store: Store, team_policy: Policy, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> Harness:
    return make_harness(store, team_policy, clock, live_kb)


REQUEST_ID = re.compile(r"Submitted as (SR-[0-9A-Z]{8})")


async def file_request(
    h: Harness,
    target: str = "CRM",
    user: str = "console:employee",
    notify: str = "console:team",
) -> str:
    """Runs the whole dialogue by typing, returns the new request id."""
    await h.type(f"/as {user}")
    out = await h.type(
        "/cancel-account",
        target,
        "too expensive",
        "2026-12-31",
        "yes",
        "none",
    )
    if "subscription" in out or "Is it paid" in out:
        await h.type("refund")
    out = await h.type("no", notify, "submit")
    match = REQUEST_ID.search(out)
    assert match, out
    return match.group(1)
