"""Each Slack user's language, from the locale users.info gives."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.inbound import lang_of
from bot.storage.lru import Lru
from conversations.model import Lang

log = logging.getLogger(__name__)

# A locale rarely changes; one users.info call a day per user is enough. When the call
# fails (the Web API unreachable), the default language is used for a minute only.
_LOCALE_TTL = 24 * 3600
_FAILED_TTL = 60


class Locales:
    def __init__(
        self, client: AsyncWebClient, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.client = client
        self.monotonic = monotonic  # injected: tests move it instead of waiting
        # user -> (valid until, lang); bounded: a big workspace must not grow it forever
        self._langs: Lru[str, tuple[float, Lang | None]] = Lru()

    async def lang(self, user: str) -> Lang | None:
        cached = self._langs.get(user)
        if cached is None or self.monotonic() > cached[0]:
            try:
                info = await self.client.users_info(user=user, include_locale=True)
                profile: dict[str, Any] = info.get("user") or {}
                cached = (self.monotonic() + _LOCALE_TTL, lang_of(profile.get("locale")))
            except Exception as exc:  # a missing locale must not block the user
                log.warning("users.info failed", extra={"user": user, "error": repr(exc)})
                cached = (self.monotonic() + _FAILED_TTL, None)
            self._langs.put(user, cached)
        return cached[1]
