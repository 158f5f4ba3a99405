from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.files.policy import (
    PolicyError,
    bundled_policy_path,
    check_policy_file,
    load_policy,
    load_policy_text,
)
from conversations.durations import format_duration, parse_duration
from conversations.policy import Approval, Policy, Stage

# The outer contract: this minimum form must always validate. Line numbers matter
# for the error tests below (line 1 is "admins:").
CONTRACT = """\
admins: [slack:UADMIN, console:admin]
approval:
  stages:
    - name: department-head
      approvers: [slack:UHEAD, console:head]
      channel: slack:CHEAD          # where this stage's approval card is posted
      mode: any                     # any = one approval is enough; all = every approver
    - name: it
      approvers: [slack:UIT1, slack:UIT2, console:it]
      channel: slack:CIT
      mode: any
    - name: finance
      approvers: [slack:UFIN, console:finance]
      channel: slack:CFIN
      when: paid                    # only for software marked paid in the catalog
  remind_after: 24h
  escalate_after: 72h
catalog:
  - {name: CRM, paid: true}
  - {name: OA, paid: false}
  - {name: Webex, paid: true}
broadcast:
  channels: [slack:CALL, slack:CENG]
"""


def edited(old: str, new: str) -> str:
    assert CONTRACT.count(old) == 1, old
    return CONTRACT.replace(old, new)


def only_error(text: str, source: str = "policy.yaml") -> str:
    with pytest.raises(PolicyError) as info:
        load_policy_text(text, source)
    assert len(info.value.errors) == 1, info.value.errors
    return info.value.errors[0]


# --------------------------------------------------------------------------- valid files


def test_contract_policy_validates() -> None:
    policy = load_policy_text(CONTRACT, "policy.yaml")
    assert policy.admins == ["slack:UADMIN", "console:admin"]
    assert [s.name for s in policy.approval.stages] == ["department-head", "it", "finance"]
    finance = policy.approval.stages[2]
    assert finance.mode == "any" and finance.when == "paid"
    assert policy.approval.remind_after == timedelta(hours=24)
    assert policy.approval.escalate_after == timedelta(hours=72)
    assert policy.broadcast.channels == ["slack:CALL", "slack:CENG"]
    assert policy.broadcast.rate_per_second == 1.0
    assert policy.support_channel is None
    assert policy.dialogue.idle_timeout == timedelta(minutes=30)


def test_dingtalk_ids_are_base64_like_and_validate() -> None:
    """DingTalk staffIds and openConversationIds may hold `+`, `/` and `=`."""
    text = edited(
        "admins: [slack:UADMIN, console:admin]", "admins: [slack:UADMIN, 'dingtalk:0123+ab/C=']"
    )
    text = text.replace("channel: slack:CIT", "channel: 'dingtalk:cidAbC+12/x=='")
    policy = load_policy_text(text, "policy.yaml")
    assert policy.admins[1] == "dingtalk:0123+ab/C="
    assert policy.approval.stages[1].channel == "dingtalk:cidAbC+12/x=="


def test_bundled_policy_validates() -> None:
    path = bundled_policy_path()
    assert path == Path(__file__).resolve().parents[2] / "bot" / "defaults" / "policy.yaml"
    assert check_policy_file(path) == []
    policy = load_policy(path)
    assert policy.is_admin("console:admin")
    assert [(s.name, s.approvers, s.channel, s.when) for s in policy.approval.stages] == [
        ("department-head", ["console:head"], "console:approvals-head", "always"),
        ("it", ["console:it"], "console:approvals-it", "always"),
        ("finance", ["console:finance"], "console:approvals-finance", "paid"),
    ]
    assert {item.name: item.paid for item in policy.catalog} == {
        "CRM": True,
        "OA": False,
        "Webex": True,
        "Jira": True,
        "Wiki": False,
    }
    assert policy.broadcast.channels == ["console:all-hands"]
    assert policy.support_channel == "console:it-help"
    # Slack examples are comments only.
    assert all(not i.startswith("slack:") for i in policy.admins)


def test_policy_models_are_frozen() -> None:
    policy = load_policy_text(CONTRACT)
    with pytest.raises(ValidationError):
        setattr(policy, "support_channel", "console:x")  # noqa: B010


def test_integer_durations_are_seconds() -> None:
    policy = load_policy_text(edited("remind_after: 24h", "remind_after: 3600"))
    assert policy.approval.remind_after == timedelta(hours=1)


