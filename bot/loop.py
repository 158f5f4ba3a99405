"""Runs a coroutine on uvloop when it is installed (it is on Linux and macOS), else on
the standard event loop: the bot is I/O-bound, and uvloop's loop costs less CPU per
round trip."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)
