"""`serve`'s memory under oversized posts: the resident size of a real `python -m bot
serve` process before and after it refused N posts of SIZE bytes to /slack/events.

Each post is signed like Slack signs (a forged signature changes nothing: the size is
refused before the signature is looked at). The posts are sent with a Content-Length
(what every HTTP client sends for a body it has in hand) and, with --chunked, without
one (chunked transfer encoding, where only reading tells the size). RSS is read from
/proc/<pid>/status (Linux), once the server has settled after start-up and a few
warm-up requests, and again after the posts.

The Slack Web API is a closed port: the refusals need no Slack, and nothing here
waits for one. Storage is the embedded Redis on a temp dir. Prints figures, asserts
nothing; `--env NAME=VALUE` passes a variable to the server (e.g. MALLOC_ARENA_MAX=2).

Measured (2 CPUs, Python 3.11, aiohttp 3.14; RSS after start-up is 124 MB):

    100 posts of 10 MiB           before the fix     after
    with Content-Length           +75 MB             +4 MB
    chunked                       +295 MB            +4 MB
    chunked, 300 posts            +1255 MB           +6 MB
    Content-Length, MALLOC_ARENA_MAX=2   +97 MB      (glibc arenas were not the cause)

Before the fix, aiohttp's own 413 (client_max_size) was raised from inside
request.read(), and each connection kept that exception, with the first megabyte
read, while it lingered (see bot/request_body.py).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import socket
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp

from bot.storage.embedded import EmbeddedRedis
from tests.fakes.slack import requests as sr
from tests.serve_process import serve_process

SECRET = "bench-signing-secret"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    assert match is not None
    return int(match.group(1)) / 1024


async def _chunks(body: bytes, size: int = 256 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def _post(session: aiohttp.ClientSession, url: str, body: bytes, chunked: bool) -> int | str:
    headers = {**sr.sign("", SECRET), "Content-Type": sr.JSON}
    data = _chunks(body) if chunked else body
    try:
        async with session.post(url, data=data, headers=headers) as resp:
            await resp.read()
            return resp.status
    except aiohttp.ClientError as exc:
        # The server may answer 413 and close before the whole body is sent.
        return type(exc).__name__


async def run(posts: int, size: int, chunked: bool, env: dict[str, str]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="stopbot-mem-"))
    redis = EmbeddedRedis(workdir / "redis")
    redis.ensure_running()
    server_env = {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{_closed_port()}/api/",  # nothing listens there
        "REDIS_URL": redis.url,
        **env,
    }
    try:
        async with serve_process(server_env, workdir) as served:
            url = served.url + "/slack/events"
            async with aiohttp.ClientSession() as session:
                for _ in range(20):  # warm up: the first requests import and allocate
                    await _post(session, url, b"{}", chunked=False)
                await asyncio.sleep(1)
                before = rss_mb(served.proc.pid)
                body = b"x" * size
                statuses: Counter[int | str] = Counter()
                started = time.monotonic()
                for _ in range(posts):
                    statuses[await _post(session, url, body, chunked)] += 1
                elapsed = time.monotonic() - started
                await asyncio.sleep(1)
                after = rss_mb(served.proc.pid)
            log_bytes = served.log_path.stat().st_size
    finally:
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    mode = "chunked" if chunked else "content-length"
    extra = " ".join(f"{k}={v}" for k, v in env.items()) or "default env"
    print(
        f"{posts} posts of {size / 2**20:.0f} MiB ({mode}, {extra}) in {elapsed:.1f}s: "
        f"answers {dict(statuses)}; RSS {before:.0f} MB -> {after:.0f} MB "
        f"({after - before:+.0f} MB); log {log_bytes} bytes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--size", type=int, default=10 * 1024 * 1024, help="bytes per post")
    parser.add_argument("--chunked", action="store_true", help="no Content-Length")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    asyncio.run(run(args.posts, args.size, args.chunked, env))


if __name__ == "__main__":
    main()
