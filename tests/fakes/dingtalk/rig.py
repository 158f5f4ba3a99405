"""The real bot served against the fake DingTalk (the OpenAPI and the Stream gateway on
one local server), and the users' side of it: messages and card clicks pushed as
Stream frames, or posted as signed HTTP callbacks, and waits on what DingTalk was
asked to send. The DingTalk adapter tests share it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import aiohttp
from aiohttp import web

from bot.adapters.dingtalk import signature
from bot.adapters.dingtalk.http_callback import PATH
from bot.app import App
from bot.config import Settings
from bot.files.policy import load_policy_text
from bot.server import Server, start_server
from bot.storage.store import Store
from conversations.policy import Policy
from handlers.ports import KnowledgeSource
from tests.fakes.clock import FakeClock
from tests.fakes.dingtalk import payloads
from tests.fakes.dingtalk.gateway import CLIENT_ID, CLIENT_SECRET, FakeStreamGateway, until
from tests.fakes.dingtalk.openapi import FakeDingTalkApi, Sent
from tests.fakes.local_server import serve_locally

HEAD_GROUP = "cidHead+AbC/12=="
IT_GROUP = "cidIT/xyz+9=="
HELP_GROUP = "cidHelp=="
TEMPLATE = "tpl.stopbot-approval"
# Where the bot says DingTalk should send card clicks in HTTP mode (the fake never
# calls it: a test posts the clicks itself).
CARD_CALLBACK_URL = "https://bot.example.com/dingtalk/events"

# Two stages on DingTalk ids (staffIds and base64-like group ids).
POLICY = f"""
admins: [dingtalk:admin01]
support_channel: "dingtalk:{HELP_GROUP}"
approval:
  stages:
    - name: department-head
      approvers: [dingtalk:manager01]
      channel: "dingtalk:{HEAD_GROUP}"
    - name: it
      approvers: [dingtalk:it01]
      channel: "dingtalk:{IT_GROUP}"
catalog:
  - {{name: CRM, paid: false}}
  - {{name: OA, paid: false}}
