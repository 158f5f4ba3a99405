"""Forms asked one question at a time in a chat (a reject or delegate reason being
typed), on platforms without modals: the console playground and DingTalk. One per
user, so that a form survives a restart and is the same in every process. Each answer
is one field of the user's hash, written only while the form is open; the form
expires after `TTL` unanswered. Each platform files its forms under its own key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.storage.client import RedisClient, register, result
from bot.storage.errors import storage_call
from bot.storage.scripts import PENDING_FORM_ANSWER, PENDING_FORM_OPEN
from handlers.events import OpenForm

TTL = timedelta(days=1)
_FORM = "form"
_VALUE = "v:"  # the prefix of an answer's field, as in the scripts


@dataclass
class PendingForm:
    form: OpenForm
    values: dict[str, str] = field(default_factory=dict)

    def next_field(self) -> int:
        """The first field still without an answer (refused answers are removed)."""
        names = [f.name for f in self.form.fields]
        return next((i for i, n in enumerate(names) if n not in self.values), len(names))


class RedisPendingForms:
    """`key`: the Redis key of a user's form (Keys.console_form, Keys.pending_form)."""

    def __init__(self, redis: RedisClient, key: Callable[[str], str]) -> None:
        self.redis = redis
        self.key = key
        self._open = register(redis, PENDING_FORM_OPEN)
        self._answer = register(redis, PENDING_FORM_ANSWER)

    @property
    def _ttl(self) -> int:
        return int(TTL.total_seconds())

    @storage_call
    async def open(self, user: str, form: OpenForm) -> None:
        """Replaces any form the user had open."""
        await self._open(keys=[self.key(user)], args=[form.model_dump_json(), self._ttl])

    @storage_call
    async def answer(self, user: str, name: str, value: str) -> bool:
        """False when the user has no form open (it expired or was closed meanwhile)."""
        kept = await self._answer(keys=[self.key(user)], args=[name, value, self._ttl])
        return bool(kept)

    @storage_call
    async def forget(self, user: str, name: str) -> None:
        """Drops a refused answer, so that its question is asked again."""
        await result(self.redis.hdel(self.key(user), _VALUE + name))

    @storage_call
    async def close(self, user: str) -> None:
        await result(self.redis.delete(self.key(user)))

    @storage_call
    async def get(self, user: str) -> PendingForm | None:
        found: dict[str, str] = await result(self.redis.hgetall(self.key(user)))
        raw = found.pop(_FORM, None)
        if raw is None:
            return None
        values = {k.removeprefix(_VALUE): v for k, v in found.items() if k.startswith(_VALUE)}
        return PendingForm(OpenForm.model_validate_json(raw), values)
