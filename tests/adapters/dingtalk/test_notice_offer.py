"""The notice offered to every admin when a stop of software is finally approved, on
each admin's own platform: a DingTalk admin answers its buttons by typing (the number
or the words), a Slack admin by clicking; it is queued once whoever answers first."""

from __future__ import annotations

import pytest

from handlers import card_keys
from tests.adapters.dingtalk.flow import submit_request
from tests.fakes.both_rig import ADMIN, EMP, IT, BothRig
from tests.fakes.dingtalk.gateway import until
from tests.fakes.dingtalk.rig import text_of


async def _approved(both: BothRig) -> str:
    """A CRM stop filed in DingTalk, approved in Slack and then in DingTalk."""
    dt, slack = both.dt, both.slack
    rid = await submit_request(dt, EMP)
    await slack.posted_to("CHEAD", rid)
    await slack.click("UHEAD", "CHEAD", "同意")
    it_card = card_keys.stage_card(rid, 1)
    await until(lambda: it_card in dt.api.cards, "no IT card")
    await dt.click(it_card, "approve", IT)
    await dt.wait_sent(EMP, "已全部审批通过")
    return rid


@pytest.mark.parametrize("typed", ["1", "安排发送此通知", "１"])
async def test_a_dingtalk_admin_schedules_the_offered_notice_by_typing(
    both_by_rounds: BothRig, typed: str
) -> None:
    both = both_by_rounds
    dt, slack = both.dt, both.slack
    rid = await _approved(both)
    offer = await dt.wait_sent(ADMIN, "要通知用户吗")
    shown = text_of(offer)
    assert rid in shown and "1. 安排发送此通知" in shown and "2. 先修改" in shown
    # The Slack admin is offered it too, in their Slack DM, with buttons.
    await slack.posted_to("DUADMIN", "要通知用户吗")
    assert await dt.app.store.notices.recent(limit=5) == []

    since = dt.mark()
    await dt.say(ADMIN, typed)
    told = await dt.wait_sent(ADMIN, "已安排发送给 2 个接收对象", since)
    jobs = await dt.app.store.notices.recent(limit=5)  # one per send time it proposed
    assert jobs
    for job in jobs:
        assert job.job.id in text_of(told) and job.job.request == rid
        assert job.job.created_by == f"dingtalk:{ADMIN}" and job.total == 2

    # The Slack admin clicking Schedule afterwards queues nothing more.
    await slack.click("UADMIN", "DUADMIN", "安排发送此通知")
    await slack.posted_to("DUADMIN", "的通知已经安排过了")
    assert len(await dt.app.store.notices.recent(limit=5)) == len(jobs)


async def test_edit_it_first_typed_opens_the_dialogue_at_the_preview(
    both_by_rounds: BothRig,
) -> None:
    both = both_by_rounds
    dt = both.dt
    await _approved(both)
    await dt.wait_sent(ADMIN, "要通知用户吗")
    since = dt.mark()
    await dt.say(ADMIN, "2")
    await dt.wait_sent(ADMIN, "确认并安排发送", since)
    since = dt.mark()
    await dt.say(ADMIN, "1")  # the preview's first option: confirm
    await dt.wait_sent(ADMIN, "已安排发送给 2 个接收对象", since)
    assert await dt.app.store.notices.recent(limit=5)
