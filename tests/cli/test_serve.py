"""`stopbot serve` as an operator runs it: a real `python -m bot serve` process, bad
requests sent to it over HTTP, and its log read afterwards."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.storage.embedded import EmbeddedRedis
from tests.cli.test_cli import run
from tests.fakes.slack import requests as sr
from tests.fakes.slack.api import FakeSlack
from tests.serve_process import ServeProcess, serve_process

SECRET = "serve-test-secret"
TOKEN = "xoxb-serve-test"
REFUSED = "refused a Slack request"


def _closed_port() -> int:
    """A port nothing listens on (it was free a moment ago, and nothing here takes it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(api_url: str, embedded_redis: EmbeddedRedis) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "REDIS_URL": embedded_redis.url,
    }


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(token=TOKEN) as fake:
        fake.set_user("UEMP")
        yield fake


async def _post(url: str, body: bytes | Any, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.post(url + "/slack/events", data=body, headers=headers) as resp:
            await resp.read()
            return resp.status


def _signed(body: bytes) -> dict[str, str]:
    """Slack's signature headers over raw bytes (which need not be UTF-8)."""
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def _after_start(served: ServeProcess) -> list[dict[str, Any]]:
    entries = served.entries()
    serving = next(i for i, e in enumerate(entries) if e["msg"] == "serving")
    return entries[serving + 1 :]


async def test_an_unreadable_body_is_refused_with_one_line_and_no_traceback(
    tmp_path: Path, fake: FakeSlack, embedded_redis: EmbeddedRedis
) -> None:
    body = b'payload={"type":"block_actions","user":{"id":"UEMP"},"x":"\xff\xfe"}'
    form = {"Content-Type": sr.FORM}
    json = {"Content-Type": sr.JSON}
    async with serve_process(_env(fake.base_url, embedded_redis), tmp_path) as served:
        assert await _post(served.url, body, {**form, **_signed(body)}) == 400
        assert await _post(served.url, body, form) == 401  # unsigned
        assert await _post(served.url, body, {**form, **_signed(b"other")}) == 401  # forged
        # Signed, UTF-8, but not a payload bolt can read its ids from.
        for odd in (b"[1]", b"payload=notjson", b'payload={"user":5}'):
            kind = json if odd.startswith(b"[") else form
            assert await _post(served.url, odd, {**kind, **_signed(odd)}) == 400
        await served.stop()
    log = served.log_path.read_text()
    assert "Traceback" not in log
    after = _after_start(served)
    statuses = (400, 401, 401, 400, 400, 400)
    assert [(e["msg"], e["status"]) for e in after] == [(REFUSED, s) for s in statuses]
    assert after[0]["why"] == "body is not UTF-8"
    assert [c.method for c in fake.calls] == ["auth.test"]  # nothing acted on


async def test_an_oversized_body_is_refused_before_it_is_read(
    tmp_path: Path, fake: FakeSlack, embedded_redis: EmbeddedRedis
) -> None:
    big = b"{" + b" " * (2 * 1024 * 1024) + b"}"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        for start in range(0, len(big), 256 * 1024):
            yield big[start : start + 256 * 1024]

    headers = {"Content-Type": sr.JSON, **_signed(big)}
    async with serve_process(_env(fake.base_url, embedded_redis), tmp_path) as served:
        assert await _post(served.url, big, headers) == 413
        assert await _post(served.url, chunks(), headers) == 413
        # Announced too large, it is refused before a byte of it is sent.
        host, port = served.url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 10000000\r\n\r\n"
        )
        async with asyncio.timeout(30):  # a deadline, should it wait for the body
            status_line = await reader.readline()
        writer.close()
        assert status_line.startswith(b"HTTP/1.1 413")
        await served.stop()
    assert "Traceback" not in served.log_path.read_text()
    assert [(e["msg"], e["status"]) for e in _after_start(served)] == [(REFUSED, 413)] * 3


async def test_with_the_slack_api_unreachable_requests_are_still_acknowledged(
    tmp_path: Path, embedded_redis: EmbeddedRedis
) -> None:
    api = f"http://127.0.0.1:{_closed_port()}/api/"
    command = sr.slash_command("/cancel-account", "", "UEMP", "CGENERAL")
    event = sr.event({"type": "app_home_opened", "user": "UEMP", "tab": "home", "channel": "DUEMP"})
    async with serve_process(_env(api, embedded_redis), tmp_path) as served:
        async with aiohttp.ClientSession() as session:
            url = served.url + "/slack/events"
            for _ in range(3):
                assert (await sr.post(session, url, command, SECRET, sr.FORM))[0] == 200
            assert (await sr.post(session, url, event, SECRET, sr.JSON))[0] == 200
        await served.stop()
    entries = served.entries()
    start = entries[: next(i for i, e in enumerate(entries) if e["msg"] == "serving")]
    errors = [e for e in start if e["level"] == "error"]
    assert len(errors) == 1, errors
    assert api in errors[0]["msg"] and "did not answer" in errors[0]["msg"]
    assert "Serving anyway" in errors[0]["msg"]
    # The token was checked once, at start, not once per request.
    assert not [e for e in entries if "Failed to authorize" in e["msg"]]
    # Each reply that could not be sent is one line, not a traceback per reply.
    failed = [e for e in entries if e["msg"].startswith("delivery failed")]
    assert failed and all("exc" not in e and e["level"] == "warning" for e in failed), failed
    traced = [line for line in served.log_path.read_text().splitlines() if "Traceback" in line]
    assert not traced, traced[0][:3000]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is missing"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is missing"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN is missing"),
        ({"DINGTALK_CLIENT_ID": "id"}, "DINGTALK_CLIENT_SECRET is missing"),
    ],
)
def test_serve_with_half_the_credentials_names_the_missing_half(
    env: dict[str, str], named: str
) -> None:
    out = run("serve", env=env)
    assert out.returncode == 2
    assert named in out.stderr
    assert "stopbot chat" in out.stderr
    assert "no platform is configured" not in out.stderr
