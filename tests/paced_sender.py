"""Posting to Slack through the Pacer the way a delivery worker does, for the pacing
tests and bench/broadcast.py: wait for a turn, post, tell the Pacer how it went
(on a 429: pause every process and slow down, then post the same message again).

Every attempt carries its id in the message metadata and is recorded with when its
turn was granted and, after a 429, when the pause began (both on Redis's clock),
so a test can tell a post that was already on its way when Slack said "retry
after" from one that was sent during the pause.

Run as a process of its own, ``python -m tests.paced_sender ...`` takes jobs from a
Redis list shared with other such processes until it is empty, and writes its
attempts to a file as JSON lines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.pacing import Pacer
from bot.storage.client import RedisClient, client_for_url, result
from bot.storage.keys import Keys, Lane

EVENT_TYPE = "paced_send"


@dataclass(frozen=True)
class Job:
    channel: str
    text: str  # unique per job: the fake's messages are counted by it

    def pack(self) -> str:
        return json.dumps([self.channel, self.text])

    @staticmethod
    def unpack(raw: str) -> Job:
        channel, text = json.loads(raw)
        return Job(channel, text)


@dataclass
class Attempt:
    id: str
    channel: str
    text: str
    lane: str
    granted: float  # when the Pacer gave the turn (Redis time, s)
    outcome: str = ""  # "ok", "ratelimited" or Slack's error
    throttled: float | None = None  # after a 429: when the pause began (Redis time, s)
    retry_after: float | None = None


def attempt_of(params: dict[str, Any]) -> str | None:
    """The attempt id a post to the fake carried."""
    metadata = params.get("metadata")
    if isinstance(metadata, dict) and metadata.get("event_type") == EVENT_TYPE:
        payload = metadata.get("event_payload")
        return str(payload["attempt"]) if isinstance(payload, dict) else None
    return None


def retry_after(error: SlackApiError) -> float | None:
    value = error.response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class PacedSender:
    def __init__(self, pacer: Pacer, client: AsyncWebClient, lane: Lane, name: str) -> None:
        self.pacer = pacer
        self.client = client
        self.lane = lane
        self.name = name
        self.attempts: list[Attempt] = []
        self._seq = 0

    async def post(self, job: Job) -> Attempt:
        """Posts ``job`` once it is accepted or refused for good; returns the last attempt."""
        while True:
            self._seq += 1
            granted = await self.pacer.turn(self.lane, job.channel)
            attempt = Attempt(f"{self.name}.{self._seq}", job.channel, job.text, self.lane, granted)
            self.attempts.append(attempt)
            metadata = {"event_type": EVENT_TYPE, "event_payload": {"attempt": attempt.id}}
            try:
                await self.client.chat_postMessage(
                    channel=job.channel, text=job.text, metadata=metadata
                )
            except SlackApiError as e:
                if e.response.status_code == 429:
                    attempt.outcome = "ratelimited"
                    attempt.retry_after = retry_after(e)
                    attempt.throttled = await self.pacer.throttled(attempt.retry_after)
                    continue
                attempt.outcome = str(e.response.get("error") or f"http_{e.response.status_code}")
                return attempt
            attempt.outcome = "ok"
            await self.pacer.succeeded()
            return attempt


async def drain(sender: PacedSender, redis: RedisClient, queue: str, workers: int) -> None:
    """``workers`` tasks post the jobs of the Redis list ``queue`` until it is empty."""

    async def work() -> None:
        while (raw := await result(redis.lpop(queue))) is not None:
            await sender.post(Job.unpack(raw))

    await asyncio.gather(*(work() for _ in range(workers)))


def read_attempts(path: Path) -> list[Attempt]:
    return [Attempt(**json.loads(line)) for line in path.read_text().splitlines() if line]


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.paced_sender")
    parser.add_argument("--redis", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--queue", required=True)
    parser.add_argument("--slack", required=True, help="the Web API base URL")
    parser.add_argument("--token", required=True)
    parser.add_argument("--ceiling", type=float, required=True)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--lane", choices=["bulk", "interactive"], default="bulk")
    parser.add_argument("--name", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    redis = client_for_url(args.redis)
    session = aiohttp.ClientSession()
    # No retry handlers: a send is retried by its caller, after asking the Pacer.
    client = AsyncWebClient(
        token=args.token, base_url=args.slack, session=session, retry_handlers=[]
    )
    pacer = Pacer(redis, Keys(prefix=args.prefix), "slack", args.ceiling)
    sender = PacedSender(pacer, client, args.lane, args.name)
    try:
        await drain(sender, redis, args.queue, args.workers)
    finally:
        args.out.write_text("".join(json.dumps(asdict(a)) + "\n" for a in sender.attempts))
        await session.close()
        await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
