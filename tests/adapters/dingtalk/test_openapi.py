"""The DingTalk OpenAPI client against the fake DingTalk, over real sockets: the access
token's life, robot messages to people and groups, session-webhook replies, cards, and
how every refusal is classified for the outbox."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from bot.adapters.dingtalk.failures import (
    CARD_NOT_CREATED,
    CARD_NOT_DELIVERED,
    CARD_NOT_UPDATED,
    INVALID_STAFF_ID,
    THROTTLE_WAIT_S,
    SessionExpired,
)
from bot.adapters.dingtalk.openapi import DingTalkApi
from bot.adapters.dingtalk.robot_message import RobotMessage
from bot.adapters.outcome import RATELIMITED, DeliveryFailed
from tests.fakes.clock import FakeClock
from tests.fakes.dingtalk.openapi import FakeDingTalkApi

GROUP = "cidAbC+12/x=="  # base64-like, as DingTalk's ids are
HELLO = RobotMessage.markdown("Hello", "**hello** there")
GROUP_SEND = "/v1.0/robot/groupMessages/send"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def client(
    fake: FakeDingTalkApi,
    session: aiohttp.ClientSession,
    clock: FakeClock,
    base_url: str | None = None,
    app_secret: str | None = None,
    robot_code: str | None = None,
) -> DingTalkApi:
    return DingTalkApi(
        session,
        base_url=base_url or fake.base_url,
        app_key=fake.app_key,
        app_secret=app_secret or fake.app_secret,
        robot_code=robot_code or fake.robot_code,
        clock=clock,
        timeout=5,
    )


@pytest.fixture
def api(
    fake_dingtalk_api: FakeDingTalkApi, session: aiohttp.ClientSession, clock: FakeClock
) -> DingTalkApi:
    return client(fake_dingtalk_api, session, clock)


async def failure_of(call: object) -> DeliveryFailed:
    assert asyncio.iscoroutine(call)
    with pytest.raises(DeliveryFailed) as raised:
        await call
    return raised.value


# -- the access token --------------------------------------------------------------


async def test_one_token_serves_many_sends(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    for n in range(5):
        await api.send_to_user(f"staff{n}", HELLO)
    await api.send_to_group(GROUP, HELLO)

    assert fake_dingtalk_api.token_fetches == 1
    assert len(fake_dingtalk_api.sent) == 6


async def test_the_token_is_refreshed_before_it_expires(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi, clock: FakeClock
) -> None:
    await api.send_to_user("staff1", HELLO)
    first = await api.access_token()

    clock.advance(timedelta(seconds=fake_dingtalk_api.token_ttl) - timedelta(minutes=10))
    await api.send_to_user("staff1", HELLO)
    assert fake_dingtalk_api.token_fetches == 1  # still far from expiry

    clock.advance(timedelta(minutes=6))  # four minutes left: refreshed
    await api.send_to_user("staff1", HELLO)
    assert fake_dingtalk_api.token_fetches == 2
    assert await api.access_token() != first
    # Every send carried a token the fake considered valid (no 401 at all).
    assert all(call.status == 200 for call in fake_dingtalk_api.calls)


async def test_concurrent_sends_share_one_refresh(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi, clock: FakeClock
) -> None:
    await asyncio.gather(*(api.send_to_user(f"staff{n}", HELLO) for n in range(10)))
    assert fake_dingtalk_api.token_fetches == 1

    clock.advance(timedelta(seconds=fake_dingtalk_api.token_ttl))
    await asyncio.gather(*(api.send_to_user(f"staff{n}", HELLO) for n in range(10)))
    assert fake_dingtalk_api.token_fetches == 2
    assert len(fake_dingtalk_api.sent) == 20


async def test_a_refused_token_is_refreshed_and_the_call_made_once_more(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    await api.send_to_user("staff1", HELLO)
    fake_dingtalk_api.expire_tokens()  # revoked early, unknown to the client

    await api.send_to_group(GROUP, HELLO)

    assert fake_dingtalk_api.token_fetches == 2
    sends = fake_dingtalk_api.calls_to(GROUP_SEND)
    assert [call.status for call in sends] == [401, 200]
    assert [sent.to for sent in fake_dingtalk_api.sent] == ["staff1", GROUP]


async def test_concurrent_refusals_of_one_token_refresh_it_once(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    await api.send_to_user("staff0", HELLO)
    fake_dingtalk_api.expire_tokens()

    await asyncio.gather(*(api.send_to_user(f"staff{n}", HELLO) for n in range(8)))

    assert fake_dingtalk_api.token_fetches == 2
    assert len(fake_dingtalk_api.sent) == 9


async def test_a_token_refused_twice_is_a_transient_failure(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    for _ in range(3):  # refused with the first token and the fresh one (the third: unused)
        fake_dingtalk_api.fail_next(401, "InvalidAuthentication", path=GROUP_SEND)

    failed = await failure_of(api.send_to_group(GROUP, HELLO))

    assert (failed.reason, failed.permanent) == ("InvalidAuthentication", False)
    assert len(fake_dingtalk_api.calls_to(GROUP_SEND)) == 2
    assert fake_dingtalk_api.token_fetches == 2
    assert fake_dingtalk_api.sent_to(GROUP) == []


async def test_wrong_credentials_are_transient_and_named(
    fake_dingtalk_api: FakeDingTalkApi, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    api = client(fake_dingtalk_api, session, clock, app_secret="not-the-secret")

    failed = await failure_of(api.send_to_group(GROUP, HELLO))

    assert (failed.reason, failed.permanent) == ("invalidClientIdOrSecret", False)
    assert fake_dingtalk_api.sent == []


async def test_a_failed_refresh_keeps_using_the_token_that_still_works(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi, clock: FakeClock
) -> None:
    await api.send_to_user("staff1", HELLO)
    clock.advance(timedelta(seconds=fake_dingtalk_api.token_ttl) - timedelta(minutes=2))
    fake_dingtalk_api.fail_next(503, "ServiceUnavailable")  # the refresh fails

    await api.send_to_user("staff1", HELLO)

    assert fake_dingtalk_api.token_fetches == 2
    assert len(fake_dingtalk_api.sent_to("staff1")) == 2


# -- robot messages ---------------------------------------------------------------


async def test_45_people_are_sent_to_in_three_calls_of_at_most_20(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    people = [f"staff{n:02}" for n in range(45)]

    sent = await api.send_to_users([*people, "staff00"], HELLO)  # a repeat is sent once

    calls = fake_dingtalk_api.calls_to("/v1.0/robot/oToMessages/batchSend")
    assert [len(call.body["userIds"]) for call in calls] == [20, 20, 5]
    assert sorted(s.to for s in fake_dingtalk_api.sent) == people
    assert sent.sent == people and sent.failed == {}
    assert len(set(sent.process_query_keys)) == 3
    assert {s.msg_key for s in fake_dingtalk_api.sent} == {"sampleMarkdown"}
    assert fake_dingtalk_api.sent[0].param == {"title": "Hello", "text": "**hello** there"}


async def test_one_person_gets_the_message_in_their_single_chat(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    key = await api.send_to_user("manager+01/x=", HELLO)

    [sent] = fake_dingtalk_api.sent
    assert (sent.to, sent.via, sent.process_query_key) == ("manager+01/x=", "batchSend", key)


async def test_a_group_gets_the_message(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    fake_dingtalk_api.add_group(GROUP)
    card = RobotMessage(
        "sampleActionCard2",
        {
            "title": "Approve?",
            "text": "CRM for alice",
            "actionTitle1": "同意",
            "actionURL1": "dtmd://dingtalkclient/sendMessage?content=approve",
            "actionTitle2": "拒绝",
            "actionURL2": "dtmd://dingtalkclient/sendMessage?content=reject",
        },
    )

    key = await api.send_to_group(GROUP, card)

    [sent] = fake_dingtalk_api.sent_to(GROUP)
    assert (sent.msg_key, sent.param, sent.process_query_key) == (
        "sampleActionCard2",
        card.param,
        key,
    )


async def test_invalid_and_flow_controlled_people_are_told_apart(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    fake_dingtalk_api.invalid_staff("gone")
    fake_dingtalk_api.flow_control("busy")

    sent = await api.send_to_users(["ok1", "gone", "busy", "ok2"], HELLO)

    assert sent.sent == ["ok1", "ok2"]
    assert [s.to for s in fake_dingtalk_api.sent] == ["ok1", "ok2"]
    gone, busy = sent.failed["gone"], sent.failed["busy"]
    assert (gone.reason, gone.permanent) == (INVALID_STAFF_ID, True)
    assert (busy.reason, busy.permanent, busy.retry_after) == (RATELIMITED, False, THROTTLE_WAIT_S)


async def test_one_person_invalid_or_flow_controlled_raises(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    fake_dingtalk_api.invalid_staff("gone")
    fake_dingtalk_api.flow_control("busy")

    gone = await failure_of(api.send_to_user("gone", HELLO))
    busy = await failure_of(api.send_to_user("busy", HELLO))

    assert (gone.reason, gone.permanent) == (INVALID_STAFF_ID, True)
    assert (busy.reason, busy.permanent, busy.retry_after) == (RATELIMITED, False, THROTTLE_WAIT_S)


async def test_qps_throttling_is_ratelimited_with_a_one_second_wait(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    await api.access_token()
    fake_dingtalk_api.throttle(2)

    for send in (api.send_to_group(GROUP, HELLO), api.send_to_user("staff1", HELLO)):
        failed = await failure_of(send)
        assert (failed.reason, failed.permanent, failed.retry_after) == (
            RATELIMITED,
            False,
            THROTTLE_WAIT_S,
        )
    assert fake_dingtalk_api.sent == []
    await api.send_to_group(GROUP, HELLO)  # the throttling is over
    assert len(fake_dingtalk_api.sent) == 1


async def test_a_429_honours_its_retry_after(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    await api.access_token()
    fake_dingtalk_api.fail_next(429, "Throttling", retry_after=7)

    failed = await failure_of(api.send_to_group(GROUP, HELLO))

    assert (failed.reason, failed.permanent, failed.retry_after) == (RATELIMITED, False, 7.0)


async def test_a_throttled_chunk_fails_it_and_the_rest_untried(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    await api.access_token()
    people = [f"staff{n:02}" for n in range(45)]
    fake_dingtalk_api.throttle(1, after=1)  # the second call

    sent = await api.send_to_users(people, HELLO)

    assert sent.sent == people[:20]
    assert sorted(sent.failed) == people[20:]
    assert {why.reason for why in sent.failed.values()} == {RATELIMITED}
    assert len(fake_dingtalk_api.calls_to("/v1.0/robot/oToMessages/batchSend")) == 2


async def test_dingtalk_down_is_transient(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    fake_dingtalk_api.outage()

    failed = await failure_of(api.send_to_group(GROUP, HELLO))

    assert (failed.reason, failed.permanent) == ("ServiceUnavailable", False)
    fake_dingtalk_api.outage_over()
    await api.send_to_group(GROUP, HELLO)
    assert len(fake_dingtalk_api.sent) == 1


async def test_a_5xx_without_a_code_is_named_by_its_status(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    await api.access_token()
    fake_dingtalk_api.fail_next(502, "")

    failed = await failure_of(api.send_to_group(GROUP, HELLO))

    assert (failed.reason, failed.permanent) == ("http_502", False)


async def test_no_answer_is_a_transient_connection_failure(
    fake_dingtalk_api: FakeDingTalkApi, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    api = client(fake_dingtalk_api, session, clock, base_url=f"http://127.0.0.1:{port}")

    failed = await failure_of(api.send_to_group(GROUP, HELLO))

    assert (failed.reason, failed.permanent) == ("connection", False)


async def test_an_unknown_group_is_permanent(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    fake_dingtalk_api.add_group(GROUP)

    failed = await failure_of(api.send_to_group("cidElsewhere==", HELLO))

    assert (failed.reason, failed.permanent) == ("invalid.openConversationId", True)


async def test_a_group_without_the_robot_is_permanent(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    fake_dingtalk_api.add_group(GROUP, robot=False)

    failed = await failure_of(api.send_to_group(GROUP, HELLO))

    assert (failed.reason, failed.permanent) == ("invalidParameter.robotCode.notExsit", True)


async def test_a_wrong_robot_code_is_configuration_so_transient(
    fake_dingtalk_api: FakeDingTalkApi, session: aiohttp.ClientSession, clock: FakeClock
) -> None:
    api = client(fake_dingtalk_api, session, clock, robot_code="dingsomeoneelse")

    failed = await failure_of(api.send_to_group(GROUP, HELLO))
    batch = await api.send_to_users(["a", "b"], HELLO)

    assert (failed.reason, failed.permanent) == ("invalidParameter.robotCode.invalid", False)
    assert {why.reason for why in batch.failed.values()} == {failed.reason}
    assert fake_dingtalk_api.sent == []


async def test_a_message_dingtalk_refuses_is_permanent(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    too_long = RobotMessage.markdown("long", "x" * 20_000)

    failed = await failure_of(api.send_to_group(GROUP, too_long))

    assert (failed.reason, failed.permanent) == ("invalidParameter.msgParam.invalid", True)


# -- session webhooks -----------------------------------------------------------------


async def test_a_reply_goes_through_the_session_webhook(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    webhook = fake_dingtalk_api.session_webhook("staff1")

    await api.reply_by_session(webhook, HELLO)

    [sent] = fake_dingtalk_api.sent
    assert (sent.to, sent.via, sent.msg_key) == ("staff1", "session", "markdown")
    assert sent.param == {"title": "Hello", "text": "**hello** there"}
    assert fake_dingtalk_api.token_fetches == 0  # a webhook carries its own credentials


async def test_action_cards_go_through_the_session_webhook_too(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    webhook = fake_dingtalk_api.session_webhook(GROUP)
    one = RobotMessage(
        "sampleActionCard",
        {"title": "t", "text": "x", "singleTitle": "Open", "singleURL": "https://e.x/1"},
    )
    two = RobotMessage(
        "sampleActionCard6",
        {
            "title": "t",
            "text": "x",
            "buttonTitle1": "同意",
            "buttonUrl1": "dtmd://a",
            "buttonTitle2": "拒绝",
            "buttonUrl2": "dtmd://r",
        },
    )

    await api.reply_by_session(webhook, one)
    await api.reply_by_session(webhook, two)

    first, second = fake_dingtalk_api.sent
    assert first.param["singleURL"] == "https://e.x/1"
    assert second.param["btnOrientation"] == "1"
    assert [b["title"] for b in second.param["btns"]] == ["同意", "拒绝"]


async def test_an_expired_session_webhook_says_so(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    webhook = fake_dingtalk_api.session_webhook("staff1")
    fake_dingtalk_api.expire_session(webhook)

    failed = await failure_of(api.reply_by_session(webhook, HELLO))

    assert isinstance(failed, SessionExpired)
    assert fake_dingtalk_api.sent == []
    await api.send_to_user("staff1", HELLO)  # the fallback the caller takes
    assert [s.via for s in fake_dingtalk_api.sent] == ["batchSend"]


async def test_a_session_webhook_past_its_expiry_time_is_not_even_tried(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi, clock: FakeClock
) -> None:
    webhook = fake_dingtalk_api.session_webhook("staff1")

    with pytest.raises(SessionExpired):
        await api.reply_by_session(webhook, HELLO, expires_at=clock.now())

    assert fake_dingtalk_api.calls == []
    await api.reply_by_session(webhook, HELLO, expires_at=clock.now() + timedelta(minutes=1))
    assert len(fake_dingtalk_api.sent) == 1


async def test_a_throttled_session_webhook_is_ratelimited(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    webhook = fake_dingtalk_api.session_webhook("staff1")
    fake_dingtalk_api.throttle_sessions()

    failed = await failure_of(api.reply_by_session(webhook, HELLO))

    assert not isinstance(failed, SessionExpired)
    assert (failed.reason, failed.permanent, failed.retry_after) == (
        RATELIMITED,
        False,
        THROTTLE_WAIT_S,
    )


# -- interactive cards ------------------------------------------------------------------

CARD = {"title": "CRM for alice", "status": "pending", "requester": "alice"}


async def test_a_card_is_delivered_to_a_group_and_updated_in_place(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    fake_dingtalk_api.add_group(GROUP)

    out_track_id = await api.create_card(
        GROUP,
        template_id="tpl.approval",
        out_track_id="SR-1.it",
        params=CARD,
        callback_type="STREAM",
    )
    await api.update_card(out_track_id, {"status": "approved"})

    card = fake_dingtalk_api.cards["SR-1.it"]
    assert (card.to, card.space_type, card.callback_type, card.template_id) == (
        GROUP,
        "IM_GROUP",
        "STREAM",
        "tpl.approval",
    )
    assert card.params == {**CARD, "status": "approved"}  # only the key given changed
    assert card.updates == [{"status": "approved"}]


async def test_a_card_is_delivered_in_a_single_chat(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    await api.register_card_callback("stopbot.robot", "https://bot.example.com/dingtalk/events")
    await api.create_card(
        "manager01",
        template_id="tpl.approval",
        out_track_id="SR-2.head",
        params=CARD,
        callback_type="HTTP",
        callback_route_key="stopbot.robot",
    )

    card = fake_dingtalk_api.cards["SR-2.head"]
    assert (card.to, card.space_type, card.callback_type) == ("manager01", "IM_ROBOT", "HTTP")
    assert card.callback_route_key == "stopbot.robot"


async def test_a_card_dingtalk_did_not_create_raises(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    fake_dingtalk_api.refuse_cards()

    failed = await failure_of(
        api.create_card(
            GROUP, template_id="tpl", out_track_id="SR-3.it", params=CARD, callback_type="STREAM"
        )
    )

    assert (failed.reason, failed.permanent) == (CARD_NOT_CREATED, False)
    assert fake_dingtalk_api.cards == {}


@pytest.mark.parametrize("robot_in_group", [True, False])
async def test_a_card_not_delivered_raises_permanently(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi, robot_in_group: bool
) -> None:
    fake_dingtalk_api.add_group(GROUP, robot=robot_in_group)
    fake_dingtalk_api.invalid_staff("gone")
    to = "cidNotThere==" if robot_in_group else GROUP
    failures = []

    for where in (to, "gone"):
        failures.append(
            await failure_of(
                api.create_card(
                    where, template_id="tpl", out_track_id="c", params=CARD, callback_type="STREAM"
                )
            )
        )

    assert [(f.reason, f.permanent) for f in failures] == [(CARD_NOT_DELIVERED, True)] * 2
    assert fake_dingtalk_api.cards == {}


async def test_a_card_update_dingtalk_refused_raises(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    await api.create_card(
        GROUP, template_id="tpl", out_track_id="SR-4.it", params=CARD, callback_type="STREAM"
    )
    fake_dingtalk_api.refuse_card_updates()

    refused = await failure_of(api.update_card("SR-4.it", {"status": "approved"}))
    unknown = await failure_of(api.update_card("SR-404.it", {"status": "approved"}))

    assert (refused.reason, refused.permanent) == (CARD_NOT_UPDATED, False)
    assert (unknown.reason, unknown.permanent) == ("param.invalid", True)
    assert fake_dingtalk_api.cards["SR-4.it"].params == CARD


async def test_the_card_callback_url_is_registered_replacing_the_last_one(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    await api.register_card_callback("stopbot.robot", "https://old.example/dingtalk/events")
    await api.register_card_callback(
        "stopbot.robot", "https://bot.example.com/dingtalk/events", api_secret="app-secret"
    )

    route = fake_dingtalk_api.callback_routes["stopbot.robot"]
    assert route.url == "https://bot.example.com/dingtalk/events"
    assert route.api_secret == "app-secret"
    body = fake_dingtalk_api.calls_to("/v1.0/card/callbacks/register")[-1].body
    assert body["forceUpdate"] is True


async def test_a_callback_registration_dingtalk_refused_raises(
    api: DingTalkApi, fake_dingtalk_api: FakeDingTalkApi
) -> None:
    failed = await failure_of(api.register_card_callback("stopbot.robot", "not a url"))
    assert failed.reason == "param.callbackUrlInvalid"
    assert fake_dingtalk_api.callback_routes == {}
