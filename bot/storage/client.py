"""The Redis client for a REDIS_URL (bot/storage/store.py opens the embedded server
when it is unset).

REDIS_URL forms:
  redis://[:password@]host:port/db, rediss://... (TLS), unix:///path/to/redis.sock
  redis+cluster://[:password@]host:port[,host:port...]      Redis Cluster (rediss+cluster: TLS)
  redis+sentinel://[:password@]host:port[,host:port...]/service[/db]   via Sentinel
"""

from __future__ import annotations

from typing import Any, TypeAlias, cast
from urllib.parse import unquote, urlsplit

from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.sentinel import Sentinel
from redis.commands.core import AsyncScript

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


class BadRedisUrl(ValueError):
    pass


def _hosts(netloc: str) -> tuple[str | None, list[tuple[str, int]]]:
    password = None
    if "@" in netloc:
        auth, netloc = netloc.rsplit("@", 1)
        password = unquote(auth.split(":", 1)[-1]) or None
    hosts = []
    for part in netloc.split(","):
        host, _, port = part.rpartition(":")
        if not host or not port.isdigit():
            raise BadRedisUrl(f"expected host:port, got {part!r}")
        hosts.append((host.strip("[]"), int(port)))
    return password, hosts


def client_for_url(url: str) -> RedisClient:
    """A client for a REDIS_URL (see the module docstring for the forms)."""
    parts = urlsplit(url)
    if parts.scheme in ("redis+cluster", "rediss+cluster"):
        password, hosts = _hosts(parts.netloc)
        cluster: RedisCluster = RedisCluster(
            startup_nodes=[ClusterNode(h, p) for h, p in hosts],
            password=password,
            ssl=parts.scheme.startswith("rediss"),
            **_COMMON,
        )
        return cluster
    if parts.scheme == "redis+sentinel":
        password, hosts = _hosts(parts.netloc)
        path = [p for p in parts.path.split("/") if p]
        if not path:
            raise BadRedisUrl("redis+sentinel:// needs the service name: .../mymaster")
        db = int(path[1]) if len(path) > 1 and path[1].isdigit() else 0
        sentinel = Sentinel(hosts, sentinel_kwargs={"socket_timeout": 5})  # type: ignore[no-untyped-call]
        client: Redis = sentinel.master_for(path[0], password=password, db=db, **_COMMON)
        return client
    plain: Redis = Redis.from_url(url, health_check_interval=30, **_COMMON)
    return plain
