"""Odd but possible things from Slack: a modal whose private metadata is not ours, a
user-group mention, and form errors that reach the user by DM after their modal
closed. Each gets a clear answer and nothing is shown mangled."""

from __future__ import annotations

import json

from bot.adapters.slack.inbound import plain_text
from handlers.events import FormErrors
from tests.fakes.slack import requests as sr
from tests.fakes.slack.rig import Rig, file_crm


def test_a_user_group_mention_keeps_one_at_sign() -> None:
    assert plain_text("ask <!subteam^S1|@admins> and <!here>") == "ask @admins and @here"


async def test_a_modal_with_metadata_that_is_not_ours_is_refused_as_stale(rig: Rig) -> None:
    rid = await file_crm(rig)
    values = {"reason": {"value": {"type": "plain_text_input", "value": "no"}}}
    for metadata in ("not json", "[1, 2]", "null", '{"form": 3}'):
        body = sr.view_submission("UHEAD", "form:reject", metadata, values)
        status, text = await rig.send(body)
        assert status == 200, metadata
        assert json.loads(text)["response_action"] == "errors", metadata
    req = await rig.store.requests.get(rid)
    assert req is not None and req.status == "pending"


async def test_late_form_errors_are_escaped_once(rig: Rig) -> None:
    await rig.server.app.deliver(
        [FormErrors(to="slack:UHEAD", errors={"reason": "use <reason> & say why"})]
    )
    call = await rig.call_where("chat.postMessage", lambda c: "say why" in c.params["text"])
    shown = json.dumps(call.params["blocks"])
    assert "&lt;reason&gt; &amp; say why" in shown
    assert "&amp;lt;" not in shown and "&amp;amp;" not in shown
