"""Two bot processes on one Redis, racing: each has its own connection and its own
cache, so both decide on the same version and only the version check of the Lua
commit keeps them honest. Run on every topology."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.app import App
from bot.files.live_kb import LiveKnowledgeBase
from bot.storage.client import RedisClient, client_for_url
from bot.storage.keys import Keys
from bot.storage.store import Store
from conversations.model import RequestStatus, StageStatus
from conversations.policy import Policy
from handlers.events import Actor, Click, Ephemeral, Post, Reply, UpdateCard
from tests.fakes.clock import FakeClock
from tests.helpers import Harness, build_app, file_request

USER = "console:employee"


def _click(user: str, action: str, value: str) -> Click:
    return Click(actor=Actor(id=user), channel="console:approvals", action=action, value=value)


def _private_text(replies: list[Reply]) -> str:
    assert len(replies) == 1 and isinstance(replies[0], Ephemeral), replies
    return replies[0].message.text


def _texts(replies: list[Reply]) -> list[tuple[str, str]]:
    return [(r.to, r.message.text) for r in replies if isinstance(r, Post)]


async def _other_process(
    redis_url: str, keys: Keys, policy: Policy, clock: FakeClock, faq: LiveKnowledgeBase
) -> tuple[App, RedisClient]:
    """A second bot process: its own connection, its own app, the same Redis."""
    redis = client_for_url(redis_url)
    return await build_app(Store(redis, keys), policy, clock, faq), redis


async def test_two_approvers_of_an_any_stage_race(
    team: Harness,
    redis_url: str,
    keys: Keys,
    team_policy: Policy,
    live_kb: LiveKnowledgeBase,
) -> None:
    rid = await file_request(team, "CRM")
    other, conn = await _other_process(redis_url, keys, team_policy, team.clock, live_kb)
    try:
        for _ in range(3):  # run it a few times on fresh requests
            # Both processes have seen the request (each rendered or read it), so both
            # decide on the same version and really race to commit.
            await other.store.requests.load(rid)
            await team.store.requests.load(rid)
            a, b = await asyncio.gather(
                team.app.handlers.handle(_click("console:head", "approve", f"{rid}|0")),
                other.handle(_click("console:head2", "approve", f"{rid}|0")),
            )
            winners = [r for r in (a, b) if any(isinstance(x, UpdateCard) for x in r)]
            losers = [r for r in (a, b) if r not in winners]
            assert len(winners) == 1 and len(losers) == 1
            assert "no longer current" in _private_text(losers[0])
            req = await team.request(rid)
            assert req.current == 1 and len(req.stages[0].votes) == 1
            actions = [e.action for e in await team.store.requests.history(rid)]
            assert actions == ["submitted", "approved"]
            rid = await file_request(team, "CRM")
    finally:
        await conn.aclose()


async def test_all_stage_needs_every_approver_even_when_they_race(
    team: Harness,
    redis_url: str,
    keys: Keys,
    team_policy: Policy,
    live_kb: LiveKnowledgeBase,
) -> None:
    rid = await file_request(team, "CRM")
    await team.app.handlers.handle(_click("console:head", "approve", f"{rid}|0"))
    other, conn = await _other_process(redis_url, keys, team_policy, team.clock, live_kb)
    await other.store.requests.load(rid)
    await team.store.requests.load(rid)
    try:
        await asyncio.gather(
            team.app.handlers.handle(_click("console:it", "approve", f"{rid}|1")),
            other.handle(_click("console:it2", "approve", f"{rid}|1")),
        )
    finally:
        await conn.aclose()
    req = await team.request(rid)
    assert sorted(v.by for v in req.stages[1].votes) == ["console:it", "console:it2"]
    assert req.stages[1].status is StageStatus.APPROVED
    assert req.current == 2 and req.status is RequestStatus.PENDING
    actions = [e.action for e in await team.store.requests.history(rid)]
    assert actions == ["submitted", "approved", "vote", "approved"]


async def test_two_schedulers_never_send_the_same_reminder_twice(
    team: Harness,
    redis_url: str,
    keys: Keys,
    team_policy: Policy,
    live_kb: LiveKnowledgeBase,
) -> None:
    ids = [await file_request(team, "CRM") for _ in range(5)]
    redis = client_for_url(redis_url)
    second = (await build_app(Store(redis, keys), team_policy, team.clock, live_kb)).handlers
    try:
        team.clock.advance(timedelta(hours=24))
        a, b = await asyncio.gather(team.app.handlers.tick(), second.tick())
        channel_posts = [t for to, t in _texts(a + b) if to == "console:approvals-head"]
        assert len(channel_posts) == len(ids)
        assert sorted(p.split()[1] for p in channel_posts) == sorted(ids)
        team.clock.advance(timedelta(hours=48))
        a, b = await asyncio.gather(team.app.handlers.tick(), second.tick())
        admin_posts = [t for to, t in _texts(a + b) if to == "console:admin"]
        assert len(admin_posts) == len(ids)
    finally:
        await redis.aclose()
    for rid in ids:
        actions = [e.action for e in await team.store.requests.history(rid)]
        assert actions == ["submitted", "reminded", "escalated"]


async def test_an_expired_draft_is_announced_even_if_the_user_never_returns(
    harness: Harness, redis_url: str, keys: Keys, policy: Policy, live_kb: LiveKnowledgeBase
) -> None:
    h = harness
    await h.type("/cancel-account", "CRM")
    h.clock.advance(timedelta(minutes=29))
    assert await h.tick() == ""  # not yet
    h.clock.advance(timedelta(minutes=2))
    # Two schedulers (two processes) at once: the user is told once.
    other_conn = client_for_url(redis_url)
    other = (await build_app(Store(other_conn, keys), policy, h.clock, live_kb)).handlers
    try:
        a, b = await asyncio.gather(h.app.handlers.tick(), other.tick())
    finally:
        await other_conn.aclose()
    told = [
        r for r in a + b if isinstance(r, Post) and "expired after 30 minutes" in r.message.text
    ]
    assert len(told) == 1 and told[0].to == USER
    assert await h.store.drafts.load(USER) is None
    assert await h.app.handlers.tick() == []
