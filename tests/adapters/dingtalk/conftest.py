"""Fixtures of the DingTalk tests: the fakes of DingTalk on real local sockets, and the
real bot served against them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.faq.live_kb import LiveKnowledgeBase
from bot.storage.store import Store
from tests.fakes.both_rig import BothRig, cross_policy, running_both
from tests.fakes.clock import FakeClock
from tests.fakes.dingtalk.gateway import FakeStreamGateway
from tests.fakes.dingtalk.openapi import FakeDingTalkApi
from tests.fakes.dingtalk.rig import DingTalkRig, running_rig


@pytest.fixture
async def fake_dingtalk_api(clock: FakeClock) -> AsyncIterator[FakeDingTalkApi]:
    """The fake OpenAPI, running (``.base_url``), its tokens expiring by ``clock``."""
    async with FakeDingTalkApi(clock=clock.now) as fake:
        yield fake


@pytest.fixture
async def fake_dingtalk_gateway() -> AsyncIterator[FakeStreamGateway]:
    async with FakeStreamGateway() as gateway:
        yield gateway


@pytest.fixture
def dt_store(slack_store: Store) -> Store:
    """The storage topologies are covered by the other suites: DingTalk runs on the one
    the Slack tests use (tests/adapters/conftest.py)."""
    return slack_store


@pytest.fixture
async def dt(
    dt_store: Store, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> AsyncIterator[DingTalkRig]:
    """`serve` in Stream mode with a card template, against the fake DingTalk."""
    async with running_rig(dt_store, clock, live_kb) as rig:
        yield rig


@pytest.fixture
async def both(
    dt_store: Store, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> AsyncIterator[BothRig]:
    """`serve` with Slack and DingTalk on the cross-platform policy (its Slack stage
    first), the fakes of both."""
    async with running_both(dt_store, clock, live_kb, cross_policy()) as rig:
        yield rig


@pytest.fixture
async def both_reversed(
    dt_store: Store, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> AsyncIterator[BothRig]:
    """As `both`, its DingTalk stage first."""
    async with running_both(dt_store, clock, live_kb, cross_policy(dingtalk_first=True)) as rig:
        yield rig


@pytest.fixture
async def both_by_rounds(
    dt_store: Store, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> AsyncIterator[BothRig]:
    """As `both`, but shutdown notices go out only by the test's own rounds."""
    async with running_both(dt_store, clock, live_kb, cross_policy(), broadcast=False) as rig:
        yield rig