def test_durations_serialize_back_to_text() -> None:
    policy = load_policy_text(CONTRACT)
    dumped = policy.model_dump(mode="json")
    assert dumped["approval"]["remind_after"] == "24h"
    assert dumped["approval"]["escalate_after"] == "3d"
    assert Policy.model_validate(dumped) == policy


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("15m", timedelta(minutes=15)),
        ("24h", timedelta(hours=24)),
        ("3d", timedelta(days=3)),
        ("1w", timedelta(weeks=1)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1w2d3h4m5s", timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5)),
        (" 1d 12h ", timedelta(days=1, hours=12)),
        ("2H", timedelta(hours=2)),
        ("90", timedelta(seconds=90)),
        (90, timedelta(seconds=90)),
    ],
)
def test_parse_duration(text: str | int, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "0s", "0", 0, -5, "h", "5x", "12h1d", "1h1h", "1.5h", "-1h", True]
)
def test_parse_duration_rejects(text: str | int) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("td", "expected"),
    [
        (timedelta(seconds=30), "30s"),
        (timedelta(minutes=15), "15m"),
        (timedelta(minutes=90), "1h30m"),
        (timedelta(hours=24), "24h"),
        (timedelta(hours=25), "1d1h"),
        (timedelta(hours=36), "1d12h"),
        (timedelta(days=3), "3d"),
        (timedelta(weeks=2), "14d"),
        (timedelta(days=1, seconds=5), "1d5s"),
        (timedelta(0), "0s"),
    ],
)
def test_format_duration(td: timedelta, expected: str) -> None:
    assert format_duration(td) == expected
    if td > timedelta(0):
        assert parse_duration(expected) == td


# --------------------------------------------------------------------------- errors


def test_bad_mode() -> None:
    text = edited("slack:CIT\n      mode: any", "slack:CIT\n      mode: sometimes")
    assert only_error(text) == (
        "policy.yaml:11: approval.stages[1].mode: Input should be 'any' or 'all'"
    )


def test_unknown_key_typo_is_one_error_with_suggestion() -> None:
    text = edited("      approvers: [slack:UIT1", "      approvrs: [slack:UIT1")
    assert only_error(text) == (
        "policy.yaml:9: approval.stages[1].approvrs: unknown key 'approvrs'; "
        "did you mean 'approvers'?"
    )


def test_unknown_optional_key() -> None:
    text = edited("  remind_after: 24h", "  remind_afer: 24h")
    assert only_error(text) == (
        "policy.yaml:16: approval.remind_afer: unknown key 'remind_afer'; "
        "did you mean 'remind_after'?"
    )


def test_missing_approvers_points_at_stage() -> None:
    text = edited("      approvers: [slack:UFIN, console:finance]\n", "")
    assert only_error(text) == (
        "policy.yaml:12: approval.stages[2].approvers: required key is missing"
    )


def test_empty_approvers() -> None:
    text = edited("[slack:UFIN, console:finance]", "[]")
    assert only_error(text).startswith("policy.yaml:13: approval.stages[2].approvers: ")


def test_id_without_platform_prefix() -> None:
    error = only_error(edited("[slack:UHEAD, console:head]", "[UHEAD, console:head]"))
    assert error.startswith(
        "policy.yaml:5: approval.stages[0].approvers[0]: 'UHEAD' is not a valid id"
    )
    assert "slack:U012ABC" in error


def test_id_on_its_own_line() -> None:
    text = edited(
        "  channels: [slack:CALL, slack:CENG]", "  channels:\n    - slack:CALL\n    - teams:X"
    )
    error = only_error(text)
    assert error.startswith("policy.yaml:25: broadcast.channels[1]: 'teams:X' is not a valid id")
    assert "unknown platform 'teams'" in error


def test_duplicate_stage_name() -> None:
    text = edited("    - name: it\n", "    - name: department-head\n")
    assert only_error(text) == (
        "policy.yaml:8: approval.stages[1].name: "
        "stage name 'department-head' is already used by stages[0]"
    )


def test_bad_stage_name() -> None:
    error = only_error(edited("    - name: it\n", "    - name: IT Team\n"))
    assert error.startswith("policy.yaml:8: approval.stages[1].name: stage name 'IT Team'")


