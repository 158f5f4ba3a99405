"""Slack end to end: the bot's real aiohttp server on a real socket, requests signed
like Slack signs them, and Slack's Web API replaced by a local fake that checks and
records every call. Buttons are clicked by finding them in the blocks the bot posted."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.faq.live_kb import LiveKnowledgeBase
from bot.server import start_server
from bot.storage.client import client_for_url
from bot.storage.store import Store
from conversations.policy import Policy
from tests.fakes.clock import FakeClock
from tests.fakes.slack import requests as sr
from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.bot import start_bot
from tests.fakes.slack.rig import TOKEN, Rig, file_crm
from tests.helpers import build_app


def _texts(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False)


async def test_whole_lifecycle_by_clicking_rendered_buttons(rig: Rig) -> None:
    fake = rig.fake
    rid = await file_crm(rig)
    head_ts, card = rig.last_message_to("CHEAD")
    assert f"Stop request {rid}: CRM" in _texts(card)
    await rig.click("UHEAD", "CHEAD", "Approve")
    await rig.call_where("chat.update", lambda c: c.params["ts"] == head_ts)
    assert "Approved by slack:UHEAD" in _texts(fake.message("CHEAD", head_ts))
    assert '"type": "actions"' not in _texts(fake.message("CHEAD", head_ts))  # no buttons
    await rig.posted_to("CIT", rid)
    await rig.click("UIT", "CIT", "Approve")
    await rig.posted_to("CFIN", rid)
    await rig.click("UFIN", "CFIN", "Approve")
    await rig.posted_to("DUEMP", "is fully approved")
    req = await rig.store.requests.get(rid)
    assert req is not None and req.status == "approved"
    # Each answered question was collapsed to one line in the DM.
    dm = [m for (ch, _), m in fake.messages.items() if ch == "DUEMP"]
    lines = [m["text"] for m in dm if m.get("text", "").startswith("✓")]
    assert lines[:3] == [
        "✓ What: CRM (paid)",
        "✓ Why: Too expensive",
        "✓ Stop date: Thursday 31 December 2026",
    ]
    # Every call carried the bot token, and DMs went through conversations.open.
    assert all(c.token == TOKEN for c in fake.calls)
    assert fake.calls_to("conversations.open")


async def test_reject_through_the_modal_with_validation(rig: Rig) -> None:
    fake = rig.fake
    rid = await file_crm(rig)
    await rig.click("UHEAD", "CHEAD", "Reject")
    opened = await fake.wait_for("views.open", 1)
    view = opened[0].params["view"]
    assert opened[0].params["trigger_id"] == "trig-2"
    assert view["type"] == "modal" and view["blocks"][0]["block_id"] == "reason"
    empty = sr.view_submission(
        "UHEAD",
        view["callback_id"],
        view["private_metadata"],
        {"reason": {"value": {"type": "plain_text_input", "value": " "}}},
    )
    status, text = await rig.send(empty)
    assert status == 200
    assert json.loads(text) == {
        "response_action": "errors",
        "errors": {"reason": "A reason is required."},
    }
    good = sr.view_submission(
        "UHEAD",
        view["callback_id"],
        view["private_metadata"],
        {"reason": {"value": {"type": "plain_text_input", "value": "Not before Q2 <!channel>"}}},
    )
    status, _ = await rig.send(good)
    assert status == 200
    await fake.wait_for("chat.update", 1)
    head_ts, _ = rig.last_message_to("CHEAD")
    card = _texts(fake.message("CHEAD", head_ts))
    assert "Rejected by slack:UHEAD" in card
    assert "&lt;!channel&gt;" in card and "<!channel>" not in card
    req = await rig.store.requests.get(rid)
    assert req is not None and req.status == "rejected"


async def test_delegate_through_the_modal(rig: Rig) -> None:
    fake = rig.fake
    rid = await file_crm(rig)
    await rig.click("UHEAD", "CHEAD", "Delegate")
    view = (await fake.wait_for("views.open", 1))[0].params["view"]
    assert [b["element"]["type"] for b in view["blocks"]] == ["users_select", "plain_text_input"]
    body = sr.view_submission(
        "UHEAD",
        view["callback_id"],
        view["private_metadata"],
        {
            "to": {"value": {"type": "users_select", "selected_user": "UOTHER"}},
            "reason": {"value": {"type": "plain_text_input", "value": "on holiday"}},
        },
    )
    assert (await rig.send(body))[0] == 200
    await fake.wait_for("chat.update", 1)
    req = await rig.store.requests.get(rid)
    assert req is not None and req.stages[0].approvers == ["slack:UOTHER"]


async def test_refusals_are_private_and_change_nothing(rig: Rig) -> None:
    fake = rig.fake
    rid = await file_crm(rig)
    found = await rig.store.requests.load(rid)
    assert found is not None
    await rig.click("UOTHER", "CHEAD", "Approve")  # not an approver
    await rig.click("UEMP", "CHEAD", "Approve")  # the requester
    ephemerals = await fake.wait_for("chat.postEphemeral", 2)
    texts = " ".join(c.params.get("text", "") for c in ephemerals)
    assert "Only the department-head approvers" in texts
    assert "your own request" in texts
    assert await rig.store.requests.load(rid) == found
    await rig.click("UHEAD", "CHEAD", "Approve")
    await fake.wait_for("chat.update", 1)
    head_ts, _ = rig.last_message_to("CHEAD")
    # A double click / replayed click on the now-decided card.
    replay = sr.block_action("UHEAD", "CHEAD", "approve#0", f"{rid}|0", message_ts=head_ts)
    assert (await rig.send(replay))[0] == 200
    assert (await rig.send(replay))[0] == 200
    refusals = await fake.wait_for("chat.postEphemeral", 4)
    assert all("no longer current" in c.params["text"] for c in refusals[2:])
    history = await rig.store.requests.history(rid)
    assert [e.action for e in history] == ["submitted", "approved"]


async def test_unsigned_forged_and_stale_requests_get_401(rig: Rig) -> None:
    body = sr.slash_command("/cancel-account", "", "UEMP", "CGENERAL")
    kind = "application/x-www-form-urlencoded"
    async with rig.session.post(rig.url, data=body, headers={"Content-Type": kind}) as resp:
        assert resp.status == 401
    assert (await rig.send(body, signature="v0=" + "0" * 64))[0] == 401
    assert (await rig.send(body, timestamp=int(time.time()) - 6 * 60))[0] == 401
    assert [c.method for c in rig.fake.calls] == ["auth.test"]  # made once, at start
    assert await rig.store.drafts.load("slack:UEMP") is None


async def test_events_api_retry_is_handled_once(rig: Rig) -> None:
    await rig.dm("UEMP", "will my data be lost?", event_id="EvSAME")
    await rig.fake.wait_for("chat.postMessage", 1)
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "DUEMP",
        "user": "UEMP",
        "text": "will my data be lost?",
        "ts": "1.0",
    }
    status, _ = await rig.send(
        sr.event(event, event_id="EvSAME"),
        form=False,
        extra_headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert status == 200
    await rig.dm("UEMP", "can I get a refund?")  # a later, different event is answered
    posted = await rig.fake.wait_for("chat.postMessage", 2)
    assert len(posted) == 2 and "Did this help?" in posted[0].params["text"]


async def test_language_comes_from_the_slack_locale(rig: Rig) -> None:
    await rig.command("UZH")
    posted = await rig.fake.wait_for("chat.postMessage", 1)
    assert "你要停用什么" in posted[0].params["text"]
    info = rig.fake.calls_to("users.info")[0]
    assert str(info.params["include_locale"]).lower() in ("true", "1")


async def test_app_home_lists_requests_and_cards_waiting(rig: Rig) -> None:
    rid = await file_crm(rig)
    event = {"type": "app_home_opened", "user": "UHEAD", "tab": "home", "channel": "DUHEAD"}
    assert (await rig.send(sr.event(event, event_id="EvHome"), form=False))[0] == 200
    published = await rig.call_where("views.publish", lambda c: c.params["user_id"] == "UHEAD")
    home = json.dumps(published.params["view"], ensure_ascii=False)
    assert f"Stop request {rid}: CRM" in home and "Approve" in home
    # A transition refreshes the home of those who use it (the head), nobody else's.
    before = len(rig.fake.calls_to("views.publish"))
    await rig.click("UHEAD", "CHEAD", "Approve")
    await rig.posted_to("CIT", rid)
    again = (await rig.fake.wait_for("views.publish", before + 1))[-1]
    assert again.params["user_id"] == "UHEAD"
    assert "Nothing is waiting for your decision" in json.dumps(again.params["view"])
    assert {c.params["user_id"] for c in rig.fake.calls_to("views.publish")} == {"UHEAD"}


async def test_rate_limited_post_is_retried_after_retry_after(rig: Rig) -> None:
    rig.fake.fail_next("chat.postMessage", retry_after=1)
    await rig.command("UEMP")
    posted = await rig.fake.wait_for("chat.postMessage", 2, timeout=10)
    assert "What do you want to stop?" in posted[1].params["text"]


async def test_a_mention_is_answered_in_its_thread(rig: Rig) -> None:
    event = {
        "type": "app_mention",
        "channel": "CGENERAL",
        "user": "UEMP",
        "text": "<@UBOT> will I get a refund if we stop Webex early?",
        "ts": "1700.0001",
    }
    assert (await rig.send(sr.event(event, event_id="EvMention"), form=False))[0] == 200
    reply = await rig.call_where("chat.postMessage", lambda c: c.params["channel"] == "CGENERAL")
    assert reply.params["thread_ts"] == "1700.0001"
    assert "Did this help?" in reply.params["text"]


async def test_healthz_and_metrics(rig: Rig) -> None:
    async with rig.session.get(rig.server.url + "/healthz") as resp:
        assert (resp.status, await resp.json()) == (200, {"storage": "ok"})
    await rig.command("UEMP")
    await rig.fake.wait_for("chat.postMessage", 1)
    async with rig.session.get(rig.server.url + "/metrics") as resp:
        text = await resp.text()
    assert resp.status == 200
    assert 'stopbot_events_total{kind="command"} 1' in text
    assert "stopbot_storage_up 1" in text


async def test_healthz_says_503_when_redis_is_down(
    tmp_path: Path, slack_policy: Policy, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> None:
    dead = client_for_url(f"unix://{tmp_path}/none.sock")
    env = {"HOST": "127.0.0.1", "PORT": "0"}
    app = await build_app(Store(dead), slack_policy, clock, live_kb, **env)
    server = await start_server(app, app.settings, scheduler_interval=3600)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(server.url + "/healthz") as resp:
                assert (resp.status, await resp.json()) == (503, {"storage": "down"})
            async with session.get(server.url + "/metrics") as resp:
                assert "stopbot_storage_up 0" in await resp.text()
    finally:
        await server.stop()


async def test_socket_mode_without_a_public_url(
    slack_store: Store, slack_policy: Policy, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> None:
    """Only SLACK_BOT_TOKEN and SLACK_APP_TOKEN: serve opens the Socket Mode link with
    the app token, acks each envelope and does the work."""
    fake = FakeSlack(token=TOKEN, app_token="xapp-1-test")
    base_url = await fake.start()
    fake.set_user("UEMP")
    server = await start_bot(
        slack_store,
        base_url,
        {"SLACK_BOT_TOKEN": TOKEN, "SLACK_APP_TOKEN": "xapp-1-test"},
        clock,
        live_kb,
        slack_policy,
    )
    try:
        command = {
            "command": "/cancel-account",
            "text": "",
            "user_id": "UEMP",
            "channel_id": "CGENERAL",
            "team_id": "T0TEST",
            "trigger_id": "t1",
            "response_url": fake.response_url(),
        }
        await fake.push("slash_commands", command, envelope_id="env-1")
        assert (await fake.wait_for_ack("env-1"))["envelope_id"] == "env-1"
        posted = await fake.wait_for("chat.postMessage", 1)
        assert "What do you want to stop?" in posted[0].params["text"]
        assert fake.calls_to("apps.connections.open")[0].token == "xapp-1-test"
        # No signing secret, so no Request URL: nothing could tell Slack's requests there
        # from forged ones.
        forged = sr.slash_command("/cancel-account", "status", "UEMP", "CGENERAL")
        async with aiohttp.ClientSession() as session:
            async with session.post(
                server.url + "/slack/events", data=forged, headers={"Content-Type": sr.FORM}
            ) as resp:
                assert resp.status == 404
    finally:
        await server.stop()
        await fake.stop()


async def test_a_private_answer_falls_back_to_a_dm(rig: Rig) -> None:
    """/cancel-account status in a channel the bot is not in: Slack refuses the
    ephemeral message, so the answer comes by DM instead of getting lost."""
    rig.fake.fail_next("chat.postEphemeral", status=200)
    await rig.command("UEMP", "status", channel="CNOTJOINED")
    dm = await rig.call_where("chat.postMessage", lambda c: c.params["channel"] == "DUEMP")
    assert "You have no stop requests" in dm.params["text"]


async def test_a_mention_in_a_channel_never_answers_the_dm_dialogue(rig: Rig) -> None:
    """ "@bot submit" in the head's channel, with a draft at its summary: the mention is
    answered in its thread as a question, the draft is left alone (it lives in the DM),
    and only "submit" in the DM posts the approval card."""
    fake = rig.fake
    dm = "DUEMP"
    await rig.command("UEMP")
    await fake.wait_for("chat.postMessage", 1)
    await rig.click("UEMP", dm, "CRM")
    for n, answer in enumerate(
        ["too expensive", "2026-12-31", "yes", "none", "refund", "no", "<#CTEAM|team>"],
        start=3,
    ):
        await rig.dm("UEMP", answer)
        await fake.wait_for("chat.postMessage", n)
    event = {
        "type": "app_mention",
        "channel": "CHEAD",
        "user": "UEMP",
        "text": "<@UBOT> submit",
        "ts": "1700.0002",
    }
    assert (await rig.send(sr.event(event, event_id="EvSubmit"), form=False))[0] == 200
    threaded = await rig.call_where(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == "1700.0002"
    )
    assert threaded.params["channel"] == "CHEAD"
    assert not [c for c in fake.calls_to("chat.postMessage") if "Approve" in str(c.params)]
    draft = await rig.store.drafts.load("slack:UEMP")
    assert draft is not None and '"step":"summary"' in draft
    await rig.dm("UEMP", "submit")
    _, card = await rig.posted_to("CHEAD", "Approve")
    assert "slack:CTEAM" in _texts(card)  # the channel reference became an id


async def test_a_slow_modal_submission_is_closed_in_time_and_finished_after(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    import bot.adapters.slack.adapter as slack_module

    rid = await file_crm(rig)
    await rig.click("UHEAD", "CHEAD", "Reject")
    view = (await rig.fake.wait_for("views.open", 1))[0].params["view"]
    handle = rig.server.app.handle
    release = asyncio.Event()  # the work waits until the test has seen the modal closed

    async def slow(event: Any) -> Any:
        await release.wait()
        return await handle(event)

    monkeypatch.setattr(slack_module, "_FORM_BUDGET", 0.1)
    monkeypatch.setattr(rig.server.app, "handle", slow)
    body = sr.view_submission(
        "UHEAD",
        view["callback_id"],
        view["private_metadata"],
        {"reason": {"value": {"type": "plain_text_input", "value": "Not now"}}},
    )
    status, text = await rig.send(body)
    assert status == 200 and text == ""  # the modal is closed...
    pending = await rig.store.requests.get(rid)
    assert pending is not None and pending.status == "pending"  # ...before the work is done
    release.set()
    head_ts, _ = rig.last_message_to("CHEAD")
    await rig.call_where("chat.update", lambda c: c.params["ts"] == head_ts)
    req = await rig.store.requests.get(rid)
    assert req is not None and req.status == "rejected"
