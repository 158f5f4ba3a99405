"""Shutdown notices to DingTalk groups and Slack channels from one bot: queued as
`stopbot notice send` queues them, sent by the broadcaster through the real adapters to
the fake DingTalk (groupMessages/send, markdown, escaped) and the fake Slack, each
platform paced by its own Pacer; refusals reported with DingTalk's reason, throttling
retried, and what a dead worker left in flight resent on DingTalk (which cannot be
asked whether a robot message went out) but looked up on Slack."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest

from bot.adapters.base import Adapter
from bot.adapters.dingtalk.adapter import DingTalkAdapter
from bot.adapters.slack import SlackAdapter
from bot.delivery.broadcast import Broadcaster, Tuning
from bot.delivery.pacing import Pacer
from handlers.events import Reply
from handlers.ports import NoticeJob
from tests.fakes.both_rig import ADMIN, BothRig
from tests.fakes.dingtalk.gateway import until
from tests.fakes.dingtalk.openapi import QPS_LIMIT
from tests.fakes.dingtalk.rig import HEAD_GROUP, IT_GROUP, text_of

GONE_GROUP = "cidGone/9+x=="  # a group the robot is not in: DingTalk refuses it
HOSTILE = "CRM 将于 12 月 31 日停用。[点我](dtmd://dingtalkclient/sendMessage?content=x) @所有人"


@pytest.fixture
def both(both_by_rounds: BothRig) -> BothRig:
    """Both platforms, the notices sent by the test's rounds; the fake DingTalk knows
    only these groups (any other: the robot is not in it)."""
    for group in (HEAD_GROUP, IT_GROUP):
        both_by_rounds.dt.api.add_group(group)
    return both_by_rounds


async def _queue(both: BothRig, targets: list[str], text: str = HOSTILE) -> str:
    """A job as `stopbot notice send --to … --text … --by dingtalk:<admin>` queues it."""
    now = both.dt.clock.now()
    job = NoticeJob(
        id="NB-CR0SS001",
        text=text,
        at=now,
        created_by=f"dingtalk:{ADMIN}",
        created_at=now,
        report_to=f"dingtalk:{ADMIN}",
        report_lang="zh",
    )
    assert await both.dt.app.store.notices.create(job, targets)
    return job.id


async def _rounds_until_done(both: BothRig, job_id: str, broadcaster: Broadcaster) -> None:
    """Rounds of the broadcaster, the bot's clock moving on past each backoff."""
    store = both.dt.app.store
    for _ in range(30):
        await broadcaster.round()
        st = await store.notices.status(job_id, failures=0)
        if st is not None and st.state == "done" and st.pending == 0:
            await broadcaster.round()  # the final report, if a turn was still held
            return
        both.dt.clock.advance(timedelta(seconds=10))
    raise AssertionError(f"{job_id} not done: {st}")


def _slack_posts(both: BothRig, channel: str) -> list[dict[str, object]]:
    return [
        c.params
        for c in both.slack.fake.calls_to("chat.postMessage")
        if c.params["channel"] == channel
    ]


async def test_a_notice_reaches_dingtalk_groups_and_slack_channels_paced_per_platform(
    both: BothRig,
) -> None:
    dt, app = both.dt, both.dt.app
    assert isinstance(app.pacers["dingtalk"], Pacer) and isinstance(app.pacers["slack"], Pacer)
    # Someone asked the robot a question in one group: its answer went by the session
    # webhook, but a notice is no answer, and goes by groupMessages/send all the same.
    await dt.say("emp01", "@stopbot 怎么备份我的数据？", group=HEAD_GROUP)
    assert (await dt.wait_sent(HEAD_GROUP)).via == "session"
    since = dt.mark()
    targets = [
        f"dingtalk:{HEAD_GROUP}",
        f"dingtalk:{IT_GROUP}",
        f"dingtalk:{GONE_GROUP}",
        "slack:CALL",
    ]
    job_id = await _queue(both, targets)
    # After the admin's start message, the first group send answers 403 QpsLimit.
    dt.api.throttle(calls=1, after=1)
    await _rounds_until_done(both, job_id, app.broadcaster())

    throttled = [c.path for c in dt.api.calls if c.code == QPS_LIMIT]
    assert throttled == ["/v1.0/robot/groupMessages/send"]  # and retried: sent below
    # Each platform took its turns from its own Pacer; DingTalk's was told of the 403
    # (a pause, bulk slowed: a new epoch), Slack's was not.
    redis, keys = app.store.redis, app.store.keys
    assert await redis.hget(keys.pace_lanes("dingtalk"), "epoch") == "1"
    assert await redis.hget(keys.pace_lanes("slack"), "bulk") is not None
    assert await redis.hget(keys.pace_lanes("slack"), "epoch") is None
    for group in (HEAD_GROUP, IT_GROUP):
        (sent,) = [s for s in dt.api.sent[since:] if s.to == group]
        assert (sent.via, sent.msg_key) == ("groupMessages", "sampleMarkdown")
        text = sent.param["text"]
        # What the admin typed shows, but never as a link, a fake button or an @all.
        assert "点我" in text and "12 月 31 日停用" in text
        for markup in ("[点我](", "dtmd://", "@所有人"):
            assert markup not in text
    (slack,) = _slack_posts(both, "CALL")
    assert "点我" in str(slack["text"])

    st = await app.store.notices.status(job_id, failures=10)
    assert st is not None and (st.sent, st.failed) == (3, 1)
    assert st.failures == [(f"dingtalk:{GONE_GROUP}", "invalid.openConversationId")]
    # The admin, in their DingTalk single chat: the start, then the final report
    # naming the refused group and DingTalk's reason.
    await dt.wait_sent(ADMIN, "正在发送给")
    report = await dt.wait_sent(ADMIN, "invalid.openConversationId")
    assert f"dingtalk:{GONE_GROUP}" in unicodedata.normalize("NFKC", text_of(report))


