"""POST /slack/events, Slack's one Request URL: the body is read with a size cap, its
signature checked on the raw bytes, and only then decoded and handed to bolt.

Bolt decodes the body as UTF-8 text and parses it before its own signature check, so
a body that was not UTF-8 (or not JSON where JSON was announced) raised there: HTTP
500 and a traceback in the log for every such request, signed or not. Here each
refusal is one log line and a status that says why: 413 too large, 401 not signed
with SLACK_SIGNING_SECRET (or too old), 400 signed but unreadable. Bolt still checks
the signature of what it is given.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.request_body import MAX_BODY, read_body, too_large

log = logging.getLogger(__name__)

_MAX_AGE = 5 * 60  # seconds a signed request stays valid, as Slack documents


def signed(body: bytes, timestamp: str, signature: str, secret: str, now: float) -> bool:
    """Slack's v0 signature of the raw body: HMAC-SHA256 of "v0:<timestamp>:<body>"."""
    if not (timestamp.isascii() and timestamp.isdigit()) or abs(now - int(timestamp)) > _MAX_AGE:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def _refuse(status: int, why: str, request: web.Request) -> web.Response:
    # One line, no body and no traceback: a flood of bad requests must not flood the log.
    log.warning(
        "refused a Slack request",
        extra={"status": status, "why": why, "remote": request.remote},
    )
    return too_large() if status == 413 else web.json_response({"error": why}, status=status)


async def to_bolt_request(request: web.Request, secret: str) -> AsyncBoltRequest | web.Response:
    """The request for bolt, or the response refusing it."""
    body = await read_body(request)
    if body is None:
        return _refuse(413, f"body over {MAX_BODY} bytes", request)
    headers = request.headers
    if not signed(
        body,
        headers.get("X-Slack-Request-Timestamp", ""),
        headers.get("X-Slack-Signature", ""),
        secret,
        time.time(),  # Slack's clock, not the bot's injected one: signatures are real time
    ):
        return _refuse(401, "not signed with the signing secret, or too old", request)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _refuse(400, "body is not UTF-8", request)
    try:
        return AsyncBoltRequest(
            body=text,
            query=request.query_string,
            headers=headers,  # type: ignore[arg-type]  # bolt reads any mapping of str
        )
    except (ValueError, TypeError, AttributeError, KeyError):
        # JSON that does not parse, or not an object: what bolt reads its ids from.
        return _refuse(400, "body is not a Slack payload", request)