def test_duplicate_approver() -> None:
    error = only_error(edited("[slack:UHEAD, console:head]", "[slack:UHEAD, slack:UHEAD]"))
    assert error == (
        "policy.yaml:5: approval.stages[0].approvers[1]: "
        "'slack:UHEAD' is listed twice (also at position 1)"
    )


@pytest.mark.parametrize("escalate", ["24h", "12h", "86400"])
def test_escalate_after_must_exceed_remind_after(escalate: str) -> None:
    error = only_error(edited("escalate_after: 72h", f"escalate_after: {escalate}"))
    assert error.startswith("policy.yaml:17: approval.escalate_after: escalate_after (")
    assert error.endswith("must be longer than remind_after (24h)")


def test_remind_after_beyond_default_escalation() -> None:
    text = edited("  remind_after: 24h\n  escalate_after: 72h\n", "  remind_after: 4d\n")
    assert only_error(text) == (
        "policy.yaml:16: approval.remind_after: "
        "escalate_after (3d) must be longer than remind_after (4d)"
    )


def test_bad_duration() -> None:
    error = only_error(edited("remind_after: 24h", "remind_after: tomorrow"))
    assert error.startswith("policy.yaml:16: approval.remind_after: invalid duration 'tomorrow'")


def test_yaml_syntax_error_unclosed_bracket() -> None:
    error = only_error(edited("console:admin]", "console:admin"))
    assert error.startswith("policy.yaml:1: YAML syntax error: ")
    assert "unclosed" in error


def test_yaml_syntax_error_bad_indentation() -> None:
    error = only_error(edited("  remind_after: 24h", "   remind_after: 24h"))
    assert error.startswith("policy.yaml:16: YAML syntax error: ")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    assert only_error(text) == (
        "policy.yaml:1: the policy is empty; it needs at least 'admins:' and 'approval:'"
    )


@pytest.mark.parametrize(
    ("text", "kind"), [("- admins\n- approval\n", "a list"), ("hello\n", "a single value")]
)
def test_top_level_must_be_mapping(text: str, kind: str) -> None:
    error = only_error(text)
    assert error.startswith("policy.yaml:1: the policy must be a mapping")
    assert kind in error


def test_wrong_type_for_section() -> None:
    text = edited("broadcast:\n  channels: [slack:CALL, slack:CENG]\n", "broadcast: everyone\n")
    assert only_error(text) == (
        "policy.yaml:22: broadcast: expected a mapping of 'key: value' entries"
    )


def test_missing_top_level_section() -> None:
    error = only_error("admins: [console:admin]\n")
    assert error == "policy.yaml:1: approval: required key is missing"


def test_duplicate_yaml_key() -> None:
    error = only_error(CONTRACT + "admins: [console:other]\n")
    assert error == "policy.yaml:24: duplicate key 'admins' (first defined at line 1)"


def test_duplicate_catalog_alias() -> None:
    text = edited("{name: OA, paid: false}", "{name: OA, paid: false, aliases: [crm]}")
    assert only_error(text) == (
        "policy.yaml:20: catalog[1].aliases[0]: 'crm' is already used by catalog item 'CRM'"
    )


def test_several_errors_are_sorted_by_line() -> None:
    text = edited("mode: any                     # any = one", "mode: some  # any = one")
    text = text.replace("[slack:CALL, slack:CENG]", "[CALL]")
    with pytest.raises(PolicyError) as info:
        load_policy_text(text, "policy.yaml")
    assert [e.split(":")[1] for e in info.value.errors] == ["7", "23"]
    assert str(info.value) == "\n".join(info.value.errors)


def test_non_existent_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(PolicyError) as info:
        load_policy(missing)
    assert info.value.errors == [f"{missing}: policy file not found"]
    assert check_policy_file(str(missing)) == [f"{missing}: policy file not found"]


def test_unreadable_path_is_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path)
    assert info.value.errors[0].startswith(f"{tmp_path}: cannot read policy file")


def test_file_errors_use_name_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "policy.yaml").write_text(edited("mode: any   ", "mode: most  "), "utf-8")
    monkeypatch.chdir(tmp_path)
    assert check_policy_file("policy.yaml") == [
        "policy.yaml:7: approval.stages[0].mode: Input should be 'any' or 'all'"
    ]


# --------------------------------------------------------------------------- helpers


