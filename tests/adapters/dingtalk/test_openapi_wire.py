"""What the OpenAPI client sends and concludes without a server: robot messages in
both forms, DingTalk's ids, and the classification of refusals the fake never gives."""

from __future__ import annotations

import json

import pytest

from bot.adapters.dingtalk.failures import (
    THROTTLE_WAIT_S,
    SessionExpired,
    api_failure,
    session_failure,
)
from bot.adapters.dingtalk.ids import is_group, open_space_id
from bot.adapters.dingtalk.robot_message import RobotMessage
from bot.adapters.outcome import RATELIMITED


def test_groups_are_told_from_people_by_their_cid_prefix() -> None:
    assert is_group("cidAbC+12/x==")
    assert not is_group("manager+01/cid=")
    assert open_space_id("cidAbC+12/x==") == "dtv1.card//IM_GROUP.cidAbC+12/x=="
    assert open_space_id("manager01") == "dtv1.card//IM_ROBOT.manager01"


def test_a_message_without_its_template_fields_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="sampleActionCard3 needs actionTitle3, actionURL3"):
        RobotMessage(
            "sampleActionCard3",
            {"title": "t", "text": "x", "actionTitle1": "a", "actionURL1": "u"}
            | {"actionTitle2": "b", "actionURL2": "v"},
        )
    with pytest.raises(ValueError, match="unknown DingTalk msgKey 'markdown'"):
        RobotMessage("markdown", {"title": "t", "text": "x"})


def test_msg_param_is_a_json_string_keeping_chinese_readable() -> None:
    message = RobotMessage.markdown("审批", "同意 **CRM**")

    assert json.loads(message.msg_param()) == {"title": "审批", "text": "同意 **CRM**"}
    assert "审批" in message.msg_param()


def test_vertical_buttons_become_a_session_action_card() -> None:
    message = RobotMessage(
        "sampleActionCard3",
        {"title": "t", "text": "x"}
        | {f"actionTitle{n}": f"b{n}" for n in (1, 2, 3)}
        | {f"actionURL{n}": f"dtmd://{n}" for n in (1, 2, 3)},
    )

    assert message.webhook_body() == {
        "msgtype": "actionCard",
        "actionCard": {
            "title": "t",
            "text": "x",
            "btnOrientation": "0",
            "btns": [{"title": f"b{n}", "actionURL": f"dtmd://{n}"} for n in (1, 2, 3)],
        },
    }


def test_text_becomes_a_session_text() -> None:
    assert RobotMessage("sampleText", {"content": "hi"}).webhook_body() == {
        "msgtype": "text",
        "text": {"content": "hi"},
    }


@pytest.mark.parametrize(
    ("status", "code", "permanent"),
    [
        (403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", False),  # a scope
        (403, "Forbidden.AccessDenied.IpNotInWhiteList", False),
        (400, "invalidParameter.robotCode.auth", False),  # the robot of another app
        (400, "invalidParameter.cardTemplate.notFound", False),
        (400, "invalidParameter.robotCode.notExsit", True),  # not in that group
        (400, "bot.stopped", True),
        (400, "chatbotNotInstall", True),
        (400, "param.userIdNotExist", True),
        (400, "someNewCode", False),  # unknown: retried, like Slack's
        (500, "invalidParameter.whatever", False),  # DingTalk's own fault
    ],
)
def test_refusals_are_permanent_only_for_the_destination_or_the_message(
    status: int, code: str, permanent: bool
) -> None:
    failed = api_failure(status, {"code": code, "message": "m"})

    assert (failed.reason, failed.permanent) == (code, permanent)


def test_every_qps_limit_is_throttling() -> None:
    for code in (
        "Forbidden.AccessDenied.QpsLimitForApi",
        "Forbidden.AccessDenied.QpsLimitForAppkey",
    ):
        failed = api_failure(403, {"code": code})
        assert (failed.reason, failed.retry_after) == (RATELIMITED, THROTTLE_WAIT_S)


def test_an_answer_that_is_not_json_is_named_by_its_status() -> None:
    failed = api_failure(404, None)
    assert (failed.reason, failed.permanent) == ("http_404", False)


def test_session_webhook_errcodes() -> None:
    assert isinstance(session_failure(300001), SessionExpired)
    assert session_failure(130101).reason == RATELIMITED
    unknown = session_failure(310000)
    assert (unknown.reason, unknown.permanent) == ("sessionWebhook.310000", False)
    malformed = session_failure(40035)
    assert (malformed.reason, malformed.permanent) == ("sessionWebhook.40035", True)
