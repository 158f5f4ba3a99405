"""Neutral messages as Slack Block Kit, and the two views built of them: the modal a
form opens in and the App Home tab.

Everything that reaches mrkdwn is escaped (`&`, `<`, `>`), so text a user typed (a
reason, a target name) can never ping `<!channel>`, mention someone or fake a link;
titles go in plain_text. Slack's limits are respected by truncation with an ellipsis
rather than by a failed post.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.slack import wire
from handlers.actions import DialogueChoice
from handlers.events import Button, Card, Message, OpenForm

Block = dict[str, Any]

_SECTION_MAX = 3000
_FIELD_MAX = 2000
_HEADER_MAX = 150
_BUTTON_TEXT_MAX = 75
_VALUE_MAX = 2000
_OPTION_VALUE_MAX = 150
_BLOCK_ID_MAX = 255
_LABEL_MAX = 2000
_VIEW_TITLE_MAX = 24
_HOME_BLOCKS_MAX = 100
_SELECT_FROM = 7  # more choices than this: a static select instead of buttons


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text or " ", limit), "emoji": True}


def _mrkdwn(text: str, limit: int = _SECTION_MAX) -> dict[str, Any]:
    # verbatim: Slack must not turn a plain "@here" or a bare URL into a mention or link.
    return {"type": "mrkdwn", "text": _cut(escape(text) or " ", limit), "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _card_blocks(card: Card) -> list[Block]:
    blocks: list[Block] = [{"type": "header", "text": _plain(card.title, _HEADER_MAX)}]
    fields = [
        {
            "type": "mrkdwn",
            "text": _cut(f"*{escape(label)}*\n{escape(value)}", _FIELD_MAX),
            "verbatim": True,
        }
        for label, value in card.fields
    ]
    for start in range(0, len(fields), 10):  # at most 10 fields per section
        blocks.append({"type": "section", "fields": fields[start : start + 10]})
    if card.flags:
        blocks.append(_section("\n".join(f"⚠️ {flag}" for flag in card.flags)))
    if card.context:
        blocks.append(
            {"type": "context", "elements": [_mrkdwn(line) for line in card.context[:10]]}
        )
    if card.outcome:
        blocks.append(_section("\n".join(f"✅ {line}" for line in card.outcome)))
    return blocks


def _button(button: Button, index: int) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": _plain(button.label, _BUTTON_TEXT_MAX),
        "action_id": wire.action_id(button.action, index),
        "value": button.value[:_VALUE_MAX],
    }
    if button.style:
        element["style"] = button.style
    return element


def _choices(buttons: list[Button]) -> list[Block]:
    if len(buttons) > _SELECT_FROM and all(b.action == DialogueChoice.id for b in buttons):
        options = [
            {"text": _plain(b.label, _BUTTON_TEXT_MAX), "value": b.value[:_OPTION_VALUE_MAX]}
            for b in buttons[:100]
        ]
        select = {"type": "static_select", "action_id": wire.DIALOGUE_SELECT, "options": options}
        return [{"type": "actions", "elements": [select]}]
    elements = [_button(b, i) for i, b in enumerate(buttons)]
    return [
        {"type": "actions", "elements": elements[start : start + 25]}
        for start in range(0, len(elements), 25)
    ]


def render(message: Message) -> list[Block]:
    blocks: list[Block] = []
    if message.text:
        blocks.append(_section(message.text))
    if message.card is not None:
        blocks += _card_blocks(message.card)
    if message.date_choice is not None:
        blocks.append(
            {
                "type": "actions",
                "block_id": wire.date_block_id(message.date_choice)[:_BLOCK_ID_MAX],
                "elements": [{"type": "datepicker", "action_id": wire.DIALOGUE_DATE}],
            }
        )
    if message.buttons:
        blocks += _choices(message.buttons)
    return blocks[:50]


def fallback_text(message: Message) -> str:
    """The notification text (plain, escaped): Slack shows it where blocks are not."""
    text = message.text or (message.card.title if message.card else "")
    return _cut(escape(text), _SECTION_MAX)


def form_view(form: OpenForm) -> Block:
    blocks = []
    for field in form.fields:
        if field.kind == "user":
            element: dict[str, Any] = {"type": "users_select", "action_id": wire.FORM_INPUT}
        else:
            element = {
                "type": "plain_text_input",
                "action_id": wire.FORM_INPUT,
                "multiline": True,
                "max_length": field.max_length,
            }
        label = {"type": "plain_text", "text": field.label[:_LABEL_MAX]}
        blocks.append({"type": "input", "block_id": field.name, "label": label, "element": element})
    return {
        "type": "modal",
        "callback_id": wire.form_callback_id(form.form),
        "private_metadata": wire.form_metadata(form.form, form.context),
        "title": {"type": "plain_text", "text": form.title[:_VIEW_TITLE_MAX]},
        "submit": {"type": "plain_text", "text": form.submit[:_VIEW_TITLE_MAX]},
        "close": {"type": "plain_text", "text": form.cancel[:_VIEW_TITLE_MAX]},
        "blocks": blocks,
    }


def home_view(sections: list[Message]) -> Block:
    blocks: list[Block] = []
    for message in sections:
        blocks += render(message)
        blocks.append({"type": "divider"})
    return {"type": "home", "blocks": blocks[:_HOME_BLOCKS_MAX]}
