"""The fake Slack Web API, driven by the real slack_sdk client, and the signed request
builders, checked against slack_sdk's verifier and a real Bolt app."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond, AsyncSay
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.clock import FakeClock
from tests.fakes.slack import requests as sr
from tests.fakes.slack.api import FakeSlack

TOKEN = "xoxb-test-token"
SECRET = "shh-signing-secret"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack(token=TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=fake.base_url)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(action_id: str, label: str = "Go", value: str = "v") -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
    }


def modal(**overrides: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "stop-modal",
        "title": {"type": "plain_text", "text": "Stop an account"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "blocks": [
            {
                "type": "input",
                "block_id": "reason",
                "label": {"type": "plain_text", "text": "Reason"},
                "element": {"type": "plain_text_input", "action_id": "reason#input"},
            }
        ],
    }
    view.update(overrides)
    return view


async def slack_error(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as failure:
        await call
    data: dict[str, Any] = failure.value.response.data
    return data


# -- the Web API -------------------------------------------------------------------------


async def test_base_url_and_auth_test(fake: FakeSlack, client: AsyncWebClient) -> None:
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.base_url.endswith("/api/")
    res = await client.auth_test()
    assert (res["user_id"], res["team_id"], res["bot_id"]) == ("UBOT", "T0TEST", "B0BOT")
    assert fake.calls[0].method == "auth.test"
    assert fake.calls[0].token == TOKEN


async def test_post_message_then_update_round_trip(fake: FakeSlack, client: AsyncWebClient) -> None:
    blocks = [section("Stop *CRM*?"), {"type": "actions", "elements": [button("ok#0")]}]
    posted = await client.chat_postMessage(channel="C1", text="Stop CRM?", blocks=blocks)
    second = await client.chat_postMessage(channel="C1", text="another")
    assert posted["channel"] == "C1"
    assert float(second["ts"]) > float(posted["ts"])
    assert posted["message"]["blocks"] == blocks

    call = fake.calls_to("chat.postMessage")[0]
    assert call.params["blocks"] == blocks  # decoded, not a JSON string
    assert call.params["channel"] == "C1"

    done = [section("Stopped *CRM*")]
    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="Done", blocks=done)
    assert updated["ts"] == posted["ts"]
    latest = fake.message("C1", posted["ts"])
    assert (latest["text"], latest["blocks"]) == ("Done", done)
    # Left out, the blocks are kept, as on Slack.
    await client.chat_update(channel="C1", ts=posted["ts"], text="Done!")
    assert fake.message("C1", posted["ts"])["blocks"] == done
    assert fake.messages[("C1", second["ts"])]["text"] == "another"


async def test_form_encoded_blocks_arrive_decoded(fake: FakeSlack, client: AsyncWebClient) -> None:
    blocks = [section("form")]
    res = await client.api_call(
        "chat.postMessage", data={"channel": "C9", "text": "t", "blocks": json.dumps(blocks)}
    )
    assert res["ok"]
    assert fake.calls_to("chat.postMessage")[0].params["blocks"] == blocks
    assert fake.message("C9", res["ts"])["blocks"] == blocks
    broken = await slack_error(
        client.api_call("chat.postMessage", data={"channel": "C9", "blocks": "[{"})
    )
    assert broken["error"] == "invalid_blocks_format"


async def test_form_token_is_accepted(fake: FakeSlack) -> None:
    anonymous = AsyncWebClient(base_url=fake.base_url)
    res = await anonymous.api_call("auth.test", data={"token": TOKEN})
    assert res["ok"]
    assert fake.calls[-1].token == TOKEN
    assert "token" not in fake.calls[-1].params


async def test_post_to_a_user_lands_in_their_dm(fake: FakeSlack, client: AsyncWebClient) -> None:
    res = await client.chat_postMessage(channel="U7", text="hi")
    opened = await client.conversations_open(users="U7")
    assert res["channel"] == opened["channel"]["id"] == "DU7"
    assert fake.message("U7", res["ts"])["text"] == "hi"


@pytest.mark.parametrize("token", ["xoxb-wrong", None])
async def test_bad_token_is_invalid_auth(fake: FakeSlack, token: str | None) -> None:
    bad = AsyncWebClient(token=token, base_url=fake.base_url)
    assert (await slack_error(bad.chat_postMessage(channel="C1", text="x")))[
        "error"
    ] == "invalid_auth"
    assert fake.calls_to("chat.postMessage")[0].token == (token or "")
    assert not fake.messages


async def test_unknown_method(fake: FakeSlack, client: AsyncWebClient) -> None:
    assert (await slack_error(client.api_call("chat.nope")))["error"] == "unknown_method"
    assert fake.calls[0].method == "chat.nope"


async def test_message_needs_channel_and_content(fake: FakeSlack, client: AsyncWebClient) -> None:
    no_channel = await slack_error(client.api_call("chat.postMessage", json={"text": "x"}))
    assert no_channel["error"] == "channel_not_found"
    with pytest.warns(UserWarning):  # slack_sdk warns about the missing text too
        no_text = await slack_error(client.chat_postMessage(channel="C1"))
    assert no_text["error"] == "no_text"
    assert len(fake.calls) == 2


def _actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


@pytest.mark.parametrize(
    ("blocks", "complaint"),
    [
        ([_actions(button("a"), button("a"))], "duplicate action_id: a"),
        ([section(f"{i}") for i in range(51)], "no more than 50 items allowed"),
        ([{"type": "table"}], "unsupported type"),
        ([section("x" * 3001)], "must be less than 3001 characters"),
        ([section("")], "must be more than 0 characters"),
        (
            [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
            "must be less than 151 characters",
        ),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}], "plain_text"),
        ([_actions(button("x" * 256))], "1 to 255 characters"),
        ([_actions(button("a", label="b" * 76))], "must be less than 76 characters"),
        ([section("a") | {"block_id": "s"}, section("b") | {"block_id": "s"}], "duplicate"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "10 items"),
    ],
)
async def test_block_kit_limits(
    fake: FakeSlack, client: AsyncWebClient, blocks: list[dict[str, Any]], complaint: str
) -> None:
    data = await slack_error(client.chat_postMessage(channel="C1", text="t", blocks=blocks))
    assert data["error"] == "invalid_blocks"
    messages = data["response_metadata"]["messages"]
    assert any(complaint in m for m in messages), messages
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert not fake.messages


async def test_update_checks_blocks_and_ts(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="t")
    missing = await slack_error(client.chat_update(channel="C1", ts="1.000001", text="x"))
    assert missing["error"] == "message_not_found"
    other_channel = await slack_error(client.chat_update(channel="C2", ts=posted["ts"], text="x"))
    assert other_channel["error"] == "message_not_found"
    dup = [_actions(button("a"), button("a"))]
    bad = await slack_error(
        client.chat_update(channel="C1", ts=posted["ts"], text="t2", blocks=dup)
    )
    assert bad["error"] == "invalid_blocks"
    assert fake.message("C1", posted["ts"])["text"] == "t"


async def test_post_ephemeral(fake: FakeSlack, client: AsyncWebClient) -> None:
    res = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert res["message_ts"]
    assert fake.ephemerals[0]["user"] == "U1"
    no_user = await slack_error(
        client.api_call("chat.postEphemeral", json={"channel": "C1", "text": "x"})
    )
    assert no_user["error"] == "user_not_found"


async def test_views_open(fake: FakeSlack, client: AsyncWebClient) -> None:
    res = await client.views_open(trigger_id="trig-1", view=modal(private_metadata="m"))
    view = res["view"]
    assert view["id"].startswith("V")
    assert (view["callback_id"], view["private_metadata"]) == ("stop-modal", "m")
    assert fake.views[view["id"]]["type"] == "modal"
    assert fake.calls_to("views.open")[0].params["view"]["callback_id"] == "stop-modal"


@pytest.mark.parametrize(
    ("trigger_id", "view", "complaint"),
    [
        ("", modal(), "/trigger_id"),
        ("t", modal(type="home"), "/view/type"),
        ("t", modal(title={"type": "plain_text", "text": "x" * 25}), "/view/title"),
        ("t", modal(title={"type": "mrkdwn", "text": "x"}), "/view/title"),
        ("t", {k: v for k, v in modal().items() if k != "submit"}, "/view/submit"),
        ("t", {k: v for k, v in modal().items() if k != "callback_id"}, "/view/callback_id"),
        ("t", modal(blocks=[section("s")] * 101), "no more than 100 items"),
        ("t", modal(blocks=[_actions(button("a"), button("a"))]), "duplicate action_id"),
    ],
)
async def test_views_open_checks(
    client: AsyncWebClient, trigger_id: str, view: dict[str, Any], complaint: str
) -> None:
    data = await slack_error(client.views_open(trigger_id=trigger_id, view=view))
    assert data["error"] == "invalid_arguments"
    assert any(complaint in m for m in data["response_metadata"]["messages"]), data


async def test_views_publish(fake: FakeSlack, client: AsyncWebClient) -> None:
    home = {"type": "home", "blocks": [section("Your requests")]}
    first = await client.views_publish(user_id="U1", view=home)
    again = await client.views_publish(user_id="U1", view=home)
    assert first["view"]["id"] == again["view"]["id"]
    assert fake.home_views["U1"]["blocks"] == home["blocks"]
    wrong = await slack_error(client.views_publish(user_id="U1", view=modal()))
    assert wrong["error"] == "invalid_arguments"
    too_many = {"type": "home", "blocks": [section("s")] * 101}
    assert (await slack_error(client.views_publish(user_id="U1", view=too_many)))[
        "error"
    ] == "invalid_arguments"


async def test_users_info_and_locale(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.set_user("U1", locale="zh-CN", name="li", is_admin=True)
    with_locale = await client.users_info(user="U1", include_locale=True)
    assert with_locale["user"]["locale"] == "zh-CN"
    assert with_locale["user"]["is_admin"] is True
    assert with_locale["user"]["name"] == "li"
    without = await client.users_info(user="U1")
    assert "locale" not in without["user"]
    form = await client.api_call("users.info", data={"user": "U1", "include_locale": "true"})
    assert form["user"]["locale"] == "zh-CN"
    assert (await slack_error(client.users_info(user="U404")))["error"] == "user_not_found"
    assert fake.calls_to("users.info")[0].params == {"user": "U1", "include_locale": "1"}


async def test_conversations_open(fake: FakeSlack, client: AsyncWebClient) -> None:
    first = await client.conversations_open(users="U2")
    assert first["channel"]["id"] == "DU2"
    assert "already_open" not in first
    again = await client.conversations_open(users=["U2"])
    assert again["channel"]["id"] == "DU2"
    assert again["already_open"] is True
    none = await slack_error(client.api_call("conversations.open", json={}))
    assert none["error"] == "users_list_not_supplied"
    assert fake.calls_to("conversations.open")[0].params["users"] == "U2"


async def test_rate_limit_then_retry(fake: FakeSlack) -> None:
    retrying = AsyncWebClient(
        token=TOKEN,
        base_url=fake.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake.fail_next("chat.postMessage", retry_after=1)
    res = await retrying.chat_postMessage(channel="C1", text="after a pause")
    assert res["ok"]
    calls = fake.calls_to("chat.postMessage")
    assert len(calls) == 2
    assert calls[0].params == calls[1].params
    assert len(fake.messages) == 1


async def test_rate_limit_without_retry_is_visible(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("chat.update", retry_after=3)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            fake.base_url + "chat.update", headers={"Authorization": f"Bearer {TOKEN}"}
        ) as res,
    ):
        assert res.status == 429
        assert res.headers["Retry-After"] == "3"
        assert await res.json() == {"ok": False, "error": "ratelimited"}
    # Only the next call fails.
    assert (await slack_error(client.chat_update(channel="C1", ts="1.1", text="x")))[
        "error"
    ] == "message_not_found"


async def test_metadata_comes_back_in_history_only_when_asked(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    metadata = {"event_type": "stopbot_outbox", "event_payload": {"id": "R-1.2.0"}}
    posted = await client.chat_postMessage(channel="C1", text="card", metadata=metadata)
    await client.chat_postMessage(channel="C2", text="elsewhere", metadata=metadata)
    with_it = await client.conversations_history(channel="C1", include_all_metadata=True)
    assert [m["ts"] for m in with_it["messages"]] == [posted["ts"]]
    assert with_it["messages"][0]["metadata"] == metadata
    assert with_it["has_more"] is False
    assert with_it["response_metadata"]["next_cursor"] == ""
    without = await client.conversations_history(channel="C1")
    assert "metadata" not in without["messages"][0]
    # Form-encoded, as some clients send it, the flag and the metadata work the same.
    form = await client.api_call(
        "conversations.history", data={"channel": "C1", "include_all_metadata": "true"}
    )
    assert form["messages"][0]["metadata"] == metadata


async def test_history_window_pages_and_clock(fake: FakeSlack) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    timed = FakeSlack(token=TOKEN, clock=clock.now)
    async with timed:
        client = AsyncWebClient(token=TOKEN, base_url=timed.base_url)
        stamps = []
        for n in range(5):
            posted = await client.chat_postMessage(channel="C1", text=f"m{n}")
            stamps.append(posted["ts"])
            clock.advance(timedelta(seconds=10))
        # ts is the clock's time of posting, as on Slack.
        assert float(stamps[0]) == clock.now().timestamp() - 50
        newest_first = list(reversed(stamps))

        async def history(**args: Any) -> list[str]:
            res = await client.conversations_history(channel="C1", **args)
            return [m["ts"] for m in res["messages"]]

        assert await history() == newest_first
        assert await history(oldest=stamps[1], latest=stamps[3]) == [stamps[2]]
        assert await history(oldest=stamps[1], latest=stamps[3], inclusive=True) == [
            stamps[3], stamps[2], stamps[1]
        ]  # fmt: skip
        first = await client.conversations_history(channel="C1", limit=2)
        assert first["has_more"] is True
        cursor = first["response_metadata"]["next_cursor"]
        second = await client.conversations_history(channel="C1", limit=2, cursor=cursor)
        third = await client.conversations_history(
            channel="C1", limit=2, cursor=second["response_metadata"]["next_cursor"]
        )
        pages = first["messages"] + second["messages"] + third["messages"]
        assert [m["ts"] for m in pages] == newest_first
        assert third["has_more"] is False
        bad = await slack_error(client.conversations_history(channel="C1", cursor="nope"))
        assert bad["error"] == "invalid_cursor"


async def test_missing_archived_and_foreign_channels(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    # Until a channel is added, every channel exists (the other tests rely on it).
    assert (await client.chat_postMessage(channel="CANY", text="x"))["ok"]
    fake.add_channel("COPEN")
    fake.add_channel("COLD", archived=True)
    fake.add_channel("COUT", member=False)
    assert (await client.chat_postMessage(channel="COPEN", text="x"))["ok"]
    assert (await client.chat_postMessage(channel="UANY", text="a DM always exists"))["ok"]
    for channel, error in [
        ("CGONE", "channel_not_found"),
        ("COLD", "is_archived"),
        ("COUT", "not_in_channel"),
    ]:
        assert (await slack_error(client.chat_postMessage(channel=channel, text="x")))[
            "error"
        ] == error
        assert fake.calls[-1].error == error
    assert (await slack_error(client.conversations_history(channel="CGONE")))[
        "error"
    ] == "channel_not_found"
    assert [m["text"] for m in fake.posted("COPEN")] == ["x"]


async def test_outage_answers_503_until_over(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.outage(calls=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as down:
            await client.chat_postMessage(channel="C1", text="x")
        assert down.value.response.status_code == 503
    assert (await client.chat_postMessage(channel="C1", text="back"))["ok"]
    fake.outage()
    for _ in range(3):
        with pytest.raises(SlackApiError):
            await client.auth_test()
    fake.outage_over()
    assert (await client.auth_test())["ok"]
    assert [m["text"] for m in fake.posted("C1")] == ["back"]
    assert [c.status for c in fake.calls] == [503, 503, 200, 503, 503, 503, 200]


async def test_drop_after_accept(fake: FakeSlack) -> None:
    """The post is stored but the answer never comes; the SDK's default client
    re-sends on the dropped connection (a duplicate), one without retry handlers
    does not."""
    fake.drop_after_accept("chat.postMessage")
    default = AsyncWebClient(token=TOKEN, base_url=fake.base_url)
    assert (await default.chat_postMessage(channel="C1", text="once?"))["ok"]
    assert [m["text"] for m in fake.posted("C1")] == ["once?", "once?"]

    fake.drop_after_accept("chat.postMessage")
    bare = AsyncWebClient(token=TOKEN, base_url=fake.base_url, retry_handlers=[])
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await bare.chat_postMessage(channel="C2", text="once")
    assert [m["text"] for m in fake.posted("C2")] == ["once"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [None, 200, None]


async def test_wait_for(fake: FakeSlack, client: AsyncWebClient) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await client.chat_postMessage(channel="C1", text="one")
        await client.chat_postMessage(channel="C1", text="two")

    task = asyncio.create_task(later())
    calls = await fake.wait_for("chat.postMessage", count=2, timeout=2)
    await task
    assert [c.params["text"] for c in calls] == ["one", "two"]
    # Answered before wait_for returns: the message is already stored.
    assert len(fake.messages) == 2
    with pytest.raises(AssertionError, match=r"(?s)chat\.update.*chat\.postMessage"):
        await fake.wait_for("chat.update", timeout=0.05)


async def test_response_url(fake: FakeSlack) -> None:
    url = fake.response_url("cmd")
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"text": "done", "response_type": "ephemeral"}) as res,
    ):
        assert (res.status, await res.text()) == (200, "ok")
    [call] = await fake.wait_for("response_url/cmd")
    assert call.params == {"text": "done", "response_type": "ephemeral"}


# -- signed requests -----------------------------------------------------------------------


def test_sign_matches_slack_sdk_verifier() -> None:
    body = sr.slash_command("/stop", "CRM for bob", "U1", "C1")
    verifier = SignatureVerifier(SECRET)
    headers = sign_now = sr.sign(body, SECRET)
    assert verifier.is_valid_request(body, headers)
    assert sign_now["X-Slack-Signature"].startswith("v0=")
    ts = int(headers["X-Slack-Request-Timestamp"])
    assert sr.sign(body, SECRET, ts) == headers
    assert verifier.generate_signature(timestamp=str(ts), body=body) == headers["X-Slack-Signature"]
    assert not verifier.is_valid_request(body + "x", headers)
    assert not verifier.is_valid_request(body, sr.sign(body, "other-secret"))
    assert not verifier.is_valid_request(body, sr.sign(body, SECRET, int(time.time()) - 600))


def _form(body: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def test_request_bodies() -> None:
    command = _form(sr.slash_command("/stop", "CRM", "U1", "C1", trigger_id="t9"))
    expected = {
        "command": "/stop",
        "text": "CRM",
        "user_id": "U1",
        "channel_id": "C1",
        "team_id": "T0TEST",
        "trigger_id": "t9",
        "api_app_id": "A0FAKE",
    }
    assert command.items() >= expected.items()
    for name in ("token", "channel_name", "user_name", "response_url"):
        assert command[name]

    date = json.loads(
        _form(
            sr.block_action(
                "U1", "C1", "dlg#date", "", message_ts="1.2", selected_date="2026-12-01"
            )
        )["payload"]
    )
    assert date["type"] == "block_actions"
    assert date["actions"][0] | {"action_ts": ""} == {
        "type": "datepicker",
        "action_id": "dlg#date",
        "block_id": "b1",
        "selected_date": "2026-12-01",
        "action_ts": "",
    }
    assert date["container"]["message_ts"] == date["message"]["ts"] == "1.2"
    assert (date["channel"]["id"], date["user"]["id"], date["trigger_id"]) == ("C1", "U1", "trig-2")
    select = json.loads(
        _form(sr.block_action("U1", "C1", "dlg#select", "", selected_option="o3"))["payload"]
    )
    assert select["actions"][0]["selected_option"]["value"] == "o3"
    assert "message" not in select

    values = {"reason": {"reason#input": {"type": "plain_text_input", "value": "left"}}}
    sub = json.loads(_form(sr.view_submission("U1", "stop-modal", "meta", values))["payload"])
    assert (sub["type"], sub["view"]["callback_id"]) == ("view_submission", "stop-modal")
    assert (sub["view"]["private_metadata"], sub["view"]["state"]["values"]) == ("meta", values)

    envelope = json.loads(sr.event({"type": "app_mention", "text": "hi"}, event_id="Ev9"))
    assert (envelope["type"], envelope["event_id"], envelope["event"]["text"]) == (
        "event_callback",
        "Ev9",
        "hi",
    )
    assert json.loads(sr.url_verification("abc"))["challenge"] == "abc"


@dataclass
class BoltSite:
    url: str
    seen: list[tuple[str, Any]] = field(default_factory=list)


@pytest.fixture
async def bolt(fake: FakeSlack) -> AsyncIterator[BoltSite]:
    """A real Bolt app on a real socket, its Web API calls going to the fake."""
    app = AsyncApp(
        client=AsyncWebClient(token=TOKEN, base_url=fake.base_url),
        signing_secret=SECRET,
        process_before_response=True,
    )
    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    site = BoltSite(url=f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events")

    @app.command("/stop")
    async def command(
        ack: AsyncAck, command: dict[str, Any], say: AsyncSay, respond: AsyncRespond
    ) -> None:
        await ack()
        site.seen.append(("command", command))
        await say(f"stopping {command['text']}")
        await respond("noted")

    @app.action("approve#0")
    async def action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        site.seen.append(("action", body))

    @app.view("stop-modal")
    async def submitted(ack: AsyncAck, view: dict[str, Any]) -> None:
        await ack(response_action="errors", errors={"reason": "too short"})
        site.seen.append(("view", view))

    @app.event("app_mention")
    async def mention(event: dict[str, Any], say: AsyncSay) -> None:
        site.seen.append(("event", event))
        await say("hello")

    yield site
    await runner.cleanup()


async def test_bolt_accepts_the_signed_requests(fake: FakeSlack, bolt: BoltSite) -> None:
    async with aiohttp.ClientSession() as session:
        body = sr.slash_command("/stop", "CRM", "U1", "C1", response_url=fake.response_url("cmd"))
        assert (await sr.post(session, bolt.url, body, SECRET, sr.FORM))[0] == 200
        said = fake.calls_to("chat.postMessage")[0].params
        assert (said["channel"], said["text"]) == ("C1", "stopping CRM")
        assert fake.calls_to("response_url/cmd")[0].params["text"] == "noted"

        body = sr.block_action("U1", "C1", "approve#0", "req-1", message_ts="1.2")
        assert (await sr.post(session, bolt.url, body, SECRET, sr.FORM))[0] == 200
        assert bolt.seen[-1][1]["actions"][0]["value"] == "req-1"

        values = {"reason": {"reason#input": {"type": "plain_text_input", "value": "x"}}}
        body = sr.view_submission("U1", "stop-modal", "meta", values)
        status, text = await sr.post(session, bolt.url, body, SECRET, sr.FORM)
        assert status == 200
        assert json.loads(text) == {"response_action": "errors", "errors": {"reason": "too short"}}
        assert bolt.seen[-1][1]["state"]["values"] == values

        body = sr.event(
            {"type": "app_mention", "user": "U1", "channel": "C5", "text": "hi", "ts": "1.3"}
        )
        assert (await sr.post(session, bolt.url, body, SECRET, sr.JSON))[0] == 200
        assert fake.calls_to("chat.postMessage")[-1].params["channel"] == "C5"

        status, text = await sr.post(
            session, bolt.url, sr.url_verification("ch4l"), SECRET, sr.JSON
        )
        assert (status, json.loads(text)) == (200, {"challenge": "ch4l"})

        assert [kind for kind, _ in bolt.seen] == ["command", "action", "view", "event"]
        forged = await sr.post(session, bolt.url, body, SECRET, sr.JSON, signature="v0=00")
        stale = await sr.post(
            session, bolt.url, body, SECRET, sr.JSON, timestamp=int(time.time()) - 600
        )
        wrong = await sr.post(session, bolt.url, body, "not-the-secret", sr.JSON)
        assert [forged[0], stale[0], wrong[0]] == [401, 401, 401]
        assert len(bolt.seen) == 4
