"""The console playground's messages with buttons, kept so that `/click` works in every
`chat` process sharing the storage and after a restart.

Each message is one entry, added by one script (scripts.CONSOLE_SHOW): processes never
read, change and write back a whole list, so none overwrites what another printed.
A card that is rewritten later (a request's approval card, a dialogue's question) is
filed under its card key, so its rewrite, printed by whichever process, updates it in
place. The oldest entries beyond `KEEP` are trimmed; all expire after `TTL` unused.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, TypeAdapter

from bot.storage.client import RedisClient, register
from bot.storage.errors import storage_call
from bot.storage.keys import Keys
from bot.storage.scripts import CONSOLE_REBUTTON, CONSOLE_SHOW
from handlers.events import Button

KEEP = 200
TTL = timedelta(days=30)
_BUTTONS = TypeAdapter(list[Button])


class Shown(BaseModel):
    """A message with buttons as the console printed it."""

    model_config = ConfigDict(frozen=True)

    to: str  # whom it was printed for: a user, or a channel for a card
    key: str | None = None  # the card key, when the card is rewritten later
    # True for a card posted to a channel: anyone may click it, and the handlers' card
    # rules decide (only approvers approve). False: only `to` may click.
    shared: bool = False
    buttons: list[Button]


class _Meta(BaseModel):
    to: str
    key: str | None
    shared: bool


def _entry_id(key: str) -> str:
    return f"k:{key}"


class RedisConsoleCards:
    def __init__(self, redis: RedisClient, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._show = register(redis, CONSOLE_SHOW)
        self._rebutton = register(redis, CONSOLE_REBUTTON)

    def _keys(self) -> list[str]:
        return [self.keys.console_shown(), self.keys.console_shown_order()]

    @storage_call
    async def remember(self, shown: Shown) -> None:
        meta = _Meta(to=shown.to, key=shown.key, shared=shown.shared).model_dump_json()
        buttons = _BUTTONS.dump_json(shown.buttons).decode()
        entry = _entry_id(shown.key) if shown.key else ""
        ttl = int(TTL.total_seconds())
        await self._show(keys=self._keys(), args=[entry, meta, buttons, KEEP, ttl])

    @storage_call
    async def rewrite(self, key: str, buttons: list[Button]) -> bool:
        """New buttons for the card filed under `key`; False when it is not remembered."""
        data = _BUTTONS.dump_json(buttons).decode()
        done = await self._rebutton(keys=self._keys()[:1], args=[_entry_id(key), data])
        return bool(done)

    @storage_call
    async def latest(self) -> list[Shown]:
        """Every remembered message, the latest first."""
        shown_key, order_key = self._keys()
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zrevrange(order_key, 0, -1)
            pipe.hgetall(shown_key)
            ids, fields = await pipe.execute()
        found = []
        for entry in ids:
            meta, buttons = fields.get(f"meta:{entry}"), fields.get(f"buttons:{entry}")
            if meta is None or buttons is None:
                continue  # trimmed by another process between the two reads
            m = _Meta.model_validate_json(meta)
            found.append(
                Shown(to=m.to, key=m.key, shared=m.shared, buttons=_BUTTONS.validate_json(buttons))
            )
        return found
