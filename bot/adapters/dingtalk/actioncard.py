"""An approval card as a DingTalk ActionCard, for when there is no interactive card
template (DINGTALK_CARD_TEMPLATE_ID unset).

An ActionCard's buttons can only open a URL. A `dtmd://dingtalkclient/sendMessage`
URL makes the clicker's client send its `content` as a message from the clicker, so
each button sends the bot the typed command of its decision (typed_commands.command:
`同意 SR-7K3M9QXD#1`, naming the card's stage), and the bot reads it like any typed
command: the sender is authorised exactly as a click. In a group the robot hears only
messages that @-mention it, so the card's text also says which command to send the
bot in a single chat (`approve SR-…`, `reject SR-… <reason>`), in the card's language.

The card is sent as a RobotMessage (robot_message.py, which knows DingTalk's templates
and the session webhook's form) of the ActionCard template for its number of buttons,
one under the other: an approval card has three decisions.

A card without decision buttons (decided, withdrawn) is no ActionCard: render gives
None and the adapter sends the markdown message instead. Robot messages cannot be
edited, so a decided card is a new message, not an update.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from bot.adapters.dingtalk import markdown, typed_commands
from bot.adapters.dingtalk.robot_message import MAX_BUTTONS, RobotMessage
from conversations.i18n import t
from conversations.model import Lang
from handlers.actions import StageDecision, parse_action
from handlers.events import Message

SEND_MESSAGE_URL = "dtmd://dingtalkclient/sendMessage?content="
_BUTTON_TITLE_MAX = 20


def send_message_url(content: str) -> str:
    """A link that makes the clicker's DingTalk send `content` to the conversation."""
    return SEND_MESSAGE_URL + quote(content, safe="")


@dataclass(frozen=True)
class ActionCard:
    title: str
    text: str  # DingTalk markdown
    buttons: tuple[tuple[str, str], ...]  # (title, actionURL), 1 to MAX_BUTTONS

    def robot_message(self) -> RobotMessage:
        """The card as either route (the OpenAPI, a session webhook) sends it."""
        return RobotMessage.action_card(self.title, self.text, self.buttons)


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
