"""`stopbot serve` with DingTalk credentials, as a real `python -m bot serve` process,
driven only from outside as DingTalk would drive it: a fake DingTalk (the OpenAPI and
the Stream gateway on one local server, in this process) pushes bot-message and
card-callback frames, and the test reads what the bot asked DingTalk to deliver and
clicks the cards it actually delivered. Storage is the embedded Redis of a temp
DATA_DIR, shared by the processes of one test.

The ids are base64-like on purpose (`+`, `/`, `=`), people's as well as groups'."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.adapters.dingtalk import card_data, signature
from bot.adapters.dingtalk.http_callback import PATH
from bot.storage.client import client_for_url
from bot.storage.embedded import EmbeddedRedis
from bot.storage.store import Store
from conversations.model import StopRequest
from tests.fakes.dingtalk import payloads
from tests.fakes.dingtalk.gateway import CLIENT_ID, CLIENT_SECRET, FakeStreamGateway, until
from tests.fakes.dingtalk.openapi import FakeDingTalkApi, Sent
from tests.fakes.dingtalk.rig import text_of, wait_sent
from tests.fakes.local_server import serve_locally
from tests.serve_process import ServeProcess, serve_process

EMP = "emp+01/A="
HEAD = "mgr+02/B="
IT = "it+03/C=="
HEAD_GROUP = "cidHead+AbC/12=="
IT_GROUP = "cidIT/xyz+9=="
TEMPLATE = "tpl.stopbot-approval"
CARD = "/v1.0/card/instances/createAndDeliver"

POLICY = f"""
admins: ["dingtalk:{HEAD}"]
approval:
  stages:
    - name: department-head
      approvers: ["dingtalk:{HEAD}"]
      channel: "dingtalk:{HEAD_GROUP}"
    - name: it
      approvers: ["dingtalk:{IT}"]
      channel: "dingtalk:{IT_GROUP}"
catalog:
  - {{name: CRM, paid: false}}
  - {{name: OA, paid: false}}
"""


def answers() -> list[str]:
    """The dialogue answered by typing: option numbers, words and a typed date."""
    stop = (date.today() + timedelta(days=30)).isoformat()
    return ["2", "不再需要", stop, "1", "无", "否", "1"]


@dataclass
class Hold:
    """One request to the fake held before the fake sees it, until released."""

    matches: Callable[[web.Request], bool]
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)


class FakeDingTalk:
    """The OpenAPI and the Stream gateway on one local server, and the users' side:
    messages and clicks pushed as frames, waits on what the bot had delivered."""

    def __init__(self) -> None:
        self.api = FakeDingTalkApi(
            app_key=CLIENT_ID, app_secret=CLIENT_SECRET, robot_code=CLIENT_ID
        )
        self.gateway = FakeStreamGateway()
        self.holds: list[Hold] = []
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(middlewares=[self._holding])
        self.api.add_routes(app)
        self.gateway.add_routes(app)
        self._runner, self.base_url = await serve_locally(app)
        self.api.base_url = self.gateway.base_url = self.base_url

    async def stop(self) -> None:
        for hold in self.holds:
            hold.released.set()
        await self.gateway.close_live()
        if self._runner is not None:
            await self._runner.cleanup()

    def hold(self, path: str) -> Hold:
        """The next request to `path` waits, unseen by the fake, until released; it is
        then answered 503 and not acted on (DingTalk never took it)."""
        hold = Hold(lambda request: request.path == path)
        self.holds.append(hold)
        return hold

    @web.middleware
    async def _holding(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        hold = next((h for h in self.holds if h.matches(request) and not h.arrived.is_set()), None)
        if hold is None:
            response: web.StreamResponse = await handler(request)
            return response
        hold.arrived.set()
        await hold.released.wait()
        return web.json_response({"code": "ServiceUnavailable"}, status=503)

    # -- the users' side ------------------------------------------------------------------

    async def say(self, sender: str, text: str) -> dict[str, Any]:
        """`sender` single-chats `text` to the robot; the payload, once its frame is acked."""
        payload = payloads.bot_message(
            text, sender=sender, webhook=self.api.session_webhook(sender)
        )
        await self.push(payload)
        return payload

    async def push(self, payload: dict[str, Any]) -> str:
        frame = await self.gateway.push_bot_message(payload)
        await self.gateway.wait_ack(frame, timeout=10)
        return frame

    async def click(self, out_track_id: str, action: str, clicker: str) -> None:
        payload = payloads.card_callback(out_track_id, action, clicker=clicker)
        frame = await self.gateway.push_card_callback(payload)
        ack = await self.gateway.wait_ack(frame, timeout=10)
        assert ack["data"] == {"response": {}}

    def mark(self) -> int:
        return len(self.api.sent)

    async def wait_sent(self, to: str, containing: str = "", since: int = 0) -> Sent:
        return await wait_sent(self.api, to, containing, since, within=20)

    def cards_of(self, request_id: str, group: str) -> list[str]:
        """The outTrackIds of the cards delivered to `group` for a request."""
        return [
            c.out_track_id
            for c in self.api.cards.values()
            if c.to == group and c.params.get(card_data.REQUEST_ID) == request_id
        ]

    async def card(self, request_id: str, group: str) -> str:
        await until(
            lambda: bool(self.cards_of(request_id, group)),
            f"no card for {request_id} in {group}",
            within=20,
        )
        [track] = self.cards_of(request_id, group)
        return track

    def every_frame_acked(self) -> None:
        assert self.gateway.pushed, "no frame was pushed"
        assert set(self.gateway.acks) == set(self.gateway.pushed)
        assert self.gateway.bad_acks == []
        assert all(ack["code"] == 200 for ack in self.gateway.acks.values())


@pytest.fixture
async def dingtalk() -> AsyncIterator[FakeDingTalk]:
    fake = FakeDingTalk()
    await fake.start()
    yield fake
    await fake.stop()


@dataclass
class Deployment:
    tmp: Path
    fake: FakeDingTalk
    starts: int = 0

    def env(self, mode: str) -> dict[str, str]:
        policy = self.tmp / "policy.yaml"
        policy.write_text(POLICY)
        return {
            "DINGTALK_CLIENT_ID": CLIENT_ID,
            "DINGTALK_CLIENT_SECRET": CLIENT_SECRET,
            "DINGTALK_API_URL": self.fake.base_url,
            "DINGTALK_CARD_TEMPLATE_ID": TEMPLATE,
            "DINGTALK_MODE": mode,
            # Where DingTalk sends card clicks in HTTP mode (the fake never calls it).
            "DINGTALK_CARD_CALLBACK_URL": "https://bot.example.com/dingtalk/events",
            "POLICY_PATH": str(policy),
            # websockets >= 15 would send the gateway connection through a proxy.
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            # A dead process's owed messages are taken over after a second, not twenty.
            "OUTBOX_LEASE_SECONDS": "1",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }

    def workdir(self) -> Path:
        """Each process's log in a folder of its own; one DATA_DIR for all of them."""
        self.starts += 1
        work = self.tmp / f"serve{self.starts}"
        work.mkdir()
        (work / "data").symlink_to(self.tmp / "data", target_is_directory=True)
        return work

    async def requests_of(self, user: str) -> list[StopRequest]:
        client = client_for_url(EmbeddedRedis((self.tmp / "data").resolve()).url)
        try:
            return await Store(client).requests.of_user(f"dingtalk:{user}")
        finally:
            await client.aclose()


