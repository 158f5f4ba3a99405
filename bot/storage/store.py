"""All of stopbot's Redis storage behind one connection: each part implements a port
of handlers/ports.py (or serves an adapter), and every key is in keys.py."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from pathlib import Path

from bot.storage.card_refs import RedisCardRefs
from bot.storage.client import RedisClient, client_for_url, result
from bot.storage.console_cards import RedisConsoleCards
from bot.storage.drafts import RedisDrafts
from bot.storage.embedded import EmbeddedRedis
from bot.storage.errors import storage_call
from bot.storage.faq_log import RedisFaqLog
from bot.storage.keys import Keys
from bot.storage.marks import RedisMarks
from bot.storage.notices import RedisNotices
from bot.storage.outbox import Births, RedisOutbox
from bot.storage.pending_forms import RedisPendingForms
from bot.storage.requests import DEFAULT_LEASE, RedisRequests
from bot.storage.shown_buttons import RedisShownButtons
from bot.storage.supervisor import Supervisor
from handlers.ports import StorageDown


class Store:
    def __init__(
        self,
        redis: RedisClient,
        keys: Keys | None = None,
        supervision: asyncio.Task[None] | None = None,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self.redis = redis
        self._supervision = supervision
        self.keys = keys or Keys()
        self.lease = lease  # how long an owed reply stays with the process that holds it
        self.drafts = RedisDrafts(redis, self.keys)
        births = Births()  # what this process owes and holds from birth (outbox.py)
        self.requests = RedisRequests(redis, self.keys, lease, births)
        self.outbox = RedisOutbox(redis, self.keys, births)
        self.marks = RedisMarks(redis, self.keys)
        self.faq_log = RedisFaqLog(redis, self.keys)
        self.card_refs = RedisCardRefs(redis, self.keys)
        self.console_cards = RedisConsoleCards(redis, self.keys)
        self.console_forms = RedisPendingForms(redis, self.keys.console_form)
        # DingTalk asks a form's fields in the user's single chat, and reads the buttons
        # of its markdown messages from what the user types.
        self.dingtalk_forms = RedisPendingForms(redis, self.keys.pending_form)
        self.shown_buttons = RedisShownButtons(redis, self.keys)
        self.notices = RedisNotices(redis, self.keys)
        self.notice_drafts = RedisDrafts(redis, self.keys, key=self.keys.notice_draft, expiry=False)

    async def ping(self) -> bool:
        try:
            return bool(await self._ping())
        except StorageDown:
            return False

    @storage_call
    async def _ping(self) -> bool:
        return bool(await result(self.redis.ping()))

    async def close(self) -> None:
        if self._supervision is not None:
            self._supervision.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervision
        await self.redis.aclose()

    @storage_call
    async def memory_usage(self, key: str) -> int:
        return int(await result(self.redis.memory_usage(key, samples=0)) or 0)


async def open_store(
    redis_url: str | None, data_dir: Path, lease: timedelta = DEFAULT_LEASE
) -> Store:
    """The store on REDIS_URL when set; else on the embedded server under `data_dir`,
    started if needed and restarted while this store is open (supervisor.py)."""
    if redis_url is not None:
        return Store(client_for_url(redis_url), lease=lease)
    server = EmbeddedRedis(await asyncio.to_thread(data_dir.resolve))
    url = await asyncio.to_thread(server.ensure_running)
    supervision = asyncio.create_task(Supervisor(server).run(), name="embedded-redis")
    return Store(client_for_url(url), supervision=supervision, lease=lease)
