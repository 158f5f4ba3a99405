"""Neutral messages as DingTalk markdown (a robot's `sampleMarkdown`, a session
webhook's `markdown`), and the escaping every text goes through on its way there.

DingTalk renders a subset of markdown: headings, quotes, bold and italic, links,
images, lists, and some HTML (`<font>`). Whether it honours backslash escapes is not
documented, so nothing here relies on them. Every character that could open markup
anywhere in a line (`*_~\\`[]<>@&|`) is replaced by its full-width twin (＊ ［ ＜ ＠…),
which no markdown dialect reads as syntax and which reads the same; at the start of a
line so is what opens a heading, quote, list or setext underline (`# > - + =`, "1."),
and a URL scheme loses its colon to a full-width one, so `dtmd://` (a link that makes
the reader's client send a message: a fake button), `dingtalk://` or a bare
`https://` is never a link; "www." loses its dot to a full-width one likewise, as
DingTalk links a bare "www.…" too. What a user typed cannot become a link, not even
one that goes where it says (a lookalike address, a page that asks for a password).
Folded back with NFKC, the escaped text is the text that was typed.

Every text of a Message is escaped, whoever wrote it: the handlers' texts hold what
users typed (reasons, targets, names) anywhere. The markup of this module (bold
labels, the heading, the numbers of the options) is added after escaping.

Buttons have no markdown form: they become a numbered list, answered by typing the
number or the words (the dialogue reads both; other buttons are matched by
typed_commands.pick_button).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.i18n import t
from conversations.lang import detect_lang
from conversations.model import Lang
from handlers.events import Card, Message

TITLE_MAX = 64  # the title is what a notification or the chat list shows: short
TEXT_MAX = 5000
_FREE_TEXT_MAX = 3000
_VALUE_MAX = 1000

# Markup that can open anywhere in a line: emphasis, code, links and images, HTML and
# entities, mentions, tables, and the backslash that would escape our own markup.
_INLINE = "\\`*_~[]<>@&|"
_FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in _INLINE})
# Markup that opens only at the start of a line (after up to three spaces).
_LINE_OPENERS = "#>+-="
_ORDERED_ITEM = re.compile(r"(\d{1,9})([.)])")
# A URL scheme before "/" ("https://", "dtmd://", "dingtalk://", "javascript:/"); and
# dtmd: whatever follows, being DingTalk's "send this message" link. (An identity,
# "dingtalk:manager01", has no "/" after its colon and reads as typed.)
_SCHEME = re.compile(r"(?<![A-Za-z0-9+.\-])([A-Za-z][A-Za-z0-9+.\-]*):(?=/)")
_DTMD = re.compile(r"(?i)(?<![A-Za-z0-9+.\-])(dtmd\s*):")
_WWW = re.compile(r"(?i)(www)\.")
_FULL_WIDTH_COLON = "\uff1a"
_FULL_WIDTH_DOT = "\uff0e"
LINE_BREAK = "  \n"  # two spaces: a line break inside a paragraph in every dialect
_BLOCK_BREAK = "\n\n"


def _full_width(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0)


def _escape_line(line: str) -> str:
    line = line.lstrip()  # four spaces would make a code block
    line = line.translate(_FULL_WIDTH)
    line = _DTMD.sub(lambda m: m.group(1) + _FULL_WIDTH_COLON, line)
    line = _SCHEME.sub(lambda m: m.group(1) + _FULL_WIDTH_COLON, line)
    line = _WWW.sub(lambda m: m.group(1) + _FULL_WIDTH_DOT, line)
    item = _ORDERED_ITEM.match(line)
    if item is not None:
        return item.group(1) + _full_width(item.group(2)) + line[item.end() :]
    if line[:1] and line[0] in _LINE_OPENERS:
        return _full_width(line[0]) + line[1:]
    return line


def escape(text: str) -> str:
    """`text` as DingTalk markdown that shows exactly it: no link, image, heading,
    list, quote, HTML, mention or message link can come out of it. Lines stay lines."""
    return LINE_BREAK.join(_escape_line(line) for line in text.splitlines())


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bold(text: str) -> str:
    # Only ever around escaped text, which holds no "*" that could close it early.
    return f"**{text}**" if text else ""


def card_markdown(card: Card, *, heading: bool = True, outcome: bool = True) -> str:
    """A card's title, fields, warnings, small print and outcome as markdown blocks
    (without the title or the outcome for a layout that shows them apart)."""
    blocks = [f"#### {escape(card.title)}"] if heading else []
    rows = [
        t(card.lang, "field_row", label=_bold(escape(label)), value=escape(cut(value, _VALUE_MAX)))
        for label, value in card.fields
    ]
    if rows:
        blocks.append(LINE_BREAK.join(rows))
    if card.flags:
        blocks.append(LINE_BREAK.join(f"⚠️ {escape(flag)}" for flag in card.flags))
    if card.context:
        blocks.append(LINE_BREAK.join(f"> {escape(line)}" for line in card.context))
    if card.outcome and outcome:
        blocks.append(outcome_markdown(card))
    return _BLOCK_BREAK.join(blocks)


def outcome_markdown(card: Card) -> str:
    return LINE_BREAK.join(f"✅ {escape(line)}" for line in card.outcome)


def options_markdown(labels: list[str]) -> str:
    """Choices as a numbered list: the reader types a number or the words."""
    return "\n".join(f"{n}. {escape(label) or '-'}" for n, label in enumerate(labels, 1))


def message_lang(message: Message, lang: Lang | None = None) -> Lang:
    """The language of the words this module adds: the reader's when known, else the
    card's, else the message's own."""
    if lang is not None:
        return lang
    if message.card is not None:
        return message.card.lang
    return detect_lang(message.text) or "en"


def title(message: Message) -> str:
    """The plain title DingTalk shows in notifications and the chat list."""
    source = message.card.title if message.card is not None else message.text
    first = next((line for line in source.splitlines() if line.strip()), "")
    return cut(escape(first), TITLE_MAX) or "·"


@dataclass(frozen=True)
class Markdown:
    """A markdown message: `title` and `text` as both DingTalk routes take them."""

    title: str
    text: str


def render(message: Message, lang: Lang | None = None) -> Markdown:
    """The whole message: its text, its card, its options as a numbered list with how
    to answer them, and, when a date may be picked, that one may be typed."""
    lang = message_lang(message, lang)
    blocks: list[str] = []
    if message.text.strip():
        blocks.append(escape(cut(message.text, _FREE_TEXT_MAX)))
    if message.card is not None:
        blocks.append(card_markdown(message.card))
    if message.buttons:
        blocks.append(options_markdown([b.label for b in message.buttons]))
        blocks.append(escape(t(lang, "dt_reply_hint")))
    if message.date_choice is not None:
        blocks.append(escape(t(lang, "dt_date_hint")))
    return Markdown(title=title(message), text=cut(_BLOCK_BREAK.join(blocks), TEXT_MAX))
