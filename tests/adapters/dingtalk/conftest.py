"""Fixtures of the DingTalk tests: the fakes of DingTalk on real local sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.clock import FakeClock
from tests.fakes.dingtalk.gateway import FakeStreamGateway
from tests.fakes.dingtalk.openapi import FakeDingTalkApi


@pytest.fixture
async def fake_dingtalk_api(clock: FakeClock) -> AsyncIterator[FakeDingTalkApi]:
    """The fake OpenAPI, running (``.base_url``), its tokens expiring by ``clock``."""
    async with FakeDingTalkApi(clock=clock.now) as fake:
        yield fake


@pytest.fixture
async def fake_dingtalk_gateway() -> AsyncIterator[FakeStreamGateway]:
    async with FakeStreamGateway() as gateway:
        yield gateway
