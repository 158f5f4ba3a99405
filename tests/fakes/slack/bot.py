"""The real bot served against the fake Slack: one setup for the end-to-end tests and
the load benchmark."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.config import Settings
from bot.files.policy import load_policy_text
from bot.server import Server, start_server
from bot.storage.store import Store
from conversations.policy import Policy
from handlers.ports import Clock, KnowledgeSource

# Three stages on Slack ids: head, IT, finance (paid software only).
POLICY = """
admins: [slack:UADMIN]
support_channel: slack:CHELP
approval:
  stages:
    - {name: department-head, approvers: [slack:UHEAD], channel: slack:CHEAD}
    - {name: it, approvers: [slack:UIT], channel: slack:CIT}
    - {name: finance, approvers: [slack:UFIN], channel: slack:CFIN, when: paid}
catalog:
  - {name: CRM, paid: true}
  - {name: OA, paid: false}
"""


def slack_policy() -> Policy:
    return load_policy_text(POLICY, "slack.yaml")


async def start_bot(
    store: Store,
    api_url: str,
    credentials: dict[str, str],
    clock: Clock,
    faq: KnowledgeSource,
    policy: Policy | None = None,
    sweep_interval: float | None = 3600,
) -> Server:
    """`serve` on a free local port, its Web API client pointed at `api_url`;
    `credentials` are the SLACK_* variables to set. The outbox sweeper runs every
    `sweep_interval` seconds (None: as in production)."""
    settings = Settings.load(
        {**credentials, "SLACK_API_URL": api_url, "HOST": "127.0.0.1", "PORT": "0"},
        dotenv=Path("/nonexistent"),
    )
    app = await App.build(
        settings, store=store, clock=clock, policy=policy or slack_policy(), faq=faq
    )
    # The scheduler and (by default) the outbox sweeper are driven by the tests'
    # clock, not by time passing.
    return await start_server(app, settings, scheduler_interval=3600, sweep_interval=sweep_interval)
