"""An approval card as a DingTalk ActionCard, for when there is no interactive card
template (DINGTALK_CARD_TEMPLATE_ID unset).

An ActionCard's buttons can only open a URL. A `dtmd://dingtalkclient/sendMessage`
URL makes the clicker's client send its `content` as a message from the clicker, so
each button sends the bot the typed command of its decision (typed_commands.command:
`同意 SR-7K3M9QXD#1`, naming the card's stage), and the bot reads it like any typed
command: the sender is authorised exactly as a click. In a group the robot hears only
messages that @-mention it, so the card's text also says which command to send the
bot in a single chat (`approve SR-…`, `reject SR-… <reason>`), in the card's language.

msgKey: `sampleActionCard2`..`sampleActionCard5` lay 2 to 5 buttons one under the
other (`actionTitleN`/`actionURLN`); an approval card has three decisions, so it is
`sampleActionCard3`. `sampleActionCard6` has room for two buttons only, and
`sampleActionCard` for one (used should a card ever carry a single decision).

A card without decision buttons (decided, withdrawn) is no ActionCard: render gives
None and the adapter sends the markdown message instead. Robot messages cannot be
edited, so a decided card is a new message, not an update.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot.adapters.dingtalk import markdown, typed_commands
from conversations.i18n import t
from conversations.model import Lang
from handlers.actions import StageDecision, parse_action
from handlers.events import Message

SEND_MESSAGE_URL = "dtmd://dingtalkclient/sendMessage?content="
SINGLE_BUTTON = "sampleActionCard"
MAX_BUTTONS = 5  # sampleActionCard5
_BUTTON_TITLE_MAX = 20
# A session webhook lays the buttons out by this flag: "0" one under the other.
_VERTICAL = "0"


def send_message_url(content: str) -> str:
    """A link that makes the clicker's DingTalk send `content` to the conversation."""
    return SEND_MESSAGE_URL + quote(content, safe="")


@dataclass(frozen=True)
class ActionCard:
    title: str
    text: str  # DingTalk markdown
    buttons: tuple[tuple[str, str], ...]  # (title, actionURL), 1 to MAX_BUTTONS

    def msg_key(self) -> str:
        """The robot message template for the OpenAPI's msgKey."""
        count = len(self.buttons)
        return SINGLE_BUTTON if count == 1 else f"sampleActionCard{count}"

    def msg_param(self) -> dict[str, str]:
        """The template's parameters (the OpenAPI's msgParam, before JSON encoding)."""
        param = {"title": self.title, "text": self.text}
        if len(self.buttons) == 1:
            ((label, url),) = self.buttons
            return param | {"singleTitle": label, "singleURL": url}
        for n, (label, url) in enumerate(self.buttons, 1):
            param[f"actionTitle{n}"] = label
            param[f"actionURL{n}"] = url
        return param

    def webhook_body(self) -> dict[str, Any]:
        """The same card as a session webhook's JSON body."""
        card: dict[str, Any] = {"title": self.title, "text": self.text}
        if len(self.buttons) == 1:
            ((label, url),) = self.buttons
            card |= {"singleTitle": label, "singleURL": url}
        else:
            card["btnOrientation"] = _VERTICAL
            card["btns"] = [{"title": label, "actionURL": url} for label, url in self.buttons]
        return {"msgtype": "actionCard", "actionCard": card}


def _decisions(message: Message) -> list[tuple[str, StageDecision]]:
    found = []
    for button in message.buttons:
        decision = parse_action(button.action, button.value)
        if isinstance(decision, StageDecision):
            found.append((button.label, decision))
    return found


def _hints(request_id: str, lang: Lang) -> str:
    lines = [f"- `{markdown.escape(hint)}`" for hint in typed_commands.hints(request_id, lang)]
    return markdown.escape(t(lang, "dt_cmd_intro")) + "\n\n" + "\n".join(lines)


def render(message: Message, lang: Lang | None = None) -> ActionCard | None:
    """The approval card with a button per decision and the commands to type; None
    when the message has no decision to offer."""
    decisions = _decisions(message)[:MAX_BUTTONS]
    if not decisions:
        return None
    lang = markdown.message_lang(message, lang)
    blocks = []
    if message.text.strip():
        blocks.append(markdown.escape(message.text))
    if message.card is not None:
        blocks.append(markdown.card_markdown(message.card))
    blocks.append(_hints(decisions[0][1].request_id, lang))
    buttons = tuple(
        (
            markdown.cut(label, _BUTTON_TITLE_MAX),
            send_message_url(typed_commands.command(decision, lang)),
        )
        for label, decision in decisions
    )
    text = markdown.cut("\n\n".join(blocks), markdown.TEXT_MAX)
    return ActionCard(title=markdown.title(message), text=text, buttons=buttons)
