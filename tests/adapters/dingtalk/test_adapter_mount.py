"""`serve` mounts DingTalk beside Slack: both run in one process, on one policy."""

from __future__ import annotations

from bot.faq.live_kb import LiveKnowledgeBase
from bot.storage.store import Store
from tests.fakes.clock import FakeClock
from tests.fakes.dingtalk.rig import running_rig
from tests.fakes.slack import requests as sr
from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.rig import SECRET, TOKEN


async def test_serve_with_slack_and_dingtalk_credentials_runs_both(
    dt_store: Store, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> None:
    slack = FakeSlack(token=TOKEN)
    slack_url = await slack.start()
    slack.set_user("UEMP", locale="en-US")
    credentials = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_url,
    }
    try:
        async with running_rig(dt_store, clock, live_kb, more_env=credentials) as dt:
            assert set(dt.server.platforms) == {"Slack", "DingTalk"}
            assert set(dt.app.adapters) == {"slack", "dingtalk"}
            await dt.say("emp01", "注销账号")
            await dt.wait_sent("emp01", "你要停用什么")
            command = sr.slash_command("/cancel-account", "", "UEMP", "CGENERAL")
            url = dt.server.url + "/slack/events"
            status, _ = await sr.post(dt.session, url, command, SECRET, sr.FORM)
            assert status == 200
            await slack.wait_for("chat.postMessage", 1)
    finally:
        await slack.stop()
