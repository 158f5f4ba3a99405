"""The fake gateway speaks DingTalk's Stream protocol as the official SDK understands it:
the SDK's own client (in a child process, with its endpoint set before its import)
opens a connection on it, gets its frames and acks them in a form the fake accepts."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.fakes.dingtalk.gateway import CLIENT_ID, CLIENT_SECRET, FakeStreamGateway
from tests.fakes.dingtalk.payloads import bot_message, card_callback

_SDK_CLIENT = """
import asyncio, json, sys
import dingtalk_stream
from dingtalk_stream import AckMessage

class Printer(dingtalk_stream.CallbackHandler):
    async def process(self, message):
        print(json.dumps({"topic": message.headers.topic, "data": message.data}), flush=True)
        return AckMessage.STATUS_OK, "OK"

client = dingtalk_stream.DingTalkStreamClient(dingtalk_stream.Credential(sys.argv[1], sys.argv[2]))
for topic in ("/v1.0/im/bot/messages/get", "/v1.0/card/instances/callback"):
    client.register_callback_handler(topic, Printer())
asyncio.run(client.start())
"""


@pytest.fixture
async def sdk_client(
    fake_dingtalk_gateway: FakeStreamGateway,
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        **os.environ,
        "DINGTALK_OPENAPI_ENDPOINT": fake_dingtalk_gateway.base_url,
        "NO_PROXY": "127.0.0.1,localhost",  # websockets >= 15 honours proxy variables
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _SDK_CLIENT,
        CLIENT_ID,
        CLIENT_SECRET,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


async def _line(proc: asyncio.subprocess.Process) -> dict[str, Any]:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 10)
    assert line, "the SDK client ended"
    found: dict[str, Any] = json.loads(line)
    return found


async def test_the_sdk_connects_reads_frames_and_its_acks_are_accepted(
    fake_dingtalk_gateway: FakeStreamGateway, sdk_client: asyncio.subprocess.Process
) -> None:
    gateway = fake_dingtalk_gateway
    await gateway.wait_connections(1, timeout=20)
    message = bot_message("你好")
    click = card_callback("card-1", "reject", params={"reason": "太贵"})
    first = await gateway.push_bot_message(message)
    assert await _line(sdk_client) == {"topic": "/v1.0/im/bot/messages/get", "data": message}
    second = await gateway.push_card_callback(click)
    assert await _line(sdk_client) == {"topic": "/v1.0/card/instances/callback", "data": click}
    ping, opaque = await gateway.ping()
    for frame_id in (first, second):
        assert (await gateway.wait_ack(frame_id))["code"] == 200
    assert (await gateway.wait_ack(ping))["data"] == {"opaque": opaque}
    assert gateway.bad_acks == []
