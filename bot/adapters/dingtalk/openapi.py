"""DingTalk's OpenAPI over aiohttp: the access token, robot messages (single chat and
group), session-webhook replies and interactive cards (and where their clicks go in HTTP
mode: a callback route registered for the bot's URL).

Every answer is checked, and every failure raised as DeliveryFailed, classified by
bot/adapters/dingtalk/failures.py (DingTalk often answers 200 and says in the body
that nothing, or not everything, was sent). Nothing here retries a send but a call
refused for its access token: DingTalk did nothing then, so sending again after one
refresh is safe. Every other retry is the outbox's, paced.

The access token is fetched once, kept, and refreshed REFRESH_MARGIN before it
expires (by the injected clock), by one fetch however many calls need it: they all
await the same one.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import aiohttp

from bot.adapters.dingtalk.failures import (
    CARD_CALLBACK_NOT_REGISTERED,
    CARD_NOT_CREATED,
    CARD_NOT_DELIVERED,
    CARD_NOT_UPDATED,
    CONNECTION,
    INVALID_AUTHENTICATION,
    SessionExpired,
    api_failure,
    session_failure,
    user_failures,
)
from bot.adapters.dingtalk.ids import is_group, open_space_id
from bot.adapters.dingtalk.robot_message import RobotMessage
from bot.adapters.outcome import DeliveryFailed
from handlers.ports import Clock

log = logging.getLogger(__name__)

TOKEN_HEADER = "x-acs-dingtalk-access-token"
TOKEN_PATH = "/v1.0/oauth2/accessToken"
BATCH_SEND_PATH = "/v1.0/robot/oToMessages/batchSend"
GROUP_SEND_PATH = "/v1.0/robot/groupMessages/send"
CARD_CREATE_PATH = "/v1.0/card/instances/createAndDeliver"
CARD_UPDATE_PATH = "/v1.0/card/instances"
CARD_CALLBACK_REGISTER_PATH = "/v1.0/card/callbacks/register"

# batchSend takes at most this many staffIds a call.
BATCH_MAX = 20
REFRESH_MARGIN = timedelta(minutes=5)
DEFAULT_TIMEOUT_S = 10.0
# What the card's staff ids are: userIdType 1 means staffIds (userid), not unionIds.
_USER_ID_TYPE_STAFF = 1

# Where a card's clicks are delivered: over the Stream connection or to the HTTP callback.
CallbackType = Literal["STREAM", "HTTP"]


@dataclass(frozen=True)
class BatchSent:
    """What a send to several people did: who got it (under which processQueryKeys)
    and, for everyone else, why not."""

    process_query_keys: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    failed: dict[str, DeliveryFailed] = field(default_factory=dict)


class DingTalkApi:
    """One app's OpenAPI client. `session` belongs to the caller (one for every call);
    `clock` decides when the token is due for refresh."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str,
        app_key: str,
        app_secret: str,
        robot_code: str,
        clock: Clock,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._app_key = app_key
        self._app_secret = app_secret
        self.robot_code = robot_code
        self._clock = clock
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._token: str | None = None
        self._expires_at: datetime | None = None  # of self._token
        self._refreshing: asyncio.Task[str] | None = None

    # -- the access token ---------------------------------------------------------

    async def access_token(self) -> str:
        """A valid access token: the kept one, or a fresh one when it is due."""
        if self._token_left() > REFRESH_MARGIN:
            assert self._token is not None
            return self._token
        if self._refreshing is None:
            self._refreshing = asyncio.create_task(self._fetch_token())
            self._refreshing.add_done_callback(self._refresh_done)
        try:
            # Shielded: a caller that gives up does not cancel the others' refresh.
            return await asyncio.shield(self._refreshing)
        except DeliveryFailed:
            # Refreshing early leaves time to retry: the kept token still works.
            if self._token is not None and self._token_left() > timedelta(0):
                return self._token
            raise

    def _token_left(self) -> timedelta:
        """How long the kept token still works; zero when there is none."""
        if self._token is None or self._expires_at is None:
            return timedelta(0)
        return self._expires_at - self._clock.now()

    def _refresh_done(self, task: asyncio.Task[str]) -> None:
        self._refreshing = None
        if not task.cancelled():
            task.exception()  # its callers got it; nobody else must be told

    async def _fetch_token(self) -> str:
        body = {"appKey": self._app_key, "appSecret": self._app_secret}
        answer = await self._request("POST", TOKEN_PATH, body, token=None)
        token, expire_in = answer.get("accessToken"), answer.get("expireIn")
        if not isinstance(token, str) or not token or not isinstance(expire_in, int):
            raise DeliveryFailed("accessToken.malformed")
        self._token = token
        self._expires_at = self._clock.now() + timedelta(seconds=expire_in)
        log.info("dingtalk access token refreshed", extra={"expires_at": str(self._expires_at)})
        return token

    def _forget(self, token: str) -> None:
        """DingTalk refused `token`: the next call fetches another (unless one was
        fetched meanwhile)."""
        if self._token == token:
            self._token = None

    # -- robot messages -----------------------------------------------------------

    async def send_to_user(self, staff_id: str, message: RobotMessage) -> str:
        """Sends `message` to one person's single chat with the robot; returns the
        processQueryKey. Raises DeliveryFailed."""
        sent = await self.send_to_users([staff_id], message)
        if staff_id in sent.failed:
            raise sent.failed[staff_id]
        return sent.process_query_keys[0]

    async def send_to_users(self, staff_ids: Sequence[str], message: RobotMessage) -> BatchSent:
        """Sends `message` to each person's single chat, BATCH_MAX a call. Never raises
        DeliveryFailed: who was not reached is in `failed`. After a transient failure
        of a whole call (throttled, DingTalk down), the rest is not tried: it is
        failed with the same reason."""
        keys: list[str] = []
        sent: list[str] = []
        failed: dict[str, DeliveryFailed] = {}
        users = list(dict.fromkeys(staff_ids))  # DingTalk would send twice
        for start in range(0, len(users), BATCH_MAX):
            chunk = users[start : start + BATCH_MAX]
            try:
                answer = await self._call(
                    "POST",
                    BATCH_SEND_PATH,
                    {
                        "robotCode": self.robot_code,
                        "userIds": chunk,
                        "msgKey": message.msg_key,
                        "msgParam": message.msg_param(),
                    },
                )
            except DeliveryFailed as exc:
                rest = chunk if exc.permanent else users[start:]
                failed.update(dict.fromkeys(rest, exc))
                if exc.permanent:
                    continue
                break
            refused = user_failures(
                _strings(answer.get("invalidStaffIdList")),
                _strings(answer.get("flowControlledStaffIdList")),
            )
            failed.update({user: why for user, why in refused.items() if user in chunk})
            reached = [user for user in chunk if user not in refused]
            if reached:
                keys.append(_process_query_key(answer))
                sent.extend(reached)
        return BatchSent(process_query_keys=keys, sent=sent, failed=failed)

    async def send_to_group(self, open_conversation_id: str, message: RobotMessage) -> str:
        """Sends `message` to a group the robot is in; returns the processQueryKey."""
        answer = await self._call(
            "POST",
            GROUP_SEND_PATH,
            {
                "robotCode": self.robot_code,
                "openConversationId": open_conversation_id,
                "msgKey": message.msg_key,
                "msgParam": message.msg_param(),
            },
        )
        return _process_query_key(answer)

    async def reply_by_session(
        self, webhook: str, message: RobotMessage, expires_at: datetime | None = None
    ) -> None:
        """Replies in the conversation an inbound message came from, through its
        sessionWebhook (which carries its own credentials). Raises SessionExpired when
        the webhook has expired (by `expires_at`, its sessionWebhookExpiredTime, or
        by DingTalk's answer): send through the OpenAPI instead."""
        if expires_at is not None and self._clock.now() >= expires_at:
            raise SessionExpired()
        answer = await self._request("POST", webhook, message.webhook_body(), token=None)
        errcode = answer.get("errcode", 0)
        if errcode != 0:
            raise session_failure(errcode if isinstance(errcode, int) else -1)

    # -- interactive cards --------------------------------------------------------

    async def register_card_callback(
        self, route_key: str, url: str, api_secret: str | None = None
    ) -> None:
        """Tells DingTalk to send the clicks of cards created with `route_key` (as their
        callbackRouteKey, callbackType HTTP) to `url`, replacing what the key named
        before. Raises DeliveryFailed when DingTalk did not register it."""
        body: dict[str, Any] = {"callbackRouteKey": route_key, "callbackUrl": url}
        if api_secret is not None:
            body["apiSecret"] = api_secret
        # Registered at every start: the URL may have changed since the last one.
        body["forceUpdate"] = True
        answer = await self._call("POST", CARD_CALLBACK_REGISTER_PATH, body)
        result = answer.get("result")
        registered = result.get("callbackUrl") if isinstance(result, dict) else None
        if answer.get("success") is not True or registered != url:
            raise DeliveryFailed(CARD_CALLBACK_NOT_REGISTERED, permanent=True)

    async def create_card(
        self,
        to: str,
        *,
        template_id: str,
        out_track_id: str,
        params: dict[str, str],
        callback_type: CallbackType,
        callback_route_key: str | None = None,
    ) -> str:
        """Creates a card of `template_id` with `params` and delivers it to `to` (a
        group's openConversationId, or a staffId: the robot's single chat with them).
        `out_track_id` names the card from then on (clicks carry it, updates use it).
        `callback_route_key`: with callback_type HTTP, the key registered for the bot's
        URL (register_card_callback). Returns `out_track_id`. Raises DeliveryFailed when
        DingTalk did not create or deliver it."""
        body: dict[str, Any] = {
            "cardTemplateId": template_id,
            "outTrackId": out_track_id,
            "callbackType": callback_type,
            "cardData": {"cardParamMap": params},
            "openSpaceId": open_space_id(to),
            "userIdType": _USER_ID_TYPE_STAFF,
        }
        if callback_route_key is not None:
            body["callbackRouteKey"] = callback_route_key
        if is_group(to):
            body["imGroupOpenSpaceModel"] = {"supportForward": True}
            body["imGroupOpenDeliverModel"] = {"robotCode": self.robot_code}
        else:
            body["imRobotOpenSpaceModel"] = {"supportForward": True}
            body["imRobotOpenDeliverModel"] = {
                "spaceType": "IM_ROBOT",
                "robotCode": self.robot_code,
            }
        answer = await self._call("POST", CARD_CREATE_PATH, body)
        if answer.get("success") is not True:
            raise DeliveryFailed(CARD_NOT_CREATED)
        result = answer.get("result")
        delivered = result.get("deliverResults") if isinstance(result, dict) else None
        if not isinstance(delivered, list) or not delivered:
            raise DeliveryFailed(CARD_NOT_DELIVERED, permanent=True)
        for space in delivered:
            if not isinstance(space, dict) or space.get("success") is not True:
                why = space.get("errorMsg") if isinstance(space, dict) else space
                log.warning("dingtalk card not delivered", extra={"to": to, "error": why})
                raise DeliveryFailed(CARD_NOT_DELIVERED, permanent=True)
        return out_track_id

    async def update_card(self, out_track_id: str, params: dict[str, str]) -> None:
        """Rewrites the given parameters of a delivered card (the others keep theirs)."""
        answer = await self._call(
            "PUT",
            CARD_UPDATE_PATH,
            {
                "outTrackId": out_track_id,
                "cardData": {"cardParamMap": params},
                "cardUpdateOptions": {"updateCardDataByKey": True},
            },
        )
        if answer.get("success") is not True:
            raise DeliveryFailed(CARD_NOT_UPDATED)

    # -- HTTP -----------------------------------------------------------------------

    async def _call(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """An OpenAPI call with the access token; refused for the token, it is made
        once more with a fresh one."""
        token = await self.access_token()
        try:
            return await self._request(method, path, body, token)
        except DeliveryFailed as exc:
            if exc.reason != INVALID_AUTHENTICATION:
                raise
        log.info("dingtalk refused the access token, refreshing it", extra={"path": path})
        self._forget(token)
        return await self._request(method, path, body, await self.access_token())

    async def _request(
        self, method: str, path: str, body: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        """One request; its JSON answer when 2xx, else DeliveryFailed. `path` may be a
        whole URL (a session webhook)."""
        url = path if "://" in path else f"{self._base}{path}"
        headers = {TOKEN_HEADER: token} if token is not None else {}
        try:
            async with self._session.request(
                method, url, json=body, headers=headers, timeout=self._timeout
            ) as response:
                status = response.status
                retry_after = response.headers.get("Retry-After")
                text = await response.text()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise DeliveryFailed(CONNECTION) from exc
        try:
            answer = json.loads(text) if text else None
        except ValueError:
            answer = None
        if status == 401 and not (isinstance(answer, dict) and answer.get("code")):
            answer = {"code": INVALID_AUTHENTICATION}
        if not 200 <= status < 300:
            raise api_failure(status, answer, retry_after)
        if not isinstance(answer, dict):
            raise DeliveryFailed(f"http_{status}_not_json")
        return answer


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _process_query_key(answer: dict[str, Any]) -> str:
    key = answer.get("processQueryKey")
    if not isinstance(key, str) or not key:
        raise DeliveryFailed("processQueryKey.missing")
    return key
