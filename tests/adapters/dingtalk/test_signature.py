"""DingTalk's HTTP callback signature: a known vector, and every way to be refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.dingtalk.signature import refusal, sign

SECRET = "app-secret-éß"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _ms(when: datetime) -> str:
    return str(int(when.timestamp() * 1000))


def test_sign_is_base64_hmac_sha256_of_timestamp_newline_secret() -> None:
    # The vector was computed with openssl (dgst -sha256 -hmac secret, then base64).
    digest = hmac.new(b"secret", b"1700000000000\nsecret", hashlib.sha256).digest()
    assert sign("1700000000000", "secret") == base64.b64encode(digest).decode()
    assert sign("1700000000000", "secret") == "OuzzJR5+xZ4/EYwqtNt6sMYZQMTa/HEGvc9miJe7XzY="


def test_a_fresh_good_signature_is_accepted() -> None:
    ts = _ms(NOW - timedelta(seconds=3))
    assert refusal(ts, sign(ts, SECRET), SECRET, NOW) is None


@pytest.mark.parametrize("skew", [timedelta(minutes=59), -timedelta(minutes=59)])
def test_within_the_hour_either_way_is_accepted(skew: timedelta) -> None:
    ts = _ms(NOW + skew)
    assert refusal(ts, sign(ts, SECRET), SECRET, NOW) is None


def test_a_signature_with_another_secret_is_refused() -> None:
    ts = _ms(NOW)
    assert refusal(ts, sign(ts, "other"), SECRET, NOW) == "sign does not match the app secret"


def test_a_signature_of_another_timestamp_is_refused() -> None:
    ts = _ms(NOW)
    other = _ms(NOW - timedelta(seconds=1))
    assert refusal(ts, sign(other, SECRET), SECRET, NOW) == "sign does not match the app secret"


@pytest.mark.parametrize(
    ("timestamp", "signature", "why"),
    [
        (None, "x", "no timestamp header"),
        ("", "x", "no timestamp header"),
        ("1", None, "no sign header"),
        ("1", "", "no sign header"),
        ("17e12", "x", "timestamp is not milliseconds since the epoch"),
        ("-1700000000000", "x", "timestamp is not milliseconds since the epoch"),
        ("١٧٠٠٠٠٠٠٠٠٠٠٠", "x", "timestamp is not milliseconds since the epoch"),
        ("9" * 40, "x", "timestamp is not milliseconds since the epoch"),
    ],
)
def test_missing_or_unreadable_headers_are_refused(
    timestamp: str | None, signature: str | None, why: str
) -> None:
    assert refusal(timestamp, signature, SECRET, NOW) == why


def test_more_than_an_hour_old_is_refused_even_when_signed() -> None:
    ts = _ms(NOW - timedelta(hours=1, seconds=1))
    assert refusal(ts, sign(ts, SECRET), SECRET, NOW) == "timestamp more than an hour old"


def test_more_than_an_hour_ahead_is_refused_even_when_signed() -> None:
    ts = _ms(NOW + timedelta(hours=1, seconds=1))
    assert refusal(ts, sign(ts, SECRET), SECRET, NOW) == "timestamp more than an hour ahead"


def test_a_non_ascii_sign_is_refused_without_raising() -> None:
    ts = _ms(NOW)
    assert refusal(ts, "签名\udcff", SECRET, NOW) == "sign does not match the app secret"


def test_no_secret_refuses_everything() -> None:
    ts = _ms(NOW)
    assert refusal(ts, sign(ts, ""), "", NOW) == "no app secret configured to check signatures with"
