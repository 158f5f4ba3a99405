"""Storage failures as the handlers know them: every public storage call turns the
client's errors (RedisError, RedisClusterException, OSError) into StorageDown, so
nothing above bot/ imports redis."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from redis.exceptions import RedisClusterException, RedisError

from handlers.ports import StorageDown

P = ParamSpec("P")
R = TypeVar("R")


def storage_call(
    fn: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    @functools.wraps(fn)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        # A Cluster with no reachable node raises RedisClusterException, which is
        # neither of the other two.
        except (RedisError, RedisClusterException, OSError) as exc:
            raise StorageDown(repr(exc)) from exc

    return call