def test_catalog_lookup_by_alias_case_insensitive() -> None:
    policy = load_policy(bundled_policy_path())
    crm = policy.catalog_item("Customer Relationship")
    assert crm is not None and crm.name == "CRM" and crm.paid
    assert policy.catalog_item("  crm ") is crm
    assert policy.catalog_item("销售系统") is crm
    oa = policy.catalog_item("办公系统")
    assert oa is not None and oa.name == "OA" and not oa.paid
    assert policy.catalog_item("webex") is not None
    assert policy.catalog_item("Photoshop") is None


def test_is_admin() -> None:
    policy = load_policy_text(CONTRACT)
    assert policy.is_admin("slack:UADMIN")
    assert policy.is_admin("console:admin")
    assert not policy.is_admin("slack:UHEAD")
    assert not policy.is_admin("UADMIN")


def test_stage_applies_and_stages_for() -> None:
    policy = load_policy_text(CONTRACT)
    head, it, finance = policy.approval.stages
    assert head.applies(paid=False) and head.applies(paid=True)
    assert finance.applies(paid=True) and not finance.applies(paid=False)
    assert [s.name for s in policy.approval.stages_for(paid=False)] == ["department-head", "it"]
    assert policy.approval.stages_for(paid=True) == [head, it, finance]


def test_models_validate_when_built_in_code() -> None:
    stage = Stage(name="it", approvers=["console:it"], channel="console:approvals-it")
    approval = Approval(stages=[stage], remind_after=timedelta(hours=1))
    assert approval.escalate_after == timedelta(hours=72)
    with pytest.raises(ValidationError):
        Approval(stages=[])
    with pytest.raises(ValidationError):
        Stage(name="it", approvers=["console:it"], channel="#general")


# --------------------------------------------------------------------------- notices


def test_the_contract_broadcast_block_validates() -> None:
    text = edited(
        "  channels: [slack:CALL, slack:CENG]\n",
        "  channels: [slack:CALL, slack:CENG]\n  rate_per_second: 60\n",
    )
    broadcast = load_policy_text(text).broadcast
    assert broadcast.rate_per_second == 60.0
    assert broadcast.series_time == time(9, 0)


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("0", "Input should be greater than 0"),
        ("-5", "Input should be greater than 0"),
        (".nan", "Input should be a finite number"),
        ("5000", "Input should be less than or equal to 1000"),
        ("fast", "Input should be a valid number"),
    ],
)
def test_a_bad_broadcast_rate_is_refused(rate: str, message: str) -> None:
    text = edited(
        "  channels: [slack:CALL, slack:CENG]\n",
        f"  channels: [slack:CALL, slack:CENG]\n  rate_per_second: {rate}\n",
    )
    error = only_error(text)
    assert error.startswith("policy.yaml:24: broadcast.rate_per_second: "), error
    assert message in error


@pytest.mark.parametrize(("written", "read"), [("9:30", time(9, 30)), ('"17:05"', time(17, 5))])
def test_series_time_reads_a_time_of_day(written: str, read: time) -> None:
    text = edited(
        "  channels: [slack:CALL, slack:CENG]\n",
        f"  channels: [slack:CALL, slack:CENG]\n  series_time: {written}\n",
    )
    assert load_policy_text(text).broadcast.series_time == read


@pytest.mark.parametrize(("written", "shown"), [("25:00", "'25:00'"), ("noon", "'noon'")])
def test_a_bad_series_time_names_what_was_written(written: str, shown: str) -> None:
    text = edited(
        "  channels: [slack:CALL, slack:CENG]\n",
        f"  channels: [slack:CALL, slack:CENG]\n  series_time: {written}\n",
    )
    assert only_error(text) == (
        f"policy.yaml:24: broadcast.series_time: {shown} is not a time of day; "
        "write it as HH:MM, e.g. 09:00"
    )


def test_a_duplicate_broadcast_channel_is_refused() -> None:
    text = edited("[slack:CALL, slack:CENG]", "[slack:CALL, slack:CALL]")
    assert only_error(text) == (
        "policy.yaml:23: broadcast.channels[1]: 'slack:CALL' is listed twice (also at position 1)"
    )


def test_admins_are_needed_and_listed_once() -> None:
    empty = only_error(edited("admins: [slack:UADMIN, console:admin]", "admins: []"))
    assert empty.startswith("policy.yaml:1: admins: at least one admin is needed")
    twice = only_error(
        edited("admins: [slack:UADMIN, console:admin]", "admins: [console:a, console:a]")
    )
    assert twice == "policy.yaml:1: admins[1]: 'console:a' is listed twice (also at position 1)"