@pytest.fixture
async def deployment(tmp_path: Path, dingtalk: FakeDingTalk) -> AsyncIterator[Deployment]:
    (tmp_path / "data").mkdir()
    yield Deployment(tmp_path, dingtalk)
    EmbeddedRedis((tmp_path / "data").resolve()).stop()


def _no_traceback(served: ServeProcess) -> None:
    log = served.log_path.read_text()
    assert "Traceback" not in log, log[-3000:]


async def file_request(fake: FakeDingTalk, user: str = EMP) -> dict[str, Any]:
    """`user` single-chats 注销账号 and answers every question by typing, up to the
    summary; the message that submits it, not yet sent."""
    since = fake.mark()
    await fake.say(user, "注销账号")
    await fake.wait_sent(user, "你要停用什么", since)
    for answer in answers():
        since = fake.mark()
        await fake.say(user, answer)
        await fake.wait_sent(user, since=since)
    summary = await fake.wait_sent(user, "提交", since)
    assert "CRM" in text_of(summary)
    return payloads.bot_message("提交", sender=user, webhook=fake.api.session_webhook(user))


async def test_stream_mode_from_a_single_chat_to_the_final_approval(
    deployment: Deployment,
) -> None:
    fake = deployment.fake
    async with serve_process(deployment.env("stream"), deployment.workdir()) as served:
        await fake.gateway.wait_connections(1, timeout=30)
        opened = fake.gateway.opens[0]
        assert opened["clientId"] == CLIENT_ID
        submit = await file_request(fake)
        since = fake.mark()
        await fake.push(submit)
        told = await fake.wait_sent(EMP, "已提交", since)
        [request] = await deployment.requests_of(EMP)
        assert request.id in text_of(told)

        head_card = await fake.card(request.id, HEAD_GROUP)
        card = fake.api.cards[head_card]
        assert (card.template_id, card.callback_type, card.space_type) == (
            TEMPLATE,
            "STREAM",
            "IM_GROUP",
        )
        assert card.params[card_data.SHOW_BUTTONS] == "true"
        # The requester clicking their own card is refused in their single chat.
        since = fake.mark()
        await fake.click(head_card, "approve", EMP)
        await fake.wait_sent(EMP, "你不能审批或转交自己的申请", since)
        # The department head approves on the card the bot delivered.
        await fake.click(head_card, "approve", HEAD)
        it_card = await fake.card(request.id, IT_GROUP)
        await until(lambda: card.params[card_data.STATUS] == card_data.CLOSED, "card still open")
        since = fake.mark()
        await fake.click(it_card, "approve", IT)
        done = await fake.wait_sent(EMP, "已全部审批通过", since)
        assert request.id in text_of(done)
        [approved] = await deployment.requests_of(EMP)
        assert approved.status.value == "approved"
        fake.every_frame_acked()
        await served.stop()
    _no_traceback(served)


