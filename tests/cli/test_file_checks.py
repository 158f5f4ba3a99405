"""`policy check` and `kb check` as an admin runs them: every problem of a file in one
run, each on the line to fix, and a format version this stopbot does not read refused."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import run

POLICY = """\
admins: [console:admin]
approval:
  stages:
    - name: head
      approvers: [console:head, nobody, console:head]
      channel: console:c
    - name: head
      approvers: [console:it]
      channel: console:c
      mode: sometimes
  remind_after: 3d
  escalate_after: 1d
catalog:
  - {name: CRM, paid: true}
  - {name: crm}
"""

KB = """\
version: 1
topics:
  - id: alpha
    title: {en: Alpha, zh: 甲, fr: Alpha}
    answer: {en: A., zh: 甲。, fr: A.}
    examples: {en: [a], zh: [甲], fr: [a]}
    buttons:
      - action: topic:nowhere
        label: {en: Go, zh: 去, fr: Aller}
  - id: alpha
    title: {en: Alpha again, zh: 甲, fr: Alpha}
    answer: {en: A., zh: 甲。, fr: A.}
    examples: {en: [a], zh: [甲], fr: [a]}
  - id: beta
    title: {en: Beta, zh: 乙}
    answer: {en: B., zh: 乙。, fr: B.}
    examples: {en: [b], zh: [], fr: [b]}
"""


def _check(kind: str, tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text)
    out = run(kind, "check", str(path))
    assert out.returncode == 1, out
    assert "Traceback" not in out.stderr
    return [line.replace(f"{path}:", "", 1) for line in out.stderr.splitlines()]


def test_policy_check_reports_structural_and_semantic_errors_at_once(tmp_path: Path) -> None:
    assert _check("policy", tmp_path, POLICY) == [
        "5: approval.stages[0].approvers[1]: 'nobody' is not a valid id (it has no platform "
        "prefix); write it as 'platform:id' with platform slack, dingtalk or console, "
        "e.g. 'slack:U012ABC' or 'console:admin'",
        "5: approval.stages[0].approvers[2]: 'console:head' is listed twice (also at position 1)",
        "7: approval.stages[1].name: stage name 'head' is already used by stages[0]",
        "10: approval.stages[1].mode: Input should be 'any' or 'all'",
        "12: approval.escalate_after: escalate_after (24h) must be longer than remind_after (3d)",
        "15: catalog[1].name: 'crm' is already used by catalog item 'CRM'",
    ]


def test_kb_check_reports_every_error_on_its_own_line(tmp_path: Path) -> None:
    assert _check("kb", tmp_path, KB) == [
        "8: topics[0].buttons[0].action: button to unknown topic 'nowhere'",
        "10: topics[1].id: topic id 'alpha' is already used by topics[0]",
        "15: topics[2].title.fr: required key is missing",
        "17: topics[2].examples: needs example questions in zh",
    ]


def test_a_format_version_this_stopbot_does_not_read_is_refused(tmp_path: Path) -> None:
    good_kb = KB.split("  - id: alpha\n    title: {en: Alpha again")[0].replace(
        "topic:nowhere", "topic:alpha"
    )
    assert run("kb", "check", str(_write(tmp_path, "kb.yaml", good_kb))).returncode == 0
    assert _check("kb", tmp_path, good_kb.replace("version: 1", "version: 2")) == [
        "1: version: 2 is not supported: this stopbot reads knowledge bases of version 1"
    ]
    # A policy file has no format version: the key is refused like any unknown key.
    assert _check("policy", tmp_path, "version: 2\n" + POLICY.split("catalog:")[0])[0] == (
        "1: version: unknown key 'version' (allowed: admins, approval, catalog, broadcast, "
        "support_channel, dialogue)"
    )


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path
