"""`/shutdown-notice` on Slack end to end: a signed slash command, the dialogue in the
admin's DM answered by buttons and by typing, Confirm, the notice in every broadcast
channel once, the progress message rewritten in place and the final report; anyone
else gets an ephemeral refusal and nothing is queued."""

from __future__ import annotations

import json

import pytest

from bot.files.policy import load_policy_text
from conversations.policy import Policy
from tests.fakes.slack.bot import POLICY
from tests.fakes.slack.rig import Rig

NOTICE = "/shutdown-notice"


@pytest.fixture
def slack_policy() -> Policy:
    return load_policy_text(
        POLICY + "broadcast:\n  channels: [slack:CALL, slack:CENG]\n", "slack.yaml"
    )


def _posts(rig: Rig, channel: str) -> list[str]:
    return [
        json.dumps(c.params, ensure_ascii=False)
        for c in rig.fake.calls_to("chat.postMessage")
        if c.params["channel"] == channel
    ]


async def test_an_admin_writes_confirms_and_follows_a_notice_from_the_slash_command(
    rig: Rig,
) -> None:
    dm = "DUADMIN"
    await rig.command("UADMIN", name=NOTICE, channel="CGENERAL")
    await rig.posted_to(dm, "Which software is being shut down?")
    await rig.click("UADMIN", dm, "OA")
    await rig.posted_to(dm, "On which day does OA stop?")
    await rig.dm("UADMIN", "2026-12-31")
    await rig.posted_to(dm, "In which language")
    await rig.click("UADMIN", dm, "English")
    await rig.posted_to(dm, "Here is the message, prefilled.")
    await rig.click("UADMIN", dm, "Keep this text")
    await rig.posted_to(dm, "Who should get it?")
    await rig.click("UADMIN", dm, "Broadcast channels (2)")
    await rig.posted_to(dm, "When should it go out?")
    await rig.dm("UADMIN", "now")
    await rig.posted_to(dm, "Above is the notice exactly as it will appear.")
    # The preview is the message posted just before the question, as it will be posted.
    preview = next(
        c.params["text"]
        for c in reversed(rig.fake.calls_to("chat.postMessage"))
        if c.params["channel"] == dm and "will be shut down" in c.params.get("text", "")
    )
    assert _posts(rig, "CALL") == []  # nothing goes out before Confirm

    await rig.click("UADMIN", dm, "Confirm and schedule")
    await rig.posted_to(dm, "Scheduled for 2 recipients")
    for channel in ("CALL", "CENG"):
        _, message = await rig.posted_to(channel, "OA will be shut down")
        assert message["text"] == preview
    # The progress message, then rewritten in place with the outcome; then the report.
    progress_ts, _ = await rig.posted_to(dm, "sending to 2 recipients")
    await rig.call_where(
        "chat.update", lambda c: c.params["ts"] == progress_ts and "done" in c.params["text"]
    )
    await rig.posted_to(dm, "done: 2 sent, 0 failed of 2")
    assert len(_posts(rig, "CALL")) == len(_posts(rig, "CENG")) == 1
    (job,) = await rig.store.notices.recent(limit=10)
    assert (job.state, job.sent, job.total) == ("done", 2, 2)
    assert job.job.created_by == "slack:UADMIN"


@pytest.mark.parametrize("text", ["", "status", "cancel NB-AAAAAAAA"])
async def test_anyone_else_gets_an_ephemeral_refusal_and_nothing_is_queued(
    rig: Rig, text: str
) -> None:
    await rig.command("UOTHER", text, name=NOTICE, channel="CGENERAL")
    refusal = await rig.call_where("chat.postEphemeral", lambda c: c.params["user"] == "UOTHER")
    assert refusal.params["channel"] == "CGENERAL"
    assert "Only admins can send shutdown notices; nothing was queued." in refusal.params["text"]
    assert not rig.fake.calls_to("chat.postMessage")
    assert await rig.store.notices.recent(limit=10) == []
