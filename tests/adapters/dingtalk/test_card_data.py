"""The interactive card template's data: every variable named once and documented,
every value a string, the buttons shown while the stage is open and the outcome
after, and user text kept inert."""

from __future__ import annotations

import re

import pytest

from bot.adapters.dingtalk import card_data, markdown
from conversations.i18n import t
from conversations.model import LANGS, Lang
from handlers.actions import Approve, Delegate, Reject
from handlers.events import Message
from tests.adapters.dingtalk.markdown_reader import ATTACKS, markup
from tests.adapters.dingtalk.samples import RID, approval_message


def _open(lang: Lang, hostile: str = "CRM", stage: int = 1) -> Message:
    return approval_message(lang, stage, hostile)


def _decided(lang: Lang, reason: str = "no budget") -> Message:
    message = _open(lang)
    assert message.card is not None
    outcome = [t(lang, "out_rejected", who="dingtalk:m1", at="2026-11-23 10:00", reason=reason)]
    card = message.card.model_copy(update={"outcome": outcome})
    return Message(card=card)


def test_the_variables_are_named_once_and_documented() -> None:
    assert len(set(card_data.VARIABLES)) == len(card_data.VARIABLES)
    documented = re.findall(r"^\| `(\w+)`", card_data.__doc__ or "", re.M)
    assert documented == list(card_data.VARIABLES)
    for action in card_data.ACTIONS:
        assert f"`{action}`" in (card_data.__doc__ or "")
    assert card_data.ACTIONS == (Approve.id, Reject.id, Delegate.id)


@pytest.mark.parametrize("lang", LANGS)
def test_an_open_card_shows_its_buttons_in_the_cards_language(lang: Lang) -> None:
    data = card_data.param_map(_open(lang))
    assert set(data) == set(card_data.VARIABLES)
    assert all(isinstance(v, str) for v in data.values())
    assert data[card_data.STATUS] == "open"
    assert data[card_data.SHOW_BUTTONS] == "true"
    assert data[card_data.OUTCOME] == ""
    assert data[card_data.APPROVE_LABEL] == t(lang, "b_approve")
    assert data[card_data.REJECT_LABEL] == t(lang, "b_reject")
    assert data[card_data.DELEGATE_LABEL] == t(lang, "b_delegate")
    assert data[card_data.REASON_PLACEHOLDER] == t(lang, "form_reason")
    assert data[card_data.DELEGATE_PLACEHOLDER] == t(lang, "form_delegate_to")
    assert data[card_data.REQUEST_ID] == RID
    assert data[card_data.STAGE] == "2"  # as the card says: stage 2 of 3
    assert data[card_data.TITLE] == t(lang, "card_title", id=RID, target="CRM")
    body = data[card_data.BODY]
    assert "dingtalk:staff01" in body and "Stage 2/3" in body
    assert not body.startswith("#")  # the title is a variable of its own


@pytest.mark.parametrize("lang", LANGS)
def test_a_decided_card_hides_its_buttons_and_shows_the_outcome(lang: Lang) -> None:
    data = card_data.param_map(_decided(lang))
    assert data[card_data.STATUS] == "closed"
    assert data[card_data.SHOW_BUTTONS] == "false"
    assert "no budget" in data[card_data.OUTCOME]
    assert data[card_data.OUTCOME].startswith("✅ ")
    # The labels stay (a template may show them greyed); the request and stage are
    # left as the card was created with them.
    assert data[card_data.REJECT_LABEL] == t(lang, "b_reject")
    assert card_data.REQUEST_ID not in data and card_data.STAGE not in data
    assert set(data) <= set(card_data.VARIABLES)


def test_the_labels_are_the_buttons_own() -> None:
    message = _open("en")
    buttons = [b.model_copy(update={"label": f"{b.label}!"}) for b in message.buttons]
    data = card_data.param_map(message.model_copy(update={"buttons": buttons}))
    assert data[card_data.APPROVE_LABEL] == "Approve!"


def test_a_message_without_a_card_is_refused() -> None:
    with pytest.raises(ValueError, match="card"):
        card_data.param_map(Message(text="hello"))


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_no_user_text_becomes_markup(attack: str) -> None:
    payload, _ = ATTACKS[attack]
    benign = card_data.param_map(_open("zh"))
    hostile = card_data.param_map(_open("zh", hostile=payload))
    for name in (card_data.TITLE, card_data.BODY):
        assert markup(hostile[name]) == markup(benign[name]), hostile[name]
    decided = card_data.param_map(_decided("zh", reason=payload))
    assert markup(decided[card_data.OUTCOME]) == {}, decided[card_data.OUTCOME]


def test_long_bodies_are_cut() -> None:
    data = card_data.param_map(_open("en", hostile="x" * 20000))
    assert len(data[card_data.BODY]) <= markdown.TEXT_MAX
