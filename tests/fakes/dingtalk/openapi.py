"""A fake DingTalk OpenAPI on a real local socket, for end-to-end tests.

The bot's client is pointed at it with ``DINGTALK_API_URL = await fake.start()`` and
speaks real HTTP to it. It serves:

- ``POST /v1.0/oauth2/accessToken`` {"appKey","appSecret"} -> {"accessToken","expireIn"};
  wrong credentials: 400 ``invalidClientIdOrSecret``.
- ``POST /v1.0/robot/oToMessages/batchSend`` (single chats, at most 20 userIds),
  ``POST /v1.0/robot/groupMessages/send`` (groups),
- ``POST /v1.0/card/instances/createAndDeliver`` and ``PUT /v1.0/card/instances``,
- ``POST /v1.0/card/callbacks/register`` {"callbackRouteKey","callbackUrl","apiSecret"?,
  "forceUpdate"?} -> {"success": true, "result": {"callbackUrl","apiSecret"}}; a key
  registered already is replaced only with forceUpdate true. A card with callbackType
  HTTP must carry a registered ``callbackRouteKey`` (DingTalk would have nowhere to
  send its clicks). The error codes of both refusals are the fake's own: DingTalk's
  are not documented.
- session webhooks it hands out (``fake.session_webhook(conversation)``), answered like
  DingTalk's ``/robot/sendBySession``: 200 with {"errcode","errmsg"}.

Every OpenAPI call must carry ``x-acs-dingtalk-access-token`` with a token the fake
issued and that has not expired (by ``clock``), else 401 ``InvalidAuthentication``. It
checks the body as DingTalk does -- robotCode, at most 20 userIds, msgParam a JSON
string holding the fields its msgKey needs, openConversationId and openSpaceId formats,
cardParamMap values strings -- and answers 400 with DingTalk's error shape
{"code","message","requestid"} otherwise. The msgKey table here is its own, written
from DingTalk's documentation, not the bot's.

Accepted messages are recorded in ``sent`` (to whom, msgKey or msgtype, parameters),
cards in ``cards``, registered callback routes in ``callback_routes``; every request,
accepted or not, in ``calls``.

Failure modes a test switches on (all off by default):
- ``throttle(calls, after)``: the next OpenAPI calls (after ``after`` more) answer 403
  ``Forbidden.AccessDenied.QpsLimitForAppkeyAndApi`` and do nothing;
  ``throttle_sessions(calls)``: session webhooks answer errcode 130101.
- ``flow_control(*staff_ids)``: batchSend skips them and lists them in
  ``flowControlledStaffIdList``; ``invalid_staff(*staff_ids)``: likewise in
  ``invalidStaffIdList`` (and a card to them is not delivered).
- ``add_group(cid, robot=True)``: from the first group added, only known groups exist;
  a send to another answers 400 ``invalid.openConversationId``, to one without the robot
  400 ``invalidParameter.robotCode.notExsit``; a card there is not delivered.
- ``outage(calls)``: every request answers 503 (DingTalk down), for a number of calls
  or until ``outage_over()``.
- ``fail_next(status, code, retry_after, path)``: one answer of that kind (a 429, say).
- ``expire_tokens()``: every token issued so far is refused from now on.
- ``expire_session(url)``: that webhook answers errcode 300001.
- ``refuse_cards(calls)``: createAndDeliver answers {"success": false};
  ``refuse_card_updates(calls)``: the card update does.

``token_fetches`` counts the token requests. A card delivered twice with one outTrackId
is not refused: DingTalk's behaviour there is not documented.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from aiohttp import web

from tests.fakes.local_server import serve_locally

TOKEN_HEADER = "x-acs-dingtalk-access-token"
TOKEN_PATH = "/v1.0/oauth2/accessToken"
TOKEN_TTL_S = 7200
USER_IDS_MAX = 20
MSG_PARAM_MAX_BYTES = 15000

# msgKey -> the msgParam fields DingTalk requires.
_ACTION_FIELDS = {
    n: tuple(f"{kind}{i}" for i in range(1, n + 1) for kind in ("actionTitle", "actionURL"))
    for n in range(2, 6)
}
MSG_KEYS: dict[str, tuple[str, ...]] = {
    "sampleText": ("content",),
    "sampleMarkdown": ("title", "text"),
    "sampleLink": ("text", "title", "picUrl", "messageUrl"),
    "sampleActionCard": ("title", "text", "singleTitle", "singleURL"),
    **{f"sampleActionCard{n}": ("title", "text", *_ACTION_FIELDS[n]) for n in range(2, 6)},
    "sampleActionCard6": (
        "title",
        "text",
        "buttonTitle1",
        "buttonUrl1",
        "buttonTitle2",
        "buttonUrl2",
    ),
}
# Session webhook msgtype -> the fields its object requires.
MSG_TYPES: dict[str, tuple[str, ...]] = {
    "text": ("content",),
    "markdown": ("title", "text"),
    "link": ("text", "title", "messageUrl"),
    "actionCard": ("title", "text"),
}

SPACE_PREFIX = "dtv1.card//"
QPS_LIMIT = "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"
SESSION_EXPIRED = 300001
SESSION_THROTTLED = 130101
SESSION_BAD_BODY = 40035


@dataclass
class Call:
    """One request the fake received, whatever it answered."""

    method: str  # "POST"
    path: str  # "/v1.0/robot/groupMessages/send"; "/robot/sendBySession" for webhooks
    body: Any  # the JSON body (None if not JSON)
    token: str  # the x-acs-dingtalk-access-token header, "" if none
    at: float = 0.0  # time.time()
    status: int = 200
    code: str | None = None  # DingTalk's error code (or a webhook's errcode) if refused


@dataclass
class Sent:
    """A message DingTalk accepted for one person or one group."""

    to: str  # a staffId or an openConversationId
    msg_key: str  # "sampleMarkdown"; for a session webhook, its msgtype ("markdown")
    param: dict[str, Any]  # msgParam decoded; for a session webhook, the msgtype's object
    via: str  # "batchSend", "groupMessages", "session"
    process_query_key: str = ""


@dataclass
class Card:
    """An interactive card created and delivered."""

    out_track_id: str
    template_id: str
    to: str  # staffId or openConversationId, from the openSpaceId
    space_type: str  # "IM_GROUP" or "IM_ROBOT"
    callback_type: str
    params: dict[str, str]  # the card data now, after any update
    updates: list[dict[str, str]] = field(default_factory=list)
    callback_route_key: str | None = None


@dataclass
class CallbackRoute:
    """Where the clicks of cards created with a callbackRouteKey are sent (HTTP)."""

    url: str
    api_secret: str


@dataclass
class Session:
    conversation: str
    expired: bool = False


@dataclass
class _Group:
    robot: bool = True


class Refused(Exception):
    """A DingTalk error answer."""

    def __init__(self, status: int, code: str, message: str = "") -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message or code


def _bad(code: str, message: str = "") -> Refused:
    return Refused(400, code, message)


class FakeDingTalkApi:
    """A local DingTalk OpenAPI: ``base_url = await fake.start()``; ``await fake.stop()``."""

    def __init__(
        self,
        app_key: str = "dingfakeappkey",
        app_secret: str = "fake-app-secret",
        robot_code: str = "dingfakerobot",
        clock: Callable[[], datetime] | None = None,
        token_ttl: int = TOKEN_TTL_S,
    ) -> None:
        """``clock``: what issued tokens expire by (a test's ``FakeClock.now``, shared
        with the bot, so that expiry is tested without sleeping); the wall clock by
        default."""
        self.app_key = app_key
        self.app_secret = app_secret
        self.robot_code = robot_code
        self.token_ttl = token_ttl
        self._clock = clock or (lambda: datetime.now(UTC))
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.cards: dict[str, Card] = {}
        self.callback_routes: dict[str, CallbackRoute] = {}
        self.sessions: dict[str, Session] = {}
        self.token_fetches = 0
        self.tokens: dict[str, datetime] = {}  # issued token -> when it expires
        self.flow_controlled: set[str] = set()
        self.invalid_staff_ids: set[str] = set()
        self.groups: dict[str, _Group] | None = None  # None: every cid exists, robot in it
        self.base_url = ""
        self._throttled = 0
        self._throttle_after = 0
        self._sessions_throttled = 0
        self._cards_refused = 0
        self._updates_refused = 0
        self._outage: int | None = None  # calls left to fail; -1 until outage_over()
        self._failures: deque[tuple[str | None, int, str, int | None]] = deque()
        self._keys = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    # -- lifecycle -----------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Serve the fake's endpoints from `app` (to share one server with another fake)."""
        app.router.add_route("*", "/v1.0/{tail:.*}", self._handle)
        app.router.add_post("/robot/sendBySession", self._handle_session)

    async def start(self) -> str:
        """Listen on 127.0.0.1 on a free port; returns the base URL (no trailing slash)."""
        app = web.Application()
        self.add_routes(app)
        self._runner, self.base_url = await serve_locally(app)
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDingTalkApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- test controls --------------------------------------------------------------

    def throttle(self, calls: int = 1, after: int = 0) -> None:
        """The next ``calls`` OpenAPI calls are throttled, once ``after`` more went
        through."""
        self._throttled += calls
        self._throttle_after = after

    def throttle_sessions(self, calls: int = 1) -> None:
        self._sessions_throttled += calls

    def flow_control(self, *staff_ids: str) -> None:
        self.flow_controlled.update(staff_ids)

    def invalid_staff(self, *staff_ids: str) -> None:
        self.invalid_staff_ids.update(staff_ids)

    def add_group(self, open_conversation_id: str, robot: bool = True) -> None:
        if self.groups is None:
            self.groups = {}
        self.groups[open_conversation_id] = _Group(robot=robot)

    def outage(self, calls: int | None = None) -> None:
        """DingTalk is down: every request answers 503 and does nothing, for the next
        ``calls`` requests, or until ``outage_over()`` when None."""
        self._outage = -1 if calls is None else calls

    def outage_over(self) -> None:
        self._outage = None

    def fail_next(
        self,
        status: int = 429,
        code: str = "Throttling",
        retry_after: int | None = None,
        path: str | None = None,
    ) -> None:
        """The next request (to ``path`` if given) answers ``status`` with ``code``
        (and a Retry-After header when given), doing nothing."""
        self._failures.append((path, status, code, retry_after))

    def expire_tokens(self) -> None:
        now = self._clock()
        self.tokens = {token: now for token in self.tokens}

    def session_webhook(self, conversation: str) -> str:
        """A session webhook for `conversation` (a staffId for a single chat, a cid)."""
        if not self.base_url:
            raise RuntimeError("start() the fake first")
        session = secrets.token_urlsafe(12)
        self.sessions[session] = Session(conversation)
        return f"{self.base_url}/robot/sendBySession?session={quote(session)}"

    def expire_session(self, webhook: str) -> None:
        session = webhook.split("session=", 1)[1]
        self.sessions[session].expired = True

    def refuse_cards(self, calls: int = 1) -> None:
        self._cards_refused += calls

    def refuse_card_updates(self, calls: int = 1) -> None:
        self._updates_refused += calls

    # -- inspection -----------------------------------------------------------------

    def sent_to(self, to: str) -> list[Sent]:
        return [sent for sent in self.sent if sent.to == to]

    def calls_to(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.path == path]

    async def wait_for_sent(
        self,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of this helper's contract
    ) -> list[Sent]:
        """Wait until at least ``count`` messages were accepted."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: len(self.sent) >= count)
        except TimeoutError:
            seen = "\n  ".join(f"{c.method} {c.path} {c.status} {c.code}" for c in self.calls)
            raise AssertionError(
                f"expected {count} message(s) within {timeout}s, got {len(self.sent)};"
                f" calls seen:\n  {seen or '(none)'}"
            ) from None
        return self.sent

    # -- OpenAPI --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        call = await _call_of(request)
        headers: dict[str, str] = {}
        try:
            answer = self._answer(call, headers)
        except Refused as refused:
            call.status, call.code = refused.status, refused.code
            answer = {
                "code": refused.code,
                "message": refused.message,
                "requestid": secrets.token_hex(8),
            }
        await self._record(call)
        return web.json_response(answer, status=call.status, headers=headers)

    def _answer(self, call: Call, headers: dict[str, str]) -> dict[str, Any]:
        if call.path == TOKEN_PATH:
            self.token_fetches += 1  # answered or not
        if self._outage is not None:
            if self._outage > 0:
                self._outage -= 1
                if self._outage == 0:
                    self._outage = None
            raise Refused(
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
            )
        for failure in self._failures:
            path, status, code, retry_after = failure
            if path is None or path == call.path:
                self._failures.remove(failure)
                if retry_after is not None:
                    headers["Retry-After"] = str(retry_after)
                raise Refused(status, code)
        route = (call.method, call.path)
        if route == ("POST", TOKEN_PATH):
            return self._access_token(call.body)
        handler = {
            ("POST", "/v1.0/robot/oToMessages/batchSend"): self._batch_send,
            ("POST", "/v1.0/robot/groupMessages/send"): self._group_send,
            ("POST", "/v1.0/card/instances/createAndDeliver"): self._create_card,
            ("PUT", "/v1.0/card/instances"): self._update_card,
            ("POST", "/v1.0/card/callbacks/register"): self._register_callback,
        }.get(route)
        if handler is None:
            raise Refused(404, "InvalidAction.NotFound", f"no API {call.method} {call.path}")
        expires = self.tokens.get(call.token)
        if expires is None or self._clock() >= expires:
            raise Refused(401, "InvalidAuthentication", "不合法的access_token")
        if self._throttled > 0 and self._throttle_after > 0:
            self._throttle_after -= 1
        elif self._throttled > 0:
            self._throttled -= 1
            raise Refused(403, QPS_LIMIT, "调用该接口触发了限流")
        if not isinstance(call.body, dict):
            raise _bad("invalidParameter.param.invalid", "the body must be a JSON object")
        return handler(call.body)

    def _access_token(self, body: Any) -> dict[str, Any]:
        if (
            not isinstance(body, dict)
            or body.get("appKey") != self.app_key
            or body.get("appSecret") != self.app_secret
        ):
            raise _bad("invalidClientIdOrSecret", "无效的clientId或者clientSecret")
        token = secrets.token_hex(16)
        self.tokens[token] = self._clock() + timedelta(seconds=self.token_ttl)
        return {"accessToken": token, "expireIn": self.token_ttl}

    def _robot_code(self, body: dict[str, Any]) -> None:
        code = body.get("robotCode")
        if not code:
            raise _bad("invalidParameter.robotCode.empty", "robotCode is empty")
        if code != self.robot_code:
            raise _bad("invalidParameter.robotCode.invalid", f"unknown robotCode {code!r}")

    def _message(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        key = body.get("msgKey")
        if not key:
            raise _bad("invalidParameter.msgKey.empty", "msgKey is missing")
        if key not in MSG_KEYS:
            raise _bad("invalidParameter.msgKey.invalid", f"unknown msgKey {key!r}")
        raw = body.get("msgParam")
        if not isinstance(raw, str):
            raise _bad("invalidParameter.msgParam.invalid", "msgParam must be a JSON string")
        if len(raw.encode()) > MSG_PARAM_MAX_BYTES:
            raise _bad("invalidParameter.msgParam.invalid", "msgParam is too long")
        try:
            param = json.loads(raw)
        except ValueError:
            raise _bad("invalidParameter.msgParam.invalid", "msgParam is not JSON") from None
        if not isinstance(param, dict):
            raise _bad("invalidParameter.msgParam.invalid", "msgParam must be a JSON object")
        for name in MSG_KEYS[key]:
            if not isinstance(param.get(name), str) or not param[name]:
                raise _bad("invalidParameter.msgParam.invalid", f"{key} needs {name}")
        return key, param

    def _batch_send(self, body: dict[str, Any]) -> dict[str, Any]:
        self._robot_code(body)
        users = body.get("userIds")
        if not isinstance(users, list) or not users:
            raise _bad("invalidParameter.userIds.empty", "userIds is empty")
        if len(users) > USER_IDS_MAX:
            raise _bad("invalidParameter.userIds.overMax", f"at most {USER_IDS_MAX} userIds")
        if not all(isinstance(user, str) and user for user in users):
            raise _bad("invalidParameter.userIds.invalid", "userIds must be strings")
        key, param = self._message(body)
        invalid = [user for user in users if user in self.invalid_staff_ids]
        limited = [user for user in users if user in self.flow_controlled and user not in invalid]
        process_key = self._process_key()
        for user in users:
            if user not in invalid and user not in limited:
                self.sent.append(Sent(user, key, param, "batchSend", process_key))
        return {
            "processQueryKey": process_key,
            "invalidStaffIdList": invalid,
            "flowControlledStaffIdList": limited,
        }

    def _group(self, cid: Any) -> str:
        """Why a group cannot be sent to; "" when it can."""
        if not isinstance(cid, str) or not cid.startswith("cid"):
            return "invalid.openConversationId"
        if self.groups is not None and cid not in self.groups:
            return "invalid.openConversationId"
        if self.groups is not None and not self.groups[cid].robot:
            return "invalidParameter.robotCode.notExsit"
        return ""

    def _group_send(self, body: dict[str, Any]) -> dict[str, Any]:
        self._robot_code(body)
        cid = body.get("openConversationId")
        if not cid:
            raise _bad("invalidParameter.openConversationId.empty", "openConversationId is empty")
        key, param = self._message(body)
        problem = self._group(cid)
        if problem:
            raise _bad(problem, f"cannot send to {cid!r}")
        process_key = self._process_key()
        self.sent.append(Sent(cid, key, param, "groupMessages", process_key))
        return {"processQueryKey": process_key}

    def _card_params(self, body: dict[str, Any]) -> dict[str, str]:
        data = body.get("cardData")
        params = data.get("cardParamMap") if isinstance(data, dict) else None
        if not isinstance(params, dict):
            raise _bad("param.cardPublicDataEmpty", "cardData.cardParamMap is missing")
        for name, value in params.items():
            if not isinstance(value, str):
                raise _bad("param.invalid", f"cardParamMap.{name} must be a string")
        return params

    def _create_card(self, body: dict[str, Any]) -> dict[str, Any]:
        template = body.get("cardTemplateId")
        if not isinstance(template, str) or not template:
            raise _bad("param.cardTemplateIdEmpty", "cardTemplateId is empty")
        out_track_id = body.get("outTrackId")
        if not isinstance(out_track_id, str) or not out_track_id:
            raise _bad("param.outTrackIdEmpty", "outTrackId is empty")
        callback = body.get("callbackType")
        if callback not in ("STREAM", "HTTP"):
            raise _bad("param.invalid", f"callbackType {callback!r}: STREAM or HTTP")
        route_key = body.get("callbackRouteKey")
        if route_key is not None and not isinstance(route_key, str):
            raise _bad("param.invalid", "callbackRouteKey must be a string")
        if callback == "HTTP" and route_key not in self.callback_routes:
            raise _bad(
                "param.callbackRouteKeyInvalid",
                f"callbackType HTTP needs a registered callbackRouteKey, not {route_key!r}",
            )
        params = self._card_params(body)
        if body.get("userIdType", 1) != 1:
            raise _bad("param.invalid", "userIdType must be 1 (staffIds)")
        space_type, to = self._space(body)
        if self._cards_refused > 0:
            self._cards_refused -= 1
            return {"success": False, "result": {"outTrackId": out_track_id, "deliverResults": []}}
        problem = self._group(to) if space_type == "IM_GROUP" else ""
        if space_type == "IM_ROBOT" and to in self.invalid_staff_ids:
            problem = "userNotExist"
        if not problem:
            self.cards[out_track_id] = Card(
                out_track_id, template, to, space_type, callback, dict(params), [], route_key
            )
        result = {
            "spaceType": space_type,
            "spaceId": to,
            "success": not problem,
            **({"errorMsg": problem} if problem else {}),
        }
        return {"success": True, "result": {"outTrackId": out_track_id, "deliverResults": [result]}}

    def _space(self, body: dict[str, Any]) -> tuple[str, str]:
        """The space type and destination of a card, its models checked."""
        space = body.get("openSpaceId")
        ours = isinstance(space, str) and space.startswith(SPACE_PREFIX)
        kind, dot, to = (str(space).removeprefix(SPACE_PREFIX) if ours else "").partition(".")
        if kind not in ("IM_GROUP", "IM_ROBOT") or not dot or not to:
            raise _bad("param.openSpaceModelInvalid", f"bad openSpaceId {space!r}")
        if kind == "IM_GROUP":
            deliver = body.get("imGroupOpenDeliverModel")
            if not isinstance(body.get("imGroupOpenSpaceModel"), dict):
                raise _bad("param.openSpaceModelInvalid", "imGroupOpenSpaceModel is missing")
            if not isinstance(deliver, dict):
                raise _bad("param.openSpaceModelInvalid", "imGroupOpenDeliverModel is missing")
        else:
            deliver = body.get("imRobotOpenDeliverModel")
            if not isinstance(deliver, dict) or deliver.get("spaceType") != "IM_ROBOT":
                raise _bad("param.openSpaceModelInvalid", "imRobotOpenDeliverModel.spaceType")
        self._robot_code(deliver)
        return kind, to

    def _update_card(self, body: dict[str, Any]) -> dict[str, Any]:
        out_track_id = body.get("outTrackId")
        if not isinstance(out_track_id, str) or not out_track_id:
            raise _bad("param.outTrackIdEmpty", "outTrackId is empty")
        params = self._card_params(body)
        card = self.cards.get(out_track_id)
        if card is None:
            raise _bad("param.invalid", f"no card {out_track_id!r}")
        if self._updates_refused > 0:
            self._updates_refused -= 1
            return {"success": False, "result": False}
        options = body.get("cardUpdateOptions")
        by_key = isinstance(options, dict) and options.get("updateCardDataByKey") is True
        card.params = {**card.params, **params} if by_key else dict(params)
        card.updates.append(dict(params))
        return {"success": True, "result": True}

    def _register_callback(self, body: dict[str, Any]) -> dict[str, Any]:
        key, url = body.get("callbackRouteKey"), body.get("callbackUrl")
        if not isinstance(key, str) or not key:
            raise _bad("param.callbackRouteKeyEmpty", "callbackRouteKey is empty")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise _bad("param.callbackUrlInvalid", f"callbackUrl {url!r} is not a URL")
        secret = body.get("apiSecret", secrets.token_hex(8))
        if not isinstance(secret, str) or not secret:
            raise _bad("param.invalid", "apiSecret must be a string")
        force = body.get("forceUpdate", False)
        if not isinstance(force, bool):
            raise _bad("param.invalid", "forceUpdate must be a boolean")
        if key in self.callback_routes and not force:
            raise _bad("param.callbackRouteKeyExists", f"{key!r} is registered already")
        self.callback_routes[key] = CallbackRoute(url, secret)
        return {"success": True, "result": {"callbackUrl": url, "apiSecret": secret}}

    def _process_key(self) -> str:
        return f"pqk-{next(self._keys)}"

    # -- session webhooks -----------------------------------------------------------

    async def _handle_session(self, request: web.Request) -> web.Response:
        call = await _call_of(request)
        if self._outage is not None:
            call.status, call.code = 503, "ServiceUnavailable"
            await self._record(call)
            return web.json_response({"code": call.code}, status=503)
        errcode, errmsg = self._session_answer(request.query.get("session", ""), call.body)
        if errcode:
            call.code = str(errcode)
        await self._record(call)
        return web.json_response({"errcode": errcode, "errmsg": errmsg})

    def _session_answer(self, key: str, body: Any) -> tuple[int, str]:
        session = self.sessions.get(key)
        if session is None or session.expired:
            return SESSION_EXPIRED, "token is not exist"
        if self._sessions_throttled > 0:
            self._sessions_throttled -= 1
            return SESSION_THROTTLED, "send too fast, exceed 20 times per minute"
        kind = body.get("msgtype") if isinstance(body, dict) else None
        content = body.get(kind) if isinstance(body, dict) and isinstance(kind, str) else None
        if kind not in MSG_TYPES or not isinstance(content, dict):
            return SESSION_BAD_BODY, "缺少参数 json"
        for name in MSG_TYPES[kind]:
            if not isinstance(content.get(name), str) or not content[name]:
                return SESSION_BAD_BODY, f"{kind}.{name} is missing"
        if kind == "actionCard" and not _action_card_buttons_ok(content):
            return SESSION_BAD_BODY, "actionCard needs singleTitle/singleURL or btns"
        self.sent.append(Sent(session.conversation, kind, content, "session"))
        return 0, "ok"

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()


def _action_card_buttons_ok(card: dict[str, Any]) -> bool:
    if "btns" in card:
        buttons = card["btns"]
        return (
            isinstance(buttons, list)
            and bool(buttons)
            and all(
                isinstance(b, dict)
                and isinstance(b.get("title"), str)
                and isinstance(b.get("actionURL"), str)
                for b in buttons
            )
            and card.get("btnOrientation", "0") in ("0", "1")
        )
    return isinstance(card.get("singleTitle"), str) and isinstance(card.get("singleURL"), str)


async def _call_of(request: web.Request) -> Call:
    return Call(
        method=request.method,
        path=request.path,
        body=await _json(request),
        token=request.headers.get(TOKEN_HEADER, ""),
        at=time.time(),
    )


async def _json(request: web.Request) -> Any:
    """The JSON body; None when there is none or it is not sent as JSON."""
    if request.content_type != "application/json":
        return None
    try:
        return json.loads(await request.text())
    except ValueError:
        return None
