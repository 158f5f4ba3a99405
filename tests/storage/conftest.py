"""Storage tests run on every topology the bot supports: the embedded server, a real
three-primary Redis Cluster, a real primary behind a Sentinel, and REDIS_URL when set.
(Tests elsewhere test logic, and run on one.)"""

from __future__ import annotations

import os

import pytest

from bot.storage.embedded import EmbeddedRedis


def _topologies() -> list[str]:
    found = ["embedded", "cluster", "sentinel"]
    return [*found, "redis_url"] if os.environ.get("REDIS_URL") else found


@pytest.fixture(params=_topologies())
def redis_url(request: pytest.FixtureRequest, embedded_redis: EmbeddedRedis) -> str:
    if request.param == "redis_url":
        return os.environ["REDIS_URL"]
    if request.param in ("cluster", "sentinel"):
        return str(request.getfixturevalue(f"{request.param}_url"))
    return embedded_redis.url