async def test_killed_after_acking_a_submit_the_restarted_serve_delivers_what_it_owed_once(
    deployment: Deployment,
) -> None:
    """The Stream client acks each frame before its work is done, so DingTalk never
    redelivers it: what a process died owing after it committed the work is the
    outbox's to deliver, by the next process, once. (A process killed between the ack
    and the commit loses that message: the user sees no answer and sends it again.)
    If DingTalk did redeliver it (its ack lost with the connection), the restarted
    process recognises the msgId and does nothing twice."""
    fake = deployment.fake
    async with serve_process(deployment.env("stream"), deployment.workdir()) as first:
        await fake.gateway.wait_connections(1, timeout=30)
        submit = await file_request(fake)
        # The approval card's delivery is caught before DingTalk takes it...
        held = fake.hold(CARD)
        await fake.push(submit)  # acked
        async with asyncio.timeout(20):
            await held.arrived.wait()
        # ...and the process dies right there, after the ack and the commit.
        first.proc.send_signal(signal.SIGKILL)
        await first.proc.wait()
        held.released.set()
    [request] = await deployment.requests_of(EMP)
    assert fake.cards_of(request.id, HEAD_GROUP) == []
    # The submit's answer (not owed: it answers the person there) went out before the
    # card, in reply order.
    assert len(submitted(fake)) == 1
    await fake.gateway.wait_closed(timeout=10)

    async with serve_process(deployment.env("stream"), deployment.workdir()) as second:
        await fake.gateway.wait_connections(2, timeout=30)
        head_card = await fake.card(request.id, HEAD_GROUP)  # the outbox took it over
        # DingTalk redelivers the submit (same msgId, a new frame): nothing twice.
        since = fake.mark()
        await fake.push(submit)
        await fake.say(EMP, "注销账号 status")
        await fake.wait_sent(EMP, "你的停用申请", since)
        assert [r.id for r in await deployment.requests_of(EMP)] == [request.id]
        # The status is all the requester got: the redelivered submit was not answered.
        [status] = [text_of(s) for s in fake.api.sent[since:]]
        assert "你的停用申请" in status

        await fake.click(head_card, "approve", HEAD)
        it_card = await fake.card(request.id, IT_GROUP)
        since = fake.mark()
        await fake.click(it_card, "approve", IT)
        await fake.wait_sent(EMP, "已全部审批通过", since)
        accepted = [c for c in fake.api.calls_to(CARD) if c.status == 200]
        assert sorted(c.body["outTrackId"] for c in accepted) == sorted([head_card, it_card])
        assert len(submitted(fake)) == 1
        fake.every_frame_acked()
        await second.stop()
    _no_traceback(second)


def submitted(fake: FakeDingTalk) -> list[Sent]:
    return [s for s in fake.api.sent if "已提交" in text_of(s)]


def _signed(timestamp_ms: int, secret: str = CLIENT_SECRET) -> dict[str, str]:
    ts = str(timestamp_ms)
    return {"timestamp": ts, "sign": signature.sign(ts, secret)}


async def test_http_mode_acts_on_signed_callbacks_only(deployment: Deployment) -> None:
    fake = deployment.fake
    payload = payloads.bot_message("注销账号", sender=EMP, webhook=fake.api.session_webhook(EMP))
    body = json.dumps(payload, ensure_ascii=False).encode()
    now = int(time.time() * 1000)
    hour = 3600 * 1000
    refused = {
        "forged": _signed(now, secret="not-the-app-secret"),
        "missing": {},
        "sign only": {"sign": _signed(now)["sign"]},
        "stale": _signed(now - hour - 60_000),
        "from the future": _signed(now + hour + 60_000),
    }
    async with serve_process(deployment.env("http"), deployment.workdir()) as served:
        url = served.url + PATH
        async with aiohttp.ClientSession() as session:

            async def post(headers: dict[str, str]) -> int:
                sent = {**headers, "Content-Type": "application/json"}
                async with session.post(url, data=body, headers=sent) as response:
                    await response.read()
                    return response.status

            statuses = {why: await post(headers) for why, headers in refused.items()}
            assert statuses == dict.fromkeys(refused, 401)
            # Nothing changed: no message, and the msgId is not taken, so the same
            # message properly signed is acted on.
            assert fake.api.sent == [] and await deployment.requests_of(EMP) == []
            assert await post(_signed(int(time.time() * 1000))) == 200
            await fake.wait_sent(EMP, "你要停用什么")
        assert fake.gateway.opens == []  # no Stream connection in HTTP mode
        await served.stop()
    _no_traceback(served)
    refusals = [e for e in served.entries() if e.get("status") == 401]
    assert len(refusals) == len(refused), [e["msg"] for e in served.entries()]
