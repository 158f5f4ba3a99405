"""What many tests share that is not a fixture: the app built the production way on a
test store and clock, the console harness that drives it, and a whole dialogue typed
in one call."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.config import Settings
from bot.storage.store import Store
from conversations.model import StopRequest
from conversations.policy import Policy
from handlers.events import Reply
from handlers.ports import KnowledgeSource
from tests.fakes.clock import FakeClock

# Monday 09:00 UTC: a weekday, so "tomorrow" and "next Monday" are distinct dates.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

NO_DOTENV = Path("/nonexistent")


def settings(**env: str) -> Settings:
    """Settings from these variables only (no .env, no environment), in UTC."""
    return Settings.load({"BOT_TIMEZONE": "UTC", **env}, dotenv=NO_DOTENV)


async def build_app(
    store: Store, policy: Policy, clock: FakeClock, faq: KnowledgeSource, **env: str
) -> App:
    """The app as `stopbot` builds it, on the test's store, policy, clock and FAQ."""
    return await App.build(settings(**env), store=store, clock=clock, policy=policy, faq=faq)


# The FAQ's topic ids (faq-topics.md), in the bundled knowledge base's order.
TOPICS = [
    "how-to-cancel", "data-loss", "backup", "reactivate", "refund", "billing-after-cancel",
    "approval-process", "approval-status", "withdraw-request", "linked-services",
    "compliance-retention", "permissions", "after-cancel", "notify-users", "should-i-stop",
    "privacy", "contact-support",
]  # fmt: skip

# A small valid knowledge base, for file and reload tests.
GOOD_KB = """
topics:
  - id: refund
    title: {en: Refunds, zh: 退款, fr: Remboursement}
    answer: {en: Finance decides., zh: 财务决定。, fr: La finance décide.}
    examples:
      en: [will I get my money back]
      zh: [能退款吗]
      fr: [vais-je être remboursé]
"""

TEAM_POLICY = """
admins: [console:admin]
approval:
  stages:
    - name: department-head
      approvers: [console:head, console:head2]
      channel: console:approvals-head
      mode: any
    - name: it
      approvers: [console:it, console:it2]
      channel: console:approvals-it
      mode: all
      fallback_approvers: [console:itlead]
    - name: finance
      approvers: [console:finance]
      channel: console:approvals-finance
      when: paid
  remind_after: 24h
  escalate_after: 72h
catalog:
  - {name: CRM, paid: true}
  - {name: OA, paid: false}
"""


@dataclass
class Harness:
    """The real app, handlers and console adapter on a real Redis, with a fake clock."""

    app: App
    console: ConsoleAdapter
    out: io.StringIO
    clock: FakeClock
    _mark: int = 0
    delivered: list[Reply] = field(default_factory=list)

    @property
    def store(self) -> Store:
        return self.app.store

    async def type(self, *lines: str) -> str:
        """Types lines into the console; returns what was printed meanwhile."""
        for line in lines:
            await self.console.handle_line(line)
        return self.new_output()

    def new_output(self) -> str:
        text = self.out.getvalue()[self._mark :]
        self._mark = len(self.out.getvalue())
        return text

    async def tick(self) -> str:
        await self.app.deliver(await self.app.handlers.tick())
        return self.new_output()

    async def request(self, request_id: str) -> StopRequest:
        req = await self.store.requests.get(request_id)
        assert req is not None
        return req


async def make_harness(
    store: Store, policy: Policy, clock: FakeClock, faq: KnowledgeSource
) -> Harness:
    app = await build_app(store, policy, clock, faq)
    out = io.StringIO()
    console = ConsoleAdapter(app, store.console_cards, out=out)
    app.register(console, fallback=True)
    return Harness(app=app, console=console, out=out, clock=clock)


REQUEST_ID = re.compile(r"Submitted as (SR-[0-9A-Z]{8})")


async def file_request(
    h: Harness,
    target: str = "CRM",
    user: str = "console:employee",
    notify: str = "console:team",
) -> str:
    """Runs the whole dialogue by typing, returns the new request id."""
    await h.type(f"/as {user}")
    out = await h.type(
        "/cancel-account",
        target,
        "too expensive",
        "2026-12-31",
        "yes",
        "none",
    )
    if "subscription" in out or "Is it paid" in out:
        await h.type("refund")
    out = await h.type("no", notify, "submit")
    match = REQUEST_ID.search(out)
    assert match, out
    return match.group(1)
