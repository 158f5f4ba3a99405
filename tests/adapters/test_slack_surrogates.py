"""A lone surrogate from Slack: JSON may carry an unpaired "\\ud83d" escape, which
parses into a string no encoder accepts (Redis, the log, the Web API call). Each kind
of request carrying one, signed and sent over HTTP, still gets its answer."""

from __future__ import annotations

import json
from urllib.parse import quote

from tests.fakes.slack import requests as sr
from tests.fakes.slack.rig import Rig, file_crm

LONE = "\\ud83d"  # as it is written in the JSON body: six ASCII characters
MARK = "LONE-SURROGATE"  # put in payloads, then replaced by LONE in the body


def _dm(text: str, event_id: str) -> str:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "DUEMP",
        "user": "UEMP",
        "text": text,
        "ts": "1700000000.000100",
    }
    return sr.event(event, event_id=event_id).replace(MARK, LONE)


async def test_a_dm_with_a_lone_surrogate_is_answered(rig: Rig) -> None:
    body = _dm(f"{MARK} will my data be lost?", "EvLone1")
    assert LONE in body
    assert (await rig.send(body, form=False))[0] == 200
    reply = await rig.call_where("chat.postMessage", lambda c: c.params["channel"] == "DUEMP")
    assert "Did this help?" in reply.params["text"]


async def test_every_string_of_a_payload_is_cleaned_ids_included(rig: Rig) -> None:
    """The event id names the Redis key that recognises a retry: cleaned too."""
    body = _dm("will my data be lost?", f"EvLone{MARK}")
    assert (await rig.send(body, form=False))[0] == 200
    reply = await rig.call_where("chat.postMessage", lambda c: c.params["channel"] == "DUEMP")
    assert "Did this help?" in reply.params["text"]


async def test_a_mention_with_a_lone_surrogate_is_answered_in_its_thread(rig: Rig) -> None:
    event = {
        "type": "app_mention",
        "channel": "CGENERAL",
        "user": "UEMP",
        "text": f"<@UBOT> {MARK} will I get a refund?",
        "ts": "1700.0003",
    }
    body = sr.event(event, event_id="EvLoneMention").replace(MARK, LONE)
    assert (await rig.send(body, form=False))[0] == 200
    reply = await rig.call_where("chat.postMessage", lambda c: c.params["channel"] == "CGENERAL")
    assert reply.params["thread_ts"] == "1700.0003"


async def test_a_slash_command_with_a_lone_surrogate_is_answered(rig: Rig) -> None:
    # A form-encoded body cannot hold a surrogate as such: its UTF-8-like bytes
    # (ED A0 BD) are what a client that kept one would send.
    body = sr.slash_command("/cancel-account", f"help {MARK}", "UEMP", "CGENERAL")
    assert (await rig.send(body.replace(MARK, "%ED%A0%BD")))[0] == 200
    answer = await rig.call_where("chat.postEphemeral", lambda c: c.params["user"] == "UEMP")
    assert "/cancel-account" in answer.params["text"]


async def test_a_modal_submission_with_a_lone_surrogate_is_recorded(rig: Rig) -> None:
    """An interaction payload (form-encoded JSON) whose reason holds a lone surrogate:
    the rejection is recorded with U+FFFD in its place and the card updated."""
    rid = await file_crm(rig)
    await rig.click("UHEAD", "CHEAD", "Reject")
    view = (await rig.fake.wait_for("views.open", 1))[0].params["view"]
    body = sr.view_submission(
        "UHEAD",
        view["callback_id"],
        view["private_metadata"],
        {"reason": {"value": {"type": "plain_text_input", "value": f"not now {MARK}"}}},
    )
    body = body.replace(quote(MARK), quote(LONE))
    assert quote(LONE) in body
    status, text = await rig.send(body)
    assert (status, text) == (200, "")
    head_ts, _ = rig.last_message_to("CHEAD")
    await rig.call_where("chat.update", lambda c: c.params["ts"] == head_ts)
    req = await rig.store.requests.get(rid)
    assert req is not None and req.status == "rejected"
    history = await rig.store.requests.history(rid)
    assert "not now \ufffd" in json.dumps([e.detail for e in history], ensure_ascii=False)


async def test_a_click_with_a_lone_surrogate_is_answered(rig: Rig) -> None:
    body = sr.block_action("UEMP", "DUEMP", "dlg#0", f"SR-X|target|{MARK}", message_ts="1.0")
    assert (await rig.send(body.replace(quote(MARK), quote(LONE))))[0] == 200
    answer = await rig.call_where("chat.postMessage", lambda c: c.params["channel"] == "DUEMP")
    assert "nothing was changed" in answer.params["text"]
