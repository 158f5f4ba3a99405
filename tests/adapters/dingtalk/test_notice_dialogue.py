"""`停用通知` / `shutdown-notice` typed by a DingTalk admin in a single chat: the notice
dialogue answered by typing (numbers or words), the preview, the confirmation, the job
queued and sent to a DingTalk group and a Slack channel by the bot's broadcaster, the
start and the final report back in the admin's single chat; `status` and `cancel <job>`
as arguments; anyone else refused, nothing queued."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.ports import NoticeJob
from tests.fakes.both_rig import ADMIN, EMP, BothRig
from tests.fakes.dingtalk.rig import HEAD_GROUP, DingTalkRig, text_of


async def _answer(dt: DingTalkRig, text: str, expect: str) -> str:
    """The admin types `text`; the text of the bot's answer showing `expect`."""
    since = dt.mark()
    await dt.say(ADMIN, text)
    return text_of(await dt.wait_sent(ADMIN, expect, since))


async def test_an_admin_composes_confirms_and_follows_a_notice_by_typing(both: BothRig) -> None:
    dt, slack = both.dt, both.slack
    await _answer(dt, "停用通知", "要停用的是哪个软件")
    await _answer(dt, "OA", "哪天停用")  # the option's words
    await _answer(dt, "2026-12-31", "哪种语言")
    await _answer(dt, "1", "预先填好的通知内容")  # its number: English
    await _answer(dt, "1", "发给谁")  # keep the text
    # Platform ids typed, DingTalk's base64-like ones among them.
    await _answer(dt, f"dingtalk:{HEAD_GROUP}，slack:CALL", "什么时候发送")
    since = dt.mark()
    confirm = await _answer(dt, "现在", "确认并安排发送")
    assert "1. 确认并安排发送" in confirm  # buttons shown as numbered options
    preview = [s for s in dt.api.sent[since:] if "will be shut down" in text_of(s)]
    assert len(preview) == 1  # the notice exactly as it will be posted, first
    assert await dt.app.store.notices.recent(limit=5) == []  # nothing before confirming

    scheduled = await _answer(dt, "1", "已安排发送给 2 个接收对象")
    (job,) = await dt.app.store.notices.recent(limit=5)
    assert job.job.id in scheduled and job.job.created_by == f"dingtalk:{ADMIN}"
    group = await dt.wait_sent(HEAD_GROUP, "OA will be shut down")
    assert group.via == "groupMessages"
    await slack.posted_to("CALL", "OA will be shut down")
    # Robot messages cannot be edited: the admin gets the start, then the final report.
    await dt.wait_sent(ADMIN, "正在发送给 2 个接收对象")
    await dt.wait_sent(ADMIN, "已完成：共 2，已发送 2，失败 0")
    status = await _answer(dt, "停用通知 status", "停用通知（最新的在前）")
    assert job.job.id in status and "已完成" in status


@pytest.mark.parametrize("trigger", ["/shutdown-notice", "shutdown-notice", "@stopbot 停用通知"])
async def test_each_trigger_starts_the_dialogue_in_the_language_it_is_written_in(
    both: BothRig, trigger: str
) -> None:
    dt = both.dt
    english = trigger.endswith("shutdown-notice")
    await _answer(dt, trigger, "Which software" if english else "要停用的是哪个软件")
    await _answer(dt, "2", "On which day does OA stop" if english else "OA 哪天停用")


@pytest.mark.parametrize("args", ["", " status", " cancel NB-AAAAAAAA"])
async def test_anyone_else_is_refused_in_their_single_chat_and_nothing_is_queued(
    both: BothRig, args: str
) -> None:
    dt = both.dt
    since = dt.mark()
    await dt.say(EMP, "停用通知" + args)
    refusal = await dt.wait_sent(EMP, "只有管理员可以发送停用通知", since)
    assert refusal.to == EMP
    assert [s.to for s in dt.api.sent[since:]] == [EMP]
    assert await dt.app.store.notices.recent(limit=5) == []
    store = dt.app.store
    assert not await store.redis.exists(store.keys.notice_draft(f"dingtalk:{EMP}"))


async def test_cancel_as_an_argument_stops_a_scheduled_job(both: BothRig) -> None:
    dt = both.dt
    now = dt.clock.now()
    job = NoticeJob(
        id="NB-LATER001",
        text="OA stops soon.",
        at=now + timedelta(days=2),
        created_by=f"dingtalk:{ADMIN}",
        created_at=now,
        report_to=f"dingtalk:{ADMIN}",
    )
    assert await dt.app.store.notices.create(job, [f"dingtalk:{HEAD_GROUP}"])
    told = await _answer(dt, "停用通知 cancel nb-later001", "已取消")
    assert "NB-LATER001" in told
    st = await dt.app.store.notices.status(job.id)
    assert st is not None and st.state == "cancelled"
    assert not [s for s in dt.api.sent if s.to == HEAD_GROUP]
