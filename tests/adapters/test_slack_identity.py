"""The bot's token is checked with Slack (auth.test) once, when serve starts: not per
request. When Slack does not answer, serve says so once, keeps acknowledging requests
and checks again in the background until it does."""

from __future__ import annotations

import logging

import pytest

import bot.adapters.slack.identity as identity
from bot.faq.live_kb import LiveKnowledgeBase
from bot.storage.store import Store
from conversations.policy import Policy
from tests.fakes.clock import FakeClock
from tests.fakes.slack import requests as sr
from tests.fakes.slack.rig import SECRET, running_rig


async def test_a_failed_check_is_said_once_and_retried_in_the_background(
    slack_store: Store,
    slack_policy: Policy,
    clock: FakeClock,
    live_kb: LiveKnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(identity, "_FIRST_RETRY", 0.0)  # no pause before the retry
    with caplog.at_level(logging.INFO, logger=identity.__name__):
        async with running_rig(
            slack_store, slack_policy, clock, live_kb, fail_first=["auth.test"] * 2
        ) as rig:
            await rig.fake.wait_for("auth.test", 3)  # at start, then twice in the background
            command = sr.slash_command("/cancel-account", "", "UEMP", "CGENERAL")
            for _ in range(3):
                assert (await rig.send(command))[0] == 200
            await rig.fake.wait_for("chat.postMessage", 3)
            assert len(rig.fake.calls_to("auth.test")) == 3  # none on the request path
    said = [r for r in caplog.records if r.name == identity.__name__]
    assert [r.levelname for r in said] == ["ERROR", "INFO", "INFO"]
    assert said[0].getMessage().startswith(f"the Slack Web API at {rig.fake.base_url} answered 503")
    assert "Serving anyway" in said[0].getMessage()
    assert said[2].getMessage() == "the Slack Web API answers again"


async def test_a_refused_token_is_named(
    slack_store: Store,
    slack_policy: Policy,
    clock: FakeClock,
    live_kb: LiveKnowledgeBase,
    caplog: pytest.LogCaptureFixture,
) -> None:
    credentials = {"SLACK_BOT_TOKEN": "xoxb-revoked", "SLACK_SIGNING_SECRET": SECRET}
    with caplog.at_level(logging.ERROR, logger=identity.__name__):
        async with running_rig(slack_store, slack_policy, clock, live_kb, credentials):
            pass
    [error] = [r for r in caplog.records if r.name == identity.__name__]
    assert error.getMessage().startswith("Slack refused SLACK_BOT_TOKEN (invalid_auth)")