"""

Mode = Literal["stream", "http"]


def dingtalk_policy() -> Policy:
    return load_policy_text(POLICY, "dingtalk.yaml")


def text_of(sent: Sent) -> str:
    """Everything a sent message shows, as one string to search."""
    return json.dumps(sent.param, ensure_ascii=False)


@dataclass
class DingTalkRig:
    api: FakeDingTalkApi
    gateway: FakeStreamGateway
    server: Server
    clock: FakeClock
    session: aiohttp.ClientSession
    mode: Mode

    @property
    def app(self) -> App:
        return self.server.app

    @property
    def url(self) -> str:
        return self.server.url + PATH

    # -- what users send ------------------------------------------------------------------

    def message(
        self,
        text: str,
        sender: str,
        *,
        group: str | None = None,
        at: Sequence[str] = (),
        webhook_expires: datetime | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A bot message as DingTalk sends it, with a session webhook of the fake's for
        its conversation, fresh for 90 minutes by the bot's clock (or until
        `webhook_expires`)."""
        expires = webhook_expires or self.clock.now() + timedelta(minutes=90)
        payload = payloads.bot_message(
            text,
            sender=sender,
            group=group,
            webhook=self.api.session_webhook(group or sender),
            webhook_expires_ms=int(expires.timestamp() * 1000),
            **extra,
        )
        if at:
            payload["atUsers"] = [
                *payload.get("atUsers", []),
                *({"dingtalkId": f"$:LWCP_v1:${s}", "staffId": s} for s in at),
            ]
        return payload

    async def say(self, sender: str, text: str, *, group: str | None = None, **kw: Any) -> str:
        """`sender` sends `text` to the robot (in `group`, @-mentioning it); the msgId."""
        payload = self.message(text, sender, group=group, **kw)
        await self.deliver_message(payload)
        return str(payload["msgId"])

    async def deliver_message(self, payload: dict[str, Any]) -> str | None:
        """DingTalk hands the bot a message: a Stream frame (its id) or an HTTP callback."""
        if self.mode == "stream":
            frame = await self.gateway.push_bot_message(payload)
            await self.gateway.wait_ack(frame)
            return frame
        status, _ = await self.post(payload)
        assert status == 200
        return None

    async def click(
        self,
        out_track_id: str,
        action: str,
        clicker: str,
        params: dict[str, Any] | None = None,
    ) -> str | None:
        """`clicker` clicks a card's button; the Stream frame's id."""
        payload = payloads.card_callback(out_track_id, action, clicker=clicker, params=params)
        return await self.deliver_card_callback(payload)

    async def deliver_card_callback(self, payload: dict[str, Any]) -> str | None:
        if self.mode == "stream":
            frame = await self.gateway.push_card_callback(payload)
            ack = await self.gateway.wait_ack(frame)
            assert ack["data"] == {"response": {}}
            return frame
        status, body = await self.post(payload)
        assert (status, body) == (200, {})
        return None

    async def post(
        self,
        payload: dict[str, Any],
        *,
        timestamp: str | None = None,
        sign: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """A callback to POST /dingtalk/events, signed with the app secret at the bot's
        clock's now unless told otherwise."""
        timestamp = timestamp or str(int(self.clock.now().timestamp() * 1000))
        sent = {"timestamp": timestamp, "sign": sign or signature.sign(timestamp, CLIENT_SECRET)}
        if headers is not None:
            sent = headers
        body = json.dumps(payload, ensure_ascii=False).encode()
        async with self.session.post(
            self.url, data=body, headers={**sent, "Content-Type": "application/json"}
        ) as response:
            text = await response.text()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text

    # -- what DingTalk was asked to send ----------------------------------------------------

    def mark(self) -> int:
        """Where the list of sent messages stands now (for `wait_sent(since=...)`)."""
        return len(self.api.sent)

    async def wait_sent(self, to: str, containing: str = "", since: int = 0) -> Sent:
        """The first message to `to` (a staffId or a group's cid), sent after `since`,
        that shows `containing`."""
        return await wait_sent(self.api, to, containing, since)


async def wait_sent(
    api: FakeDingTalkApi, to: str, containing: str = "", since: int = 0, within: float = 5.0
) -> Sent:
    """The first message the fake accepted for `to` after its `since`-th, that shows
    `containing`; fails after `within` seconds, listing what was sent."""

    def found() -> Sent | None:
        return next(
            (s for s in api.sent[since:] if s.to == to and containing in text_of(s)),
            None,
        )

    await until(
        lambda: found() is not None,
        f"nothing to {to} showing {containing!r}; sent: "
        + "; ".join(f"{s.to}: {text_of(s)[:120]}" for s in api.sent[since:]),
        within,
    )
    sent = found()
    assert sent is not None
    return sent


@asynccontextmanager
async def running_rig(
    store: Store,
    clock: FakeClock,
    faq: KnowledgeSource,
    *,
    mode: Mode = "stream",
    template: bool = True,
    policy: Policy | None = None,
    more_env: dict[str, str] | None = None,
    broadcast: bool = True,
) -> AsyncIterator[DingTalkRig]:
    """`serve` with DingTalk credentials, on a free port, against the fakes of the OpenAPI
    and the Stream gateway on one local server. `template`: with a card template
    (interactive cards), else ActionCards. `more_env`: other settings (another
    platform's credentials). `broadcast` False: no shutdown notice goes out but by the
    test's own rounds (`app.broadcaster().round()`)."""
    api = FakeDingTalkApi(
        app_key=CLIENT_ID, app_secret=CLIENT_SECRET, robot_code=CLIENT_ID, clock=clock.now
    )
    gateway = FakeStreamGateway()
    fakes = web.Application()
    api.add_routes(fakes)
    gateway.add_routes(fakes)
    runner, base_url = await serve_locally(fakes)
    api.base_url = gateway.base_url = base_url
    env = {
        "DINGTALK_CLIENT_ID": CLIENT_ID,
        "DINGTALK_CLIENT_SECRET": CLIENT_SECRET,
        "DINGTALK_API_URL": base_url,
        "DINGTALK_MODE": mode,
        "HOST": "127.0.0.1",
        "PORT": "0",
    }
    if template:
        env["DINGTALK_CARD_TEMPLATE_ID"] = TEMPLATE
        env["DINGTALK_CARD_CALLBACK_URL"] = CARD_CALLBACK_URL
    env.update(more_env or {})
    settings = Settings.load(env, dotenv=Path("/nonexistent"))
    app = await App.build(
        settings, store=store, clock=clock, policy=policy or dingtalk_policy(), faq=faq
    )
    # The scheduler and the outbox sweeper are driven by the tests, not by time passing.
    server = await start_server(
        app, settings, scheduler_interval=3600, sweep_interval=3600, broadcast=broadcast
    )
    try:
        if mode == "stream":
            await gateway.wait_connections(1)
        async with aiohttp.ClientSession() as session:
            yield DingTalkRig(api, gateway, server, clock, session, mode)
    finally:
        await server.stop()
        await gateway.close_live()
        await runner.cleanup()
