"""DingTalk's refusals, classified for the outbox once (bot/delivery/outbox.py).

Permanent: the destination or the message itself is the problem (a staffId or group
that does not exist, the robot not in the group, a malformed message), and sending
the same again can never work; the reason is DingTalk's own code. Everything else is
transient and retried with backoff: throttling, DingTalk's 5xx, a dropped connection,
and the app's own configuration (credentials, the robot code, permissions, the card
template), which an operator fixes for every message at once -- as for Slack
(bot/adapters/slack/failures.py), nothing is lost while it is being repaired.

Throttling is reported as RATELIMITED, so the outbox tells the Pacer: HTTP 403
`Forbidden.AccessDenied.QpsLimit*`, HTTP 429, staffIds in a 200's
`flowControlledStaffIdList`, and a session webhook's errcode 130101. DingTalk never
says how long to wait; its limits are counted per second (QPS), so the wait asked for
is THROTTLE_WAIT_S, one window (a 429's Retry-After header wins when there is one).

A session webhook that expired (errcode 300001) raises SessionExpired: the reply must
go through the OpenAPI instead (batchSend or groupMessages/send), see `session_failure`.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.adapters.outcome import RATELIMITED, DeliveryFailed

THROTTLE_WAIT_S = 1.0

# Reasons of failures DingTalk reports without a code of its own.
INVALID_STAFF_ID = "invalidStaffId"  # a staffId in a 200's invalidStaffIdList
CARD_NOT_CREATED = "card.notCreated"  # createAndDeliver answered success: false
CARD_NOT_DELIVERED = "card.notDelivered"  # a deliverResult with success: false
CARD_NOT_UPDATED = "card.notUpdated"  # PUT /v1.0/card/instances answered success: false
# /v1.0/card/callbacks/register answered without success, or for another URL.
CARD_CALLBACK_NOT_REGISTERED = "card.callbackNotRegistered"
CONNECTION = "connection"  # no answer came back: the call may or may not have been done

# The access token was refused (expired or revoked): refresh it once and retry.
INVALID_AUTHENTICATION = "InvalidAuthentication"

_QPS_LIMIT_PREFIX = "Forbidden.AccessDenied.QpsLimit"

# Codes of a bad request: the message or its destination. Permanent, unless the
# parameter is the app's configuration (CONFIGURATION).
_PARAMETER_PREFIXES = ("invalidParameter.", "invalid.", "param.")
PERMANENT = frozenset(
    {
        "resource.not.found",
        "bot.stopped",  # the robot was switched off in that group
        "chatbotNotInstall",  # the robot is not in that group
        "userNotExist",
        "cidDecryptError",
        "decryptOpenconversationIdFailed",
        "contentSecurityChckFailed",  # DingTalk's spelling
        CARD_NOT_DELIVERED,
        INVALID_STAFF_ID,
    }
)
CONFIGURATION = frozenset(
    {
        "invalidParameter.robotCode.empty",
        "invalidParameter.robotCode.missing",
        "invalidParameter.robotCode.invalid",
        "invalidParameter.robotCode.auth",  # the robot belongs to another app
        "invalidParameter.robotCode.coolApp",
        "invalidParameter.cardTemplate.notFound",
        "param.cardTemplateIdEmpty",
        "invalidClientIdOrSecret",
        INVALID_AUTHENTICATION,
    }
)

# Session webhook errcodes.
SESSION_THROTTLED = 130101
SESSION_EXPIRED = 300001
_SESSION_PERMANENT = frozenset({40035})  # the body is not what a robot message must be


class SessionExpired(DeliveryFailed):
    """The session webhook has expired: this route can never work again, the reply
    must be sent through the OpenAPI. Permanent for the webhook, not for the reply:
    callers catch it before DeliveryFailed."""

    def __init__(self) -> None:
        super().__init__(session_reason(SESSION_EXPIRED), permanent=True)


def session_reason(errcode: int) -> str:
    return f"sessionWebhook.{errcode}"


def is_permanent(code: str) -> bool:
    if code in CONFIGURATION:
        return False
    return code in PERMANENT or code.startswith(_PARAMETER_PREFIXES)


def api_failure(status: int, body: Any, retry_after: str | None = None) -> DeliveryFailed:
    """What an OpenAPI error answer (HTTP `status`, JSON `body` when there was one,
    the Retry-After header) means for the outbox."""
    code = body.get("code") if isinstance(body, dict) else None
    code = code if isinstance(code, str) and code else None
    if status == 429 or (code or "").startswith(_QPS_LIMIT_PREFIX):
        return DeliveryFailed(RATELIMITED, retry_after=_seconds(retry_after) or THROTTLE_WAIT_S)
    if status >= 500 or code is None:
        return DeliveryFailed(code or f"http_{status}")
    return DeliveryFailed(code, permanent=is_permanent(code))


def session_failure(errcode: int) -> DeliveryFailed:
    """What a session webhook's nonzero errcode means; SessionExpired for 300001."""
    if errcode == SESSION_EXPIRED:
        return SessionExpired()
    if errcode == SESSION_THROTTLED:
        return DeliveryFailed(RATELIMITED, retry_after=THROTTLE_WAIT_S)
    return DeliveryFailed(session_reason(errcode), permanent=errcode in _SESSION_PERMANENT)


def user_failures(invalid: list[str], flow_controlled: list[str]) -> dict[str, DeliveryFailed]:
    """The staffIds a 200 from batchSend did not deliver to, and why."""
    failed = {user: DeliveryFailed(INVALID_STAFF_ID, permanent=True) for user in invalid}
    for user in flow_controlled:
        failed[user] = DeliveryFailed(RATELIMITED, retry_after=THROTTLE_WAIT_S)
    return failed


def transport_failure(exc: Exception) -> DeliveryFailed | None:
    """A call that got no answer; None when `exc` is not a transport error."""
    if isinstance(exc, aiohttp.ClientError | TimeoutError | OSError):
        return DeliveryFailed(CONNECTION)
    return None


def _seconds(value: str | None) -> float | None:
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds > 0 else None
