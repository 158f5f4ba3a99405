"""Is an HTTP callback DingTalk's? Its `timestamp` header (milliseconds) and `sign`
header, base64 of HMAC-SHA256 keyed with the app secret over
`timestamp + "\\n" + appSecret`, and a timestamp within an hour of now either way.

DingTalk signs the timestamp, not the body: the window is what keeps an intercepted
pair from being replayed forever.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

MAX_SKEW = timedelta(hours=1)
_MAX_DIGITS = 16  # milliseconds until the year 2286; longer is not a timestamp


def sign(timestamp: str, secret: str) -> str:
    """The `sign` DingTalk sends with `timestamp`."""
    message = f"{timestamp}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def refusal(timestamp: str | None, signature: str | None, secret: str, now: datetime) -> str | None:
    """Why the request is not DingTalk's, in words for the log; None when it is."""
    if not secret:
        return "no app secret configured to check signatures with"
    if not timestamp:
        return "no timestamp header"
    if not signature:
        return "no sign header"
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > _MAX_DIGITS:
        return "timestamp is not milliseconds since the epoch"
    sent = datetime.fromtimestamp(int(timestamp) / 1000, UTC)
    if sent < now - MAX_SKEW:
        return "timestamp more than an hour old"
    if sent > now + MAX_SKEW:
        return "timestamp more than an hour ahead"
    expected = sign(timestamp, secret).encode()
    # Compared in constant time, and as bytes: a non-ASCII header must not raise.
    if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        return "sign does not match the app secret"
    return None
