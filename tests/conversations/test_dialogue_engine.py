"""The stop-request dialogue engine on its own: no Redis, no adapter, a fixed today."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.files.policy import bundled_policy_path, load_policy
from conversations.i18n import t
from conversations.lang import detect_lang
from conversations.model import (
    Answers,
    Backup,
    Billing,
    Compliance,
    Lang,
    Linked,
    Reason,
    Target,
    TargetKind,
)
from conversations.stop_request import (
    MAX_NOTIFY,
    MAX_TEXT,
    Context,
    DialogueState,
    Outcome,
    Step,
    describe,
    new_dialogue,
    next_step,
    on_choice,
    on_text,
    prompt_for,
)
from conversations.text import clean, fold, match_choice

TODAY = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
USER = "console:employee"
CTX = Context(today=TODAY, catalog=load_policy(bundled_policy_path()).catalog)


# -- helpers ------------------------------------------------------------------


def start(lang: Lang = "en") -> DialogueState:
    return new_dialogue(USER, "SR-TEST0001", lang, NOW)


def say(state: DialogueState, *texts: str, ctx: Context = CTX) -> Outcome:
    """Types each text in turn; every answer but possibly the last must keep the dialogue open."""
    assert texts
    outcome: Outcome | None = None
    for text in texts:
        outcome = on_text(state, text, ctx, NOW)
        if outcome.state is None:
            break
        state = outcome.state
    assert outcome is not None
    return outcome


def click(state: DialogueState, value: str, ctx: Context = CTX) -> Outcome:
    """Clicks the button with that value on the current question (it must be offered)."""
    offered = [c.value for c in prompt_for(state, ctx).choices]
    assert value in offered, (value, offered)
    return on_choice(state, state.step, value, ctx, NOW)


def open_state(outcome: Outcome) -> DialogueState:
    assert outcome.state is not None, outcome.notes
    return outcome.state


def at(step: Step, lang: Lang = "en", **answers: object) -> DialogueState:
    """A draft sitting at `step` with the given answers already in."""
    state = start(lang)
    state.answers = Answers.model_validate(answers)
    state.step = step
    return state


CRM = Target(kind=TargetKind.SOFTWARE, name="CRM", paid=True)
OA = Target(kind=TargetKind.SOFTWARE, name="OA", paid=False)


def crm_summary() -> DialogueState:
    """A complete CRM draft sitting at the summary (typed in English)."""
    state = open_state(
        say(
            start(),
            "CRM",
            "too expensive",
            "2026-12-31",
            "yes",
            "mailbox, sso",
            "refund",
            "no",
            "console:team",
        )
    )
    assert state.step is Step.SUMMARY
    return state


def unchanged(before: DialogueState, after: DialogueState | None) -> None:
    assert after is not None
    assert after.step is before.step
    assert after.answers == before.answers
    assert after.linked_pick == before.linked_pick


# -- whole flows by typing -------------------------------------------------------------


def test_typed_flow_in_english() -> None:
    state = start()
    expected = [
        ("CRM", Step.REASON, "q_reason"),
        ("too expensive", Step.WHEN, "q_when"),
        ("2026-12-31", Step.BACKUP, "q_backup"),
        ("yes", Step.LINKED, "q_linked"),
        ("mailbox, sso", Step.BILLING, None),
        ("end of term", Step.COMPLIANCE, "q_compliance"),
        ("keep", Step.NOTIFY, "q_notify"),
        ("console:team, slack:C0123", Step.SUMMARY, "summary"),
    ]
    for text, step, key in expected:
        out = on_text(state, text, CTX, NOW)
        state = open_state(out)
        assert out.notes == [], (text, out.notes)
        assert state.step is step, text
        assert out.prompt is not None
        if key is not None:
            assert out.prompt.text == t("en", key)
        else:
            assert out.prompt.text == t("en", "q_billing_paid", target="CRM")
    assert state.lang == "en"
    assert state.answers == Answers(
        target=CRM,
        reason=Reason.TOO_EXPENSIVE,
        stop_date=date(2026, 12, 31),
        backup=Backup.DONE,
        linked=[Linked.MAILBOX, Linked.SSO],
        billing=Billing.END_OF_TERM,
        compliance=Compliance.KEEP,
        notify=["console:team", "slack:C0123"],
    )
    out = on_text(state, "submit", CTX, NOW)
    assert out.submit is True and out.abandoned is False
    assert open_state(out).answers == state.answers


def test_typed_flow_in_chinese() -> None:
    state = start("zh")
    out = say(state, "CRM")
    state = open_state(out)
    assert out.prompt is not None and out.prompt.text == t("zh", "q_reason")

    out = say(state, "太贵")
    state = open_state(out)
    assert out.prompt is not None and out.prompt.text == t("zh", "q_when")
    assert out.prompt.choices[0].label == t("zh", "c_date_tomorrow", date="2026-11-24")

    out = say(state, "本月底")
    state = open_state(out)
    assert state.answers.stop_date == date(2026, 11, 30)
    assert out.prompt is not None and out.prompt.text == t("zh", "q_backup")

    out = say(state, "还没有")
    state = open_state(out)
    assert out.notes == [t("zh", "backup_howto")]
    assert out.prompt is not None and out.prompt.text == t("zh", "q_linked")

    out = say(state, "邮箱、单点登录")
    state = open_state(out)
    assert out.prompt is not None
    assert out.prompt.text == t("zh", "q_billing_paid", target="CRM")
    assert [c.label for c in out.prompt.choices] == [
        t("zh", "c_billing_refund"),
        t("zh", "c_billing_end_of_term"),
        t("zh", "c_billing_unsure"),
    ]

    state = open_state(say(state, "退款", "不知道", "无"))
    assert state.step is Step.SUMMARY
    summary = prompt_for(state, CTX)
    assert summary.text == t("zh", "summary")
    assert (t("zh", "f_target"), "CRM (付费)") in summary.fields

    assert state.answers == Answers(
        target=CRM,
        reason=Reason.TOO_EXPENSIVE,
        stop_date=date(2026, 11, 30),
        backup=Backup.NOT_YET,
        linked=[Linked.MAILBOX, Linked.SSO],
        billing=Billing.REFUND,
        compliance=Compliance.UNKNOWN,
        notify=[],
    )
    out = say(state, "提交")
    assert out.submit is True
    assert open_state(out).lang == "zh"


def test_typed_flow_in_french() -> None:
    state = open_state(say(start("fr"), "Webex", "trop cher"))
    assert state.answers.target == Target(kind=TargetKind.SOFTWARE, name="Webex", paid=True)
    assert state.answers.reason is Reason.TOO_EXPENSIVE

    out = say(state, "fin du mois")
    state = open_state(out)
    assert state.lang == "fr"
    assert state.answers.stop_date == date(2026, 11, 30)
    assert out.prompt is not None and out.prompt.text == t("fr", "q_backup")

    out = say(state, "oui")
    state = open_state(out)
    assert out.notes == []  # backed up: no how-to
    assert out.prompt is not None and out.prompt.text == t("fr", "q_linked")

    out = say(state, "aucun")
    state = open_state(out)
    assert out.prompt is not None
    assert out.prompt.text == t("fr", "q_billing_paid", target="Webex")

    state = open_state(say(state, "remboursement", "non", "personne"))
    assert state.step is Step.SUMMARY
    assert prompt_for(state, CTX).text == t("fr", "summary")
    assert state.answers == Answers(
        target=Target(kind=TargetKind.SOFTWARE, name="Webex", paid=True),
        reason=Reason.TOO_EXPENSIVE,
        stop_date=date(2026, 11, 30),
        backup=Backup.DONE,
        linked=[],
        billing=Billing.REFUND,
        compliance=Compliance.NONE,
        notify=[],
    )
    assert say(state, "envoyer").submit is True


def test_typing_does_not_mutate_the_given_state() -> None:
    state = start()
    snapshot = state.model_copy(deep=True)
    out = on_text(state, "明天也行 CRM", CTX, NOW)
    assert out.state is not None and out.state is not state
    assert state == snapshot


# -- the same flow with buttons -------------------------------------------------


def test_click_flow() -> None:
    state = start()
    target = prompt_for(state, CTX)
    assert target.text == t("en", "q_target")
    assert [c.value for c in target.choices] == [
        "own_account",
        "sw:CRM",
        "sw:OA",
        "sw:Webex",
        "sw:Jira",
        "sw:Wiki",
        "other",
    ]
    state = open_state(click(state, "sw:Jira"))
    assert state.answers.target == Target(kind=TargetKind.SOFTWARE, name="Jira", paid=True)
    state = open_state(click(state, "alternative"))
    dates = prompt_for(state, CTX).choices
    assert [(c.value, c.label) for c in dates] == [
        ("2026-11-24", "Tomorrow (2026-11-24)"),
        ("2026-11-30", "Next Monday (2026-11-30)"),
    ]  # end of month is 2026-11-30 too, so it is not offered twice
    state = open_state(click(state, "2026-11-30"))
    out = click(state, "not_yet")
    state = open_state(out)
    assert out.notes == [t("en", "backup_howto")]
    state = open_state(click(state, "files"))
    state = open_state(click(state, "integrations"))
    state = open_state(click(state, "done"))
    state = open_state(click(state, "unsure"))
    state = open_state(click(state, "unknown"))
    state = open_state(click(state, "none"))
    assert state.step is Step.SUMMARY
    assert state.answers == Answers(
        target=Target(kind=TargetKind.SOFTWARE, name="Jira", paid=True),
        reason=Reason.ALTERNATIVE,
        stop_date=date(2026, 11, 30),
        backup=Backup.NOT_YET,
        linked=[Linked.FILES, Linked.INTEGRATIONS],
        billing=Billing.UNSURE,
        compliance=Compliance.UNKNOWN,
        notify=[],
    )
    assert click(state, "submit").submit is True


@pytest.mark.parametrize(
    ("step", "answers", "typed", "check"),
    [
        (Step.TARGET, {}, "2", lambda a: a.target == CRM),
        (Step.TARGET, {}, "1", lambda a: a.target.kind is TargetKind.OWN_ACCOUNT),
        (Step.REASON, {"target": CRM}, "2", lambda a: a.reason is Reason.TOO_EXPENSIVE),
        (Step.REASON, {"target": CRM}, "4.", lambda a: a.reason is Reason.SECURITY),
        (
            Step.BACKUP,
            {"target": CRM, "reason": "security", "stop_date": TODAY},
            "3",
            lambda a: a.backup is Backup.NOT_NEEDED,
        ),
        (
            Step.BILLING,
            {
                "target": CRM,
                "reason": "security",
                "stop_date": TODAY,
                "backup": "done",
                "linked": [],
            },
            "2)",
            lambda a: a.billing is Billing.END_OF_TERM,
        ),
        (
            Step.COMPLIANCE,
            {
                "target": OA,
                "reason": "security",
                "stop_date": TODAY,
                "backup": "done",
                "linked": [],
            },
            "2",
            lambda a: a.compliance is Compliance.NONE,
        ),
    ],
)
def test_typed_number_picks_that_choice(
    step: Step, answers: dict[str, object], typed: str, check: object
) -> None:
    out = on_text(at(step, **answers), typed, CTX, NOW)
    state = open_state(out)
    assert out.notes == []
    assert state.step is not step
    assert callable(check) and check(state.answers)


def test_typed_number_out_of_range_is_reasked() -> None:
    before = at(Step.BACKUP, target=CRM, reason="security", stop_date=TODAY)
    out = on_text(before, "4", CTX, NOW)
    assert out.notes == [t("en", "hint_choice")]
    unchanged(before, out.state)


def test_typed_number_at_the_summary_edits_the_first_field() -> None:
    state = crm_summary()
    edits = prompt_for(state, CTX).choices
    assert edits[0].value == "edit:target"
    state = open_state(say(state, "1"))
    assert state.step is Step.TARGET and state.answers.target is None


# -- target ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "target"),
    [
        ("CRM", CRM),
        ("crm", CRM),
        ("ＣＲＭ", CRM),  # full-width
        ("销售系统", CRM),  # alias
        ("customer relationship", CRM),
        ("我要停用CRM", CRM),  # no spaces around a Latin name in Chinese
        ("CRM系统", CRM),
        ("OA", OA),
        ("办公系统", OA),
        ("the Wiki please", Target(kind=TargetKind.SOFTWARE, name="Wiki", paid=False)),
    ],
)
def test_target_from_catalog(typed: str, target: Target) -> None:
    state = open_state(say(start(), typed))
    assert state.answers.target == target
    assert state.step is Step.REASON


@pytest.mark.parametrize("typed", ["my account", "My own account", "我的账号", "mon compte"])
def test_target_own_account_never_asks_billing(typed: str) -> None:
    state = open_state(say(start(), typed))
    assert state.answers.target == Target(kind=TargetKind.OWN_ACCOUNT, name="account")
    state = open_state(say(state, "not needed", "tomorrow", "yes", "none"))
    assert state.step is Step.COMPLIANCE  # billing skipped
    state = open_state(say(state, "no", "none"))
    assert state.step is Step.SUMMARY
    summary = prompt_for(state, CTX)
    assert "edit:billing" not in [c.value for c in summary.choices]
    assert (t("en", "f_target"), "own account of console:employee") in summary.fields
    assert t("en", "f_billing") not in [label for label, _ in summary.fields]


def test_unknown_target_is_other_and_asks_whether_it_is_paid() -> None:
    state = open_state(say(start(), "Salesforce"))
    assert state.answers.target == Target(kind=TargetKind.OTHER, name="Salesforce")
    assert state.step is Step.REASON
    state = open_state(say(state, "security", "tomorrow", "yes", "none"))
    assert state.step is Step.BILLING
    prompt = prompt_for(state, CTX)
    assert prompt.text == t("en", "q_billing_other")
    assert [(c.value, c.label) for c in prompt.choices][-1] == ("not_paid", "It is not paid")
    state = open_state(say(state, "It is not paid"))
    assert state.answers.billing is Billing.NOT_PAID
    assert state.answers.is_paid() is False
    assert state.step is Step.COMPLIANCE


def test_paid_catalog_software_does_not_offer_not_paid() -> None:
    state = at(
        Step.BILLING, target=CRM, reason="security", stop_date=TODAY, backup="done", linked=[]
    )
    assert "not_paid" not in [c.value for c in prompt_for(state, CTX).choices]
    out = on_text(state, "free", CTX, NOW)
    assert out.notes == [t("en", "hint_choice")]
    unchanged(state, out.state)


def test_something_else_button_then_a_name() -> None:
    out = click(start(), "other")
    state = open_state(out)
    assert state.step is Step.TARGET_OTHER
    assert state.answers.target is None
    assert out.prompt is not None
    assert out.prompt.text == t("en", "q_target_other") and out.prompt.choices == []
    state = open_state(say(state, "Zoom"))
    assert state.answers.target == Target(kind=TargetKind.OTHER, name="Zoom")
    assert state.step is Step.REASON


@pytest.mark.parametrize("typed", ["something else", "其他", "autre chose"])
def test_something_else_typed(typed: str) -> None:
    state = open_state(say(start(), typed))
    assert state.step is Step.TARGET_OTHER
    # Even a catalog name is taken literally once the user said "something else".
    state = open_state(say(state, "CRM"))
    assert state.answers.target == Target(kind=TargetKind.OTHER, name="CRM")


# -- reason ---------------------------------------------------------------------


def test_reason_other_button_asks_for_text() -> None:
    out = click(at(Step.REASON, target=CRM), "other")
    state = open_state(out)
    assert state.step is Step.REASON_TEXT
    assert state.answers.reason is Reason.OTHER and state.answers.reason_text is None
    assert out.prompt is not None and out.prompt.text == t("en", "q_reason_text")
    out = say(state, "")
    assert out.notes == [t("en", "hint_empty")]
    state = open_state(say(state, "The team moved to another tool"))
    assert state.answers.reason_text == "The team moved to another tool"
    assert state.step is Step.WHEN


def test_reason_other_typed_asks_for_text() -> None:
    state = open_state(say(at(Step.REASON, target=CRM), "other reason"))
    assert state.step is Step.REASON_TEXT


def test_unmatched_reason_text_is_kept_as_other() -> None:
    state = open_state(say(at(Step.REASON, target=CRM), "the vendor shuts down in March"))
    assert state.answers.reason is Reason.OTHER
    assert state.answers.reason_text == "the vendor shuts down in March"
    assert state.step is Step.WHEN
    rows = dict(describe(state.answers, "en", USER))
    assert rows["Why"] == "the vendor shuts down in March"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("we don't need it anymore", Reason.NOT_NEEDED),
        ("不再需要", Reason.NOT_NEEDED),
        ("plus nécessaire", Reason.NOT_NEEDED),
        ("Too expensive", Reason.TOO_EXPENSIVE),
        ("found a better alternative", Reason.ALTERNATIVE),
        ("安全风险", Reason.SECURITY),
        ("risque de sécurité", Reason.SECURITY),
    ],
)
def test_reason_synonyms(typed: str, reason: Reason) -> None:
    state = open_state(say(at(Step.REASON, target=CRM), typed))
    assert state.answers.reason is reason
    assert state.answers.reason_text is None


# -- dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-31", date(2026, 12, 31)),
        ("tomorrow", date(2026, 11, 24)),
        ("明天", date(2026, 11, 24)),
        ("fin du mois", date(2026, 11, 30)),
        ("end of month", date(2026, 11, 30)),
        ("next monday", date(2026, 11, 30)),
        ("2026-11-23", TODAY),  # today is allowed
        ("2027-11-23", date(2027, 11, 23)),  # exactly a year ahead is allowed
    ],
)
def test_dates_accepted(typed: str, expected: date) -> None:
    state = open_state(say(at(Step.WHEN, target=CRM, reason="security"), typed))
    assert state.answers.stop_date == expected
    assert state.step is Step.BACKUP


def test_date_in_the_past_is_reasked() -> None:
    before = at(Step.WHEN, target=CRM, reason="security")
    out = on_text(before, "2026-11-22", CTX, NOW)
    assert out.notes == ["Sunday 22 November 2026 is in the past; pick today or a later date."]
    unchanged(before, out.state)
    assert out.prompt is not None and out.prompt.text == t("en", "q_when")


def test_date_more_than_a_year_ahead_is_reasked() -> None:
    before = at(Step.WHEN, target=CRM, reason="security")
    out = on_text(before, "2028-01-01", CTX, NOW)
    assert len(out.notes) == 1
    assert "more than a year" in out.notes[0]
    assert "Saturday 1 January 2028" in out.notes[0] and "Tuesday 23 November 2027" in out.notes[0]
    unchanged(before, out.state)


@pytest.mark.parametrize("typed", ["whenever", "soonish", "32/13/2026"])
def test_unreadable_date_is_reasked(typed: str) -> None:
    before = at(Step.WHEN, target=CRM, reason="security")
    out = on_text(before, typed, CTX, NOW)
    assert len(out.notes) == 1 and "couldn't read" in out.notes[0]
    unchanged(before, out.state)


def test_forged_date_click_is_checked_too() -> None:
    before = at(Step.WHEN, target=CRM, reason="security")
    out = on_choice(before, "when", "2020-01-01", CTX, NOW)
    assert "in the past" in out.notes[0]
    unchanged(before, out.state)


def test_submit_after_the_date_slipped_into_the_past_reasks_the_date() -> None:
    state = crm_summary()
    later = Context(today=date(2027, 1, 5), catalog=CTX.catalog)
    out = on_choice(state, "summary", "submit", later, NOW)
    assert out.submit is False
    after = open_state(out)
    assert after.step is Step.WHEN and after.answers.stop_date is None
    assert out.notes == ["Thursday 31 December 2026 is in the past; pick today or a later date."]
    assert after.answers.target == CRM  # the rest is kept


# -- backup and linked services ------------------------------------------------------


def test_backup_not_yet_shows_how_to_and_continues() -> None:
    out = say(at(Step.BACKUP, target=CRM, reason="security", stop_date=TODAY), "not yet")
    state = open_state(out)
    assert state.answers.backup is Backup.NOT_YET
    assert out.notes == [t("en", "backup_howto")]
    assert "export" in out.notes[0]
    assert state.step is Step.LINKED


@pytest.mark.parametrize("typed", ["yes", "not needed"])
def test_backup_done_or_not_needed_has_no_how_to(typed: str) -> None:
    out = say(at(Step.BACKUP, target=CRM, reason="security", stop_date=TODAY), typed)
    assert out.notes == []
    assert open_state(out).step is Step.LINKED


def _linked_state() -> DialogueState:
    return at(Step.LINKED, target=CRM, reason="security", stop_date=TODAY, backup="done")


def test_linked_buttons_toggle() -> None:
    state = open_state(click(_linked_state(), "mailbox"))
    assert state.step is Step.LINKED and state.linked_pick == [Linked.MAILBOX]
    assert state.answers.linked is None
    labels = {c.value: c.label for c in prompt_for(state, CTX).choices}
    assert labels["mailbox"] == "✓ Mailbox" and labels["sso"] == "SSO"

    state = open_state(click(state, "mailbox"))  # second click: off again
    assert state.linked_pick == []
    assert prompt_for(state, CTX).choices[0].label == "Mailbox"

    state = open_state(click(state, "sso"))
    state = open_state(click(state, "files"))
    state = open_state(click(state, "done"))
    assert state.answers.linked == [Linked.SSO, Linked.FILES]
    assert state.step is Step.BILLING


def test_linked_none_button_clears_the_picks() -> None:
    state = open_state(click(_linked_state(), "mailbox"))
    state = open_state(click(state, "none"))
    assert state.answers.linked == [] and state.linked_pick == []
    assert state.step is Step.BILLING


def test_linked_done_without_picks_is_none() -> None:
    state = open_state(click(_linked_state(), "done"))
    assert state.answers.linked == []


@pytest.mark.parametrize(
    ("typed", "linked"),
    [
        ("mailbox, sso", [Linked.MAILBOX, Linked.SSO]),
        ("Email and file storage", [Linked.MAILBOX, Linked.FILES]),
        ("邮箱、单点登录", [Linked.MAILBOX, Linked.SSO]),
        ("messagerie et intégrations", [Linked.MAILBOX, Linked.INTEGRATIONS]),
        ("sso, SSO", [Linked.SSO]),
        ("none", []),
        ("无", []),
        ("aucun", []),
    ],
)
def test_linked_typed(typed: str, linked: list[Linked]) -> None:
    state = open_state(say(_linked_state(), typed))
    assert state.answers.linked == linked
    assert state.step is Step.BILLING


@pytest.mark.parametrize("typed", ["mailbox, printer", "the fax machine", "1, 2"])
def test_linked_unrecognised_is_reasked(typed: str) -> None:
    before = _linked_state()
    out = on_text(before, typed, CTX, NOW)
    assert out.notes == [t("en", "hint_linked")]
    unchanged(before, out.state)


# -- notify -------------------------------------------------------------------------


def _notify_state() -> DialogueState:
    return at(
        Step.NOTIFY,
        target=OA,
        reason="security",
        stop_date=TODAY,
        backup="done",
        linked=[],
        compliance="none",
    )


def test_notify_ids() -> None:
    state = open_state(
        say(_notify_state(), "console:team, @slack:U0123；#slack:C0456 dingtalk:bob console:team")
    )
    assert state.answers.notify == ["console:team", "slack:U0123", "slack:C0456", "dingtalk:bob"]
    assert state.step is Step.SUMMARY


@pytest.mark.parametrize("typed", ["none", "Nobody else", "不通知其他人", "personne"])
def test_notify_none_typed(typed: str) -> None:
    state = open_state(say(_notify_state(), typed))
    assert state.answers.notify == []
    assert state.step is Step.SUMMARY


def test_notify_none_button() -> None:
    state = open_state(click(_notify_state(), "none"))
    assert state.answers.notify == []


def test_notify_invalid_token_is_named() -> None:
    before = _notify_state()
    out = on_text(before, "console:team, bob", CTX, NOW)
    assert out.notes == [t("en", "hint_notify", token="bob", max=MAX_NOTIFY)]
    assert "'bob' is not a channel or person id" in out.notes[0]
    unchanged(before, out.state)


def test_notify_at_most_ten() -> None:
    ten = [f"console:p{i}" for i in range(MAX_NOTIFY)]
    assert open_state(say(_notify_state(), ", ".join(ten))).answers.notify == ten

    before = _notify_state()
    out = on_text(before, ", ".join([*ten, "console:p10"]), CTX, NOW)
    assert out.notes == [t("en", "hint_notify", token="console:p10", max=MAX_NOTIFY)]
    assert "at most 10" in out.notes[0]
    unchanged(before, out.state)


@pytest.mark.parametrize("typed", ["", "   ", ",", " ， 、"])
def test_notify_blank_answer_is_not_nobody(typed: str) -> None:
    before = _notify_state()
    out = on_text(before, typed, CTX, NOW)
    assert out.notes == [t("en", "hint_empty")]
    unchanged(before, out.state)


# -- summary, edits, submit, cancel ----------------------------------------------------


def test_summary_lists_the_answers_and_offers_edits() -> None:
    state = crm_summary()
    prompt = prompt_for(state, CTX)
    assert prompt.text == t("en", "summary")
    assert prompt.fields == [
        ("What", "CRM (paid)"),
        ("Why", "Too expensive"),
        ("Stop date", "Thursday 31 December 2026"),
        ("Backup", "Yes, backed up"),
        ("Linked services", "Mailbox, SSO"),
        ("Billing", "Cancel now, ask for a prorated refund"),
        ("Compliance records", "No"),
        ("Notify", "console:team"),
    ]
    values = [c.value for c in prompt.choices]
    assert values == [
        "edit:target",
        "edit:reason",
        "edit:when",
        "edit:backup",
        "edit:linked",
        "edit:billing",
        "edit:compliance",
        "edit:notify",
        "submit",
        "cancel",
    ]
    assert prompt.choices[1].label == "Edit: Why"


@pytest.mark.parametrize(
    ("edit", "step", "answer", "field", "value"),
    [
        ("edit:reason", Step.REASON, "security", "reason", Reason.SECURITY),
        ("edit:when", Step.WHEN, "2026-12-15", "stop_date", date(2026, 12, 15)),
        ("edit:backup", Step.BACKUP, "not needed", "backup", Backup.NOT_NEEDED),
        ("edit:billing", Step.BILLING, "unsure", "billing", Billing.UNSURE),
        ("edit:compliance", Step.COMPLIANCE, "keep", "compliance", Compliance.KEEP),
        ("edit:notify", Step.NOTIFY, "slack:C9", "notify", ["slack:C9"]),
        ("edit:linked", Step.LINKED, "files", "linked", [Linked.FILES]),
    ],
)
def test_edit_reopens_one_step_and_returns_to_the_summary(
    edit: str, step: Step, answer: str, field: str, value: object
) -> None:
    before = crm_summary()
    state = open_state(click(before, edit))
    assert state.step is step
    assert prompt_for(state, CTX).text == prompt_for(at(step, target=CRM), CTX).text
    out = say(state, answer)
    after = open_state(out)
    assert out.notes == [] or step is Step.BACKUP
    assert after.step is Step.SUMMARY
    assert getattr(after.answers, field) == value
    # Every other answer is kept.
    kept = after.answers.model_copy(update={field: getattr(before.answers, field)})
    assert kept == before.answers


def test_edit_typed_at_summary() -> None:
    state = open_state(say(crm_summary(), "change when"))
    assert state.step is Step.WHEN and state.answers.stop_date is None
    state = open_state(say(state, "tomorrow"))
    assert state.step is Step.SUMMARY
    assert state.answers.stop_date == date(2026, 11, 24)


def test_edit_linked_keeps_previous_picks_as_toggles() -> None:
    state = open_state(click(crm_summary(), "edit:linked"))
    assert state.linked_pick == [Linked.MAILBOX, Linked.SSO]
    state = open_state(click(state, "sso"))  # untick SSO
    state = open_state(click(state, "done"))
    assert state.step is Step.SUMMARY
    assert state.answers.linked == [Linked.MAILBOX]


def test_edit_reason_from_other_to_listed_drops_the_text() -> None:
    state = open_state(say(at(Step.REASON, target=CRM), "the vendor shuts down"))
    state = open_state(say(state, "tomorrow", "yes", "none", "refund", "no", "none"))
    assert state.step is Step.SUMMARY
    state = open_state(click(state, "edit:reason"))
    assert state.answers.reason is None and state.answers.reason_text is None
    state = open_state(click(state, "security"))
    assert state.step is Step.SUMMARY
    assert state.answers.reason is Reason.SECURITY and state.answers.reason_text is None


def test_edit_target_from_paid_to_free_removes_billing() -> None:
    before = crm_summary()
    assert before.answers.billing is Billing.REFUND
    state = open_state(click(before, "edit:target"))
    assert state.step is Step.TARGET and state.answers.target is None
    state = open_state(click(state, "sw:OA"))
    assert state.step is Step.SUMMARY
    assert state.answers.target == OA
    assert state.answers.billing is None
    prompt = prompt_for(state, CTX)
    assert "edit:billing" not in [c.value for c in prompt.choices]
    assert "Billing" not in [label for label, _ in prompt.fields]
    assert state.answers.reason is Reason.TOO_EXPENSIVE  # the rest is kept
    assert state.answers.notify == ["console:team"]


def test_edit_target_from_free_to_paid_asks_billing_then_returns() -> None:
    state = open_state(click(crm_summary(), "edit:target"))
    state = open_state(say(state, "OA"))
    state = open_state(click(state, "edit:target"))
    state = open_state(say(state, "Webex"))
    assert state.step is Step.BILLING
    state = open_state(say(state, "end of term"))
    assert state.step is Step.SUMMARY
    assert state.answers.billing is Billing.END_OF_TERM


def test_submit_button() -> None:
    state = crm_summary()
    out = click(state, "submit")
    assert out.submit is True and out.abandoned is False
    assert open_state(out).answers == state.answers


def test_cancel_button_abandons() -> None:
    out = click(crm_summary(), "cancel")
    assert out.abandoned is True and out.state is None and out.submit is False
    assert out.notes == [t("en", "abandoned")]


@pytest.mark.parametrize(
    "step", [Step.TARGET, Step.REASON, Step.WHEN, Step.LINKED, Step.NOTIFY, Step.SUMMARY]
)
@pytest.mark.parametrize("word", ["cancel", "Cancel!", "取消", "annuler", "ANNULER"])
def test_cancel_words_abandon_anywhere(step: Step, word: str) -> None:
    state = crm_summary() if step is Step.SUMMARY else at(step, target=CRM, reason="security")
    out = on_text(state, word, CTX, NOW)
    assert out.abandoned is True and out.state is None and out.submit is False
    # In the dialogue's language: a command typed in another one does not switch it.
    assert out.notes == [t(state.lang, "abandoned")]


def test_cancel_inside_a_sentence_is_not_a_cancel_word() -> None:
    out = on_text(at(Step.REASON, target=CRM), "cancel the licence, too expensive", CTX, NOW)
    assert out.abandoned is False
    assert open_state(out).answers.reason is Reason.TOO_EXPENSIVE


def test_unknown_answer_at_summary_is_reasked() -> None:
    before = crm_summary()
    out = on_text(before, "hmm", CTX, NOW)
    assert out.notes == [t("en", "hint_choice")]
    assert out.submit is False
    unchanged(before, out.state)


# -- stale and forged buttons ---------------------------------------------------


def test_stale_button_is_ignored() -> None:
    before = at(Step.WHEN, target=CRM, reason="security")
    out = on_choice(before, "reason", "not_needed", CTX, NOW)
    assert out.notes == [t("en", "stale_button")]
    assert "already answered" in out.notes[0]
    unchanged(before, out.state)
    assert out.prompt is not None and out.prompt.text == t("en", "q_when")


def test_stale_summary_button_after_edit_does_not_submit() -> None:
    state = open_state(click(crm_summary(), "edit:when"))
    out = on_choice(state, "summary", "submit", CTX, NOW)
    assert out.submit is False
    assert out.notes == [t("en", "stale_button")]
    unchanged(state, out.state)


@pytest.mark.parametrize(
    ("step", "value"),
    [
        (Step.TARGET, "sw:Photoshop"),
        (Step.TARGET, "own account"),
        (Step.REASON, "bored"),
        (Step.BACKUP, "maybe"),
        (Step.LINKED, "printer"),
        (Step.SUMMARY, "edit:requester"),
    ],
)
def test_forged_button_value_is_refused(step: Step, value: str) -> None:
    before = (
        crm_summary()
        if step is Step.SUMMARY
        else at(step, target=CRM, reason="security", stop_date=TODAY, backup="done")
    )
    out = on_choice(before, step, value, CTX, NOW)
    assert out.notes == [t("en", "hint_choice")]
    assert out.submit is False
    unchanged(before, out.state)


# -- bad input --------------------------------------------------------------------------


_AT = {
    Step.TARGET: {},
    Step.TARGET_OTHER: {},
    Step.REASON: {"target": CRM},
    Step.REASON_TEXT: {"target": CRM, "reason": "other"},
    Step.WHEN: {"target": CRM, "reason": "security"},
    Step.BACKUP: {"target": CRM, "reason": "security", "stop_date": TODAY},
    Step.LINKED: {"target": CRM, "reason": "security", "stop_date": TODAY, "backup": "done"},
    Step.BILLING: {
        "target": CRM,
        "reason": "security",
        "stop_date": TODAY,
        "backup": "done",
        "linked": [],
    },
    Step.COMPLIANCE: {
        "target": CRM,
        "reason": "security",
        "stop_date": TODAY,
        "backup": "done",
        "linked": [],
        "billing": "refund",
    },
    Step.NOTIFY: {
        "target": CRM,
        "reason": "security",
        "stop_date": TODAY,
        "backup": "done",
        "linked": [],
        "billing": "refund",
        "compliance": "none",
    },
}
_FREE_TEXT = [Step.TARGET, Step.TARGET_OTHER, Step.REASON, Step.REASON_TEXT, Step.NOTIFY]
_CHOICE = [Step.BACKUP, Step.BILLING, Step.COMPLIANCE]


def test_step_table_matches_the_engine() -> None:
    for step, answers in _AT.items():
        if step not in (Step.TARGET_OTHER, Step.REASON_TEXT):
            assert next_step(Answers.model_validate(answers)) is step


@pytest.mark.parametrize("text", ["", "   ", "\t \n ", "\x00\x1b[0m"])
@pytest.mark.parametrize("step", _FREE_TEXT)
def test_empty_answer_where_text_is_expected(step: Step, text: str) -> None:
    before = at(step, **_AT[step])
    out = on_text(before, text, CTX, NOW)
    assert out.notes == ["Please type an answer."]
    unchanged(before, out.state)


@pytest.mark.parametrize("text", ["", "   "])
@pytest.mark.parametrize("step", _CHOICE)
def test_empty_answer_to_a_choice(step: Step, text: str) -> None:
    before = at(step, **_AT[step])
    out = on_text(before, text, CTX, NOW)
    assert out.notes == [t("en", "hint_choice")]
    unchanged(before, out.state)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_answer_to_date_and_linked(text: str) -> None:
    for step, hint in ((Step.WHEN, "hint_date_unparsed"), (Step.LINKED, "hint_linked")):
        before = at(step, **_AT[step])
        out = on_text(before, text, CTX, NOW)
        assert out.notes == [t("en", hint)]
        unchanged(before, out.state)


@pytest.mark.parametrize("step", [Step.TARGET, Step.TARGET_OTHER, Step.REASON, Step.REASON_TEXT])
def test_too_long_answer_is_reasked(step: Step) -> None:
    before = at(step, **_AT[step])
    out = on_text(before, "x" * 10_000, CTX, NOW)
    assert out.notes == ["Please keep it under 300 characters."]
    unchanged(before, out.state)


@pytest.mark.parametrize("step", list(_AT))
def test_too_long_answer_changes_nothing_anywhere(step: Step) -> None:
    before = at(step, **_AT[step])
    out = on_text(before, "lorem ipsum " * 834, CTX, NOW)
    assert len(out.notes) == 1
    unchanged(before, out.state)


def test_length_limit_boundary() -> None:
    state = at(Step.TARGET_OTHER)
    ok = open_state(say(state, "z" * MAX_TEXT))
    assert ok.answers.target is not None and len(ok.answers.target.name) == MAX_TEXT
    out = on_text(state, "z" * (MAX_TEXT + 1), CTX, NOW)
    assert out.notes == [t("en", "hint_too_long", max=MAX_TEXT)]
    unchanged(state, out.state)


def test_control_characters_and_ansi_are_stripped() -> None:
    state = open_state(say(start(), "\x1b[31mCRM\x00"))
    assert state.answers.target == CRM

    state = open_state(say(at(Step.TARGET_OTHER), "\x1b[1;31mZo\x07om\x1b[0m\u202e\u200b"))
    assert state.answers.target == Target(kind=TargetKind.OTHER, name="Zoom")

    state = open_state(say(at(Step.REASON_TEXT, **_AT[Step.REASON_TEXT]), "line1\r\nline2\x7f"))
    assert state.answers.reason_text == "line1 line2"


MARKUP = "<!channel> *bold* <https://evil|click>"


def test_markup_target_is_stored_as_plain_text() -> None:
    state = open_state(say(start(), MARKUP))
    assert state.answers.target == Target(kind=TargetKind.OTHER, name=MARKUP)
    assert state.lang == "en"
    assert dict(describe(state.answers, "en", USER))["What"] == MARKUP


def test_markup_reason_is_stored_as_plain_text() -> None:
    state = open_state(say(at(Step.REASON, target=CRM), MARKUP))
    assert state.answers.reason is Reason.OTHER
    assert state.answers.reason_text == MARKUP
    state = open_state(say(at(Step.REASON_TEXT, **_AT[Step.REASON_TEXT]), f"  {MARKUP}\x00 "))
    assert state.answers.reason_text == MARKUP


def test_clean_and_fold() -> None:
    assert clean("\x1b[31mCRM\x00") == "CRM"
    assert clean("  a \t\n b  ") == "a b"
    assert clean("e\u0301") == "é"  # NFC
    assert fold("Sécurité, SVP!") == "securite svp"
    assert fold("ＣＲＭ") == "crm"
    assert fold("console:team") == "console:team"


# -- language guess and matching ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("我要停用CRM", "zh"),
        ("太贵", "zh"),
        ("明天", "zh"),
        ("I don't need my account", "en"),
        ("tomorrow", "en"),
        ("not yet", "en"),
        ("fin du mois", "fr"),
        ("je ne sais pas", "fr"),
        ("sécurité", "fr"),
        ("oui", "fr"),
        ("CRM", None),
        ("2026-12-31", None),
        ("Webex", None),
        ("console:team, slack:C0123", None),
        ("", None),
        ("42", None),
    ],
)
def test_detect_lang(text: str, lang: Lang | None) -> None:
    assert detect_lang(text) == lang


def test_match_choice_longest_synonym_wins() -> None:
    synonyms = {"a": ["not"], "b": ["not needed"], "c": ["needed"]}
    assert match_choice("it is not needed at all", synonyms) == "b"
    assert match_choice("needed", synonyms) == "c"


def test_match_choice_exact_match_wins_over_longer() -> None:
    synonyms = {"short": ["no"], "long": ["no need", "no"]}
    assert match_choice("No", synonyms) == "short"  # first exact match


def test_match_choice_tie_between_choices_is_none() -> None:
    synonyms = {"mail": ["mail"], "file": ["file"]}
    assert match_choice("mail file", synonyms) is None
    # A longer synonym breaks the tie.
    assert match_choice("mail file storage", {**synonyms, "storage": ["file storage"]}) == "storage"
    # Two synonyms of the same choice are no tie.
    assert match_choice("mail post", {"mail": ["mail", "post"]}) == "mail"


def test_match_choice_whole_words_for_latin_substrings_for_cjk() -> None:
    assert match_choice("nothing", {"no": ["no"]}) is None
    assert match_choice("boat", {"oa": ["OA"]}) is None
    assert match_choice("我的邮箱", {"mail": ["邮箱"]}) == "mail"
    assert match_choice("停用OA吧", {"oa": ["OA"]}) == "oa"
    assert match_choice("", {"x": ["x"]}) is None
    assert match_choice("!!!", {"x": ["x"]}) is None


# -- translations ---------------------------------------------------------------------


def test_a_catalog_name_beats_the_word_account() -> None:
    out = on_text(at(Step.TARGET), "please close my Jira account", CTX, NOW)
    assert out.state is not None and out.state.answers.target is not None
    assert out.state.answers.target.name == "Jira"
    assert out.state.answers.target.kind is TargetKind.SOFTWARE


@pytest.mark.parametrize("step", [Step.WHEN, Step.LINKED, Step.NOTIFY])
def test_typed_option_numbers_work_on_every_step_with_buttons(step: Step) -> None:
    state = at(step, target=CRM, reason="security")
    first = prompt_for(state, CTX).choices[0]
    out = on_text(state, "1", CTX, NOW)
    clicked = on_choice(state, step, first.value, CTX, NOW)
    assert out.state is not None and clicked.state is not None
    assert out.state.answers == clicked.state.answers
    assert out.state.linked_pick == clicked.state.linked_pick


@pytest.mark.parametrize("step", [Step.TARGET_OTHER, Step.REASON_TEXT])
def test_a_forged_click_on_a_free_text_question_is_refused(step: Step) -> None:
    state = at(step, target=CRM, reason="other")
    out = on_choice(state, step, "<!channel> injected" * 100, CTX, NOW)
    assert out.state is not None
    assert out.state.answers == state.answers
    assert out.notes == [t("en", "hint_choice")]


def test_long_user_text_is_never_cached() -> None:
    from conversations.text import _fold_word

    before = _fold_word.cache_info().currsize
    for i in range(50):
        on_text(at(Step.BACKUP, target=CRM, reason="security"), f"{i} " + "x" * 10_000, CTX, NOW)
    assert _fold_word.cache_info().currsize == before
