"""Answers to the person who wrote, on DingTalk: a throttle is waited out (never
dropped), a session webhook is used only when it is DingTalk's, and a form asked line by
line never keeps taking someone's messages once no answer could succeed."""

from __future__ import annotations

import pytest

from handlers import card_keys
from tests.adapters.dingtalk.flow import file_request
from tests.fakes.dingtalk.gateway import until
from tests.fakes.dingtalk.rig import DingTalkRig, text_of


class Waits:
    """Stands in for asyncio.sleep: what the adapter waited, without waiting."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def _waits(dt: DingTalkRig) -> Waits:
    waits = Waits()
    dt.app.adapters["dingtalk"].sleep = waits  # type: ignore[attr-defined]
    return waits


async def test_a_throttled_webhook_answer_goes_by_the_openapi(dt: DingTalkRig) -> None:
    dt.api.throttle_sessions(calls=1)  # the session webhook answers errcode 130101
    since = dt.mark()
    await dt.say("emp01", "注销账号")
    answer = await dt.wait_sent("emp01", "你要停用什么", since)
    assert answer.via == "batchSend"


async def test_a_throttled_answer_is_tried_again_after_the_wait_not_dropped(
    dt: DingTalkRig,
) -> None:
    waits = _waits(dt)
    dt.api.throttle_sessions(calls=1)
    dt.api.throttle(calls=1)  # ...and the OpenAPI once too: 403 QpsLimit
    since = dt.mark()
    await dt.say("emp01", "注销账号")
    answer = await dt.wait_sent("emp01", "你要停用什么", since)
    assert answer.via in ("session", "batchSend")
    assert waits.seconds == [1.0]


async def test_an_answer_throttled_every_time_is_given_up_after_three_tries(
    dt: DingTalkRig, caplog: pytest.LogCaptureFixture
) -> None:
    waits = _waits(dt)
    dt.api.throttle_sessions(calls=10)
    dt.api.throttle(calls=10)
    await dt.say("emp01", "注销账号")
    # Three tries, two waits; then the app logs it (an answer is not kept in the outbox).
    await until(
        lambda: any(r.getMessage() == "delivery failed" for r in caplog.records),
        "the answer was not given up",
    )
    assert waits.seconds == [1.0, 1.0]
    assert dt.api.sent == []


async def test_a_session_webhook_that_is_not_dingtalks_is_never_posted_to(
    dt: DingTalkRig,
) -> None:
    payload = dt.message("注销账号", "emp01")
    payload["sessionWebhook"] = "https://attacker.example/robot/sendBySession?session=x"
    since = dt.mark()
    await dt.deliver_message(payload)
    answer = await dt.wait_sent("emp01", "你要停用什么", since)
    assert answer.via == "batchSend"  # the OpenAPI, to the sender's own single chat


async def test_a_reason_asked_for_a_stage_decided_meanwhile_frees_the_chat(
    dt: DingTalkRig,
) -> None:
    rid = await file_request(dt)
    since = dt.mark()
    await dt.click(card_keys.stage_card(rid, 0), "reject", "manager01")
    await dt.wait_sent("manager01", rid, since)  # the reason is asked
    since = dt.mark()
    await dt.say("emp01", f"注销账号 withdraw {rid}")  # the requester withdraws meanwhile
    await dt.wait_sent("emp01", rid, since)
    since = dt.mark()
    await dt.say("manager01", "不需要了")
    refused = await dt.wait_sent("manager01", since=since)
    assert "✖" in text_of(refused)
    # No other answer could succeed: the form is closed, not asked again, and the next
    # message is an ordinary one (an FAQ question here), not taken as a reason.
    assert await dt.app.store.dingtalk_forms.get("dingtalk:manager01") is None
    since = dt.mark()
    await dt.say("manager01", "怎么备份我的数据？")
    answer = await dt.wait_sent("manager01", since=since)
    assert "✖" not in text_of(answer)


async def test_a_refused_typed_decision_leaves_the_open_form_alone(dt: DingTalkRig) -> None:
    rid = await file_request(dt)
    since = dt.mark()
    await dt.click(card_keys.stage_card(rid, 0), "delegate", "manager01")
    await dt.wait_sent("manager01", rid, since)  # asks whom to delegate to
    since = dt.mark()
    await dt.say("manager01", "dingtalk:it01")  # ...answered; now the reason is asked
    await dt.wait_sent("manager01", "原因", since)
    before = await dt.app.store.dingtalk_forms.get("dingtalk:manager01")
    assert before is not None and before.values == {"to": "dingtalk:it01"}
    since = dt.mark()
    await dt.say("manager01", "拒绝 SR-ZZZZZZZZ 没用了")  # no such request: refused
    await dt.wait_sent("manager01", "✖", since)
    after = await dt.app.store.dingtalk_forms.get("dingtalk:manager01")
    assert after is not None and after.values == {"to": "dingtalk:it01"}
