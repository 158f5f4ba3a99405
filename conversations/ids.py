"""Platform-qualified identities: every user, channel and group is written
`platform:raw-id` (`slack:U012AB`, `dingtalk:manager01`, `console:alice`), so one policy
file and one store serve every platform. Adding a platform is one line in PLATFORMS.
"""

from __future__ import annotations

import re

PLATFORMS: tuple[str, ...] = ("slack", "dingtalk", "console")

# What may follow the colon: ids of every platform fit (DingTalk's staffIds and
# openConversationIds are base64-like: `+`, `/` and `=`), and nothing that markup, a
# Redis key or a log line could misread.
RAW_CHARS = "A-Za-z0-9._@+/=\\-"
ID_PATTERN = re.compile(rf"({'|'.join(PLATFORMS)}):[{RAW_CHARS}]{{1,128}}")


def is_identity(text: str) -> bool:
    # fullmatch: "$" would also accept an id followed by a newline.
    return ID_PATTERN.fullmatch(text) is not None


def identity_problem(value: str) -> str | None:
    """Why `value` is not a valid identity, in words for an admin; None when it is."""
    if is_identity(value):
        return None
    platform, sep, _ = value.partition(":")
    if not sep:
        return "it has no platform prefix"
    if platform not in PLATFORMS:
        return f"unknown platform {platform!r}"
    return "the id after ':' must be 1-128 characters of A-Z a-z 0-9 . _ @ + / = -"


def qualify(platform: str, raw: str) -> str:
    return f"{platform}:{raw}"


def platform_of(identity: str) -> str:
    """The platform part ("slack" of "slack:U1"); "" when there is none."""
    platform, sep, _ = identity.partition(":")
    return platform if sep else ""


def raw_id(identity: str) -> str:
    """The platform's own id ("U1" of "slack:U1")."""
    return identity.split(":", 1)[-1]
