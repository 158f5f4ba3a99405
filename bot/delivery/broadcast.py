"""Sending shutdown notices: every `serve` and `worker` process runs a Broadcaster,
and together they send each job's targets once, paced to the platform.

A round: the jobs whose time has come (bot/storage/notices.py) -> a batch of targets
claimed under a lease -> for each target, concurrently (the Pacer keeps the pace):
a turn from the platform's Pacer in the bulk lane, then `begin` (the claim is still
ours and the job not cancelled) -> the adapter posts it -> `settle` as sent with the
platform's reference; or, when the platform refuses it for good (DeliveryFailed with
`permanent`), as failed with the reason; or, for a transient failure, back to pending
after a backoff (and, on a 429, the Pacer pauses every process for Retry-After). A
failure that leaves unknown whether the post went out (no answer, a dropped
connection, an unexpected error) is not retried at once: its claim is left to lapse,
and whoever claims it next sees that its send had begun and asks the platform first
(`recall`: on Slack, the notice's label in the metadata of the channel's history, as
for an owed reply: the adapter's `Recalls.find_sent`) before resending. DingTalk
cannot be asked (a robot message carries no label of ours and cannot be looked up):
a DingTalk target whose send had begun is sent again.

The admin who sent the notice sees one progress message, rewritten at most every few
seconds by whichever process's turn it is, then a final report of every failure.

Guarantee: every target is posted at least once unless refused for good (then it is
recorded with why); where `recall` can tell, exactly once; where it cannot, duplicates
are bounded by the targets whose send had begun when a process died or hung past its
lease. A stopping process gives back the targets it claimed but had not begun.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.adapters.base import Adapter, Recalls
from bot.adapters.outcome import RATELIMITED, DeliveryFailed
from bot.delivery.backoff import Backoff
from bot.delivery.pacing import Pacing
from bot.periodic import every
from bot.storage.notices import Claimed, RedisNotices
from conversations.ids import platform_of
from handlers import notice_report
from handlers.events import Message, Post, Reply
from handlers.ports import Clock, NoticeJob, StorageDown

log = logging.getLogger(__name__)


# Whether a notice whose send had begun (at the datetime) reached the platform: its
# reference if it did. Raises when the platform cannot tell.
Recall = Callable[[Post, datetime], Awaitable[str | None]]
# Delivers the admin's progress and report messages, in order; raises when one could
# not be delivered (DeliveryFailed, OSError), so the final report is tried again.
Report = Callable[[list[Reply]], Awaitable[None]]

# Answers that leave unknown whether the platform took the post.
MAYBE_SENT = frozenset({"connection"})


@dataclass(frozen=True)
class Tuning:
    lease: timedelta = timedelta(seconds=20)  # a dead process's targets are taken over after this
    batch: int = 20  # targets claimed at once
    concurrency: int = 10  # sends in flight at once, each waiting for its turn
    backoff: Backoff = field(default_factory=Backoff)
    attempts: int = 8  # transient failures before a target counts as failed
    progress_every: timedelta = timedelta(seconds=3)
    idle: float = 1.0  # seconds between looks when there is nothing to send


def notice_label(job_id: str, target: str) -> str:
    """What a notice's post is labelled with on platforms that keep a label (Slack's
    message metadata, like an owed reply's outbox id): one per job and target."""
    return f"{job_id}/{target}"


def notice_post(job: NoticeJob, target: str) -> Post:
    return Post(to=target, message=Message(text=job.text), outbox=notice_label(job.id, target))


