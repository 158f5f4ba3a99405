"""Two bot processes on one Redis, racing: each has its own connection and its own
cache, so both decide on the same version and only the version check of the Lua
commit keeps them honest. Run on every topology."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from bot.app import App
from bot.faq.live_kb import LiveKnowledgeBase
from bot.storage.client import client_for_url
from bot.storage.keys import Keys
from bot.storage.store import Store
from conversations.i18n import t
from conversations.model import RequestStatus, StageStatus
from conversations.policy import Policy
from handlers.actions import Approve
from handlers.events import Post, UpdateCard
from tests.fakes.clock import FakeClock
from tests.helpers import EMPLOYEE, Harness, build_app, click, only_private, submit_request

CHANNEL = "console:approvals"


@asynccontextmanager
async def second_process(
    redis_url: str, keys: Keys, policy: Policy, clock: FakeClock, faq: LiveKnowledgeBase
) -> AsyncIterator[App]:
    """Another bot process: its own connection and caches, the same Redis and clock."""
    redis = client_for_url(redis_url)
    try:
        yield await build_app(Store(redis, keys), policy, clock, faq)
    finally:
        await redis.aclose()


async def test_two_approvers_of_an_any_stage_race(
    team: Harness, redis_url: str, keys: Keys, team_policy: Policy, live_kb: LiveKnowledgeBase
) -> None:
    async with second_process(redis_url, keys, team_policy, team.clock, live_kb) as other:
        for _ in range(3):  # run it a few times on fresh requests
            rid = await submit_request(team.app)
            # Both processes have seen the request (each rendered or read it), so both
            # decide on the same version and really race to commit.
            await other.store.requests.load(rid)
            await team.store.requests.load(rid)
            a, b = await asyncio.gather(
                team.app.handle(click("console:head", Approve(rid, 0), CHANNEL)),
                other.handle(click("console:head2", Approve(rid, 0), CHANNEL)),
            )
            winners = [r for r in (a, b) if any(isinstance(x, UpdateCard) for x in r)]
            assert len(winners) == 1
            loser, clicker = (b, "console:head2") if winners[0] is a else (a, "console:head")
            assert only_private(loser, clicker) == t("en", "deny_stale_card")
            req = await team.request(rid)
            assert req.current == 1 and len(req.stages[0].votes) == 1
            actions = [e.action for e in await team.store.requests.history(rid)]
            assert actions == ["submitted", "approved"]


async def test_all_stage_needs_every_approver_even_when_they_race(
    team: Harness, redis_url: str, keys: Keys, team_policy: Policy, live_kb: LiveKnowledgeBase
) -> None:
    rid = await submit_request(team.app)
    await team.app.handle(click("console:head", Approve(rid, 0), CHANNEL))
    async with second_process(redis_url, keys, team_policy, team.clock, live_kb) as other:
        await other.store.requests.load(rid)
        await team.store.requests.load(rid)
        await asyncio.gather(
            team.app.handle(click("console:it", Approve(rid, 1), CHANNEL)),
            other.handle(click("console:it2", Approve(rid, 1), CHANNEL)),
        )
    req = await team.request(rid)
    assert sorted(v.by for v in req.stages[1].votes) == ["console:it", "console:it2"]
    assert req.stages[1].status is StageStatus.APPROVED
    assert req.current == 2 and req.status is RequestStatus.PENDING
    actions = [e.action for e in await team.store.requests.history(rid)]
    assert actions == ["submitted", "approved", "vote", "approved"]


async def test_two_schedulers_never_send_the_same_reminder_twice(
    team: Harness, redis_url: str, keys: Keys, team_policy: Policy, live_kb: LiveKnowledgeBase
) -> None:
    ids = [await submit_request(team.app) for _ in range(5)]
    async with second_process(redis_url, keys, team_policy, team.clock, live_kb) as other:
        team.clock.advance(timedelta(hours=24))
        a, b = await asyncio.gather(team.app.handlers.tick(), other.handlers.tick())
        reminded = [p for p in a + b if isinstance(p, Post) and p.to == "console:approvals-head"]
        assert sorted(p.message.text.split()[1] for p in reminded) == sorted(ids)
        team.clock.advance(timedelta(hours=48))
        a, b = await asyncio.gather(team.app.handlers.tick(), other.handlers.tick())
        escalated = [p for p in a + b if isinstance(p, Post) and p.to == "console:admin"]
        assert len(escalated) == len(ids)
    for rid in ids:
        actions = [e.action for e in await team.store.requests.history(rid)]
        assert actions == ["submitted", "reminded", "escalated"]


async def test_an_expired_draft_is_announced_even_if_the_user_never_returns(
    harness: Harness, redis_url: str, keys: Keys, policy: Policy, live_kb: LiveKnowledgeBase
) -> None:
    h = harness
    await h.type("/cancel-account", "CRM")
    h.clock.advance(timedelta(minutes=29))
    assert await h.app.handlers.tick() == []  # not yet
    h.clock.advance(timedelta(minutes=2))
    # Two schedulers (two processes) at once: the user is told once.
    async with second_process(redis_url, keys, policy, h.clock, live_kb) as other:
        a, b = await asyncio.gather(h.app.handlers.tick(), other.handlers.tick())
    expired = t("en", "expired", minutes=30)
    told = [r for r in a + b if isinstance(r, Post) and r.message.text == expired]
    assert len(told) == 1 and told[0].to == EMPLOYEE
    assert await h.store.drafts.load(EMPLOYEE) is None
    assert await h.app.handlers.tick() == []
