"""Each kind of Slack payload becomes its neutral event, built the way Slack sends it;
the actor's language is left to the adapter (it takes a users.info call)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import pytest

from bot.adapters.slack.inbound import lang_of, plain_text, thread_of, to_event
from handlers.events import Actor, Click, Command, FormSubmit, UserMessage
from tests.fakes.slack import requests as sr


def _interaction(form_body: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(parse_qs(form_body)["payload"][0])
    return payload


def _callback(event: dict[str, Any]) -> dict[str, Any]:
    envelope: dict[str, Any] = json.loads(sr.event(event))
    return envelope


def _dm(text: str, **extra: Any) -> dict[str, Any]:
    event = {"type": "message", "channel_type": "im", "channel": "DU1", "user": "U1"}
    return _callback({**event, "text": text, "ts": "1700.0001", **extra})


def _mention(**extra: Any) -> dict[str, Any]:
    event = {"type": "app_mention", "channel": "CHEAD", "user": "U1", "ts": "1700.0002"}
    return _callback({**event, "text": "<@UBOT> status please", **extra})


ALICE = Actor(id="slack:U1")


def test_a_slash_command() -> None:
    body = dict(parse_qsl(sr.slash_command("/cancel-account", "withdraw SR-1", "U1", "CGEN")))
    assert to_event(body) == Command(
        actor=ALICE, channel="slack:CGEN", name="cancel-account", text="withdraw SR-1"
    )


def test_a_slash_command_text_is_plain() -> None:
    body = dict(parse_qsl(sr.slash_command("/cancel-account", "R&amp;D <@U2>", "U1", "CGEN")))
    event = to_event(body)
    assert isinstance(event, Command) and event.text == "R&D slack:U2"


def test_a_direct_message() -> None:
    assert to_event(_dm("stop <#C9|crm-team> &amp; more")) == UserMessage(
        actor=ALICE, channel="slack:U1", text="stop slack:C9 & more", direct=True
    )


@pytest.mark.parametrize(
    "extra",
    [
        {"channel_type": "channel"},  # heard only when mentioned
        {"bot_id": "B0BOT"},  # its own message, or another bot's
        {"subtype": "message_changed"},  # an edit
    ],
)
def test_messages_the_bot_does_not_answer(extra: dict[str, Any]) -> None:
    assert to_event(_dm("hello", **extra)) is None


def test_an_app_mention_loses_the_mention_and_answers_in_its_thread() -> None:
    body = _mention()
    assert to_event(body) == UserMessage(
        actor=ALICE, channel="slack:CHEAD", text="status please", direct=False
    )
    assert thread_of(body) == ("slack:CHEAD", "1700.0002")
    assert thread_of(_mention(thread_ts="1699.0001")) == ("slack:CHEAD", "1699.0001")
    assert thread_of(_dm("hi")) is None


def test_a_button_click() -> None:
    body = _interaction(sr.block_action("U1", "CHEAD", "approve#0", "SR-ABCDEFGH|0"))
    assert to_event(body) == Click(
        actor=ALICE, channel="slack:CHEAD", action="approve", value="SR-ABCDEFGH|0"
    )


def test_a_click_in_app_home_answers_the_user() -> None:
    payload = _interaction(sr.block_action("U1", "CHEAD", "approve#1", "SR-ABCDEFGH|1"))
    del payload["channel"], payload["container"]["channel_id"]
    event = to_event(payload)
    assert isinstance(event, Click) and event.channel == "slack:U1"


def test_a_static_select_sends_the_picked_option() -> None:
    body = _interaction(
        sr.block_action("U1", "DU1", "dlg#select", "", selected_option="SR-1|notify|sw:HR")
    )
    assert to_event(body) == Click(
        actor=ALICE, channel="slack:DU1", action="dlg", value="SR-1|notify|sw:HR"
    )


def test_a_datepicker_completes_the_value_its_block_carries() -> None:
    body = _interaction(
        sr.block_action(
            "U1", "DU1", "dlg#date", "", selected_date="2026-12-31", block_id="dlg-date|D1|when|"
        )
    )
    assert to_event(body) == Click(
        actor=ALICE, channel="slack:DU1", action="dlg", value="D1|when|2026-12-31"
    )


def test_a_modal_submission_with_a_picked_user() -> None:
    values = {
        "to": {"value": {"type": "users_select", "selected_user": "U7"}},
        "reason": {"value": {"type": "plain_text_input", "value": "on leave"}},
    }
    metadata = json.dumps({"form": "delegate", "context": "SR-ABCDEFGH|1"})
    body = _interaction(sr.view_submission("U1", "form:delegate", metadata, values))
    assert to_event(body) == FormSubmit(
        actor=ALICE,
        form="delegate",
        context="SR-ABCDEFGH|1",
        values={"to": "slack:U7", "reason": "on leave"},
    )


def test_a_modal_submission_with_empty_answers() -> None:
    values = {
        "to": {"value": {"type": "users_select", "selected_user": None}},
        "reason": {"value": {"type": "plain_text_input", "value": None}},
    }
    metadata = json.dumps({"form": "delegate", "context": "SR-ABCDEFGH|1"})
    event = to_event(_interaction(sr.view_submission("U1", "form:delegate", metadata, values)))
    assert isinstance(event, FormSubmit) and event.values == {"to": "", "reason": ""}


def test_payloads_the_bot_does_not_act_on() -> None:
    assert to_event(_callback({"type": "app_home_opened", "user": "U1", "tab": "home"})) is None
    assert to_event({"type": "view_closed"}) is None


def test_slack_markup_becomes_plain_text() -> None:
    assert plain_text("R&amp;D &lt;b&gt;") == "R&D <b>"
    assert plain_text("tell <#C0123|general> and <@U0456>") == "tell slack:C0123 and slack:U0456"
    assert plain_text("see <https://x.example/a|the doc> or <https://y.example>") == (
        "see the doc or https://y.example"
    )
    assert plain_text("<!channel> now") == "@channel now"


def test_the_locale_becomes_a_language() -> None:
    assert lang_of("zh-CN") == "zh"
    assert lang_of("fr-FR") == "fr"
    assert lang_of("en-US") == "en"
    assert lang_of("de-DE") == "en"
    assert lang_of(None) is None
    assert lang_of("") is None