class Broadcaster:
    def __init__(
        self,
        notices: RedisNotices,
        adapters: Mapping[str, Adapter],
        pacers: Mapping[str, Pacing],
        clock: Clock,
        report: Report,
        *,
        recall: Recall | None = None,
        tuning: Tuning | None = None,
    ) -> None:
        self.notices = notices
        self.adapters = adapters
        self.pacers = pacers
        self.clock = clock
        self.report = report
        self.recall = recall
        self.tuning = tuning or Tuning()
        self._jobs: dict[str, NoticeJob] = {}

    async def run(self, stop: asyncio.Event) -> None:
        """Sends until `stop` is set; what it claimed but had not begun is given back."""
        await every(self.tuning.idle, stop, lambda: self.round(stop), "broadcast round")

    async def round(self, stop: asyncio.Event | None = None) -> bool:
        """One pass over the due jobs; True when something was sent or settled."""
        worked = False
        for job_id in await self.notices.due(self.clock.now()):
            while stop is None or not stop.is_set():
                sent = await self._batch(job_id, stop)
                if sent is None:
                    break
                worked = True
        return worked

    async def _batch(self, job_id: str, stop: asyncio.Event | None) -> bool | None:
        """Claims and sends one batch; None when the job has nothing to claim now."""
        t = self.tuning
        claim = await self.notices.claim(job_id, self.clock.now(), t.lease, t.batch)
        if claim.state == "missing":
            await self.notices.unlist(job_id)
            return None
        if claim.state in ("done", "cancelled"):
            # Listed until its final report went out: a report that failed (or whose
            # sender died) is sent by whoever comes next.
            await self._report_final(job_id)
            return None
        job = await self._job(job_id)
        if job is None:
            return None
        if claim.started:
            await self._report_started(job_id)
        if not claim.targets:
            return None
        gate = asyncio.Semaphore(t.concurrency)

        async def one(c: Claimed) -> bool:
            async with gate:
                if stop is not None and stop.is_set():
                    return False
                await self._send(job, c)
                return True

        done = await asyncio.gather(*(one(c) for c in claim.targets))
        left = [c for c, went in zip(claim.targets, done, strict=True) if not went]
        if left:
            await self.notices.release(job_id, left, self.clock.now())
        await self._progress(job_id)
        return True

    async def _job(self, job_id: str) -> NoticeJob | None:
        job = self._jobs.get(job_id)
        if job is None:
            job = await self.notices.text(job_id)
            if job is not None:
                self._jobs[job_id] = job
        return job

    async def _send(self, job: NoticeJob, c: Claimed) -> None:
        try:
            await self._attempt(job, c)
        except StorageDown:
            raise
        except Exception:
            # Unknown whether it went out: the claim lapses, and the next claimant,
            # seeing the send had begun, asks the platform before resending.
            log.exception("notice send failed", extra={"job": job.id, "target": c.target})

    async def _attempt(self, job: NoticeJob, c: Claimed) -> None:
        platform = platform_of(c.target)
        adapter = self.adapters.get(platform)
        if adapter is None:
            await self._settle(job, c.target, False, f"no {platform or 'platform'} adapter")
            return
        post = notice_post(job, c.target)
        if c.began is not None:
            found = await self._recall(adapter, post, c.began)
            if found is not None:
                await self._settle(job, c.target, True, found)
                return
        if c.attempts >= self.tuning.attempts:
            # Sends that never came back with an answer, again and again.
            await self._settle(job, c.target, False, f"no answer after {c.attempts} attempts")
            return
        pacer = self.pacers.get(platform)
        if pacer is not None:
            await pacer.turn("bulk", c.target)
        t = self.tuning
        if not await self.notices.begin(job.id, c, self.clock.now(), t.lease):
            return  # cancelled, or taken over after our lease ran out
        try:
            ref = await adapter.deliver(post)
        except DeliveryFailed as exc:
            await self._failed(job, c, exc, pacer)
            return
        if pacer is not None:
            await pacer.succeeded()
        await self._settle(job, c.target, True, ref or "")

    async def _recall(self, adapter: Adapter, post: Post, began: datetime) -> str | None:
        """Where the notice is if its begun send reached the platform; None when it did
        not, or when the platform cannot tell (then it is sent again: the bound)."""
        recall = self.recall
        if recall is None and isinstance(adapter, Recalls):
            recall = adapter.find_sent
        if recall is None:
            return None
        try:
            return await recall(post, began)
        except StorageDown:
            raise
        except Exception as exc:
            log.warning(
                "cannot tell whether a notice went out: sending again",
                extra={"target": post.to, "error": repr(exc)[:300]},
            )
            return None

    async def _failed(
        self, job: NoticeJob, c: Claimed, exc: DeliveryFailed, pacer: Pacing | None
    ) -> None:
        if exc.reason == RATELIMITED and pacer is not None:
            await pacer.throttled(exc.retry_after)
        if exc.permanent or c.attempts + 1 >= self.tuning.attempts:
            await self._settle(job, c.target, False, exc.reason)
            return
        if exc.reason in MAYBE_SENT:
            raise exc  # leave the claim to lapse; it is looked up before a resend
        wait = self.tuning.backoff.delay(c.attempts + 1, exc.retry_after)
        await self.notices.retry(job.id, c, self.clock.now() + wait)

    async def _settle(self, job: NoticeJob, target: str, sent: bool, value: str) -> None:
        settled = await self.notices.settle(job.id, target, sent, value, self.clock.now())
        if settled == "finished":
            await self._report_final(job.id)

    # -- what the admin sees ----------------------------------------------------------

    async def _report_started(self, job_id: str) -> None:
        st = await self.notices.status(job_id, failures=0)
        if st is not None:
            await self._tell(notice_report.started(st, self.clock.now()))

    async def _progress(self, job_id: str) -> None:
        now = self.clock.now()
        if not await self.notices.progress_turn(job_id, now, self.tuning.progress_every):
            return
        st = await self.notices.status(job_id, failures=0)
        if st is not None and st.state == "running":
            await self._tell(notice_report.update(st, now))

    async def _tell(self, replies: list[Reply]) -> None:
        """Progress is rewritten a few seconds later anyway: a failure is only logged."""
        try:
            await self.report(replies)
        except (DeliveryFailed, OSError, TimeoutError) as exc:
            log.warning("notice progress not shown", extra={"error": repr(exc)[:300]})

    async def _report_final(self, job_id: str) -> None:
        """The admin's final report, once: sent by whoever holds the report turn, and
        recorded as sent only after the platform took it. A transient failure (or a
        process dying meanwhile) leaves it to the next round after the lease; a
        permanent one (the admin's channel gone) is logged and not retried."""
        now = self.clock.now()
        if not await self.notices.report_turn(job_id, now, self.tuning.lease):
            return
        self._jobs.pop(job_id, None)
        st = await self.notices.status(job_id, failures=50)
        if st is not None:
            try:
                await self.report(notice_report.final(st))
            except DeliveryFailed as exc:
                if not exc.permanent:
                    log.warning("notice report not sent: retried", extra={"job": job_id})
                    return
                log.warning(
                    "notice report refused for good", extra={"job": job_id, "error": exc.reason}
                )
            except (OSError, TimeoutError) as exc:
                log.warning("notice report not sent: retried", extra={"error": repr(exc)[:300]})
                return
        await self.notices.reported(job_id, self.clock.now())
