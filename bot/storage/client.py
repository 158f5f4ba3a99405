"""Opens the Redis connection: REDIS_URL when set, else the embedded server."""

from __future__ import annotations

import asyncio
from pathlib import Path

from redis.asyncio import Redis

from bot.storage.embedded import EmbeddedRedis


async def open_redis(redis_url: str | None, data_dir: Path) -> Redis:
    if redis_url is None:
        server = EmbeddedRedis(await asyncio.to_thread(data_dir.resolve))
        redis_url = await asyncio.to_thread(server.ensure_running)
    client: Redis = Redis.from_url(
        redis_url,
        decode_responses=True,
        socket_timeout=5,
        socket_connect_timeout=5,
        health_check_interval=30,
    )
    return client
