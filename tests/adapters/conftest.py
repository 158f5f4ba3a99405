"""Fixtures of the Slack tests: the bot served against the fake Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.faq.live_kb import LiveKnowledgeBase
from bot.storage.client import client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.keys import Keys
from bot.storage.store import Store
from conversations.policy import Policy
from tests.fakes.clock import FakeClock
from tests.fakes.slack.bot import slack_policy as shared_policy
from tests.fakes.slack.rig import Rig, running_rig


@pytest.fixture
def slack_policy() -> Policy:
    return shared_policy()


@pytest.fixture
async def slack_store(embedded_redis: EmbeddedRedis, keys: Keys) -> AsyncIterator[Store]:
    """The storage topologies are covered by the other suites; Slack runs on one."""
    client = client_for_url(embedded_redis.url)
    yield Store(client, keys)
    await client.aclose()


@pytest.fixture
async def rig(
    slack_store: Store, slack_policy: Policy, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> AsyncIterator[Rig]:
    async with running_rig(slack_store, slack_policy, clock, live_kb) as rig:
        yield rig
