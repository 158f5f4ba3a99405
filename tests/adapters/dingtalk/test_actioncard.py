"""Approval cards as ActionCards (no card template): a button per decision sending the
bot its command, the commands to type in a single chat, and user text kept inert."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

from bot.adapters.dingtalk import actioncard, markdown
from bot.adapters.dingtalk.robot_message import MAX_BUTTONS, RobotMessage
from bot.adapters.dingtalk.typed_commands import Decision, read_decision
from conversations.i18n import t
from conversations.model import LANGS, Lang
from handlers.actions import Approve, DialogueChoice
from handlers.events import Message
from tests.adapters.dingtalk.markdown_reader import ATTACKS, markup
from tests.adapters.dingtalk.samples import RID, approval_message


def _card(lang: Lang, stage: int = 0, hostile: str = "too expensive") -> Message:
    return approval_message(lang, stage, hostile)


def _content(url: str) -> str:
    assert url.startswith("dtmd://dingtalkclient/sendMessage?content=")
    return unquote(url.split("content=", 1)[1])


@pytest.mark.parametrize("lang", LANGS)
def test_an_approval_card_is_a_three_button_action_card(lang: Lang) -> None:
    card = actioncard.render(_card(lang, stage=1))
    assert card is not None
    message = card.robot_message()
    assert message.msg_key == "sampleActionCard3"
    assert card.robot_message() == message  # as the adapter sends it
    param = message.param
    assert set(param) == {
        "title",
        "text",
        *(f"actionTitle{n}" for n in (1, 2, 3)),
        *(f"actionURL{n}" for n in (1, 2, 3)),
    }
    assert all(isinstance(v, str) and v for v in param.values())
    json.dumps(param)  # the OpenAPI's msgParam is this, as a JSON string
    labels = [param[f"actionTitle{n}"] for n in (1, 2, 3)]
    assert labels == [t(lang, "b_approve"), t(lang, "b_reject"), t(lang, "b_delegate")]
    # Each button sends the bot its decision on the card's stage, in the card's words.
    sent = [_content(param[f"actionURL{n}"]) for n in (1, 2, 3)]
    assert sent == [
        f"{t(lang, 'dt_verb_approve')} {RID}#2",
        f"{t(lang, 'dt_verb_reject')} {RID}#2",
        f"{t(lang, 'dt_verb_delegate')} {RID}#2",
    ]
    assert [read_decision(s) for s in sent] == [
        Decision(action, RID, 1, lang) for action in ("approve", "reject", "delegate")
    ]


# The contract's words: the text says the command to send the bot in a single chat.
CONTRACT = {
    "en": (f"approve {RID}", f"reject {RID} ＜reason＞"),
    "zh": (f"同意 {RID}", f"拒绝 {RID} ＜原因＞"),
    "fr": (f"approuver {RID}", f"rejeter {RID} ＜raison＞"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_text_says_which_command_to_send_in_a_single_chat(lang: Lang) -> None:
    card = actioncard.render(_card(lang))
    assert card is not None
    approve, reject = CONTRACT[lang]
    assert f"- `{approve}`" in card.text
    assert f"- `{reject}`" in card.text
    assert markdown.escape(t(lang, "dt_cmd_intro")) in card.text
    # And the card itself, as the markdown message shows it (without the option list).
    assert card.text.startswith(markdown.card_markdown(_card(lang).card))  # type: ignore[arg-type]
    assert card.title == markdown.title(_card(lang))


def test_the_session_webhook_form() -> None:
    card = actioncard.render(_card("zh"))
    assert card is not None
    message = card.robot_message()
    body = message.webhook_body()
    assert body["msgtype"] == "actionCard"
    inner = body["actionCard"]
    assert inner["title"] == card.title and inner["text"] == card.text
    assert inner["btnOrientation"] == "0"
    assert inner["btns"] == [{"title": title, "actionURL": url} for title, url in card.buttons]


def test_one_or_two_decisions_use_the_matching_template() -> None:
    one = _card("en").model_copy(update={"buttons": [Approve(RID, 0).button("Approve")]})
    single = actioncard.render(one)
    assert single is not None
    message = single.robot_message()
    assert message.msg_key == "sampleActionCard"
    assert set(message.param) == {"title", "text", "singleTitle", "singleURL"}
    assert message.webhook_body()["actionCard"]["singleTitle"] == "Approve"
    two = _card("en").model_copy(update={"buttons": _card("en").buttons[:2]})
    pair = actioncard.render(two)
    assert pair is not None
    message = pair.robot_message()
    assert message.msg_key == "sampleActionCard2"
    assert "actionURL2" in message.param and "actionURL3" not in message.param


@pytest.mark.parametrize("count", [0, MAX_BUTTONS + 1])
def test_an_actioncard_has_one_to_five_buttons(count: int) -> None:
    with pytest.raises(ValueError, match="1 to 5 buttons"):
        RobotMessage.action_card("t", "x", [("b", "dtmd://x")] * count)


def test_a_decided_card_is_no_action_card() -> None:
    decided = _card("en").model_copy(update={"buttons": []})
    assert actioncard.render(decided) is None
    dialogue = Message(text="Which?", buttons=[DialogueChoice("D", "s", "a").button("A")])
    assert actioncard.render(dialogue) is None


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_no_user_text_becomes_markup_or_a_button(attack: str) -> None:
    payload, _ = ATTACKS[attack]
    benign = actioncard.render(_card("en"))
    hostile = actioncard.render(_card("en", hostile=payload))
    assert benign is not None and hostile is not None
    assert markup(hostile.text) == markup(benign.text), hostile.text
    assert markup(hostile.title) == {}
    # The buttons are the card's own three, whatever the text holds.
    assert hostile.buttons == benign.buttons


def test_a_long_label_is_cut() -> None:
    message = _card("en").model_copy(update={"buttons": [Approve(RID, 0).button("Approve " * 10)]})
    card = actioncard.render(message)
    assert card is not None and len(card.buttons[0][0]) <= 20
