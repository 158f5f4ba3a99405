"""Who the bot is on Slack, asked once (auth.test) when `serve` starts, not per request.

Bolt's default authorization calls auth.test on the request path until one succeeds:
with the Web API unreachable, every signed request then failed with HTTP 500 and a
traceback, even those that need no Web API call to be acknowledged. Here the check
runs at start, says clearly in the log when it fails, and is retried in the background
until Slack answers; bolt's `authorize` reads what is known and never waits on the
network, so requests are acknowledged whatever the Web API's state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

_CHECK_TIMEOUT = 10.0  # seconds; a Web API that takes longer counts as unreachable
_FIRST_RETRY = 5.0
_MAX_RETRY = 300.0


class BotIdentity:
    def __init__(self, client: AsyncWebClient, token: str) -> None:
        self.client = client
        self.token = token
        self.bot_user_id: str | None = None
        self.bot_id: str | None = None
        self.team_id: str | None = None
        self.checked = False  # Slack answered auth.test for the token

    async def check(self, first: bool = True) -> bool:
        """Asks auth.test; True when Slack answered for the token. A failure is one
        clear log line (an error at start, a debug line on the background retries)."""
        try:
            async with asyncio.timeout(_CHECK_TIMEOUT):
                answer = await self.client.auth_test()
        except SlackApiError as exc:
            status, error = exc.response.status_code, exc.response.get("error")
            problem = (
                f"Slack refused SLACK_BOT_TOKEN ({error})"
                if status == 200  # Slack answers a bad token with 200 and ok: false
                else f"the Slack Web API at {self.client.base_url} answered {status} ({error})"
            )
        except Exception as exc:  # unreachable, timed out, or an answer we cannot read
            problem = f"the Slack Web API at {self.client.base_url} did not answer ({exc!r})"
        else:
            self.bot_user_id = answer.get("user_id")
            self.bot_id = answer.get("bot_id")
            self.team_id = answer.get("team_id")
            self.checked = True
            log.info(
                "Slack token checked",
                extra={"team": self.team_id, "bot_user": self.bot_user_id},
            )
            return True
        if first:
            log.error(
                f"{problem}. Serving anyway: Slack's requests are acknowledged, but replies "
                "fail until the Web API accepts the token; checking again in the background."
            )
        else:
            log.debug("Slack token check failed again", extra={"problem": problem})
        return False

    async def keep_checking(self) -> None:
        """Retries the check with a growing pause until Slack answers (a task: cancel it
        to stop)."""
        pause = _FIRST_RETRY
        while not self.checked:
            await asyncio.sleep(pause)
            if await self.check(first=False):
                log.info("the Slack Web API answers again")
                return
            pause = min(pause * 2, _MAX_RETRY)

    def authorizer(self) -> Callable[..., Awaitable[AuthorizeResult]]:
        """Bolt's `authorize`: the one token, and the bot's ids when known (bolt uses them
        to drop the bot's own events; the inbound rules drop bot messages anyway). A
        plain function: bolt passes arguments by the names it finds, `self` included."""

        async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            return AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=team_id or self.team_id,
                bot_token=self.token,
                bot_user_id=self.bot_user_id,
                bot_id=self.bot_id,
            )

        return authorize
