"""The real bot served against the fake Slack, and a user's side of it: signed requests
sent to its Request URL, and waits on what the fake Slack receives. The Slack tests
(tests/adapters/) share it through their conftest."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.server import Server
from bot.storage.store import Store
from conversations.policy import Policy
from handlers.ports import Clock, KnowledgeSource
from tests.fakes.slack import requests as sr
from tests.fakes.slack.api import Call, FakeSlack
from tests.fakes.slack.bot import start_bot

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
# Users the fake Slack knows, with their locale.
USERS = [
    ("UEMP", "en-US"),
    ("UHEAD", "en-US"),
    ("UIT", "en-US"),
    ("UFIN", "fr-FR"),
    ("UADMIN", "en-US"),
    ("UOTHER", "en-US"),
    ("UZH", "zh-CN"),
]


@dataclass
class Rig:
    fake: FakeSlack
    server: Server
    session: aiohttp.ClientSession
    store: Store

    @property
    def url(self) -> str:
        return self.server.url + "/slack/events"

    async def send(self, body: str, form: bool = True, **kwargs: Any) -> tuple[int, str]:
        kind = "application/x-www-form-urlencoded" if form else "application/json"
        return await sr.post(self.session, self.url, body, SECRET, kind, **kwargs)

    async def command(
        self, user: str, text: str = "", channel: str = "CGENERAL", name: str = "/cancel-account"
    ) -> None:
        status, _ = await self.send(sr.slash_command(name, text, user, channel))
        assert status == 200

    async def dm(self, user: str, text: str, event_id: str | None = None) -> None:
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": f"D{user}",
            "user": user,
            "text": text,
            "ts": f"{time.time():.6f}",
        }
        status, _ = await self.send(
            sr.event(event, event_id=event_id or f"Ev{time.time_ns()}"), form=False
        )
        assert status == 200

    async def posted_to(self, channel: str, containing: str = "") -> tuple[str, dict[str, Any]]:
        """Waits for a message to `channel` whose text or blocks contain `containing`."""
        while True:
            calls = self.fake.calls_to("chat.postMessage")
            if any(
                c.params["channel"] == channel
                and containing in json.dumps(c.params, ensure_ascii=False)
                for c in calls
            ):
                return self.last_message_to(channel)
            await self.fake.wait_for("chat.postMessage", len(calls) + 1)

    async def call_where(self, method: str, wanted: Callable[[Call], bool]) -> Call:
        """Waits for a call of `method` that satisfies `wanted`."""
        while True:
            calls = self.fake.calls_to(method)
            found = [c for c in calls if wanted(c)]
            if found:
                return found[-1]
            await self.fake.wait_for(method, len(calls) + 1)

    def last_message_to(self, channel: str) -> tuple[str, dict[str, Any]]:
        for call in reversed(self.fake.calls_to("chat.postMessage")):
            if call.params["channel"] == channel:
                ts = next(
                    ts for (ch, ts), _ in reversed(self.fake.messages.items()) if ch == channel
                )
                return ts, self.fake.message(channel, ts)
        raise AssertionError(f"nothing posted to {channel}")

    async def click(self, user: str, channel: str, label: str, ts: str | None = None) -> None:
        """Clicks the button (or picks the select option) labelled `label` on the latest
        message in `channel` that has it, exactly as rendered by the bot."""
        candidates = (
            [(ts, self.fake.message(channel, ts))]
            if ts
            else [(t, m) for (ch, t), m in reversed(self.fake.messages.items()) if ch == channel]
        )
        for msg_ts, message in candidates:
            for block in message.get("blocks", []):
                for element in block.get("elements", []) if block["type"] == "actions" else []:
                    if element["type"] == "button" and element["text"]["text"] == label:
                        body = sr.block_action(
                            user,
                            channel,
                            element["action_id"],
                            element["value"],
                            message_ts=msg_ts,
                            block_id=block.get("block_id", "b1"),
                        )
                        status, _ = await self.send(body)
                        assert status == 200
                        return
                    for option in element.get("options", []):
                        if option["text"]["text"] == label:
                            body = sr.block_action(
                                user,
                                channel,
                                element["action_id"],
                                "",
                                message_ts=msg_ts,
                                selected_option=option["value"],
                            )
                            assert (await self.send(body))[0] == 200
                            return
        raise AssertionError(f"no button {label!r} in {channel}")


async def file_crm(
    rig: Rig, user: str = "UEMP", reason: str = "Too expensive", card_in_slack: bool = True
) -> str:
    """Files a stop request for CRM by clicking and typing in the DM; its id, once the
    first approval card is posted (when `card_in_slack`: else it goes elsewhere)."""
    fake = rig.fake
    dm = f"D{user}"
    await rig.command(user)
    await fake.wait_for("chat.postMessage", 1)
    await rig.click(user, dm, "CRM")
    await fake.wait_for("chat.postMessage", 2)
    await rig.click(user, dm, reason)
    await fake.wait_for("chat.postMessage", 3)
    ts, when = rig.last_message_to(dm)
    picker = next(b for b in when["blocks"] if b.get("block_id", "").startswith("dlg-date|"))
    body = sr.block_action(
        user,
        dm,
        "dlg#date",
        "",
        message_ts=ts,
        selected_date="2026-12-31",
        block_id=picker["block_id"],
    )
    assert (await rig.send(body))[0] == 200
    await fake.wait_for("chat.postMessage", 4)
    for n, answer in enumerate(["yes", "none", "refund", "no", "none"], start=5):
        await rig.dm(user, answer)
        await fake.wait_for("chat.postMessage", n)
    await rig.click(user, dm, "Submit")
    submitted = await rig.call_where(
        "chat.postMessage",
        lambda c: c.params["channel"] == dm and "Submitted as" in c.params.get("text", ""),
    )
    if card_in_slack:
        await fake.wait_for("chat.postMessage", 11)
    return str(submitted.params["text"].split("Submitted as ")[1][:11])


@asynccontextmanager
async def running_rig(
    store: Store,
    policy: Policy,
    clock: Clock,
    faq: KnowledgeSource,
    credentials: dict[str, str] | None = None,
    fail_first: Sequence[str] = (),
) -> AsyncIterator[Rig]:
    """The fake Slack and `serve` on free local ports, signed with SECRET. The fake
    answers the first calls of the methods in `fail_first` with HTTP 503."""
    fake = FakeSlack(token=TOKEN)
    base_url = await fake.start()
    for user, locale in USERS:
        fake.set_user(user, locale=locale)
    for method in fail_first:
        fake.fail_next(method, status=503)
    server = await start_bot(
        store,
        base_url,
        credentials or {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET},
        clock,
        faq,
        policy,
    )
    try:
        async with aiohttp.ClientSession() as session:
            yield Rig(fake, server, session, store)
    finally:
        await server.stop()
        await fake.stop()
