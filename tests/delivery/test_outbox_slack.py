"""The outbox against the fake Slack, in one process: the real server and app, a
fake clock, and the sweeper driven by hand. Slack failing in each way it can
(503s for a while, a post taken but never answered, a channel that does not exist)
loses nothing, sends nothing twice, and tells whoever must know of what cannot be
delivered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.delivery.pacing import Pacer
from bot.faq.live_kb import LiveKnowledgeBase
from bot.server import Server
from bot.storage.client import client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.keys import Keys
from bot.storage.store import Store
from conversations.i18n import t
from handlers.actions import Approve
from tests.fakes.clock import FakeClock
from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.bot import slack_policy, start_bot
from tests.helpers import cancel_account, click, submit_request

TOKEN = "xoxb-test-token"
EMPLOYEE = "slack:UEMP"
LEASE = timedelta(seconds=20)


@dataclass
class Rig:
    fake: FakeSlack
    server: Server
    store: Store
    clock: FakeClock

    async def sweep_after(self, delta: timedelta) -> int:
        self.clock.advance(delta)
        return await self.server.app.outbox.sweep()

    def posts_to(self, channel: str) -> list[dict[str, object]]:
        return self.fake.posted(channel)

    def post_calls(self, channel: str) -> int:
        return len(
            [c for c in self.fake.calls_to("chat.postMessage") if c.params["channel"] == channel]
        )


@pytest.fixture
async def rig(
    embedded_redis: EmbeddedRedis, keys: Keys, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> AsyncIterator[Rig]:
    client = client_for_url(embedded_redis.url)
    store = Store(client, keys, lease=LEASE)
    fake = FakeSlack(token=TOKEN, clock=clock.now)
    url = await fake.start()
    server = await start_bot(
        store,
        url,
        {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "s"},
        clock,
        live_kb,
        slack_policy(),
    )
    # The app's Pacer (shared by its outbox and broadcaster) on the test's clock, so
    # that a Retry-After or a channel's second is over when the test says so.
    server.app.pacers["slack"] = Pacer(
        store.redis, keys, "slack", 10.0, clock=lambda: clock.now().timestamp()
    )
    yield Rig(fake, server, store, clock)
    await server.stop()
    await fake.stop()
    async for key in client.scan_iter(match=f"{keys.prefix}:*", count=500):
        await client.delete(key)
    await client.aclose()


async def _owed_card(rig: Rig) -> str:
    """A request whose committer died before delivering anything: its approval card
    is owed, leased to a process that will never send it."""
    return await submit_request(rig.server.app, user=EMPLOYEE, notify="none")


async def test_a_card_whose_sender_died_is_sent_once_the_lease_runs_out(rig: Rig) -> None:
    rid = await _owed_card(rig)
    assert await rig.sweep_after(LEASE - timedelta(seconds=1)) == 0  # still leased
    assert rig.posts_to("CHEAD") == []
    assert await rig.sweep_after(timedelta(seconds=1)) == 1
    [card] = rig.posts_to("CHEAD")
    assert rid in str(card["blocks"])
    # It is paced by the Pacer the broadcaster uses too (an interactive entry waits out
    # a pause in force and books no budget: see the Retry-After test).
    app = rig.server.app
    assert app.broadcaster().pacers["slack"] is app.outbox.pacers["slack"]
    assert await rig.sweep_after(LEASE * 10) == 0
    assert len(rig.posts_to("CHEAD")) == 1 and await rig.store.outbox.pending() == 0


async def test_slack_down_for_a_while_loses_nothing(rig: Rig) -> None:
    rid = await _owed_card(rig)
    rig.fake.outage()  # every call answers 503 until it is over
    assert await rig.sweep_after(LEASE) == 1
    backoffs = []
    for _ in range(4):
        meta = await rig.store.outbox.meta(f"{rid}.1.0")
        assert meta is not None and meta["err"] == "http_503"
        # Nothing is claimed before the backoff is over...
        assert await rig.sweep_after(timedelta(milliseconds=1)) == 0
        # ...which doubles each time.
        wait = timedelta(seconds=2 ** (int(str(meta["a"]))))
        backoffs.append(wait.total_seconds())
        assert await rig.sweep_after(wait) == 1
    assert backoffs == [2, 4, 8, 16]
    assert rig.posts_to("CHEAD") == []
    rig.fake.outage_over()
    assert await rig.sweep_after(timedelta(seconds=32)) == 1
    [card] = rig.posts_to("CHEAD")
    assert rid in str(card["blocks"])
    assert await rig.store.outbox.pending() == 0
    # The card was filed: the head's approval rewrites it in place.
    await rig.server.app.dispatch(click("slack:UHEAD", Approve(rid, 0), "slack:CHEAD"))
    [update] = rig.fake.calls_to("chat.update")
    assert update.params["ts"] == card["ts"]
    assert len(rig.posts_to("CHEAD")) == 1


async def test_a_post_slack_took_but_never_answered_is_not_sent_twice(rig: Rig) -> None:
    rid = await _owed_card(rig)
    rig.fake.drop_after_accept("chat.postMessage")
    assert await rig.sweep_after(LEASE) == 1
    # Slack has the card but the bot never heard back; and the client did not send it
    # again by itself.
    assert len(rig.posts_to("CHEAD")) == 1
    assert rig.post_calls("CHEAD") == 1
    meta = await rig.store.outbox.meta(f"{rid}.1.0")
    assert meta is not None and meta["err"] == "connection"
    # The retry looks the card up by the outbox id it carries, and sends nothing.
    looked_up = len(rig.fake.calls_to("conversations.history"))
    assert await rig.sweep_after(timedelta(seconds=2)) == 1
    assert rig.post_calls("CHEAD") == 1
    history = rig.fake.calls_to("conversations.history")[looked_up:]
    assert [(c.params["channel"], c.params["include_all_metadata"]) for c in history] == [
        ("CHEAD", "1")  # include_all_metadata=true, as the SDK sends it
    ]
    assert await rig.store.outbox.pending() == 0
    # And it was filed as the card: the approval rewrites that message.
    [card] = rig.posts_to("CHEAD")
    await rig.server.app.dispatch(click("slack:UHEAD", Approve(rid, 0), "slack:CHEAD"))
    [update] = rig.fake.calls_to("chat.update")
    assert update.params["ts"] == card["ts"]


async def test_a_missing_channel_is_recorded_told_once_and_never_retried(rig: Rig) -> None:
    for channel in ("CIT", "CFIN"):  # CHEAD does not exist
        rig.fake.add_channel(channel)
    rid = await _owed_card(rig)
    assert await rig.sweep_after(LEASE) == 1
    assert rig.post_calls("CHEAD") == 1
    [failure] = await rig.store.outbox.failures()
    assert (failure.id, failure.reason) == (f"{rid}.1.0", "channel_not_found")
    # The requester is told (their request cannot move), and so is the admin (a stage
    # whose card cannot be posted), once each.
    told = t(
        "en",
        "undelivered_requester",
        id=rid,
        target="CRM",
        to="slack:CHEAD",
        reason="channel_not_found",
    )
    [to_requester] = rig.posts_to("DUEMP")[-1:]
    assert to_requester["text"] == told
    assert [m["text"] for m in rig.posts_to("DUADMIN")] == [
        t(
            "en",
            "undelivered_admin",
            id=rid,
            target="CRM",
            requester=EMPLOYEE,
            to="slack:CHEAD",
            reason="channel_not_found",
        )
    ]
    # Never again, however long we wait.
    assert await rig.sweep_after(timedelta(days=4)) == 0
    assert rig.post_calls("CHEAD") == 1
    assert len([m for m in rig.posts_to("DUEMP") if m["text"] == told]) == 1
    history = await rig.store.requests.history(rid)
    assert [(e.action, e.detail) for e in history][-1] == (
        "undelivered",
        "slack:CHEAD: channel_not_found",
    )


async def test_a_rate_limited_post_waits_for_retry_after(rig: Rig) -> None:
    await _owed_card(rig)
    rig.fake.fail_next("chat.postMessage", 429, retry_after=30)
    assert await rig.sweep_after(LEASE) == 1
    assert rig.posts_to("CHEAD") == []
    # Every process pauses: the 429 reached the Pacer's pause in Redis.
    pause = await rig.store.redis.get(rig.store.keys.pace_pause("slack"))
    assert pause is not None
    assert float(pause) / 1000 == pytest.approx(rig.clock.now().timestamp() + 30, abs=0.01)
    # Slack's Retry-After (30 s), not the backoff's first 2 s.
    assert await rig.sweep_after(timedelta(seconds=29)) == 0
    assert await rig.sweep_after(timedelta(seconds=1)) == 1
    assert len(rig.posts_to("CHEAD")) == 1


async def test_a_card_update_never_overtakes_the_post_of_its_card(rig: Rig) -> None:
    rid = await _owed_card(rig)  # its card not posted yet (Slack was down, say)
    # The requester withdraws meanwhile: the card's rewrite waits for the card.
    await rig.server.app.dispatch(cancel_account(EMPLOYEE, f"withdraw {rid}"))
    assert rig.posts_to("CHEAD") == [] and rig.fake.calls_to("chat.update") == []
    assert await rig.sweep_after(LEASE) == 2  # the card goes out; its rewrite waits
    assert len(rig.posts_to("CHEAD")) == 1 and rig.fake.calls_to("chat.update") == []
    assert await rig.sweep_after(timedelta(seconds=4)) == 1
    assert await rig.store.outbox.pending() == 0
    # One card, posted as it was, then rewritten: no second copy with live buttons.
    [card] = rig.posts_to("CHEAD")
    [update] = rig.fake.calls_to("chat.update")
    assert update.params["ts"] == card["ts"]
    blocks = update.params["blocks"]
    assert "Withdrawn" in str(blocks) and not [b for b in blocks if b["type"] == "actions"]
