"""The broadcaster that sends shutdown notices, on a real Redis with the injected
clock, against a platform that refuses some channels for good, fails others for a
while, or takes a post without answering. The Pacer here is a stand-in that records
what it was asked (the real one, shared in Redis, has its own tests)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.adapters.outcome import DeliveryFailed
from bot.delivery.backoff import Backoff
from bot.delivery.broadcast import Broadcaster, Tuning
from bot.storage.keys import Lane
from bot.storage.store import Store
from handlers.events import Post, Reply, UpdateCard
from handlers.ports import NoticeJob
from tests.fakes.clock import FakeClock
from tests.helpers import START

ADMIN = "slack:UADMIN"
TEXT = "📢 CRM will be shut down on Friday 4 December 2026."


class Platform:
    """A fake platform: what was posted where, and the failures it was told to give."""

    platform = "slack"

    def __init__(self) -> None:
        self.posts: list[str] = []
        self.refuse: dict[str, DeliveryFailed] = {}
        self.fail_first: dict[str, list[DeliveryFailed]] = {}
        self.no_answer: set[str] = set()  # takes the post, then the connection drops
        self.broken: set[str] = set()  # fails in a way nobody classified

    async def deliver(self, reply: Reply, ref: str | None = None) -> str | None:
        assert isinstance(reply, Post) and reply.message.text == TEXT
        await asyncio.sleep(0)  # a platform call lets other sends run
        if reply.to in self.broken:
            self.posts.append(reply.to)
            raise RuntimeError("the platform's library fell over")
        pending = self.fail_first.get(reply.to)
        if pending:
            raise pending.pop(0)
        if reply.to in self.refuse:
            raise self.refuse[reply.to]
        self.posts.append(reply.to)
        if reply.to in self.no_answer:
            self.no_answer.discard(reply.to)
            raise DeliveryFailed("connection")
        return f"ts-{len(self.posts)}"


class StandInPacer:
    def __init__(self, on_turn: Callable[[int], object] | None = None) -> None:
        self.turns: list[tuple[Lane, str | None]] = []
        self.throttles: list[float | None] = []
        self.successes = 0
        self.on_turn = on_turn

    async def turn(self, lane: Lane, channel: str | None) -> None:
        self.turns.append((lane, channel))
        if self.on_turn is not None:
            found = self.on_turn(len(self.turns))
            if asyncio.iscoroutine(found):
                await found

    async def throttled(self, retry_after: float | None) -> None:
        self.throttles.append(retry_after)

    async def succeeded(self) -> None:
        self.successes += 1


class Reports:
    def __init__(self) -> None:
        self.replies: list[Reply] = []

    async def __call__(self, replies: list[Reply]) -> None:
        self.replies += replies

    def texts(self) -> list[str]:
        return [r.message.text for r in self.replies if isinstance(r, Post | UpdateCard)]


def channels(n: int) -> list[str]:
    return [f"slack:C{i:04d}" for i in range(n)]


async def queue(store: Store, targets: list[str], at: datetime = START) -> str:
    job = NoticeJob(
        id="NB-BCAST001",
        text=TEXT,
        at=at,
        created_by=ADMIN,
        created_at=START,
        software="CRM",
        report_to=ADMIN,
    )
    assert await store.notices.create(job, targets)
    return job.id


def broadcaster(
    store: Store,
    platform: Platform,
    clock: FakeClock,
    pacer: StandInPacer | None = None,
    reports: Reports | None = None,
    **tuning: object,
) -> Broadcaster:
    return Broadcaster(
        store.notices,
        {"slack": platform},
        {"slack": pacer or StandInPacer()},
        clock,
        reports or Reports(),
        tuning=Tuning(**tuning),  # type: ignore[arg-type]
    )


async def test_every_channel_gets_one_notice_and_the_refusals_are_reported(
    store: Store, clock: FakeClock
) -> None:
    targets = channels(30)
    job = await queue(store, targets)
    platform, pacer, reports = Platform(), StandInPacer(), Reports()
    platform.refuse[targets[3]] = DeliveryFailed("channel_not_found", permanent=True)
    platform.refuse[targets[7]] = DeliveryFailed("is_archived", permanent=True)
    assert await broadcaster(store, platform, clock, pacer, reports).round()
    good = [t for t in targets if t not in (targets[3], targets[7])]
    assert sorted(platform.posts) == good  # each once
    assert all(lane == "bulk" for lane, _ in pacer.turns)
    assert sorted(c for _, c in pacer.turns) == targets and pacer.successes == 28
    status = await store.notices.status(job)
    assert status is not None
    assert (status.state, status.sent, status.failed, status.pending) == ("done", 28, 2, 0)
    assert sorted(status.failures) == [
        (targets[3], "channel_not_found"),
        (targets[7], "is_archived"),
    ]
    # The admin: one progress message from the start, then the final report.
    started = reports.replies[0]
    assert isinstance(started, Post) and started.to == ADMIN and started.key == f"{job}:progress"
    report = reports.replies[-1]
    assert isinstance(report, Post) and report.key is None
    assert report.message.text.splitlines() == [
        f"{job} · CRM done: 28 sent, 2 failed of 30, in 1s.",
        "Not delivered:",
        f"{targets[3]}: channel_not_found",
        f"{targets[7]}: is_archived",
    ]
    assert await store.notices.due(clock.now()) == []
    assert not await broadcaster(store, platform, clock).round()  # nothing left to do


async def test_a_429_pauses_everyone_and_the_target_waits_for_its_backoff(
    store: Store, clock: FakeClock
) -> None:
    targets = channels(3)
    job = await queue(store, targets)
    platform, pacer = Platform(), StandInPacer()
    platform.fail_first[targets[1]] = [DeliveryFailed("ratelimited", retry_after=5.0)]
    runner = broadcaster(store, platform, clock, pacer)
    await runner.round()
    assert pacer.throttles == [5.0]
    assert sorted(platform.posts) == [targets[0], targets[2]]
    clock.advance(timedelta(seconds=4))
    await runner.round()
    assert targets[1] not in platform.posts  # Retry-After has not passed
    clock.advance(timedelta(seconds=1))
    await runner.round()
    assert sorted(platform.posts) == targets
    status = await store.notices.status(job)
    assert status is not None and status.state == "done" and status.sent == 3


async def test_transient_failures_give_up_after_the_set_attempts(
    store: Store, clock: FakeClock
) -> None:
    targets = channels(1)
    job = await queue(store, targets)
    platform = Platform()
    platform.fail_first[targets[0]] = [DeliveryFailed("http_503") for _ in range(10)]
    runner = broadcaster(store, platform, clock, attempts=3)
    for _ in range(3):
        await runner.round()
        clock.advance(timedelta(minutes=5))
    status = await store.notices.status(job)
    assert status is not None
    assert (status.state, status.failures) == ("done", [(targets[0], "http_503")])
    assert len(platform.fail_first[targets[0]]) == 7  # tried 3 times


async def test_a_scheduled_notice_waits_for_its_time(store: Store, clock: FakeClock) -> None:
    await queue(store, channels(2), at=START + timedelta(hours=1))
    platform = Platform()
    runner = broadcaster(store, platform, clock)
    assert not await runner.round()
    clock.advance(timedelta(minutes=59))
    assert not await runner.round()
    clock.advance(timedelta(minutes=1))
    assert await runner.round()
    assert sorted(platform.posts) == channels(2)


async def test_cancel_stops_a_running_job_and_what_was_sent_stays_sent(
    store: Store, clock: FakeClock
) -> None:
    targets = channels(20)
    job = await queue(store, targets)
    platform, reports = Platform(), Reports()

    async def admin_cancels(turn: int) -> None:
        if turn == 5:
            await store.notices.cancel(job, ADMIN, clock.now())

    pacer = StandInPacer(on_turn=admin_cancels)
    runner = broadcaster(store, platform, clock, pacer, reports, concurrency=1)
    await runner.round()
    assert len(platform.posts) == 4  # the 5th had its turn, then found the job cancelled
    await runner.round()
    assert len(platform.posts) == 4
    status = await store.notices.status(job)
    assert status is not None
    assert (status.state, status.sent, status.pending) == ("cancelled", 4, 16)
    assert reports.texts()[-1] == f"{job} · CRM cancelled: 4 sent, 0 failed, 16 not sent of 20."


async def test_two_broadcasters_never_send_a_target_twice(store: Store, clock: FakeClock) -> None:
    targets = channels(200)
    job = await queue(store, targets)
    platform = Platform()
    first, second = (broadcaster(store, platform, clock, batch=7) for _ in range(2))
    await asyncio.gather(first.round(), second.round())
    assert sorted(platform.posts) == targets
    status = await store.notices.status(job)
    assert status is not None and (status.state, status.sent) == ("done", 200)


async def test_a_post_that_may_have_gone_out_is_looked_up_before_a_resend(
    store: Store, clock: FakeClock
) -> None:
    targets = channels(2)
    job = await queue(store, targets)
    platform = Platform()
    platform.no_answer.add(targets[0])
    await broadcaster(store, platform, clock).round()
    assert platform.posts == [targets[0], targets[1]]
    assert (await store.notices.status(job)).sent == 1  # type: ignore[union-attr]
    # The claim lapses; the next claimant sees the send had begun and asks first.
    looked: list[tuple[str, datetime]] = []

    async def recall(post: Post, began: datetime) -> str | None:
        assert post.outbox == f"{job}/{post.to}"  # the label the notice was posted with
        looked.append((post.to, began))
        return "ts-found" if post.to in platform.posts else None

    clock.advance(Tuning().lease + timedelta(seconds=1))
    runner = Broadcaster(store.notices, {"slack": platform}, {}, clock, Reports(), recall=recall)
    await runner.round()
    assert looked == [(targets[0], START)]
    assert platform.posts == [targets[0], targets[1]]  # not posted twice
    status = await store.notices.status(job)
    assert status is not None and (status.state, status.sent) == ("done", 2)


async def test_without_a_lookup_a_maybe_sent_post_is_sent_again_once(
    store: Store, clock: FakeClock
) -> None:
    targets = channels(1)
    await queue(store, targets)
    platform = Platform()
    platform.no_answer.add(targets[0])
    await broadcaster(store, platform, clock).round()
    clock.advance(Tuning().lease + timedelta(seconds=1))
    await broadcaster(store, platform, clock).round()
    # The documented bound: the targets in flight when the answer was lost.
    assert platform.posts == [targets[0], targets[0]]


async def test_a_stopping_broadcaster_gives_back_what_it_has_not_begun(
    store: Store, clock: FakeClock
) -> None:
    targets = channels(10)
    job = await queue(store, targets)
    platform = Platform()
    stop = asyncio.Event()
    pacer = StandInPacer(on_turn=lambda n: stop.set() if n == 3 else None)
    await broadcaster(store, platform, clock, pacer, concurrency=1, batch=10).round(stop)
    assert len(platform.posts) == 3
    # Another process takes the rest at once, without waiting for the lease.
    await broadcaster(store, platform, clock).round()
    assert sorted(platform.posts) == targets
    status = await store.notices.status(job)
    assert status is not None and status.state == "done"


async def test_progress_is_one_message_rewritten_at_most_every_few_seconds(
    store: Store, clock: FakeClock
) -> None:
    targets = channels(40)
    job = await queue(store, targets)
    platform, reports = Platform(), Reports()

    def tick(n: int) -> None:
        clock.advance(timedelta(seconds=1))  # a post a second

    pacer = StandInPacer(on_turn=tick)
    await broadcaster(store, platform, clock, pacer, reports, batch=4, concurrency=1).round()
    updates = [r for r in reports.replies if isinstance(r, UpdateCard)]
    progress, final = updates[:-1], updates[-1]
    assert all(u.key == f"{job}:progress" and u.channel == ADMIN for u in updates)
    # 40 posts in 40 s, progress every 3 s at most: no more than 14 rewrites.
    assert 5 <= len(progress) <= 14
    first = progress[0].message.text
    assert first.startswith(f"{job} · CRM: 4 sent, 0 failed, 36 pending of 40 · ")
    assert "/s · about " in first
    assert final.message.text.startswith(f"{job} · CRM done: 40 sent, 0 failed of 40, in 40s")


async def test_a_send_that_never_answers_is_given_up_after_the_set_attempts(
    store: Store, clock: FakeClock
) -> None:
    targets = channels(1)
    job = await queue(store, targets)
    platform = Platform()
    platform.broken.add(targets[0])
    for _ in range(5):
        await broadcaster(store, platform, clock, attempts=3).round()
        clock.advance(Tuning().lease + timedelta(seconds=1))
    assert platform.posts == [targets[0]] * 3
    status = await store.notices.status(job)
    assert status is not None
    assert status.failures == [(targets[0], "no answer after 3 attempts")]


async def test_with_the_shared_pacer_a_429_pauses_the_broadcast(
    store: Store, clock: FakeClock
) -> None:
    """The real Pacer (Redis's clock, real but short waits): the notice after a 429 is
    not posted before its Retry-After has passed, and every channel gets one."""
    from bot.delivery.pacing import Pacer

    targets = channels(12)
    job = await queue(store, targets)
    platform = Platform()
    platform.fail_first[targets[0]] = [DeliveryFailed("ratelimited", retry_after=0.3)]
    pacer = Pacer(store.redis, store.keys, "slack", ceiling=200.0)
    times: dict[str, float] = {}
    deliver = platform.deliver

    async def timed(reply: Reply, ref: str | None = None) -> str | None:
        found = await deliver(reply, ref)
        assert isinstance(reply, Post)
        times[reply.to] = asyncio.get_running_loop().time()
        return found

    platform.deliver = timed  # type: ignore[method-assign]
    began = asyncio.get_running_loop().time()
    runner = Broadcaster(
        store.notices, {"slack": platform}, {"slack": pacer}, clock, Reports(),
        tuning=Tuning(concurrency=1, backoff=Backoff(first=timedelta(0))),
    )  # fmt: skip
    await runner.round()
    clock.advance(timedelta(seconds=1))
    await runner.round()
    assert sorted(platform.posts) == targets
    after = [at for target, at in times.items() if target != targets[0]]
    assert min(after) >= began + 0.3  # nothing went out during the pause
    status = await store.notices.status(job)
    assert status is not None and status.sent == 12


def finals(reports: Reports) -> list[Post]:
    """The final reports among what the admin was sent (progress is a keyed card)."""
    return [r for r in reports.replies if isinstance(r, Post) and r.key is None]


class FlakyReports(Reports):
    """The admin's platform refuses the first `fail` final reports (Slack down), or the
    process dies while sending them (`dies`)."""

    def __init__(self, fail: int = 0, dies: int = 0) -> None:
        super().__init__()
        self.fail = fail
        self.dies = dies

    async def __call__(self, replies: list[Reply]) -> None:
        if any(isinstance(r, Post) and r.key is None for r in replies):
            if self.fail:
                self.fail -= 1
                raise DeliveryFailed("http_503")
            if self.dies:
                self.dies -= 1
                raise RuntimeError("the process stopped here")
        await super().__call__(replies)


async def test_a_final_report_the_platform_refused_is_sent_again_once(
    store: Store, clock: FakeClock
) -> None:
    job = await queue(store, channels(3))
    reports = FlakyReports(fail=1)
    b = broadcaster(store, Platform(), clock, reports=reports)
    assert await b.round()
    assert reports.fail == 0 and finals(reports) == []
    # Still listed, and retried once the turn's lease is over, by whoever comes.
    assert await store.notices.due(clock.now()) == [job]
    await b.round()
    assert finals(reports) == []
    clock.advance(Tuning().lease + timedelta(seconds=1))
    await b.round()
    assert len(finals(reports)) == 1
    assert "3 sent" in finals(reports)[0].message.text
    assert await store.notices.due(clock.now()) == []
    clock.advance(Tuning().lease + timedelta(seconds=1))
    await b.round()
    assert len(finals(reports)) == 1


async def test_a_final_report_whose_sender_died_is_sent_by_the_next(
    store: Store, clock: FakeClock
) -> None:
    job = await queue(store, channels(2))
    dying = FlakyReports(dies=1)
    await broadcaster(store, Platform(), clock, reports=dying).round()
    assert finals(dying) == [] and await store.notices.due(clock.now()) == [job]
    reports = Reports()
    await broadcaster(store, Platform(), clock, reports=reports).round()
    assert finals(reports) == []  # the dead process's turn has not lapsed yet
    clock.advance(Tuning().lease + timedelta(seconds=1))
    await broadcaster(store, Platform(), clock, reports=reports).round()
    assert len(finals(reports)) == 1
    assert await store.notices.due(clock.now()) == []


async def test_a_final_report_refused_for_good_is_not_retried(
    store: Store, clock: FakeClock
) -> None:
    await queue(store, channels(2))

    async def refuse(replies: list[Reply]) -> None:
        if any(isinstance(r, Post) and r.key is None for r in replies):
            raise DeliveryFailed("channel_not_found", permanent=True)

    await broadcaster(store, Platform(), clock, reports=refuse).round()  # type: ignore[arg-type]
    assert await store.notices.due(clock.now()) == []