class _DiesAfterSending:
    """A worker's adapter that hands the post to the platform, then the worker dies
    before it could record it (what a killed process leaves: the send begun)."""

    def __init__(self, adapter: Adapter) -> None:
        self.adapter = adapter
        self.platform = adapter.platform

    async def deliver(self, reply: Reply, ref: str | None = None) -> str | None:
        await self.adapter.deliver(reply, ref)
        raise RuntimeError("the worker was killed")


async def test_a_dead_workers_begun_sends_are_sent_again_on_dingtalk_and_looked_up_on_slack(
    both: BothRig,
) -> None:
    dt, app = both.dt, both.dt.app
    assert isinstance(app.adapters["dingtalk"], DingTalkAdapter)
    assert isinstance(app.adapters["slack"], SlackAdapter)
    targets = [f"dingtalk:{HEAD_GROUP}", "slack:CALL"]
    job_id = await _queue(both, targets, text="CRM stops on 31 December.")
    lease = app.store.lease
    dying = Broadcaster(
        app.store.notices,
        {name: _DiesAfterSending(a) for name, a in app.adapters.items()},
        app.pacers,
        app.services.clock,
        app.report,
        tuning=Tuning(lease=lease),
    )
    await dying.round()
    assert len([s for s in dt.api.sent if s.to == HEAD_GROUP]) == 1
    assert len(_slack_posts(both, "CALL")) == 1
    st = await app.store.notices.status(job_id, failures=0)
    assert st is not None and st.pending == 2  # nothing recorded: the worker died

    # Another worker takes the targets over once the lease ran out.
    dt.clock.advance(lease + timedelta(seconds=1))
    await _rounds_until_done(both, job_id, app.broadcaster())
    # Slack was asked (conversations.history, by the notice's label): not posted again.
    assert both.slack.fake.calls_to("conversations.history")
    assert len(_slack_posts(both, "CALL")) == 1
    # DingTalk cannot be asked: the group gets it a second time, the documented bound.
    assert len([s for s in dt.api.sent if s.to == HEAD_GROUP]) == 2
    st = await app.store.notices.status(job_id, failures=0)
    assert st is not None and (st.state, st.sent, st.failed) == ("done", 2, 0)
    await until(lambda: any("已完成" in text_of(s) for s in dt.api.sent_to(ADMIN)), "no report")


async def test_the_admin_gets_the_final_report_after_dingtalk_throttled_it(both: BothRig) -> None:
    dt, app = both.dt, both.dt.app
    job_id = await _queue(both, [f"dingtalk:{IT_GROUP}"], text="CRM stops on 31 December.")
    dt.api.flow_control(ADMIN)  # batchSend answers 200 with the admin flow-controlled
    broadcaster = app.broadcaster()
    await broadcaster.round()
    assert [s.to for s in dt.api.sent] == [IT_GROUP]
    st = await app.store.notices.status(job_id, failures=0)
    assert st is not None and st.state == "done"
    assert dt.api.sent_to(ADMIN) == []  # neither the start nor the report got through
    # Throttling passes; the report turn of the round that failed lapses, and the next
    # round sends it.
    dt.api.flow_controlled.discard(ADMIN)
    dt.clock.advance(app.store.lease + timedelta(seconds=1))
    await broadcaster.round()
    report = await dt.wait_sent(ADMIN, "已完成：共 1，已发送 1，失败 0")
    assert report.via == "batchSend"
