"""One real `serve` with Slack AND DingTalk credentials, on one App and one policy,
against the fake Slack and the fake DingTalk (OpenAPI and Stream gateway) over real
sockets: each platform's users act through their own side (signed Slack requests,
DingTalk Stream frames), for the tests of what crosses platforms."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.files.policy import load_policy_text
from bot.storage.store import Store
from conversations.policy import Policy
from handlers.ports import KnowledgeSource
from tests.fakes.clock import FakeClock
from tests.fakes.dingtalk.rig import HEAD_GROUP, IT_GROUP, DingTalkRig
from tests.fakes.dingtalk.rig import running_rig as running_dingtalk
from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.rig import SECRET, TOKEN, USERS, Rig

# DingTalk staffIds as base64-like as DingTalk's: "+", "/" and "=" in every one.
EMP = "emp+01/z="
MANAGER = "mgr/02+q=="
IT = "it+03/w="
ADMIN = "adm/04+a="


def cross_policy(dingtalk_first: bool = False) -> Policy:
    """Two stages, one in a Slack channel (approved by slack:UHEAD or the DingTalk
    manager) and one in a DingTalk group (the DingTalk IT approver or slack:UIT), the
    Slack one first unless `dingtalk_first`; an admin on each platform; broadcast to a
    Slack channel and a DingTalk group."""
    in_slack = (
        f"{{name: head, approvers: [slack:UHEAD, 'dingtalk:{MANAGER}'], channel: slack:CHEAD}}"
    )
    in_dingtalk = (
        f"{{name: it, approvers: ['dingtalk:{IT}', slack:UIT], channel: 'dingtalk:{IT_GROUP}'}}"
    )
    first, second = (in_dingtalk, in_slack) if dingtalk_first else (in_slack, in_dingtalk)
    text = f"""
admins: ['dingtalk:{ADMIN}', slack:UADMIN]
support_channel: 'dingtalk:{HEAD_GROUP}'
approval:
  stages:
    - {first}
    - {second}
catalog:
  - {{name: CRM, paid: false}}
  - {{name: OA, paid: false}}
broadcast:
  channels: [slack:CALL, 'dingtalk:{HEAD_GROUP}']
"""
    return load_policy_text(text, "cross.yaml")


@dataclass
class BothRig:
    slack: Rig  # the Slack users' side: signed requests, what the fake Slack received
    dt: DingTalkRig  # the DingTalk users' side: frames, what the fake DingTalk sent


@asynccontextmanager
async def running_both(
    store: Store,
    clock: FakeClock,
    faq: KnowledgeSource,
    policy: Policy,
    *,
    broadcast: bool = True,
) -> AsyncIterator[BothRig]:
    """`serve` on a free port with both platforms' credentials (DingTalk in Stream mode
    with a card template), the Slack users of tests/fakes/slack/rig.py known, Slack's
    message times by `clock`. `broadcast` False: shutdown notices go out only by the
    test's own rounds."""
    fake = FakeSlack(token=TOKEN, clock=clock.now)
    slack_url = await fake.start()
    for user, locale in USERS:
        fake.set_user(user, locale=locale)
    credentials = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_url,
    }
    try:
        async with running_dingtalk(
            store, clock, faq, policy=policy, more_env=credentials, broadcast=broadcast
        ) as dt:
            assert set(dt.app.adapters) == {"slack", "dingtalk"}
            yield BothRig(Rig(fake, dt.server, dt.session, store), dt)
    finally:
        await fake.stop()
