"""Shutdown-notice jobs on every topology: created once with their audit entry, claimed
by one worker at a time under a lease, begun only while the claim holds, settled once,
retried after a backoff, released, cancelled (what was sent stays sent), and small:
at most 200 bytes of Redis per target."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.storage.store import Store
from handlers.ports import NoticeJob
from tests.helpers import START

LEASE = timedelta(seconds=20)
# What the Slack adapter returns for a post: where it is, to update or delete it later.
REF = '{"channel": "C000000001", "ts": "1764840000.123456"}'


def job(job_id: str = "NB-TEST0001", at: datetime = START, **extra: str) -> NoticeJob:
    return NoticeJob(
        id=job_id,
        text="📢 CRM stops on Friday 4 December 2026.",
        at=at,
        created_by="console:admin",
        created_at=START,
        software="CRM",
        langs=("en",),
        **extra,  # type: ignore[arg-type]
    )


def targets(n: int) -> list[str]:
    return [f"slack:C{i:09d}" for i in range(n)]


async def test_a_job_is_created_once_with_its_audit_entry(store: Store) -> None:
    notices = store.notices
    assert await notices.create(job(), [*targets(3), "slack:C000000001"]) is True
    again = NoticeJob(**{**job().__dict__, "text": "changed"})
    assert await notices.create(again, targets(5)) is False  # idempotent on the id
    status = await notices.status("NB-TEST0001")
    assert status is not None
    assert (status.state, status.total, status.sent, status.failed, status.pending) == (
        "scheduled",
        3,  # each target once
        0,
        0,
        3,
    )
    assert status.job.text == job().text and status.job.software == "CRM"
    assert status.job.at == START and status.job.langs == ("en",)
    [created] = await notices.history("NB-TEST0001")
    assert (created.actor, created.action) == ("console:admin", "created")
    assert created.detail.startswith("3 targets")
    assert await notices.due(START) == ["NB-TEST0001"]
    assert [s.job.id for s in await notices.recent()] == ["NB-TEST0001"]


async def test_a_job_starts_at_its_time_and_two_claims_never_share_a_target(store: Store) -> None:
    notices = store.notices
    await notices.create(job(at=START + timedelta(hours=1)), targets(10))
    early = await notices.claim("NB-TEST0001", START, LEASE, 5)
    assert (early.state, early.targets) == ("scheduled", [])
    now = START + timedelta(hours=1)
    a, b, c = await asyncio.gather(*(notices.claim("NB-TEST0001", now, LEASE, 4) for _ in range(3)))
    got = [x.target for claim in (a, b, c) for x in claim.targets]
    assert sorted(got) == targets(10)  # all of them, each once
    assert all(claim.state == "running" for claim in (a, b, c))
    assert (await notices.claim("NB-TEST0001", now, LEASE, 4)).targets == []  # all leased
    status = await notices.status("NB-TEST0001")
    assert status is not None and status.state == "running"
    assert [e.action for e in await notices.history("NB-TEST0001")] == ["created", "started"]


async def test_a_lapsed_claim_is_taken_over_and_says_whether_its_send_had_begun(
    store: Store,
) -> None:
    notices = store.notices
    await notices.create(job(), targets(2))
    first = await notices.claim("NB-TEST0001", START, LEASE, 2)
    begun, idle = first.targets
    assert await notices.begin("NB-TEST0001", begun, START, LEASE) is True
    later = START + LEASE + timedelta(seconds=1)
    second = await notices.claim("NB-TEST0001", later, LEASE, 2)
    by_target = {c.target: c for c in second.targets}
    assert by_target[begun.target].began == START  # may have been posted: look it up
    assert by_target[begun.target].attempts == 1  # and that was an attempt
    assert by_target[idle.target].began is None  # never sent: send it
    assert by_target[idle.target].attempts == 0
    # The first worker comes back: its claim is no longer its own.
    assert await notices.begin("NB-TEST0001", idle, later, LEASE) is False
    assert await notices.begin("NB-TEST0001", by_target[idle.target], later, LEASE) is True


async def test_settling_counts_once_and_the_last_target_finishes_the_job(store: Store) -> None:
    notices = store.notices
    await notices.create(job(), targets(3))
    claim = await notices.claim("NB-TEST0001", START, LEASE, 3)
    one, two, three = claim.targets
    assert await notices.settle("NB-TEST0001", one.target, True, "1700.1", START) == "recorded"
    assert await notices.settle("NB-TEST0001", one.target, True, "1700.2", START) == "duplicate"
    assert await notices.settle("NB-TEST0001", one.target, False, "x", START) == "duplicate"
    assert await notices.settle("NB-TEST0001", "slack:CSTRANGER", True, "1", START) == "duplicate"
    assert (
        await notices.settle("NB-TEST0001", two.target, False, "channel_not_found", START)
        == "recorded"
    )
    done = START + timedelta(seconds=5)
    assert await notices.settle("NB-TEST0001", three.target, True, "1700.3", done) == "finished"
    status = await notices.status("NB-TEST0001")
    assert status is not None
    assert (status.state, status.sent, status.failed, status.pending) == ("done", 2, 1, 0)
    assert status.failures == [(two.target, "channel_not_found")]
    assert status.finished_at == done
    actions = [(e.action, e.detail) for e in await notices.history("NB-TEST0001")]
    assert actions[-1] == ("done", "sent 2, failed 1")
    assert (await notices.claim("NB-TEST0001", done, LEASE, 3)).state == "done"


async def test_a_transient_failure_waits_for_its_backoff(store: Store) -> None:
    notices = store.notices
    await notices.create(job(), targets(1))
    [claimed] = (await notices.claim("NB-TEST0001", START, LEASE, 1)).targets
    assert await notices.begin("NB-TEST0001", claimed, START, LEASE)
    backoff = START + timedelta(seconds=4)
    assert await notices.retry("NB-TEST0001", claimed, backoff) == 1
    assert await notices.retry("NB-TEST0001", claimed, backoff) == -1  # not ours any more
    assert (
        await notices.claim("NB-TEST0001", backoff - timedelta(seconds=1), LEASE, 1)
    ).targets == []
    [again] = (await notices.claim("NB-TEST0001", backoff, LEASE, 1)).targets
    assert (again.target, again.attempts, again.began) == (claimed.target, 1, None)


async def test_released_targets_are_due_at_once(store: Store) -> None:
    notices = store.notices
    await notices.create(job(), targets(3))
    claim = await notices.claim("NB-TEST0001", START, LEASE, 3)
    begun = claim.targets[0]
    assert await notices.begin("NB-TEST0001", begun, START, LEASE)
    # A stopping worker gives back what it has not begun; the begun one may be posted.
    assert await notices.release("NB-TEST0001", claim.targets, START) == 2
    back = await notices.claim("NB-TEST0001", START, LEASE, 3)
    assert sorted(c.target for c in back.targets) == sorted(c.target for c in claim.targets[1:])


async def test_cancel_stops_a_job_and_what_was_sent_stays_sent(store: Store) -> None:
    notices = store.notices
    await notices.create(job(), targets(4))
    claim = await notices.claim("NB-TEST0001", START, LEASE, 3)
    sent, flying, waiting = claim.targets
    await notices.settle("NB-TEST0001", sent.target, True, "1700.1", START)
    assert await notices.begin("NB-TEST0001", flying, START, LEASE)
    cancelled, status = await notices.cancel("NB-TEST0001", "console:admin", START)
    assert cancelled is True and status is not None and status.state == "cancelled"
    # Nothing more starts, but a send that was on its way is still recorded.
    assert await notices.begin("NB-TEST0001", waiting, START, LEASE) is False
    assert (await notices.claim("NB-TEST0001", START, LEASE, 3)).state == "cancelled"
    assert await notices.settle("NB-TEST0001", flying.target, True, "1700.2", START) == "recorded"
    final = await notices.status("NB-TEST0001")
    assert final is not None
    assert (final.state, final.sent, final.pending) == ("cancelled", 2, 2)
    again, _ = await notices.cancel("NB-TEST0001", "console:admin", START)
    assert again is False
    assert await notices.cancel("NB-NOSUCHJOB", "console:admin", START) == (False, None)
    history = [(e.actor, e.action, e.detail) for e in await notices.history("NB-TEST0001")]
    assert history[-1] == ("console:admin", "cancelled", "sent 1 of 4")


async def test_a_scheduled_job_can_be_cancelled_before_it_starts(store: Store) -> None:
    notices = store.notices
    await notices.create(job(at=START + timedelta(days=3)), targets(2))
    cancelled, status = await notices.cancel("NB-TEST0001", "console:admin", START)
    assert cancelled and status is not None and status.state == "cancelled"
    later = START + timedelta(days=4)
    assert (await notices.claim("NB-TEST0001", later, LEASE, 2)).state == "cancelled"
    assert status.sent == 0 and status.pending == 2


async def test_recent_jobs_are_newest_first(store: Store) -> None:
    notices = store.notices
    for n in range(3):
        created = START + timedelta(minutes=n)
        await notices.create(
            NoticeJob(id=f"NB-JOB{n}", text="t", at=created, created_by="a", created_at=created),
            targets(1),
        )
    assert [s.job.id for s in await notices.recent()] == ["NB-JOB2", "NB-JOB1", "NB-JOB0"]
    assert [s.job.id for s in await notices.recent(limit=2)] == ["NB-JOB2", "NB-JOB1"]


async def test_one_progress_update_per_interval_whatever_the_processes(store: Store) -> None:
    notices = store.notices
    await notices.create(job(), targets(1))
    every = timedelta(seconds=3)
    turns = await asyncio.gather(
        *(notices.progress_turn("NB-TEST0001", START, every) for _ in range(5))
    )
    assert sorted(turns) == [False, False, False, False, True]
    assert not await notices.progress_turn("NB-TEST0001", START + timedelta(seconds=2), every)
    assert await notices.progress_turn("NB-TEST0001", START + every, every)


async def test_a_job_keeps_to_200_bytes_per_target(store: Store) -> None:
    """10,000 Slack channels: the pending set when queued, the sent references when
    done (each target is in one of the two, never both)."""
    notices = store.notices
    n = 10_000
    await notices.create(job(), targets(n))
    queued = await notices.memory("NB-TEST0001")
    now = START
    while True:
        claim = await notices.claim("NB-TEST0001", now, LEASE, 1000)
        if not claim.targets:
            break
        await asyncio.gather(
            *(notices.settle("NB-TEST0001", c.target, True, REF, now) for c in claim.targets)
        )
    done = await notices.memory("NB-TEST0001")
    status = await notices.status("NB-TEST0001")
    assert status is not None and (status.state, status.sent) == ("done", n)
    per_target_queued = sum(queued.values()) / n
    per_target_done = sum(done.values()) / n
    print(f"\nbytes per target: queued {per_target_queued:.0f}, done {per_target_done:.0f}")
    assert per_target_queued <= 200, queued
    assert per_target_done <= 200, done


def test_ms_round_trips() -> None:
    from bot.storage.millis import ms
    from bot.storage.notices import _from_ms

    moment = datetime(2026, 12, 4, 9, 0, 0, 123000, tzinfo=UTC)
    assert _from_ms(str(ms(moment))) == moment
