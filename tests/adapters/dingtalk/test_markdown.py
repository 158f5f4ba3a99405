"""Neutral messages as DingTalk markdown: every text escaped so that no user text can
become markup, the card laid out as label/value lines, options as a numbered list."""

from __future__ import annotations

import random
import unicodedata

import pytest

from bot.adapters.dingtalk import markdown
from conversations.i18n import t
from conversations.model import LANGS, Lang
from handlers.actions import Approve, DialogueChoice, FaqVote
from handlers.events import Button, Card, Message
from tests.adapters.dingtalk.markdown_reader import ATTACKS, markup


def _message(hostile: str, lang: Lang = "en") -> Message:
    """A message with `hostile` in every text a handler may fill with user text."""
    card = Card(
        title=f"Stop request SR-7K3M9QXD: {hostile}",
        fields=[("What", hostile), (hostile, "CRM"), ("Reason", f"too slow {hostile} really")],
        flags=[hostile],
        context=[f"Stage 1/2: {hostile}", hostile],
        outcome=[f"Rejected by dingtalk:m1: {hostile}"],
        lang=lang,
    )
    buttons = [
        DialogueChoice("D1", "target", "a").button(hostile),
        DialogueChoice("D1", "target", "b").button("Other"),
    ]
    return Message(text=f"{hostile}\nsecond line: {hostile}", card=card, buttons=buttons)


BENIGN = _message("plain words")


def _ours() -> dict[str, list[str]]:
    """The markup this module adds: the heading, the bold labels, the quote of the
    small print, the numbered options."""
    return markup(markdown.render(BENIGN).text)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_no_user_text_becomes_markup(attack: str) -> None:
    payload, construct = ATTACKS[attack]
    # The attack really is that construct when it is not escaped.
    assert construct in markup(payload), attack
    rendered = markdown.render(_message(payload))
    assert markup(rendered.text) == _ours(), rendered.text
    assert markup(rendered.title) == {}, rendered.title


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_escaped_text_is_inert_and_reads_as_typed(attack: str) -> None:
    payload, _ = ATTACKS[attack]
    escaped = markdown.escape(payload)
    assert markup(escaped) == {}
    # Folded back (full-width to ASCII), it is what was typed, but for leading spaces.
    assert unicodedata.normalize("NFKC", escaped) == payload.lstrip()


def test_random_text_never_becomes_markup() -> None:
    rng = random.Random(10)
    alphabet = "[]()!<>@&#*_~`|\\:/-+=.1 \n\tdtmdingalkhpsw所有人＠"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        escaped = markdown.escape(text)
        assert markup(escaped) == {}, (text, escaped)
        folded = unicodedata.normalize("NFKC", escaped).split(markdown.LINE_BREAK)
        typed = unicodedata.normalize("NFKC", text).splitlines()
        assert folded == [line.lstrip() for line in typed], text


def test_a_bare_url_reads_as_typed_but_is_no_link() -> None:
    # DingTalk shows a bare URL as a link: typed text must not become one (issue 10 §5).
    text = markdown.escape("see https://wiki.example.com/stop, HTTP://x.example, www.y.example")
    assert text == "see https：//wiki.example.com/stop, HTTP：//x.example, www．y.example"


