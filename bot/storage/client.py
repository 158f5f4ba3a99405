"""The Redis client for a REDIS_URL (its forms: urls.py; bot/storage/store.py opens
the embedded server when it is unset)."""

from __future__ import annotations

from typing import Any, TypeAlias, cast

from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.sentinel import Sentinel
from redis.commands.core import AsyncScript

# BadRedisUrl is raised here too: callers catch it from this module.
from bot.storage.urls import BadRedisUrl as BadRedisUrl
from bot.storage.urls import parse_redis_url

# Both behave alike for every command stopbot sends: each script touches one slot.
RedisClient: TypeAlias = Redis | RedisCluster

_COMMON: dict[str, Any] = {
    "decode_responses": True,
    "socket_timeout": 5,
    "socket_connect_timeout": 5,
}


async def result(value: Any) -> Any:
    """redis-py types many commands as `Awaitable[T] | T`; on the asyncio client they
    are always awaitables."""
    return await value


def register(redis: RedisClient, script: str) -> AsyncScript:
    """A Lua script ready to run. redis-py types register_script for Redis only;
    RedisCluster has it too and routes each call by its first key (all keys of every
    stopbot script share one slot)."""
    return cast(Redis, redis).register_script(script)


def client_for_url(url: str) -> RedisClient:
    """A client for a REDIS_URL (forms: urls.py); raises BadRedisUrl."""
    parsed = parse_redis_url(url)
    if parsed.kind == "cluster":
        cluster: RedisCluster = RedisCluster(
            startup_nodes=[ClusterNode(h, p) for h, p in parsed.hosts],
            password=parsed.password,
            ssl=parsed.tls,
            **_COMMON,
        )
        return cluster
    if parsed.kind == "sentinel":
        sentinel = Sentinel(parsed.hosts, sentinel_kwargs={"socket_timeout": 5})  # type: ignore[no-untyped-call]
        client: Redis = sentinel.master_for(
            parsed.service, password=parsed.password, db=parsed.db, **_COMMON
        )
        return client
    plain: Redis = Redis.from_url(url, health_check_interval=30, **_COMMON)
    return plain
