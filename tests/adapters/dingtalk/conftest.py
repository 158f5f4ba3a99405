"""Fixtures of the DingTalk tests: the fakes of DingTalk on real local sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.dingtalk.gateway import FakeStreamGateway


@pytest.fixture
async def fake_dingtalk_gateway() -> AsyncIterator[FakeStreamGateway]:
    async with FakeStreamGateway() as gateway:
        yield gateway
