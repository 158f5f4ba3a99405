"""A robot message as DingTalk's OpenAPI takes it (a template key and its parameters),
and the same message as a session webhook takes it.

The OpenAPI sends `msgKey` + `msgParam` (the parameters as a JSON string); a session
webhook takes `{"msgtype": ..., <msgtype>: {...}}`. Rendering produces a RobotMessage
once and either route can carry it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MARKDOWN = "sampleMarkdown"
TEXT = "sampleText"
LINK = "sampleLink"
ACTION_CARD = "sampleActionCard"  # one button: singleTitle / singleURL
# Two to five buttons one under the other: actionTitleN / actionURLN.
ACTION_CARD_VERTICAL = {f"sampleActionCard{n}": n for n in range(2, 6)}
ACTION_CARD_SIDE_BY_SIDE = "sampleActionCard6"  # two buttons: buttonTitleN / buttonUrlN
MAX_BUTTONS = max(ACTION_CARD_VERTICAL.values())  # of an ActionCard


def _vertical_fields(buttons: int) -> tuple[str, ...]:
    return tuple(
        f"{kind}{n}" for n in range(1, buttons + 1) for kind in ("actionTitle", "actionURL")
    )


# The parameters each template needs (DingTalk refuses a message without them).
REQUIRED: dict[str, tuple[str, ...]] = {
    TEXT: ("content",),
    MARKDOWN: ("title", "text"),
    LINK: ("title", "text", "messageUrl", "picUrl"),
    ACTION_CARD: ("title", "text", "singleTitle", "singleURL"),
    **{key: ("title", "text", *_vertical_fields(n)) for key, n in ACTION_CARD_VERTICAL.items()},
    ACTION_CARD_SIDE_BY_SIDE: (
        "title",
        "text",
        "buttonTitle1",
        "buttonUrl1",
        "buttonTitle2",
        "buttonUrl2",
    ),
}

# A session webhook lays buttons out by this flag: "0" one under the other, "1" side by side.
_VERTICAL, _SIDE_BY_SIDE = "0", "1"


@dataclass(frozen=True)
class RobotMessage:
    """`msg_key` is one of REQUIRED's keys; `param` holds at least its fields."""

    msg_key: str
    param: dict[str, str]

    def __post_init__(self) -> None:
        if self.msg_key not in REQUIRED:
            raise ValueError(f"unknown DingTalk msgKey {self.msg_key!r}; known: {sorted(REQUIRED)}")
        missing = [name for name in REQUIRED[self.msg_key] if name not in self.param]
        if missing:
            raise ValueError(f"{self.msg_key} needs {', '.join(missing)}")

    @classmethod
    def markdown(cls, title: str, text: str) -> RobotMessage:
        return cls(MARKDOWN, {"title": title, "text": text})

    @classmethod
    def action_card(cls, title: str, text: str, buttons: Sequence[tuple[str, str]]) -> RobotMessage:
        """An ActionCard: `text` (markdown) over 1 to MAX_BUTTONS buttons, one under the
        other, each (its title, the URL it opens)."""
        param = {"title": title, "text": text}
        if len(buttons) == 1:
            ((label, url),) = buttons
            return cls(ACTION_CARD, param | {"singleTitle": label, "singleURL": url})
        key = next((k for k, n in ACTION_CARD_VERTICAL.items() if n == len(buttons)), None)
        if key is None:
            raise ValueError(f"an ActionCard has 1 to {MAX_BUTTONS} buttons, not {len(buttons)}")
        for n, (label, url) in enumerate(buttons, 1):
            param[f"actionTitle{n}"] = label
            param[f"actionURL{n}"] = url
        return cls(key, param)

    def msg_param(self) -> str:
        """The OpenAPI's msgParam: the parameters as a JSON string."""
        return json.dumps(self.param, ensure_ascii=False)

    def webhook_body(self) -> dict[str, Any]:
        """The same message as a session webhook's JSON body."""
        p = self.param
        if self.msg_key == TEXT:
            return {"msgtype": "text", "text": {"content": p["content"]}}
        if self.msg_key == MARKDOWN:
            return {"msgtype": "markdown", "markdown": {"title": p["title"], "text": p["text"]}}
        if self.msg_key == LINK:
            fields = ("title", "text", "messageUrl", "picUrl")
            return {"msgtype": "link", "link": {name: p[name] for name in fields}}
        card: dict[str, Any] = {"title": p["title"], "text": p["text"]}
        if self.msg_key == ACTION_CARD:
            card |= {"singleTitle": p["singleTitle"], "singleURL": p["singleURL"]}
        elif self.msg_key == ACTION_CARD_SIDE_BY_SIDE:
            card["btnOrientation"] = _SIDE_BY_SIDE
            card["btns"] = [
                {"title": p[f"buttonTitle{n}"], "actionURL": p[f"buttonUrl{n}"]} for n in (1, 2)
            ]
        else:
            card["btnOrientation"] = _VERTICAL
            card["btns"] = [
                {"title": p[f"actionTitle{n}"], "actionURL": p[f"actionURL{n}"]}
                for n in range(1, ACTION_CARD_VERTICAL[self.msg_key] + 1)
            ]
        return {"msgtype": "actionCard", "actionCard": card}
