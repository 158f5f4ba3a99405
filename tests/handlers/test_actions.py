"""Button payloads pack to the strings already-posted buttons send, and parse them back;
what no button could have sent is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest

from handlers.actions import (
    Action,
    Approve,
    Delegate,
    DialogueChoice,
    EditOffer,
    FaqHuman,
    FaqStart,
    FaqStatus,
    FaqTopic,
    FaqVote,
    NoticeChoice,
    Reject,
    ScheduleOffer,
    action_ids,
    parse_action,
)
from handlers.events import Button

EVERY_KIND_OF_PAYLOAD: list[Action] = [
    DialogueChoice("SR-ABCDEFGH", "target", "sw:CRM"),
    DialogueChoice("SR-ABCDEFGH", "notify", "a|b"),
    DialogueChoice("SR-ABCDEFGH", "when", ""),
    Approve("SR-ABCDEFGH", 0),
    Reject("SR-ABCDEFGH", 2),
    Delegate("SR-ABCDEFGH", 11),
    FaqTopic("refund"),
    FaqVote("refund", helpful=True),
    FaqVote("refund", helpful=False),
    FaqHuman("a1b2c3d4"),
    FaqHuman(),
    FaqStart("sw:CRM"),
    FaqStart("own_account"),
    FaqStart(),
    FaqStatus(),
    NoticeChoice("NB-ABCDEFGH", "when", "series:7"),
    ScheduleOffer("SR-ABCDEFGH"),
    EditOffer("SR-ABCDEFGH"),
]


@pytest.mark.parametrize("payload", EVERY_KIND_OF_PAYLOAD, ids=repr)
def test_a_packed_payload_parses_back(payload: Action) -> None:
    assert type(payload).parse(payload.pack()) == payload
    assert parse_action(payload.id, payload.pack()) == payload


def test_the_action_ids_are_the_ones_posted_buttons_carry() -> None:
    assert sorted(action_ids()) == sorted(
        [
            "dlg",
            "approve",
            "reject",
            "delegate",
            "faq_topic",
            "faq_vote",
            "faq_human",
            "faq_start",
            "faq_status",
            "nb_dlg",
            "nb_offer",
            "nb_offer_edit",
        ]
    )


def test_an_action_id_cannot_be_used_twice() -> None:
    with pytest.raises(ValueError, match="'approve' is used by Approve"):

        @dataclass(frozen=True)
        class Copycat(Action):
            id: ClassVar[str] = "approve"

    assert parse_action("approve", "SR-1|0") == Approve("SR-1", 0)


@pytest.mark.parametrize(
    ("action", "value", "expected"),
    [
        ("dlg", "D1|when|2026-12-31", DialogueChoice("D1", "when", "2026-12-31")),
        ("dlg", "SR-ABCDEFGH|target|sw:CRM", DialogueChoice("SR-ABCDEFGH", "target", "sw:CRM")),
        ("approve", "SR-ABCDEFGH|0", Approve("SR-ABCDEFGH", 0)),
        ("reject", "SR-ABCDEFGH|1", Reject("SR-ABCDEFGH", 1)),
        ("delegate", "SR-ABCDEFGH|2", Delegate("SR-ABCDEFGH", 2)),
        ("faq_topic", "how-to-cancel", FaqTopic("how-to-cancel")),
        ("faq_vote", "refund|up", FaqVote("refund", helpful=True)),
        ("faq_vote", "refund|down", FaqVote("refund", helpful=False)),
        ("faq_human", "", FaqHuman("")),
        ("faq_human", "0badc0de", FaqHuman("0badc0de")),
        ("faq_start", "sw:CRM", FaqStart("sw:CRM")),
        ("faq_start", "", FaqStart(None)),
        ("faq_status", "", FaqStatus()),
        ("nb_dlg", "NB-ABCDEFGH|when|now", NoticeChoice("NB-ABCDEFGH", "when", "now")),
        ("nb_offer", "SR-ABCDEFGH", ScheduleOffer("SR-ABCDEFGH")),
        ("nb_offer_edit", "SR-ABCDEFGH", EditOffer("SR-ABCDEFGH")),
    ],
)
def test_the_wire_strings_of_posted_buttons_still_parse(
    action: str, value: str, expected: Action
) -> None:
    assert parse_action(action, value) == expected
    assert expected.pack() == value


def test_the_date_picker_value_is_a_dialogue_choice() -> None:
    prefix = DialogueChoice.date_prefix("D1", "when")
    assert prefix == "D1|when|"
    assert DialogueChoice.parse(prefix + "2026-12-31") == DialogueChoice("D1", "when", "2026-12-31")


def test_any_dialogue_value_parses_and_the_dialogue_judges_it() -> None:
    assert DialogueChoice.parse("") == DialogueChoice("", "", "")
    assert DialogueChoice.parse("D1") == DialogueChoice("D1", "", "")
    assert DialogueChoice.parse("D1|when") == DialogueChoice("D1", "when", "")
    assert DialogueChoice.parse("D1|notify|a|b") == DialogueChoice("D1", "notify", "a|b")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "|",
        "|0",
        "SR-1|",
        "SR-1",
        "SR-1|-1",
        "SR-1|x",
        "SR-1|0|x",
        "SR-1| 0",
        "SR-1|²",
        "SR-1|١",
        "x" * 5000,
    ],
)
def test_a_malformed_stage_reference_is_refused(value: str) -> None:
    for kind in (Approve, Reject, Delegate):
        assert kind.parse(value) is None


@pytest.mark.parametrize("value", ["refund", "refund|", "refund|UP", "refund|up#1", "refund|meh"])
def test_a_malformed_vote_is_refused(value: str) -> None:
    assert FaqVote.parse(value) is None


def test_an_unknown_action_is_refused() -> None:
    assert parse_action("self-destruct", "x") is None
    assert parse_action("", "") is None


def test_a_form_parses_as_the_action_that_opened_it() -> None:
    opened = Delegate("SR-ABCDEFGH", 1)
    assert parse_action(opened.id, opened.pack()) == opened
    assert parse_action("reject", "SR-ABCDEFGH|1") != opened


def test_a_separator_in_a_leading_field_is_refused_when_packing() -> None:
    with pytest.raises(ValueError):
        DialogueChoice("D|1", "when", "x").pack()
    with pytest.raises(ValueError):
        Approve("SR|1", 0).pack()
    with pytest.raises(ValueError):
        FaqVote("re|fund", helpful=True).pack()


def test_a_payload_becomes_a_button() -> None:
    assert Approve("SR-1", 0).button("Approve", "primary") == Button(
        label="Approve", action="approve", value="SR-1|0", style="primary"
    )
    assert FaqStatus().button("Status") == Button(label="Status", action="faq_status", value="")


@pytest.mark.parametrize(
    "value", ["", "SR-", "SR-ABC", "SR-ABCDEFGH|0", "XX-ABCDEFGH", "SR-ABCD²FGH", "x" * 5000]
)
def test_a_malformed_notice_offer_is_refused(value: str) -> None:
    for kind in (ScheduleOffer, EditOffer):
        assert kind.parse(value) is None
