"""Each Slack user's language, from users.info: kept a day, but a failed lookup (the
Web API down at that moment) only for a minute, so the user's language comes back
once Slack answers again."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.locales import Locales
from tests.fakes.slack.api import FakeSlack


async def test_a_failed_lookup_is_retried_after_a_minute_a_good_one_after_a_day() -> None:
    async with FakeSlack() as fake:
        fake.set_user("UFIN", locale="fr-FR")
        now = [1000.0]
        locales = Locales(AsyncWebClient(token=fake.token, base_url=fake.base_url), lambda: now[0])
        fake.fail_next("users.info", status=500)
        assert await locales.lang("UFIN") is None  # the default language meanwhile
        now[0] += 30
        assert await locales.lang("UFIN") is None
        assert len(fake.calls_to("users.info")) == 1  # not asked again within the minute
        now[0] += 31
        assert await locales.lang("UFIN") == "fr"
        now[0] += 23 * 3600
        assert await locales.lang("UFIN") == "fr"
        assert len(fake.calls_to("users.info")) == 2  # a good answer is kept a day
        now[0] += 3600 + 1
        assert await locales.lang("UFIN") == "fr"
        assert len(fake.calls_to("users.info")) == 3
