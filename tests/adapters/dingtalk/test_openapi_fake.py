"""The fake DingTalk OpenAPI refuses what DingTalk refuses, so that the client's passing
tests prove it sends the right shape. Raw requests, over real sockets."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.dingtalk.openapi import FakeDingTalkApi

BATCH = "/v1.0/robot/oToMessages/batchSend"
GROUP_SEND = "/v1.0/robot/groupMessages/send"
CARD = "/v1.0/card/instances/createAndDeliver"
REGISTER = "/v1.0/card/callbacks/register"
MARKDOWN = json.dumps({"title": "t", "text": "x"})


class Raw:
    """Requests to the fake as anyone could send them."""

    def __init__(self, fake: FakeDingTalkApi, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.session = session
        self.token = ""

    async def login(self) -> None:
        _, answer = await self.call(
            "POST",
            "/v1.0/oauth2/accessToken",
            {"appKey": self.fake.app_key, "appSecret": self.fake.app_secret},
        )
        self.token = answer["accessToken"]

    async def call(
        self, method: str, path: str, body: Any, token: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        url = path if "://" in path else f"{self.fake.base_url}{path}"
        headers = {"x-acs-dingtalk-access-token": self.token if token is None else token}
        async with self.session.request(method, url, json=body, headers=headers) as response:
            return response.status, await response.json()

    async def refused(self, method: str, path: str, body: Any) -> str:
        """The error code of a call the fake must refuse with 400."""
        status, answer = await self.call(method, path, body)
        assert status == 400, answer
        assert set(answer) == {"code", "message", "requestid"}
        return str(answer["code"])


@pytest.fixture
async def raw(fake_dingtalk_api: FakeDingTalkApi) -> AsyncIterator[Raw]:
    async with aiohttp.ClientSession() as session:
        raw = Raw(fake_dingtalk_api, session)
        await raw.login()
        yield raw


def batch(raw: Raw, **overrides: Any) -> dict[str, Any]:
    body = {
        "robotCode": raw.fake.robot_code,
        "userIds": ["staff1"],
        "msgKey": "sampleMarkdown",
        "msgParam": MARKDOWN,
    }
    return {**body, **overrides}


def card(raw: Raw, **overrides: Any) -> dict[str, Any]:
    body = {
        "cardTemplateId": "tpl",
        "outTrackId": "c1",
        "callbackType": "STREAM",
        "cardData": {"cardParamMap": {"title": "t"}},
        "openSpaceId": "dtv1.card//IM_GROUP.cidG1==",
        "imGroupOpenSpaceModel": {"supportForward": True},
        "imGroupOpenDeliverModel": {"robotCode": raw.fake.robot_code},
        "userIdType": 1,
    }
    return {**body, **overrides}


async def test_a_well_formed_send_is_accepted(raw: Raw) -> None:
    status, answer = await raw.call("POST", BATCH, batch(raw))

    assert status == 200 and answer["processQueryKey"]
    assert [s.to for s in raw.fake.sent] == ["staff1"]


@pytest.mark.parametrize("token", ["", "made-up"])
async def test_a_call_without_an_issued_token_is_unauthenticated(raw: Raw, token: str) -> None:
    status, answer = await raw.call("POST", BATCH, batch(raw), token=token)

    assert (status, answer["code"]) == (401, "InvalidAuthentication")
    assert raw.fake.sent == []


async def test_wrong_credentials_get_no_token(raw: Raw) -> None:
    status, answer = await raw.call(
        "POST", "/v1.0/oauth2/accessToken", {"appKey": raw.fake.app_key, "appSecret": "no"}
    )

    assert (status, answer["code"]) == (400, "invalidClientIdOrSecret")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"robotCode": "dingother"}, "invalidParameter.robotCode.invalid"),
        ({"robotCode": ""}, "invalidParameter.robotCode.empty"),
        ({"userIds": []}, "invalidParameter.userIds.empty"),
        ({"userIds": [f"s{n}" for n in range(21)]}, "invalidParameter.userIds.overMax"),
        ({"msgKey": "markdown"}, "invalidParameter.msgKey.invalid"),
        ({"msgParam": {"title": "t", "text": "x"}}, "invalidParameter.msgParam.invalid"),
        ({"msgParam": "{not json"}, "invalidParameter.msgParam.invalid"),
        ({"msgParam": json.dumps({"title": "t"})}, "invalidParameter.msgParam.invalid"),
        (
            {"msgKey": "sampleActionCard2", "msgParam": MARKDOWN},
            "invalidParameter.msgParam.invalid",
        ),
    ],
)
async def test_a_malformed_single_chat_send_is_refused(
    raw: Raw, overrides: dict[str, Any], code: str
) -> None:
    assert await raw.refused("POST", BATCH, batch(raw, **overrides)) == code
    assert raw.fake.sent == []


async def test_a_group_send_needs_a_group_id(raw: Raw) -> None:
    body = {"robotCode": raw.fake.robot_code, "msgKey": "sampleMarkdown", "msgParam": MARKDOWN}

    not_a_group = await raw.refused("POST", GROUP_SEND, {**body, "openConversationId": "staff1"})

    assert not_a_group == "invalid.openConversationId"
    assert raw.fake.sent == []


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"cardTemplateId": ""}, "param.cardTemplateIdEmpty"),
        ({"outTrackId": ""}, "param.outTrackIdEmpty"),
        ({"callbackType": "WEBSOCKET"}, "param.invalid"),
        ({"cardData": {"cardParamMap": {"count": 3}}}, "param.invalid"),
        ({"cardData": {}}, "param.cardPublicDataEmpty"),
        ({"openSpaceId": "cidG1=="}, "param.openSpaceModelInvalid"),
        ({"openSpaceId": "dtv1.card//IM_ROBOT.staff1"}, "param.openSpaceModelInvalid"),
        (
            {"imGroupOpenDeliverModel": {"robotCode": "dingother"}},
            "invalidParameter.robotCode.invalid",
        ),
        ({"imGroupOpenSpaceModel": None}, "param.openSpaceModelInvalid"),
        ({"userIdType": 2}, "param.invalid"),
    ],
)
async def test_a_malformed_card_is_refused(raw: Raw, overrides: dict[str, Any], code: str) -> None:
    assert await raw.refused("POST", CARD, card(raw, **overrides)) == code
    assert raw.fake.cards == {}


async def test_a_card_update_needs_string_values(raw: Raw) -> None:
    status, _ = await raw.call("POST", CARD, card(raw))
    assert status == 200

    code = await raw.refused(
        "PUT", "/v1.0/card/instances", {"outTrackId": "c1", "cardData": {"cardParamMap": {"n": 1}}}
    )

    assert code == "param.invalid"
    assert raw.fake.cards["c1"].params == {"title": "t"}


@pytest.mark.parametrize(
    "body",
    [
        {"msgtype": "markdown", "markdown": {"title": "t"}},
        {"msgtype": "sampleMarkdown", "markdown": {"title": "t", "text": "x"}},
        {"msgtype": "actionCard", "actionCard": {"title": "t", "text": "x"}},
        {"msgtype": "actionCard", "actionCard": {"title": "t", "text": "x", "btns": [{}]}},
    ],
)
async def test_a_malformed_session_reply_is_refused(raw: Raw, body: dict[str, Any]) -> None:
    webhook = raw.fake.session_webhook("staff1")

    status, answer = await raw.call("POST", webhook, body)

    assert (status, answer["errcode"]) == (200, 40035)
    assert raw.fake.sent == []


async def test_an_unknown_session_webhook_is_expired(raw: Raw) -> None:
    status, answer = await raw.call(
        "POST",
        f"{raw.fake.base_url}/robot/sendBySession?session=nope",
        {"msgtype": "text", "text": {"content": "hi"}},
    )

    assert (status, answer["errcode"]) == (200, 300001)


async def test_an_http_card_needs_a_registered_callback_route(raw: Raw) -> None:
    http = {"callbackType": "HTTP", "callbackRouteKey": "bot.routes"}
    assert await raw.refused("POST", CARD, card(raw, **http)) == "param.callbackRouteKeyInvalid"
    assert await raw.refused("POST", CARD, card(raw, callbackType="HTTP")) == (
        "param.callbackRouteKeyInvalid"
    )
    url = "https://bot.example.com/dingtalk/events"
    status, answer = await raw.call(
        "POST", REGISTER, {"callbackRouteKey": "bot.routes", "callbackUrl": url}
    )
    assert (status, answer["success"], answer["result"]["callbackUrl"]) == (200, True, url)
    status, _ = await raw.call("POST", CARD, card(raw, **http))
    assert status == 200
    assert raw.fake.cards["c1"].callback_route_key == "bot.routes"


async def test_a_callback_route_is_replaced_only_when_forced(raw: Raw) -> None:
    first = {"callbackRouteKey": "k", "callbackUrl": "https://a.example/cb", "apiSecret": "s"}
    assert (await raw.call("POST", REGISTER, first))[0] == 200
    again = {**first, "callbackUrl": "https://b.example/cb"}
    assert await raw.refused("POST", REGISTER, again) == "param.callbackRouteKeyExists"
    assert (await raw.call("POST", REGISTER, {**again, "forceUpdate": True}))[0] == 200
    assert raw.fake.callback_routes["k"].url == "https://b.example/cb"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"callbackUrl": "https://a.example/cb"}, "param.callbackRouteKeyEmpty"),
        ({"callbackRouteKey": "k", "callbackUrl": "a.example/cb"}, "param.callbackUrlInvalid"),
        ({"callbackRouteKey": "k"}, "param.callbackUrlInvalid"),
    ],
)
async def test_a_malformed_callback_registration_is_refused(
    raw: Raw, body: dict[str, Any], code: str
) -> None:
    assert await raw.refused("POST", REGISTER, body) == code
    assert raw.fake.callback_routes == {}