def test_identities_stay_readable() -> None:
    assert markdown.escape("dingtalk:manager01 and slack:U012AB") == (
        "dingtalk:manager01 and slack:U012AB"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_card_is_a_heading_and_label_value_lines(lang: Lang) -> None:
    card = Card(
        title=t(lang, "card_title", id="SR-7K3M9QXD", target="CRM"),
        fields=[(t(lang, "f_requester"), "dingtalk:staff01"), ("X", "Y")],
        flags=["No backup yet"],
        context=["Stage 1/2", "Approvers: dingtalk:m1"],
        outcome=["Approved by dingtalk:m1"],
        lang=lang,
    )
    text = markdown.render(Message(card=card)).text
    label = t(lang, "f_requester")
    expected_row = t(lang, "field_row", label=f"**{label}**", value="dingtalk:staff01")
    assert text.startswith(f"#### {markdown.escape(card.title)}\n\n{expected_row}  \n")
    assert "⚠️ No backup yet" in text
    assert "> Stage 1/2  \n> Approvers: dingtalk:m1" in text
    assert "✅ Approved by dingtalk:m1" in text
    # The same information as the console shows: every row, flag and line.
    for line in [*card.flags, *card.context, *card.outcome]:
        assert line in text
    for label_, value in card.fields:
        assert label_ in text and value in text


@pytest.mark.parametrize("lang", LANGS)
def test_options_are_a_numbered_list_with_how_to_answer(lang: Lang) -> None:
    buttons = [
        DialogueChoice("D1", "backup", "yes").button("Yes"),
        DialogueChoice("D1", "backup", "no").button("No, not yet"),
        DialogueChoice("D1", "backup", "na").button("Nothing to keep"),
    ]
    text = markdown.render(Message(text="Is the data backed up?", buttons=buttons), lang).text
    assert "1. Yes\n2. No, not yet\n3. Nothing to keep" in text
    assert text.endswith(markdown.escape(t(lang, "dt_reply_hint")))
    assert markup(text)["list item"] == ["1. ", "2. ", "3. "]


def test_the_hint_is_in_the_message_language_when_the_reader_is_unknown() -> None:
    buttons = [FaqVote("refund", True).button("有帮助"), FaqVote("refund", False).button("没有")]
    text = markdown.render(Message(text="这个回答有帮助吗？", buttons=buttons)).text
    assert text.endswith(t("zh", "dt_reply_hint"))
    card = Card(title="Demande d'arrêt", lang="fr")
    text = markdown.render(Message(card=card, buttons=[Approve("SR-1", 0).button("A")])).text
    assert text.endswith(markdown.escape(t("fr", "dt_reply_hint")))


@pytest.mark.parametrize("lang", LANGS)
def test_a_date_question_says_a_date_may_be_typed(lang: Lang) -> None:
    message = Message(
        text=t(lang, "q_when"),
        buttons=[DialogueChoice("D1", "when", "2026-12-01").button("Tomorrow (2026-12-01)")],
        date_choice=DialogueChoice.date_prefix("D1", "when"),
    )
    text = markdown.render(message, lang).text
    assert markdown.escape(t(lang, "dt_date_hint")) in text
    assert "2026-12-31" in text
    no_date = message.model_copy(update={"date_choice": None})
    assert markdown.escape(t(lang, "dt_date_hint")) not in markdown.render(no_date, lang).text


def test_the_title_is_short_plain_and_safe() -> None:
    long = Message(text="word " * 100)
    assert len(markdown.render(long).title) <= markdown.TITLE_MAX
    assert markdown.render(Message(text="\n\nfirst\nsecond")).title == "first"
    card = Card(title="停用申请 SR-7K3M9QXD：@所有人")
    assert markdown.render(Message(text="hi", card=card)).title == "停用申请 SR-7K3M9QXD：＠所有人"
    assert markdown.render(Message()).title  # DingTalk refuses an empty title


def test_long_texts_are_cut_not_refused() -> None:
    message = Message(text="x" * 20000, card=Card(title="t", fields=[("a", "y" * 5000)]))
    text = markdown.render(message).text
    assert len(text) <= markdown.TEXT_MAX
    assert "…" in text


def test_an_empty_button_label_still_shows_its_number() -> None:
    text = markdown.render(Message(text="q", buttons=[Button(label="", action="a", value="")]))
    assert "1. -" in text.text


def test_replacement_characters_of_cleaned_surrogates_pass_through() -> None:
    # Inbound text is cleaned of lone surrogates (handlers/events.py) into U+FFFD.
    assert markdown.escape("bad \ufffd byte @x") == "bad \ufffd byte ＠x"
