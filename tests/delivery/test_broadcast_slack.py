"""Shutdown notices end to end against the fake Slack enforcing Slack's limits (one post
a second per channel, a workspace budget below the policy's ceiling, 429 with
Retry-After), with missing, archived and closed channels: an operator queues the job
with `stopbot notice send` (a real process), the bot's own broadcaster sends it
through the Slack adapter and the shared Pacer, and `notice status --json` reports
it. The bot runs in this process on the system clock, so its Pacer can be watched:
every turn it granted and every pause it began, on Redis's clock."""

from __future__ import annotations

import asyncio
import json
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import SystemClock
from bot.delivery.pacing import Pacing
from bot.faq.live_kb import LiveKnowledgeBase
from bot.files.policy import load_policy_text
from bot.server import Server
from bot.storage.client import client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.keys import Lane
from bot.storage.store import Store
from handlers.events import Actor, UserMessage
from handlers.ports import NoticeStatus
from tests.cli.test_cli import run
from tests.fakes.slack.bot import POLICY, start_bot
from tests.fakes.slack.holding import HoldingSlack
from tests.helpers import BEFORE_BILLING, BILLING, after_billing, cancel_account

TOKEN = "xoxb-test-token"
ADMIN = "UADMIN"
# The Pacer may go up to 150 posts a second; Slack's workspace takes 40, without a
# burst: it answers 429 until the Pacer has slowed down, on a busy machine too.
CEILING, WORKSPACE = 150, 40.0
POLICY_TEXT = POLICY + f"broadcast:\n  rate_per_second: {CEILING}\n"


@dataclass
class WatchedPacer:
    """The app's Pacer, with every turn it granted and every pause it began recorded
    (Redis time, seconds: the clock the fake Slack stamps its calls with)."""

    inner: Pacing
    granted: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    throttled_at: list[float] = field(default_factory=list)

    async def turn(self, lane: Lane, channel: str | None) -> object:
        at = await self.inner.turn(lane, channel)
        assert isinstance(at, float)
        self.granted[(channel or "").partition(":")[2]].append(at)
        return at

    async def pause_over(self) -> None:
        await self.inner.pause_over()

    async def throttled(self, retry_after: float | None) -> object:
        at = await self.inner.throttled(retry_after)
        assert isinstance(at, float)
        self.throttled_at.append(at)
        return at

    async def succeeded(self) -> None:
        await self.inner.succeeded()


@dataclass
class Deployment:
    fake: HoldingSlack
    server: Server
    store: Store
    pacer: WatchedPacer
    env: dict[str, str]
    tmp: Path

    async def notice(self, targets: list[str], text: str) -> str:
        """`stopbot notice send --to @FILE --text ... --yes`: the job id it printed."""
        listing = self.tmp / "targets.txt"
        listing.write_text("\n".join(targets) + "\n")
        out = await asyncio.to_thread(
            run, "notice", "send", "--to", f"@{listing}", "--text", text, "--yes", env=self.env
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.splitlines()[-1]

    async def finished(self, job: str) -> NoticeStatus:
        """Waits, call after call to the fake Slack, until the job is done."""
        while True:
            status = await self.store.notices.status(job)
            assert status is not None
            if status.state == "done":
                return status
            seen = len(self.fake.calls)
            await self.fake.until(lambda n=seen: len(self.fake.calls) > n, seconds=60)

    async def status_json(self, job: str) -> dict[str, Any]:
        out = await asyncio.to_thread(run, "notice", "status", job, "--json", env=self.env)
        assert out.returncode == 0, out.stderr
        found: dict[str, Any] = json.loads(out.stdout)
        return found


@pytest.fixture
async def deployment(tmp_path: Path, live_kb: LiveKnowledgeBase) -> AsyncIterator[Deployment]:
    data = tmp_path / "data"
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY_TEXT)
    env = {"DATA_DIR": str(data), "POLICY_PATH": str(policy), "BOT_TIMEZONE": "UTC"}
    client = client_for_url(await asyncio.to_thread(EmbeddedRedis(data).ensure_running))
    store = Store(client, lease=timedelta(seconds=2))
    # Message ts follow the wall clock, as on Slack (a lookup searches by time).
    fake = HoldingSlack(token=TOKEN, clock=lambda: datetime.now(UTC))
    url = await fake.start()
    for user in ("UEMP", "UHEAD", ADMIN):
        fake.set_user(user)
    for channel in ("CHEAD", "CIT", "CFIN", "CHELP"):
        fake.add_channel(channel)
    fake.limit(per_channel=1.0, workspace=WORKSPACE, workspace_burst=1)
    server = await start_bot(
        store,
        url,
        {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "s"},
        SystemClock(),
        live_kb,
        load_policy_text(POLICY_TEXT),
    )
    # The one Pacer the app's outbox and broadcaster share, watched.
    pacer = WatchedPacer(server.app.pacers["slack"])
    server.app.pacers["slack"] = pacer  # type: ignore[assignment]
    yield Deployment(fake, server, store, pacer, env, tmp_path)
    await server.stop()
    await fake.stop()
    await client.aclose()
    EmbeddedRedis(data).stop()


