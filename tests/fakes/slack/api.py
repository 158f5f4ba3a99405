"""A fake Slack Web API on a real local socket, for end-to-end tests.

The bot's slack_sdk ``AsyncWebClient`` is pointed at it with ``base_url=await fake.start()``
and then speaks real HTTP to it: ``POST {base_url}{method}`` with ``Authorization: Bearer
<token>``, the body form-encoded (where ``blocks``/``view``/``attachments`` arrive as JSON
strings) or JSON, and some methods (``users.info``) as ``GET`` with a query string.

The fake answers like Slack does: HTTP 200 with ``{"ok": false, "error": ...}`` on a
problem (plus ``response_metadata.messages`` for Block Kit problems), and it checks the
Block Kit limits Slack enforces, so a message Slack would refuse fails here too. Every
call is recorded, accepted or not, in ``calls``.

It also serves response URLs (``fake.response_url("cmd")``): a POST there is recorded as
a call of the method ``"response_url/cmd"`` and answered ``ok`` like hooks.slack.com.

Failure modes a test switches on (all off by default):
- ``add_channel``: from the first channel added, only known channels exist; posting
  elsewhere is ``channel_not_found``, to an archived one ``is_archived``, to one the bot
  is not in ``not_in_channel`` (DMs always exist).
- ``outage``: every Web API call answers 503 (Slack down), for a number of calls or
  until ``outage_over``.
- ``drop_after_accept``: a call is carried out (the post is stored), then the
  connection is closed without an answer, so the client cannot tell it worked.
- ``fail_next``: one answer with a given status (429 with ``Retry-After``).
- ``limit``: Slack's posting limits on chat.postMessage, per channel and for the
  workspace (tests/fakes/slack/limits.py); over them, 429 ``ratelimited`` with
  ``Retry-After``. ``early_calls`` lists the calls that arrived before a
  ``Retry-After`` answered earlier had passed.

``conversations.history`` returns what was posted, newest first, with the
``metadata`` a post carried only when asked with ``include_all_metadata=true``.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from tests.fakes.local_server import serve_locally
from tests.fakes.slack.limits import PostingLimits

BLOCK_TYPES = frozenset(
    {"section", "actions", "context", "header", "divider", "input", "image", "rich_text"}
)
TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
SELECT_TYPES = frozenset({"static_select", "multi_static_select", "radio_buttons", "checkboxes"})

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100  # modals and the home tab
TEXT_MAX = 3000
HEADER_MAX = 150
FIELDS_MAX = 10
FIELD_TEXT_MAX = 2000
ACTION_ELEMENTS_MAX = 25
CONTEXT_ELEMENTS_MAX = 10
ID_MAX = 255  # action_id, block_id, callback_id
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
OPTIONS_MAX = 100
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
VIEW_TITLE_MAX = 24
PRIVATE_METADATA_MAX = 3000
MESSAGE_TEXT_MAX = 40000

# Fields sent as JSON strings in form-encoded requests, and the error Slack gives when
# one is not valid JSON.
JSON_FIELDS = {
    "blocks": "invalid_blocks_format",
    "attachments": "invalid_attachments",
    "view": "invalid_arguments",
    "metadata": "invalid_metadata_format",
}

BOT_ID = "B0BOT"
APP_ID = "A0FAKE"
TS_START = 1_700_000_000_000_000  # microseconds; ts values are 1700000000.000100, ...
HISTORY_LIMIT_DEFAULT = 100
HISTORY_LIMIT_MAX = 999
CURSOR_PREFIX = "next_ts:"  # Slack's history cursors are base64 of this plus a ts


@dataclass
class Call:
    """One request the fake received, whatever it answered."""

    method: str  # "chat.postMessage"
    params: dict[str, Any]  # query + body; JSON-string fields decoded; without the token
    token: str  # from "Authorization: Bearer ..." (or a form/query "token"); "" if none
    # When it arrived, by time.time(): the clock Redis TIME reads on this machine.
    at: float = 0.0
    status: int | None = 200  # HTTP status answered; None: the connection was dropped
    error: str | None = None  # the "error" of an {"ok": false} answer
    retry_after: int | None = None  # the Retry-After header answered, in seconds


@dataclass
class Channel:
    """A conversation the fake knows (see ``FakeSlack.add_channel``)."""

    archived: bool = False
    member: bool = True  # the bot is in it


class SlackError(Exception):
    """An ``{"ok": false}`` answer."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return value is True or value == 1


