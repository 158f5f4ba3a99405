"""What many tests share that is not a fixture: the app built the production way on a
test store and clock, the console harness that drives it, a whole dialogue in one call
(typed into the console, or sent as neutral events), and the clicks and replies that
handler tests build and read."""

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
from conversations import approval
from conversations.model import Answers, StopRequest
from conversations.policy import Policy
from conversations.stop_request import Step
from handlers.actions import Action
from handlers.dialogue import has_draft
from handlers.events import (
    Actor,
    Click,
    Command,
    Ephemeral,
    Post,
    Reply,
    UpdateCard,
    UserMessage,
)
from handlers.ports import KnowledgeSource
from tests.fakes.clock import FakeClock

# Monday 09:00 UTC: a weekday, so "tomorrow" and "next Monday" are distinct dates.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

NO_DOTENV = Path("/nonexistent")

# Where every test, and every process a test starts, keeps the FAQ indexes it built:
# the bundled knowledge base's takes ~30 s to build and ~0.2 s to read back. Keyed by
# the knowledge base's contents, so it may outlive a run (kept out of git).
FAQ_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "faq-index"


def settings(**env: str) -> Settings:
    """Settings from these variables only (no .env, no environment), in UTC."""
    defaults = {"BOT_TIMEZONE": "UTC", "FAQ_CACHE_DIR": str(FAQ_CACHE)}
    return Settings.load({**defaults, **env}, dotenv=NO_DOTENV)


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
    console = ConsoleAdapter(app, store.console_cards, store.console_forms, out=out)
    app.register(console, fallback=True)
    return Harness(app=app, console=console, out=out, clock=clock)


REQUEST_ID = re.compile(r"Submitted as (SR-[0-9A-Z]{8})")

EMPLOYEE = "console:employee"

# The answers a whole dialogue gives after its target: a reason, a stop date, backup
# done, no linked services; then the billing answer, asked of paid targets only; then
# no records to keep, whom to notify, and submit.
BEFORE_BILLING = ("too expensive", "2026-12-31", "yes", "none")
BILLING = "refund"


def after_billing(notify: str) -> tuple[str, ...]:
    return ("no", notify, "submit")


async def file_request(
    h: Harness,
    target: str = "CRM",
    user: str = EMPLOYEE,
    notify: str = "console:team",
) -> str:
    """Runs the whole dialogue by typing, returns the new request id."""
    await h.type(f"/as {user}")
    out = await h.type("/cancel-account", target, *BEFORE_BILLING)
    if "subscription" in out or "Is it paid" in out:
        await h.type(BILLING)
    out = await h.type(*after_billing(notify))
    match = REQUEST_ID.search(out)
    assert match, out
    return match.group(1)


async def submit_request(
    app: App, user: str = EMPLOYEE, target: str = "CRM", notify: str = "console:team"
) -> str:
    """Runs the whole dialogue with neutral events, giving the answers `file_request`
    types, without delivering the replies; returns the id of the request it created,
    as storage lists the user's requests."""
    actor = Actor(id=user)

    async def say(*texts: str) -> None:
        for text in texts:
            await app.handle(UserMessage(actor=actor, channel=user, text=text, direct=True))

    before = {r.id for r in await app.store.requests.of_user(user)}
    await app.handle(cancel_account(user))
    await say(target, *BEFORE_BILLING)
    draft = await has_draft(app.services, user)
    if draft is not None and draft.step is Step.BILLING:
        await say(BILLING)
    await say(*after_billing(notify))
    draft = await has_draft(app.services, user)
    assert draft is None, f"the dialogue stopped at {draft.step}"
    new = [r.id for r in await app.store.requests.of_user(user) if r.id not in before]
    assert len(new) == 1, new
    return new[0]


def submission(
    policy: Policy, request_id: str, now: datetime, answers: Answers | None = None
) -> approval.Transition:
    """The transition that files a request from the employee (storage tests)."""
    return approval.submit(
        request_id=request_id,
        requester=EMPLOYEE,
        lang="en",
        answers=answers or Answers(),
        stages=policy.approval.stages,
        admins=policy.admins,
        now=now,
    )


# -- clicks and replies, for handler tests ---------------------------------------------


def cancel_account(user: str, text: str = "") -> Command:
    """`/cancel-account <text>` typed by `user` in their direct conversation."""
    return Command(actor=Actor(id=user), channel=user, name="cancel-account", text=text)


def click(user: str, payload: Action, channel: str) -> Click:
    """`user` clicks a button built from its typed payload."""
    return Click(actor=Actor(id=user), channel=channel, action=payload.id, value=payload.pack())


def card(replies: list[Reply], key: str) -> Post | UpdateCard:
    """The one card the replies post or rewrite under `key`."""
    found = [r for r in replies if isinstance(r, Post | UpdateCard) and r.key == key]
    assert len(found) == 1, (key, replies)
    return found[0]


def press(user: str, on: Post | UpdateCard, action: str) -> Click:
    """`user` clicks the button with that action id on a card the bot returned, in the
    channel the card is in."""
    found = [b for b in on.message.buttons if b.action == action]
    assert len(found) == 1, (action, on)
    channel = on.to if isinstance(on, Post) else on.channel
    return Click(actor=Actor(id=user), channel=channel, action=action, value=found[0].value)


def posts(replies: list[Reply]) -> list[Post]:
    return [r for r in replies if isinstance(r, Post)]


def only_private(replies: list[Reply], to: str) -> str:
    """The text of the one reply: a private answer to `to` (a refusal changes nothing,
    so it tells nobody else)."""
    assert len(replies) == 1, replies
    reply = replies[0]
    assert isinstance(reply, Ephemeral) and reply.to == to, reply
    return reply.message.text
