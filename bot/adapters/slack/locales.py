"""Each Slack user's language, from the locale users.info gives."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.inbound import lang_of
from conversations.model import Lang

log = logging.getLogger(__name__)

# A locale rarely changes; one users.info call a day per user is enough.
_LOCALE_TTL = 24 * 3600


class Locales:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._langs: dict[str, tuple[float, Lang | None]] = {}

    async def lang(self, user: str) -> Lang | None:
        cached = self._langs.get(user)
        if cached is None or time.monotonic() - cached[0] > _LOCALE_TTL:
            lang: Lang | None = None
            try:
                info = await self.client.users_info(user=user, include_locale=True)
                profile: dict[str, Any] = info.get("user") or {}
                lang = lang_of(profile.get("locale"))
            except Exception:  # a missing locale must not block the user
                log.warning("users.info failed", extra={"user": user})
            cached = (time.monotonic(), lang)
            self._langs[user] = cached
        return cached[1]
