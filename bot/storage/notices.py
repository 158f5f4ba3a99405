"""Shutdown-notice jobs (handlers.ports.NoticeJobs) and what workers do with them.

A job lives in its own hash slot `{nb:<id>}` (keys.py): its fields, the targets not yet
settled (a sorted set scored by when each may next be claimed), the claims in flight,
the attempts of targets that failed transiently, the sent references, the failure
reasons and its audit stream. Every change is one Lua script (scripts.py), so two
workers never both claim a target, a cancel never races a claim, and the counters
always match the outcomes. A target is in exactly one place at a time (pending, or
sent, or failed), which is what keeps a job near 100 bytes of Redis per target.

A worker's round: `due` (the jobs whose time has come) -> `claim` (a batch of targets
under a lease; a scheduled job starts here) -> for each target, `begin` just before the
platform call (only if the claim is still ours and the job not cancelled) -> `settle`
(sent with its reference, or failed for good with its reason) or `retry` (a transient
failure, after a backoff). A worker that stops gives back what it has not begun
(`release`); a worker that dies leaves claims that other workers take over when the
lease runs out, seeing which ones had begun (those may have been posted).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from bot.storage.client import RedisClient, register, result
from bot.storage.errors import storage_call
from bot.storage.keys import Keys, NoticePart
from bot.storage.millis import from_ms, ms
from bot.storage.scripts import (
    NOTICE_BEGIN,
    NOTICE_CANCEL,
    NOTICE_CLAIM,
    NOTICE_CREATE,
    NOTICE_PROGRESS_TURN,
    NOTICE_RELEASE,
    NOTICE_REPORT_TURN,
    NOTICE_REPORTED,
    NOTICE_RETRY,
    NOTICE_SETTLE,
)
from conversations.model import AuditEntry, Lang
from handlers.ports import NoticeJob, NoticeState, NoticeStatus

_PARTS: tuple[NoticePart, ...] = ("job", "pending", "inflight", "tries", "sent", "failed", "audit")
_STATES: tuple[NoticeState, ...] = ("scheduled", "running", "done", "cancelled")


def _from_ms(value: str | None) -> datetime | None:
    return from_ms(value) if value else None


def new_token() -> str:
    return secrets.token_hex(6)


@dataclass(frozen=True)
class Claimed:
    target: str
    token: str
    attempts: int  # transient failures so far
    # When a previous claim had begun sending it (its worker died or hung past the
    # lease): it may have been posted, and is looked up before it is sent again.
    began: datetime | None = None


@dataclass(frozen=True)
class Claim:
    state: NoticeState | Literal["missing"]
    targets: list[Claimed]
    started: bool = False  # this claim started the job (its send time had come)


Settled = Literal["duplicate", "recorded", "finished"]


def _job_fields(job: NoticeJob) -> dict[str, str]:
    fields = {
        "id": job.id,
        "text": job.text,
        "at": str(ms(job.at)),
        "created_by": job.created_by,
        "created_at": str(ms(job.created_at)),
        "software": job.software,
        "stop_date": job.stop_date.isoformat() if job.stop_date else "",
        "langs": ",".join(job.langs),
        "series": job.series,
        "request": job.request,
        "report_to": job.report_to,
        "report_lang": job.report_lang,
    }
    return {name: value for name, value in fields.items() if value}


def _job(fields: dict[str, str]) -> NoticeJob:
    return NoticeJob(
        id=fields["id"],
        text=fields.get("text", ""),
        at=_from_ms(fields.get("at")) or datetime.fromtimestamp(0, UTC),
        created_by=fields.get("created_by", ""),
        created_at=_from_ms(fields.get("created_at")) or datetime.fromtimestamp(0, UTC),
        software=fields.get("software", ""),
        stop_date=date.fromisoformat(fields["stop_date"]) if fields.get("stop_date") else None,
        langs=tuple(x for x in fields.get("langs", "").split(",") if x),
        series=fields.get("series", ""),
        request=fields.get("request", ""),
        report_to=fields.get("report_to", ""),
        report_lang=_lang(fields.get("report_lang", "")),
    )


def _lang(value: str) -> Lang:
    return "zh" if value == "zh" else "fr" if value == "fr" else "en"


def _state(value: str) -> NoticeState:
    return value if value in _STATES else "scheduled"


def _status(fields: dict[str, str], failures: list[tuple[str, str]]) -> NoticeStatus:
    return NoticeStatus(
        job=_job(fields),
        state=_state(fields.get("state", "")),
        total=int(fields.get("total", 0)),
        sent=int(fields.get("sent", 0)),
        failed=int(fields.get("failed", 0)),
        failures=failures,
        started_at=_from_ms(fields.get("started_at")),
        finished_at=_from_ms(fields.get("finished_at")),
    )


class RedisNotices:
    def __init__(self, redis: RedisClient, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._create = register(redis, NOTICE_CREATE)
        self._claim = register(redis, NOTICE_CLAIM)
        self._begin = register(redis, NOTICE_BEGIN)
        self._settle = register(redis, NOTICE_SETTLE)
        self._retry = register(redis, NOTICE_RETRY)
        self._release = register(redis, NOTICE_RELEASE)
        self._cancel = register(redis, NOTICE_CANCEL)
        self._progress = register(redis, NOTICE_PROGRESS_TURN)
        self._report_turn = register(redis, NOTICE_REPORT_TURN)
        self._reported = register(redis, NOTICE_REPORTED)

    def _keys(self, job_id: str, count: int = len(_PARTS)) -> list[str]:
        return [self.keys.notice(job_id, part) for part in _PARTS[:count]]

    # -- the port -------------------------------------------------------------------

    @storage_call
    async def create(self, job: NoticeJob, targets: Sequence[str]) -> bool:
        unique = list(dict.fromkeys(targets))
        if not unique:
            raise ValueError("a notice needs at least one target")
        # The indexes first (another slot): a crash between leaves an id that readers
        # skip and workers drop, never a job nobody can list or run.
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(self.keys.notice_jobs(), {job.id: ms(job.created_at)})
            pipe.zadd(self.keys.notice_active(), {job.id: ms(job.at)})
            await pipe.execute()
        fields = _job_fields(job)
        flat = [x for pair in fields.items() for x in pair]
        detail = f"{len(unique)} targets, at {job.at.astimezone(UTC).isoformat()}"
        created = await self._create(
            keys=[self.keys.notice(job.id, p) for p in ("job", "pending", "audit")],
            args=[
                ms(job.at),
                ms(job.created_at),
                job.created_by,
                detail,
                len(flat),
                *flat,
                *unique,
            ],
        )
        return bool(int(created))

    @storage_call
    async def status(self, job_id: str, failures: int = 20) -> NoticeStatus | None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self.keys.notice(job_id, "job"))
            pipe.hscan(self.keys.notice(job_id, "failed"), 0, count=max(failures, 10))
            fields, (_cursor, found) = await pipe.execute()
        if not fields:
            return None
        listed = sorted(found.items())[:failures] if failures else []
        return _status(fields, listed)

    @storage_call
    async def failures(self, job_id: str) -> list[tuple[str, str]]:
        """Every target refused for good, with its reason."""
        found = await result(self.redis.hgetall(self.keys.notice(job_id, "failed")))
        return sorted(found.items())

    @storage_call
    async def recent(self, limit: int = 20) -> list[NoticeStatus]:
        ids = await result(self.redis.zrevrange(self.keys.notice_jobs(), 0, limit - 1))
        if not ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for job_id in ids:
                pipe.hgetall(self.keys.notice(job_id, "job"))
            rows = await pipe.execute()
        return [_status(fields, []) for fields in rows if fields]

    @storage_call
    async def cancel(self, job_id: str, by: str, now: datetime) -> tuple[bool, NoticeStatus | None]:
        keys = [self.keys.notice(job_id, p) for p in ("job", "pending", "audit")]
        got = await self._cancel(keys=keys, args=[by, ms(now)])
        if int(got[0]) == -1:
            return False, None
        # The job stays in the workers' list: the worker that drops it updates the
        # admin's progress message (and the job is never sent: its state says so).
        return int(got[0]) == 1, await self.status(job_id)

    @storage_call
    async def history(self, job_id: str) -> list[AuditEntry]:
        rows = await result(self.redis.xrange(self.keys.notice(job_id, "audit")))
        return [AuditEntry.model_validate(fields) for _id, fields in rows]

    # -- what workers do ------------------------------------------------------------

    @storage_call
    async def due(self, now: datetime, limit: int = 100) -> list[str]:
        """Scheduled and running jobs whose send time has come, oldest first."""
        found = await result(
            self.redis.zrangebyscore(self.keys.notice_active(), "-inf", ms(now), start=0, num=limit)
        )
        return [str(job_id) for job_id in found]

    @storage_call
    async def unlist(self, job_id: str) -> bool:
        """Drops a job from the workers' list (one that ended and was reported, or
        never was); True for the one caller that did."""
        return bool(await result(self.redis.zrem(self.keys.notice_active(), job_id)))

    @storage_call
    async def report_turn(self, job_id: str, now: datetime, lease: timedelta) -> bool:
        """True for the one caller, per `lease`, that is to send an ended job's final
        report; False once the report is recorded as sent (`reported`)."""
        got = await self._report_turn(
            keys=[self.keys.notice(job_id, "job")], args=[ms(now), ms(now + lease)]
        )
        return bool(int(got))

    @storage_call
    async def reported(self, job_id: str, now: datetime) -> None:
        """The final report went out: the job leaves the workers' list for good. (The
        job keeps its list entry until then, so a report that failed is tried again.)"""
        await self._reported(keys=[self.keys.notice(job_id, "job")], args=[ms(now)])
        await result(self.redis.zrem(self.keys.notice_active(), job_id))

    @storage_call
    async def claim(self, job_id: str, now: datetime, lease: timedelta, limit: int) -> Claim:
        token = new_token()
        got = await self._claim(
            keys=self._keys(job_id), args=[ms(now), ms(now + lease), limit, token]
        )
        started = str(got[0]) == "started"
        state = "running" if started else str(got[0])
        claimed = []
        for i in range(1, len(got), 3):
            target, before, attempts = str(got[i]), str(got[i + 1]), int(got[i + 2])
            began = before.partition("|")[2]
            claimed.append(Claimed(target, token, attempts, _from_ms(began)))
        known: NoticeState | Literal["missing"] = state if state in _STATES else "missing"
        return Claim(known, claimed, started)

    @storage_call
    async def begin(self, job_id: str, claimed: Claimed, now: datetime, lease: timedelta) -> bool:
        """Just before the platform call: True when the claim is still ours and the job
        still runs (the send may go ahead), with a fresh lease."""
        got = await self._begin(
            keys=self._keys(job_id, 3),
            args=[claimed.target, claimed.token, ms(now), ms(now + lease)],
        )
        return bool(int(got))

    @storage_call
    async def settle(
        self, job_id: str, target: str, sent: bool, value: str, now: datetime
    ) -> Settled:
        """Records a target as sent (with the platform's reference) or failed for good
        (with the reason)."""
        got = int(
            await self._settle(
                keys=self._keys(job_id),
                args=[target, "sent" if sent else "failed", value, ms(now)],
            )
        )
        return "finished" if got == 2 else "recorded" if got == 1 else "duplicate"

    @storage_call
    async def retry(self, job_id: str, claimed: Claimed, at: datetime) -> int:
        """A transient failure: the target may be claimed again from `at`. Returns its
        attempts so far (-1: the claim was no longer ours)."""
        got = await self._retry(
            keys=self._keys(job_id, 4), args=[claimed.target, claimed.token, ms(at)]
        )
        return int(got)

    @storage_call
    async def release(self, job_id: str, claimed: Sequence[Claimed], now: datetime) -> int:
        """Gives back claimed targets whose send never began, due at once."""
        by_token: dict[str, list[str]] = {}
        for c in claimed:
            by_token.setdefault(c.token, []).append(c.target)
        released = 0
        for token, targets in by_token.items():
            got = await self._release(keys=self._keys(job_id, 3), args=[token, ms(now), *targets])
            released += int(got)
        return released

    @storage_call
    async def progress_turn(self, job_id: str, now: datetime, every: timedelta) -> bool:
        """True for one caller per `every`: whose turn it is to update the progress."""
        got = await self._progress(
            keys=[self.keys.notice(job_id, "job")], args=[ms(now), ms(now + every)]
        )
        return bool(int(got))

    @storage_call
    async def text(self, job_id: str) -> NoticeJob | None:
        fields = await result(self.redis.hgetall(self.keys.notice(job_id, "job")))
        return _job(fields) if fields else None

    @storage_call
    async def memory(self, job_id: str) -> dict[str, int]:
        """Bytes Redis uses for each part of the job (MEMORY USAGE, every element)."""
        out: dict[str, int] = {}
        for part in _PARTS:
            used = await result(self.redis.memory_usage(self.keys.notice(job_id, part), samples=0))
            out[part] = int(used or 0)
        return out