def _notices(fake: HoldingSlack, text: str) -> Counter[str]:
    return Counter(channel for (channel, _), m in fake.messages.items() if m["text"] == text)


async def test_three_hundred_channels_each_get_one_notice_paced_to_slacks_limits(
    deployment: Deployment,
) -> None:
    d, fake = deployment, deployment.fake
    channels = [f"C{n:04d}" for n in range(300)]
    missing, archived, outside = channels[10:20], channels[50:55], channels[90:95]
    bad = {**dict.fromkeys(missing, "channel_not_found")}
    bad |= dict.fromkeys(archived, "is_archived") | dict.fromkeys(outside, "not_in_channel")
    for channel in channels:
        if channel not in missing:
            fake.add_channel(channel, archived=channel in archived, member=channel not in outside)
    text = "CRM will be shut down on Friday: export your contacts before then."

    job = await d.notice([f"slack:{c}" for c in channels], text)
    status = await d.finished(job)

    # Every real channel got the notice once; the others were refused, each for its reason.
    good = [c for c in channels if c not in bad]
    assert _notices(fake, text) == Counter(good)
    assert (status.sent, status.failed) == (len(good), len(bad))
    report = await d.status_json(job)
    assert (report["state"], report["sent"], report["failed"], report["pending"]) == (
        "done", len(good), len(bad), 0,
    )  # fmt: skip
    assert {f["target"]: f["reason"] for f in report["failures"]} == {
        f"slack:{c}": reason for c, reason in bad.items()
    }
    # The notices carry their job and target in the message metadata (for lookups).
    posted = fake.posted(good[0])[0]
    assert posted["metadata"]["event_payload"]["id"] == f"{job}/slack:{good[0]}"

    # Slack's limits were really hit, and no post was sent inside a Retry-After: a post
    # that arrived in a pause had been given its turn before that 429 was known.
    posts = fake.calls_to("chat.postMessage")
    assert any(c.status == 429 for c in posts) and d.pacer.throttled_at
    for limited, early in fake.early_calls():
        if early.params["channel"] not in channels:
            continue  # the admin's progress message: an answer, not paced
        known = min(t for t in d.pacer.throttled_at if t >= limited.at)
        turns = [g for g in d.pacer.granted[early.params["channel"]] if g <= early.at]
        assert turns and turns[-1] < known, (limited, early)


async def submit(d: Deployment, user: str = "slack:UEMP") -> None:
    """A stop request typed in the DM (the dialogue's answers left unsent); its
    submission delivered as serve does."""
    actor = Actor(id=user)
    app = d.server.app
    await app.handle(cancel_account(user))
    *typed, last = ("CRM", *BEFORE_BILLING, BILLING, *after_billing("none"))
    for text in typed:
        await app.handle(UserMessage(actor=actor, channel=user, text=text, direct=True))
    await app.dispatch(UserMessage(actor=actor, channel=user, text=last, direct=True))


async def test_an_approval_card_is_not_stuck_behind_a_broadcast(deployment: Deployment) -> None:
    d, fake = deployment, deployment.fake
    # The policy's ceiling within the workspace's budget, as an operator sets it.
    fake.limit(per_channel=1.0, workspace=CEILING * 1.5)
    channels = [f"C{n:04d}" for n in range(400)]
    for channel in channels:
        fake.add_channel(channel)
    text = "OA will be shut down on Monday."
    job = await d.notice([f"slack:{c}" for c in channels], text)
    await fake.until(lambda: sum(_notices(fake, text).values()) >= 100, seconds=60)

    await submit(d)
    [card] = fake.posted("CHEAD")
    await d.finished(job)

    # The card went out while the broadcast was still under way: notices were still
    # being posted after it.
    assert any(float(ts) > float(card["ts"]) for (c, ts) in fake.messages if c in channels)
    assert _notices(fake, text) == Counter(channels)
