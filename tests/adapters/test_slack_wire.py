"""The names Slack sends back are the ones messages and modals already open carry."""

from __future__ import annotations

from bot.adapters.slack import wire


def test_the_element_action_ids_are_the_posted_ones() -> None:
    assert wire.action_id("approve", 0) == "approve#0"
    assert wire.DIALOGUE_SELECT == "dlg#select"
    assert wire.DIALOGUE_DATE == "dlg#date"


def test_an_action_id_reads_back_as_the_neutral_action() -> None:
    assert wire.action_of("approve#0") == "approve"
    assert wire.action_of(wire.DIALOGUE_DATE) == "dlg"
    assert wire.action_of("faq_status") == "faq_status"


def test_the_date_block_carries_the_dialogue_value_prefix() -> None:
    assert wire.date_block_id("D1|when|") == "dlg-date|D1|when|"
    assert wire.date_value_prefix("dlg-date|D1|when|") == "D1|when|"


def test_a_modal_remembers_its_form_and_context() -> None:
    assert wire.form_callback_id("reject") == "form:reject"
    assert wire.FORM_CALLBACK_ID.match("form:delegate")
    metadata = wire.form_metadata("delegate", "SR-ABCDEFGH|1")
    assert metadata == '{"form": "delegate", "context": "SR-ABCDEFGH|1"}'
    assert wire.form_of_metadata(metadata) == ("delegate", "SR-ABCDEFGH|1")
    assert wire.form_of_metadata(None) == ("", "")
