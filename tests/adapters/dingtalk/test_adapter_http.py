"""The whole bot in DingTalk's HTTP callback mode (DINGTALK_MODE=http): signed requests
to the route `serve` mounts, on a real local server. A forged, unsigned or stale
request is refused with 401 and changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.dingtalk import card_data, signature, wire
from bot.app import App
from bot.config import Settings
from bot.faq.live_kb import LiveKnowledgeBase
from bot.platforms import PlatformRefused
from bot.server import start_server
from bot.storage.store import Store
from handlers import card_keys
from tests.adapters.dingtalk.flow import file_request
from tests.fakes.clock import FakeClock
from tests.fakes.dingtalk.gateway import CLIENT_ID, CLIENT_SECRET, until
from tests.fakes.dingtalk.openapi import FakeDingTalkApi
from tests.fakes.dingtalk.payloads import card_callback
from tests.fakes.dingtalk.rig import (
    CARD_CALLBACK_URL,
    TEMPLATE,
    DingTalkRig,
    dingtalk_policy,
    running_rig,
)

REGISTER = "/v1.0/card/callbacks/register"


@pytest.fixture
async def http(
    dt_store: Store, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> AsyncIterator[DingTalkRig]:
    async with running_rig(dt_store, clock, live_kb, mode="http") as rig:
        yield rig


async def test_a_signed_message_is_acted_on_and_no_stream_is_opened(http: DingTalkRig) -> None:
    await http.say("emp01", "注销账号")
    await http.wait_sent("emp01", "你要停用什么")
    assert http.gateway.opens == []


def _ms(rig: DingTalkRig, ago: timedelta) -> str:
    return str(int((rig.clock.now() - ago).timestamp() * 1000))


@pytest.mark.parametrize(
    "why",
    ["forged", "another secret", "no sign", "no timestamp", "stale", "ahead", "no headers"],
)
async def test_a_request_not_signed_by_dingtalk_is_refused_and_changes_nothing(
    http: DingTalkRig, why: str
) -> None:
    now = _ms(http, timedelta(0))
    headers = {
        "forged": {"timestamp": now, "sign": "bm90IGEgc2lnbmF0dXJl"},
        "another secret": {"timestamp": now, "sign": signature.sign(now, "other-secret")},
        "no sign": {"timestamp": now},
        "no timestamp": {"sign": signature.sign(now, CLIENT_SECRET)},
        "no headers": {},
    }
    payload = http.message("注销账号", "emp01")
    if why in ("stale", "ahead"):
        when = _ms(http, timedelta(hours=1, minutes=1) * (1 if why == "stale" else -1))
        status, _ = await http.post(payload, timestamp=when)
    else:
        status, _ = await http.post(payload, headers=headers[why])
    assert status == 401
    # Signed properly, the same message is then acted on (it was not marked as seen).
    await http.deliver_message(payload)
    await http.wait_sent("emp01", "你要停用什么")
    assert len(http.api.sent) == 1


async def test_a_card_click_over_http_is_answered_at_once_and_the_card_rewritten(
    http: DingTalkRig,
) -> None:
    rid = await file_request(http)
    track = card_keys.stage_card(rid, 0)
    head = http.api.cards[track]
    assert head.callback_type == "HTTP"
    # Created for the route `serve` registered at start: DingTalk sends its clicks there.
    assert head.callback_route_key == wire.callback_route_key(CLIENT_ID)
    since = http.mark()
    payload = card_callback(track, "approve", clicker="manager01")
    await http.deliver_card_callback(payload)  # 200 {}: no card data in the answer
    await http.wait_sent("emp01", rid, since)
    await until(lambda: head.params[card_data.STATUS] == card_data.CLOSED, "card not rewritten")
    # DingTalk sends the same callback again: it is not acted on twice.
    await http.deliver_card_callback(payload)
    since = http.mark()
    await http.say("emp01", "注销账号 status")
    await http.wait_sent("emp01", rid, since)
    assert http.api.sent_to("manager01") == []
    assert len(head.updates) == 1


async def test_serve_registers_the_card_callback_url_once_at_start(http: DingTalkRig) -> None:
    registered = http.api.calls_to(REGISTER)
    assert [(c.status, c.body["callbackUrl"]) for c in registered] == [(200, CARD_CALLBACK_URL)]
    key = registered[0].body["callbackRouteKey"]
    assert key == wire.callback_route_key(CLIENT_ID)
    # Signed as every callback to POST /dingtalk/events is: with the app secret.
    assert http.api.callback_routes[key].api_secret == CLIENT_SECRET


async def test_serve_does_not_start_when_dingtalk_refuses_the_card_callback_url(
    dt_store: Store, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> None:
    api = FakeDingTalkApi(
        app_key=CLIENT_ID, app_secret=CLIENT_SECRET, robot_code=CLIENT_ID, clock=clock.now
    )
    base_url = await api.start()
    api.fail_next(403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", path=REGISTER)
    env = {
        "DINGTALK_CLIENT_ID": CLIENT_ID,
        "DINGTALK_CLIENT_SECRET": CLIENT_SECRET,
        "DINGTALK_API_URL": base_url,
        "DINGTALK_MODE": "http",
        "DINGTALK_CARD_TEMPLATE_ID": TEMPLATE,
        "DINGTALK_CARD_CALLBACK_URL": CARD_CALLBACK_URL,
        "HOST": "127.0.0.1",
        "PORT": "0",
    }
    settings = Settings.load(env, dotenv=Path("/nonexistent"))
    app = await App.build(
        settings, store=dt_store, clock=clock, policy=dingtalk_policy(), faq=live_kb
    )
    try:
        with pytest.raises(PlatformRefused, match="DINGTALK_CARD_CALLBACK_URL"):
            await start_server(app, settings)
    finally:
        await api.stop()
    assert api.callback_routes == {} and api.cards == {}