def _pointer_error(message: str, pointer: str) -> str:
    return f"[ERROR] {message} [json-pointer:{pointer}]"


class _BlockChecker:
    """Collects Slack's complaints about a list of blocks, in Slack's message format."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def bad(self, message: str, pointer: str) -> None:
        self.problems.append(_pointer_error(message, pointer))

    def blocks(self, blocks: Any, limit: int, pointer: str) -> None:
        if not isinstance(blocks, list):
            self.bad("must be an array", pointer)
            return
        if len(blocks) > limit:
            self.bad(f"no more than {limit} items allowed", pointer)
        block_ids: set[str] = set()
        for index, block in enumerate(blocks):
            where = f"{pointer}/{index}"
            if not isinstance(block, dict):
                self.bad("must be an object", where)
                continue
            kind = block.get("type")
            if kind not in BLOCK_TYPES:
                self.bad(f"unsupported type: {kind!r}", f"{where}/type")
                continue
            block_id = block.get("block_id")
            if block_id is not None:
                if not isinstance(block_id, str) or not 0 < len(block_id) <= ID_MAX:
                    self.bad(f"must be a string of 1 to {ID_MAX} characters", f"{where}/block_id")
                elif block_id in block_ids:
                    self.bad(f"duplicate block_id: {block_id}", f"{where}/block_id")
                else:
                    block_ids.add(block_id)
            getattr(self, f"_{kind}")(block, where)
            self._texts(block, where)

    # -- one method per block type -------------------------------------------------

    def _section(self, block: dict[str, Any], where: str) -> None:
        if "text" not in block and "fields" not in block:
            self.bad("must provide either text or fields", where)
        if "text" in block:
            self._text_object(block["text"], f"{where}/text", TEXT_MAX)
        if "fields" in block:
            fields = block["fields"]
            if not isinstance(fields, list) or not fields:
                self.bad("must be a non-empty array", f"{where}/fields")
            else:
                if len(fields) > FIELDS_MAX:
                    self.bad(f"no more than {FIELDS_MAX} items allowed", f"{where}/fields")
                for i, item in enumerate(fields):
                    self._text_object(item, f"{where}/fields/{i}", FIELD_TEXT_MAX)
        if "accessory" in block:
            self._element(block["accessory"], f"{where}/accessory")

    def _header(self, block: dict[str, Any], where: str) -> None:
        self._text_object(block.get("text"), f"{where}/text", HEADER_MAX, plain_only=True)

    def _actions(self, block: dict[str, Any], where: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.bad("must be a non-empty array", f"{where}/elements")
            return
        if len(elements) > ACTION_ELEMENTS_MAX:
            self.bad(f"no more than {ACTION_ELEMENTS_MAX} items allowed", f"{where}/elements")
        action_ids: set[str] = set()
        for i, element in enumerate(elements):
            self._element(element, f"{where}/elements/{i}")
            action_id = element.get("action_id") if isinstance(element, dict) else None
            if isinstance(action_id, str):
                if action_id in action_ids:
                    self.bad(f"duplicate action_id: {action_id}", f"{where}/elements/{i}/action_id")
                action_ids.add(action_id)

    def _context(self, block: dict[str, Any], where: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.bad("must be a non-empty array", f"{where}/elements")
        elif len(elements) > CONTEXT_ELEMENTS_MAX:
            self.bad(f"no more than {CONTEXT_ELEMENTS_MAX} items allowed", f"{where}/elements")

    def _divider(self, block: dict[str, Any], where: str) -> None:
        return None

    def _input(self, block: dict[str, Any], where: str) -> None:
        self._text_object(block.get("label"), f"{where}/label", FIELD_TEXT_MAX, plain_only=True)
        if "element" not in block:
            self.bad("missing required field: element", where)
        else:
            self._element(block["element"], f"{where}/element")

    def _image(self, block: dict[str, Any], where: str) -> None:
        if not block.get("image_url") and not block.get("slack_file"):
            self.bad("must provide either image_url or slack_file", where)
        if not isinstance(block.get("alt_text"), str) or not block["alt_text"]:
            self.bad("missing required field: alt_text", where)

    def _rich_text(self, block: dict[str, Any], where: str) -> None:
        if not isinstance(block.get("elements"), list):
            self.bad("must be an array", f"{where}/elements")

    # -- parts ---------------------------------------------------------------------

    def _element(self, element: Any, where: str) -> None:
        if not isinstance(element, dict) or not isinstance(element.get("type"), str):
            self.bad("must be an object with a type", where)
            return
        action_id = element.get("action_id")
        if action_id is not None and (
            not isinstance(action_id, str) or not 0 < len(action_id) <= ID_MAX
        ):
            self.bad(f"must be a string of 1 to {ID_MAX} characters", f"{where}/action_id")
        kind = element["type"]
        if kind == "button":
            self._text_object(element.get("text"), f"{where}/text", BUTTON_TEXT_MAX, True)
            value = element.get("value")
            if value is not None and (not isinstance(value, str) or len(value) > BUTTON_VALUE_MAX):
                self.bad(f"must be at most {BUTTON_VALUE_MAX} characters", f"{where}/value")
        elif kind in SELECT_TYPES:
            options = element.get("options", element.get("option_groups"))
            if not isinstance(options, list) or not options:
                self.bad("must provide a non-empty array of options", where)
            else:
                if len(options) > OPTIONS_MAX:
                    self.bad(f"no more than {OPTIONS_MAX} items allowed", f"{where}/options")
                for i, option in enumerate(options):
                    self._option(option, f"{where}/options/{i}")

    def _option(self, option: Any, where: str) -> None:
        if not isinstance(option, dict):
            self.bad("must be an object", where)
            return
        self._text_object(option.get("text"), f"{where}/text", OPTION_TEXT_MAX)
        value = option.get("value")
        if not isinstance(value, str) or not 0 < len(value) <= OPTION_VALUE_MAX:
            self.bad(f"must be a string of 1 to {OPTION_VALUE_MAX} characters", f"{where}/value")

    def _text_object(self, obj: Any, where: str, limit: int, plain_only: bool = False) -> None:
        allowed = ("plain_text",) if plain_only else tuple(sorted(TEXT_TYPES))
        if not isinstance(obj, dict) or obj.get("type") not in allowed:
            self.bad(f"must be a text object of type {' or '.join(allowed)}", where)
            return
        text = obj.get("text")
        if isinstance(text, str) and len(text) > limit:
            self.bad(f"must be less than {limit + 1} characters", f"{where}/text")

    def _texts(self, node: Any, where: str) -> None:
        """Every text object anywhere in a block: a non-empty string ≤ 3000 characters."""
        if isinstance(node, list):
            for i, item in enumerate(node):
                self._texts(item, f"{where}/{i}")
            return
        if not isinstance(node, dict):
            return
        if node.get("type") in TEXT_TYPES:
            text = node.get("text")
            if not isinstance(text, str) or not text:
                self.bad("must be more than 0 characters", f"{where}/text")
            elif len(text) > TEXT_MAX:
                self.bad(f"must be less than {TEXT_MAX + 1} characters", f"{where}/text")
        for key, value in node.items():
            if isinstance(value, dict | list):
                self._texts(value, f"{where}/{key}")


def block_problems(
    blocks: Any, limit: int = MESSAGE_BLOCKS_MAX, pointer: str = "/blocks"
) -> list[str]:
    """What Slack would say about these blocks; empty when they are fine."""
    checker = _BlockChecker()
    checker.blocks(blocks, limit, pointer)
    return checker.problems


def view_problems(view: Any, kind: str) -> list[str]:
    """What Slack would say about a view of type ``kind`` ("modal" or "home")."""
    if not isinstance(view, dict):
        return [_pointer_error("must be an object", "/view")]
    checker = _BlockChecker()
    if view.get("type") != kind:
        checker.bad(f"must be {kind!r}", "/view/type")
    if kind == "modal":
        checker._text_object(view.get("title"), "/view/title", VIEW_TITLE_MAX, plain_only=True)
        callback_id = view.get("callback_id")
        if not isinstance(callback_id, str) or not 0 < len(callback_id) <= ID_MAX:
            checker.bad(f"must be a string of 1 to {ID_MAX} characters", "/view/callback_id")
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input or "submit" in view:
            checker._text_object(
                view.get("submit"), "/view/submit", VIEW_TITLE_MAX, plain_only=True
            )
        if "close" in view:
            checker._text_object(view["close"], "/view/close", VIEW_TITLE_MAX, plain_only=True)
    metadata = view.get("private_metadata", "")
    if not isinstance(metadata, str) or len(metadata) > PRIVATE_METADATA_MAX:
        checker.bad(
            f"must be a string of at most {PRIVATE_METADATA_MAX} characters",
            "/view/private_metadata",
        )
    if "blocks" not in view:
        checker.bad("missing required field: blocks", "/view")
    else:
        checker.blocks(view["blocks"], VIEW_BLOCKS_MAX, "/view/blocks")
    return checker.problems


Handler = Callable[[dict[str, Any]], dict[str, Any]]


class FakeSlack:
    """A local Slack Web API: ``base_url = await fake.start()``; ``await fake.stop()``."""

    def __init__(
        self,
        token: str = "xoxb-test-token",
        team: str = "T0TEST",
        bot_user: str = "UBOT",
        app_token: str = "xapp-test-token",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``clock``: where message ts come from (e.g. a test's ``FakeClock.now``), as
        on Slack where a ts is the time of posting; by default a fixed sequence."""
        self.token = token
        self._clock = clock
        self.app_token = app_token
        # Socket Mode: envelopes waiting to be pushed, and the acks the app sent back.
        self.socket_acks: list[dict[str, Any]] = []
        self._socket_out: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._socket_connected = asyncio.Event()
        self.team = team
        self.bot_user = bot_user
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}  # view id -> view, from views.open
        self.home_views: dict[str, dict[str, Any]] = {}  # user id -> published home view
        self.users: dict[str, dict[str, Any]] = {}
        # None: every channel exists with the bot in it; else only these (add_channel).
        self.channels: dict[str, Channel] | None = None
        self.base_url = ""
        self._root = ""
        self._seq = 0
        self._last_ts = 0  # microseconds of the last ts handed out
        self._failures: dict[str, deque[tuple[int, int]]] = {}
        self._outage: int | None = None  # calls left to fail; -1 until outage_over()
        self._outage_status = 503
        self._drops: dict[str, int] = {}  # method -> calls left to drop after accepting
        self.limits: PostingLimits | None = None
        self._open_ims: set[str] = set()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
        }

    # -- lifecycle -----------------------------------------------------------------

    async def start(self) -> str:
        """Listen on 127.0.0.1 on a free port; returns the base URL, ending in "/api/"."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/response/{key}", self._handle_response_url)
        app.router.add_get("/socket", self._socket)
        self._runner, self._root = await serve_locally(app)
        self.base_url = f"{self._root}/api/"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- test controls and inspection ---------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of this helper's contract
    ) -> list[Call]:
        """Wait until at least ``count`` calls of ``method`` arrived (and were answered)."""

        def enough() -> bool:
            return len(self.calls_to(method)) >= count

        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(enough)
        except TimeoutError:
            seen = "\n  ".join(self._describe(call) for call in self.calls) or "(none)"
            raise AssertionError(
                f"expected {count} call(s) of {method} within {timeout}s, "
                f"got {len(self.calls_to(method))}; calls seen:\n  {seen}"
            ) from None
        return self.calls_to(method)

    def fail_next(self, method: str, status: int = 429, retry_after: int = 1) -> None:
        """Answer the next call of ``method`` with ``status`` (429: rate limited)."""
        self._failures.setdefault(method, deque()).append((status, retry_after))

    def outage(self, calls: int | None = None, status: int = 503) -> None:
        """Slack is down: every Web API call answers ``status`` and does nothing, for the
        next ``calls`` calls, or until ``outage_over()`` when ``calls`` is None."""
        self._outage = -1 if calls is None else calls
        self._outage_status = status

    def outage_over(self) -> None:
        self._outage = None

    def drop_after_accept(self, method: str = "chat.postMessage", calls: int = 1) -> None:
        """The next ``calls`` calls of ``method`` are carried out (a post is stored), then
        the connection is closed without an answer: the client sees a dropped
        connection and cannot tell that Slack took the call."""
        self._drops[method] = self._drops.get(method, 0) + calls

    def limit(
        self,
        per_channel: float | None = 1.0,
        workspace: float | None = None,
        channel_burst: float = 1.0,
        workspace_burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Enforce Slack's posting limits on chat.postMessage: ``per_channel`` and
        ``workspace`` posts a second (None: that limit off), with the bursts allowed;
        ``clock`` (seconds) is what the buckets refill by."""
        self.limits = PostingLimits(
            per_channel=per_channel,
            workspace=workspace,
            channel_burst=channel_burst,
            workspace_burst=workspace_burst,
            clock=clock,
        )

    def early_calls(self, method: str | None = "chat.postMessage") -> list[tuple[Call, Call]]:
        """(a 429 answered, a call of ``method`` -- any when None -- that arrived after
        it but before its Retry-After had passed), by arrival."""
        calls = sorted(
            (c for c in self.calls if method is None or c.method == method), key=lambda c: c.at
        )
        arrivals = [c.at for c in calls]
        early = []
        for limited in calls:
            if limited.status != 429 or limited.retry_after is None:
                continue
            end = limited.at + limited.retry_after
            first = bisect.bisect_right(arrivals, limited.at)
            for call in calls[first : bisect.bisect_left(arrivals, end)]:
                if call is not limited:
                    early.append((limited, call))
        return early

    def add_channel(self, channel: str, archived: bool = False, member: bool = True) -> None:
        """From the first call on, only the channels added exist (DMs always do)."""
        if self.channels is None:
            self.channels = {}
        self.channels[channel] = Channel(archived=archived, member=member)

    def posted(self, channel: str) -> list[dict[str, Any]]:
        """The messages in ``channel``, oldest first."""
        channel = self._resolve_channel(channel)
        return [m for (c, _), m in sorted(self.messages.items()) if c == channel]

    def set_user(
        self, user_id: str, locale: str = "en-US", name: str = "", is_admin: bool = False
    ) -> None:
        """What users.info answers for ``user_id``."""
        name = name or user_id.lower()
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team,
            "name": name,
            "real_name": name,
            "deleted": False,
            "is_admin": is_admin,
            "is_owner": False,
            "is_bot": False,
            "tz": "UTC",
            "tz_offset": 0,
            "locale": locale,
            "profile": {"real_name": name, "display_name": name, "team": self.team},
        }

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        """The latest content of a posted message (after any chat.update)."""
        key = (self._resolve_channel(channel), ts)
        if key not in self.messages:
            raise AssertionError(f"no message {key}; posted: {sorted(self.messages)}")
        return self.messages[key]

    def response_url(self, key: str = "1") -> str:
        """A response_url served by the fake; POSTs are recorded as "response_url/<key>"."""
        if not self._root:
            raise RuntimeError("start() the fake first")
        return f"{self._root}/response/{key}"

    # -- Socket Mode ---------------------------------------------------------------

    async def push(self, kind: str, payload: dict[str, Any], envelope_id: str) -> None:
        """Sends an envelope over the Socket Mode link (waits for the app to connect)."""
        await asyncio.wait_for(self._socket_connected.wait(), 10)
        await self._socket_out.put(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
            }
        )

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            async with self._changed:
                while True:
                    for ack in self.socket_acks:
                        if ack.get("envelope_id") == envelope_id:
                            return ack
                    await self._changed.wait()

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0FAKE"}}
        )
        self._socket_connected.set()

        async def pump() -> None:
            while True:
                await ws.send_json(await self._socket_out.get())

        sender = asyncio.create_task(pump())
        try:
            async for message in ws:
                if message.type == web.WSMsgType.TEXT:
                    async with self._changed:
                        self.socket_acks.append(json.loads(message.data))
                        self._changed.notify_all()
        finally:
            sender.cancel()
        return ws

    # -- HTTP ------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        at = time.time()
        method = request.match_info["method"]
        params, token, parse_error = await self._read(request)
        status, headers, body = self._answer(method, params, token, parse_error)
        call = Call(method=method, params=params, token=token, at=at, status=status)
        if not body.get("ok"):
            call.error = body.get("error")
        if "Retry-After" in headers:
            call.retry_after = int(headers["Retry-After"])
        if self._drops.get(method, 0) > 0 and body.get("ok"):
            self._drops[method] -= 1
            call.status = None
            await self._record(call)
            # The call was carried out; the answer never leaves.
            if request.transport is not None:
                request.transport.close()
            return web.Response()
        await self._record(call)
        return web.json_response(body, status=status, headers=headers)

    def _answer(
        self, method: str, params: dict[str, Any], token: str, parse_error: str | None
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        if self._outage is not None:
            if self._outage > 0:
                self._outage -= 1
                if self._outage == 0:
                    self._outage = None
            return self._outage_status, {}, {"ok": False, "error": "service_unavailable"}
        queued = self._failures.get(method)
        if queued:
            status, retry_after = queued.popleft()
            error = "ratelimited" if status == 429 else "fatal_error"
            return status, {"Retry-After": str(retry_after)}, {"ok": False, "error": error}
        if method == "apps.connections.open":
            # Socket Mode: the app token (xapp-) opens a websocket link to this fake.
            if token != self.app_token:
                return 200, {}, {"ok": False, "error": "invalid_auth"}
            ws_url = self._root.replace("http://", "ws://") + "/socket"
            return 200, {}, {"ok": True, "url": ws_url}
        handler = self._methods.get(method)
        if handler is None:
            return 200, {}, {"ok": False, "error": "unknown_method", "req_method": method}
        if token != self.token:
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        if parse_error is not None:
            return 200, {}, {"ok": False, "error": parse_error}
        channel = params.get("channel")
        if method == "chat.postMessage" and self.limits is not None and isinstance(channel, str):
            wait = self.limits.admit(self._resolve_channel(channel))
            if wait is not None:
                return 429, {"Retry-After": str(wait)}, {"ok": False, "error": "ratelimited"}
        try:
            result = handler(params)
        except SlackError as e:
            failed: dict[str, Any] = {"ok": False, "error": e.error}
            if e.messages:
                failed["response_metadata"] = {"messages": e.messages}
            return 200, {}, failed
        return 200, {}, {"ok": True, **result}

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        params, _, parse_error = await self._read(request)
        await self._record(
            Call(method=f"response_url/{request.match_info['key']}", params=params, token="")
        )
        if parse_error is not None:
            return web.Response(status=400, text="invalid_payload")
        return web.Response(text="ok")

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], str, str | None]:
        """(params, token, error): query and body merged; JSON-string fields decoded."""
        params: dict[str, Any] = dict(request.query)
        error: str | None = None
        if request.body_exists:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = json.loads(await request.text())
                except ValueError:
                    body = None
                if isinstance(body, dict):
                    params.update(body)
                else:
                    error = "invalid_json"
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, str):
                        params[key] = value
                    elif isinstance(value, web.FileField):
                        params[key] = value.filename
                    else:
                        params[key] = bytes(value).decode(errors="replace")
            else:
                error = "invalid_form_data"
        form_token = params.pop("token", None)
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            token = auth.removeprefix("Bearer ").strip()
        elif request.content_type != "application/json" and isinstance(form_token, str):
            token = form_token  # Slack takes a form or query token; never one in JSON
        else:
            token = ""
        for name, json_error in JSON_FIELDS.items():
            raw = params.get(name)
            if isinstance(raw, str):
                try:
                    params[name] = json.loads(raw)
                except ValueError:
                    error = error or json_error
        return params, token, error

    @staticmethod
    def _describe(call: Call) -> str:
        text = f"{call.method} {call.params}"
        return text if len(text) <= 200 else text[:199] + "…"

    # -- helpers for the methods ---------------------------------------------------

    def _next_ts(self) -> str:
        """Unique and increasing, like Slack's: the clock's time when there is one."""
        self._seq += 1
        if self._clock is None:
            micros = TS_START + self._seq * 100
        else:
            micros = max(int(self._clock().timestamp() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _postable(self, channel: str) -> None:
        """Slack's answers for a channel that is gone, archived, or without the bot."""
        if self.channels is None or channel.startswith("D"):
            return
        known = self.channels.get(channel)
        if known is None:
            raise SlackError("channel_not_found")
        if known.archived:
            raise SlackError("is_archived")
        if not known.member:
            raise SlackError("not_in_channel")

    @staticmethod
    def _resolve_channel(channel: str) -> str:
        # Posting to a user id posts in the DM with that user, like Slack does; the DM
        # id matches what conversations.open answers for the user.
        return f"D{channel}" if channel[:1] in ("U", "W") else channel

    def _channel(self, params: dict[str, Any]) -> str:
        channel = params.get("channel")
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        return self._resolve_channel(channel)

    @staticmethod
    def _check_content(params: dict[str, Any]) -> None:
        """text, blocks or attachments, with the blocks valid."""
        text = params.get("text")
        blocks = params.get("blocks")
        if text is not None and not isinstance(text, str):
            raise SlackError("invalid_arguments", ["[ERROR] must be a string [json-pointer:/text]"])
        if not text and not blocks and not params.get("attachments"):
            raise SlackError("no_text")
        if isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX:
            raise SlackError("msg_too_long")
        if "blocks" in params:
            problems = block_problems(blocks)
            if problems:
                raise SlackError("invalid_blocks", problems)

    @staticmethod
    def _view_out(view: dict[str, Any], view_id: str, team: str) -> dict[str, Any]:
        return {
            "id": view_id,
            "team_id": team,
            "type": view.get("type"),
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{view_id}.hash",
            "clear_on_close": _truthy(view.get("clear_on_close", False)),
            "notify_on_close": _truthy(view.get("notify_on_close", False)),
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        }

    # -- the methods -----------------------------------------------------------------

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://fake.slack.com/",
            "team": "Fake Team",
            "user": "stopbot",
            "team_id": self.team,
            "user_id": self.bot_user,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        self._postable(channel)
        self._check_content(params)
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": self.team,
            "channel": channel,
            "ts": ts,
            "text": params.get("text") or "",
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if key in params:
                message[key] = params[key]
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": dict(message)}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        self._postable(channel)
        ts = params.get("ts")
        message = self.messages.get((channel, ts)) if isinstance(ts, str) else None
        if message is None:
            raise SlackError("message_not_found")
        self._check_content(params)
        # Like Slack: blocks/attachments left out are kept; [] removes them.
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                message[key] = params[key]
        message["edited"] = {"user": self.bot_user, "ts": self._next_ts()}
        return {"channel": channel, "ts": ts, "text": message["text"], "message": dict(message)}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        user = params.get("user")
        if not isinstance(user, str) or not user:
            raise SlackError("user_not_found")
        self._check_content(params)
        ts = self._next_ts()
        ephemeral = {"channel": channel, "user": user, "ts": ts, "text": params.get("text", "")}
        if "blocks" in params:
            ephemeral["blocks"] = params["blocks"]
        self.ephemerals.append(ephemeral)
        return {"message_ts": ts}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger_id = params.get("trigger_id")
        if not isinstance(trigger_id, str) or not trigger_id:
            raise SlackError(
                "invalid_arguments", [_pointer_error("missing required field", "/trigger_id")]
            )
        view = params.get("view")
        problems = view_problems(view, "modal")
        if problems or not isinstance(view, dict):
            raise SlackError("invalid_arguments", problems)
        self._seq += 1
        out = self._view_out(view, f"V{self._seq:08d}", self.team)
        self.views[out["id"]] = out
        return {"view": out}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = params.get("user_id")
        if not isinstance(user_id, str) or not user_id:
            raise SlackError(
                "invalid_arguments", [_pointer_error("missing required field", "/user_id")]
            )
        view = params.get("view")
        problems = view_problems(view, "home")
        if problems or not isinstance(view, dict):
            raise SlackError("invalid_arguments", problems)
        previous = self.home_views.get(user_id)
        self._seq += 1
        view_id = previous["id"] if previous else f"V{self._seq:08d}"
        out = self._view_out(view, view_id, self.team)
        self.home_views[user_id] = out
        return {"view": out}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = params.get("user")
        known = self.users.get(user_id) if isinstance(user_id, str) else None
        if known is None:
            raise SlackError("user_not_found")
        user = json.loads(json.dumps(known))  # a copy the caller cannot change
        if not _truthy(params.get("include_locale", False)):
            user.pop("locale")
        return {"user": user}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if isinstance(params.get("channel"), str) and params["channel"]:
            return {"channel": {"id": params["channel"]}, "no_op": True, "already_open": True}
        users = params.get("users")
        ids = users.split(",") if isinstance(users, str) else users
        if not isinstance(ids, list) or not [u for u in ids if u]:
            raise SlackError("users_list_not_supplied")
        ids = [str(u).strip() for u in ids if u]
        if len(ids) > 1:  # a group DM
            return {"channel": {"id": "G" + "".join(sorted(ids))}}
        channel = f"D{ids[0]}"
        if channel in self._open_ims:
            return {"channel": {"id": channel}, "no_op": True, "already_open": True}
        self._open_ims.add(channel)
        return {"channel": {"id": channel}}

    @staticmethod
    def _cursor_ts(cursor: Any) -> float | None:
        """The ts a history cursor starts at (None: the first page)."""
        if not cursor:
            return None
        try:
            text = base64.b64decode(str(cursor), validate=True).decode()
            if not text.startswith(CURSOR_PREFIX):
                raise ValueError(text)
            return float(text.removeprefix(CURSOR_PREFIX))
        except ValueError:
            raise SlackError("invalid_cursor") from None

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, between ``oldest`` and ``latest`` (exclusive unless
        ``inclusive``), ``limit`` per page with a ``next_cursor``, like Slack."""
        channel = self._channel(params)
        self._postable(channel)
        try:
            oldest = float(params.get("oldest") or 0)
            latest = float(params["latest"]) if params.get("latest") else None
            limit = int(params.get("limit") or HISTORY_LIMIT_DEFAULT)
        except (ValueError, TypeError):
            raise SlackError("invalid_arguments") from None
        below = self._cursor_ts(params.get("cursor"))
        inclusive = _truthy(params.get("inclusive", False))
        limit = max(1, min(limit, HISTORY_LIMIT_MAX))

        def within(ts: float) -> bool:
            if ts < oldest or (ts == oldest and not inclusive and oldest):
                return False
            if latest is not None and (ts > latest or (ts == latest and not inclusive)):
                return False
            return below is None or ts <= below

        found = [m for m in reversed(self.posted(channel)) if within(float(m["ts"]))]
        page, rest = found[:limit], found[limit:]
        with_metadata = _truthy(params.get("include_all_metadata", False))
        messages = []
        for message in page:
            out = {k: v for k, v in message.items() if k != "channel"}
            if not with_metadata:
                out.pop("metadata", None)
            messages.append(json.loads(json.dumps(out)))  # a copy the caller cannot change
        next_cursor = ""
        if rest:
            next_cursor = base64.b64encode((CURSOR_PREFIX + rest[0]["ts"]).encode()).decode()
        return {
            "messages": messages,
            "has_more": bool(rest),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": next_cursor},
        }
