"""Events API retries: Slack sends an event again with the same event_id (and
X-Slack-Retry-Num) when it thinks the first delivery failed. Every kind of event is
acted on once per event_id, whichever `serve` process gets the retry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.faq.live_kb import LiveKnowledgeBase
from bot.server import Server
from bot.storage.store import Store
from conversations.policy import Policy
from tests.fakes.clock import FakeClock
from tests.fakes.slack import requests as sr
from tests.fakes.slack.api import Call
from tests.fakes.slack.bot import start_bot
from tests.fakes.slack.rig import SECRET, TOKEN, Rig

RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


def _home_opened(user: str) -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user, "tab": "home", "channel": f"D{user}"}


def _to(channel: str) -> Any:
    return lambda c: c.params["channel"] == channel


async def _sent_twice(rig: Rig, event: dict[str, Any], event_id: str, url: str = "") -> None:
    """The event, then Slack's retry of it (to `url`: another process's Request URL)."""
    assert (await rig.send(sr.event(event, event_id=event_id), form=False))[0] == 200
    retry = sr.event(event, event_id=event_id)
    status, _ = await sr.post(
        rig.session, url or rig.url, retry, SECRET, sr.JSON, extra_headers=RETRY
    )
    assert status == 200


async def _then(rig: Rig, method: str, wanted: Any, event: dict[str, Any]) -> Call:
    """Sends a later, different event and waits for its effect: by then the retry has
    been answered, and anything it had set off would have been set off first."""
    assert (await rig.send(sr.event(event, event_id="EvLater"), form=False))[0] == 200
    return await rig.call_where(method, wanted)


@pytest.fixture
async def second_serve(
    rig: Rig, slack_policy: Policy, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> AsyncIterator[Server]:
    """Another `serve` process on the same Redis and the same Slack app."""
    store = Store(rig.store.redis, rig.store.keys)
    credentials = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET}
    server = await start_bot(store, rig.fake.base_url, credentials, clock, live_kb, slack_policy)
    yield server
    await server.stop()


async def test_a_retried_app_home_opened_publishes_the_home_once(rig: Rig) -> None:
    await _sent_twice(rig, _home_opened("UHEAD"), "EvHomeOnce")
    await _then(
        rig, "views.publish", lambda c: c.params["user_id"] == "UOTHER", _home_opened("UOTHER")
    )
    assert [c.params["user_id"] for c in rig.fake.calls_to("views.publish")] == ["UHEAD", "UOTHER"]


async def test_a_retry_that_reaches_another_process_is_not_acted_on_again(
    rig: Rig, second_serve: Server
) -> None:
    await _sent_twice(
        rig, _home_opened("UHEAD"), "EvHomeShared", second_serve.url + "/slack/events"
    )
    await _then(
        rig, "views.publish", lambda c: c.params["user_id"] == "UOTHER", _home_opened("UOTHER")
    )
    assert [c.params["user_id"] for c in rig.fake.calls_to("views.publish")] == ["UHEAD", "UOTHER"]


async def test_a_retried_mention_is_answered_once(rig: Rig) -> None:
    mention = {
        "type": "app_mention",
        "channel": "CGENERAL",
        "user": "UEMP",
        "text": "<@UBOT> will I get a refund?",
        "ts": "1700.0005",
    }
    await _sent_twice(rig, mention, "EvMentionOnce")
    # Matched on a worker thread, like the DM below: wait for this answer first.
    await rig.call_where("chat.postMessage", _to("CGENERAL"))
    await _then(rig, "chat.postMessage", _to("CLATER"), {**mention, "channel": "CLATER"})
    assert len([c for c in rig.fake.calls_to("chat.postMessage") if _to("CGENERAL")(c)]) == 1


async def test_a_retried_dm_is_answered_once(rig: Rig) -> None:
    dm = {
        "type": "message",
        "channel_type": "im",
        "channel": "DUEMP",
        "user": "UEMP",
        "text": "will my data be lost?",
        "ts": "1700.0006",
    }
    await _sent_twice(rig, dm, "EvDmOnce")
    # FAQ answers are matched on worker threads: a later question may be answered
    # first, so wait for this one's answer before the later event.
    await rig.call_where("chat.postMessage", _to("DUEMP"))
    await _then(
        rig, "chat.postMessage", _to("DUOTHER"), {**dm, "channel": "DUOTHER", "user": "UOTHER"}
    )
    assert len([c for c in rig.fake.calls_to("chat.postMessage") if _to("DUEMP")(c)]) == 1
