"""`stopbot notice send|status|cancel` as an operator runs them: real `python -m bot`
processes on one embedded Redis (DATA_DIR), exactly as the contract words them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.cli.test_cli import run

JOB = r"NB-[0-9A-Z]{8}"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    where = tmp_path_factory.mktemp("notice-cli")
    policy = where / "policy.yaml"
    policy.write_text(
        "admins: [console:admin, slack:UADMIN]\n"
        "approval:\n"
        "  stages:\n"
        "    - {name: it, approvers: [console:it], channel: console:approvals-it}\n"
        "catalog:\n"
        "  - {name: CRM, paid: true, owner: console:crm-owner}\n"
        "broadcast:\n"
        "  channels: [slack:CALL, slack:CENG]\n"
        "  rate_per_second: 60\n"
        "support_channel: console:it-help\n"
    )
    values = {"DATA_DIR": str(where / "data"), "POLICY_PATH": str(policy), "BOT_TIMEZONE": "UTC"}
    yield values
    run("storage", "stop", env=values)


def status(env: dict[str, str], job: str) -> dict[str, object]:
    out = run("notice", "status", job, "--json", env=env)
    assert out.returncode == 0, out.stderr
    found: dict[str, object] = json.loads(out.stdout)
    return found


def test_send_prints_the_job_id_last_and_status_follows_it(env: dict[str, str]) -> None:
    out = run(
        "notice",
        "send",
        "--to",
        "broadcast,slack:U1,slack:CALL",
        "--text",
        "CRM stops.",
        "--yes",
        env=env,
    )
    assert out.returncode == 0, out.stderr
    job = out.stdout.splitlines()[-1]
    assert job.startswith("NB-") and len(job) == 11
    assert "Shutdown notice to 3 recipients (slack:CALL, slack:CENG, slack:U1), now" in out.stdout
    assert status(env, job) == {
        "id": job,
        "state": "scheduled",
        "total": 3,
        "sent": 0,
        "failed": 0,
        "pending": 3,
        "failures": [],
    }
    listed = run("notice", "status", env=env)
    assert listed.returncode == 0 and job in listed.stdout
    trail = run("audit", job, env=env)
    assert trail.returncode == 0, trail.stderr
    assert "console:admin  created: 3 targets" in trail.stdout


def test_send_takes_dingtalk_groups_and_people_beside_slack_channels(
    env: dict[str, str],
) -> None:
    # DingTalk's ids are base64-like: "+", "/" and "=" are part of them.
    to = "dingtalk:cidAll+x/1==,slack:CALL,dingtalk:staff/9+z="
    out = run("notice", "send", "--to", to, "--text", "CRM stops.", "--yes", env=env)
    assert out.returncode == 0, out.stderr
    assert "(dingtalk:cidAll+x/1==, slack:CALL, dingtalk:staff/9+z=)" in out.stdout
    assert status(env, out.stdout.splitlines()[-1])["total"] == 3


def test_the_template_is_written_in_each_language(env: dict[str, str]) -> None:
    out = run(
        "notice",
        "send",
        "--to",
        "slack:C1",
        "--software",
        "crm",
        "--date",
        "2026-12-31",
        "--lang",
        "zh,en",
        "--yes",
        env=env,
    )
    if "is in the past" in out.stderr:
        pytest.skip("run after 2026-12-31")
    assert out.returncode == 0, out.stderr
    assert "📢 CRM 将于 2026年12月31日（星期四） 停用。" in out.stdout
    assert "\n\n———\n\n📢 CRM will be shut down on Thursday 31 December 2026." in out.stdout
    assert "Questions? Ask console:crm-owner." in out.stdout  # the software's owner


def test_without_yes_it_asks_and_queues_only_on_yes(env: dict[str, str]) -> None:
    before = run("notice", "status", "--json", env=env).stdout.count("\n")
    for answer in ("", "no\n", "maybe\n"):
        out = run("notice", "send", "--to", "slack:C1", "--text", "hi there", env=env, stdin=answer)
        assert out.returncode == 1, out
        assert "Send it? [y/N]" in out.stdout
        assert "not confirmed; nothing was queued" in out.stderr
    assert run("notice", "status", "--json", env=env).stdout.count("\n") == before
    out = run("notice", "send", "--to", "slack:C1", "--text", "hi there", env=env, stdin="yes\n")
    assert out.returncode == 0, out.stderr
    assert status(env, out.stdout.splitlines()[-1])["total"] == 1
    # A piped answer is not echoed: the question keeps its own line, and the receipt
    # says what sends the notice (queuing alone sends nothing).
    lines = out.stdout.splitlines()
    assert lines[0] == "Shutdown notice to 1 recipient (slack:C1), now, by console:admin:"
    assert lines[-3] == "Send it? [y/N] "
    assert lines[-2].startswith("Queued. A running `stopbot serve` or `stopbot worker` sends it")


def test_at_schedules_it_and_cancel_stops_it(env: dict[str, str]) -> None:
    at = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    out = run(
        "notice",
        "send",
        "--to",
        "slack:C1,slack:C2",
        "--text",
        "Soon.",
        "--at",
        at.isoformat(),
        "--by",
        "slack:UADMIN",
        "--yes",
        env=env,
    )
    assert out.returncode == 0, out.stderr
    job = out.stdout.splitlines()[-1]
    assert status(env, job)["state"] == "scheduled"
    done = run("notice", "cancel", job.lower(), env=env)
    assert done.returncode == 0, done.stderr
    assert f"{job} cancelled: 0 already sent stay sent; 2 will not be sent." in done.stdout
    assert status(env, job)["state"] == "cancelled"
    again = run("notice", "cancel", job, env=env)
    assert again.returncode == 1 and "already cancelled" in again.stderr
    missing = run("notice", "cancel", "NB-ZZZZZZZZ", env=env)
    assert missing.returncode == 1 and "there is no job NB-ZZZZZZZZ" in missing.stderr
    trail = run("audit", job, env=env).stdout
    assert "slack:UADMIN  created" in trail and "console:admin  cancelled: sent 0 of 2" in trail


def test_targets_from_a_file(env: dict[str, str], tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# the channels\nslack:C1\n\nslack:C2\nslack:C1\n#slack:C3\n")
    out = run("notice", "send", "--to", f"@{ids},slack:U9", "--text", "hello", "--yes", env=env)
    assert out.returncode == 0, out.stderr
    assert status(env, out.stdout.splitlines()[-1])["total"] == 4
    bad = tmp_path / "bad.txt"
    bad.write_text("slack:C1\nthe general channel\n")
    out = run("notice", "send", "--to", f"@{bad}", "--text", "hello", "--yes", env=env)
    assert out.returncode == 2
    assert f"--to: 'the general channel' ({bad}:2) is not a platform id" in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--to", "slack:C1", "--text", "x", "--by", "console:it"],
            "--by: 'console:it' is not an admin",
        ),
        (
            ["--to", "slack:C1", "--text", "x", "--by", "slack:UNOBODY"],
            "--by: 'slack:UNOBODY' is not an admin",
        ),
        (["--to", "@channel", "--text", "x"], "--to: '@channel' would ping everyone"),
        (["--to", "slack:C1,<!here>", "--text", "x"], "--to: '<!here>' would ping everyone"),
        (["--to", "general", "--text", "x"], "--to: 'general' is not a platform id"),
        (["--to", "SR-ABCDEFGH", "--text", "x"], "--to: there is no stop request SR-ABCDEFGH"),
        (["--to", " , ", "--text", "x"], "--to: names no recipient"),
        (["--to", "slack:C1"], "--text: give --text TEXT, or --software NAME and --date DATE"),
        (["--to", "slack:C1", "--text", "x", "--software", "CRM"], "--text: give either --text"),
        (["--to", "slack:C1", "--software", "CRM"], "--date: is needed with --software"),
        (["--to", "slack:C1", "--date", "2030-01-01"], "--software: is needed with --date"),
        (
            ["--to", "slack:C1", "--software", "Photoshop", "--date", "tomorrow"],
            "--software: 'Photoshop' is not in the catalog (CRM)",
        ),
        (
            ["--to", "slack:C1", "--software", "CRM", "--date", "someday"],
            "--date: 'someday' is not a date",
        ),
        (
            ["--to", "slack:C1", "--software", "CRM", "--date", "2020-01-01"],
            "--date: '2020-01-01' is in the past",
        ),
        (
            ["--to", "slack:C1", "--text", "x", "--lang", "de"],
            "--lang: 'de' is not one of zh, en, fr",
        ),
        (
            ["--to", "slack:C1", "--text", "x", "--at", "soon"],
            "--at: 'soon' is not an ISO date-time",
        ),
        (
            ["--to", "slack:C1", "--text", "x", "--at", "2020-01-01T09:00"],
            "--at: 2020-01-01T09:00:00+00:00 is in the past",
        ),
        (["--to", "slack:C1", "--text", "   "], "--text: is empty"),
    ],
)
def test_bad_arguments_exit_2_naming_them(
    env: dict[str, str], args: list[str], message: str
) -> None:
    out = run("notice", "send", *args, "--yes", env=env)
    assert out.returncode == 2, out
    assert message in out.stderr, out.stderr


def test_a_refused_send_queues_nothing(env: dict[str, str]) -> None:
    before = run("notice", "status", "--json", env=env).stdout
    for args in (
        ["--to", "slack:C1", "--text", "x", "--by", "console:it"],
        ["--to", "slack:C1,@here", "--text", "x"],
        ["--to", "SR-ABCDEFGH", "--text", "x"],
    ):
        assert run("notice", "send", *args, "--yes", env=env).returncode == 2
    assert run("notice", "status", "--json", env=env).stdout == before


def test_a_bad_job_id_is_named(env: dict[str, str]) -> None:
    for command in (["status", "SR-ABCDEFGH"], ["cancel", "bogus"]):
        out = run("notice", *command, env=env)
        assert out.returncode == 2
        assert "JOB: " in out.stderr and "is not a notice job id" in out.stderr
    out = run("notice", "status", "NB-ZZZZZZZZ", "--json", env=env)
    assert out.returncode == 1 and "there is no job NB-ZZZZZZZZ" in out.stderr


def test_broadcast_without_channels_is_a_bad_argument(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "admins: [console:admin]\napproval:\n  stages:\n"
        "    - {name: it, approvers: [console:it], channel: console:c}\n"
    )
    values = {"DATA_DIR": str(tmp_path / "d"), "POLICY_PATH": str(policy)}
    try:
        out = run("notice", "send", "--to", "broadcast", "--text", "x", "--yes", env=values)
        assert out.returncode == 2
        assert "--to: `broadcast` names no channel" in out.stderr
    finally:
        run("storage", "stop", env=values)


def test_policy_check_names_a_bad_broadcast_block(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "admins: [console:admin]\napproval:\n  stages:\n"
        "    - {name: it, approvers: [console:it], channel: console:c}\n"
        "broadcast:\n  channels: [slack:CALL, slack:CALL]\n  rate_per_second: 0\n"
    )
    out = run("policy", "check", str(policy))
    assert out.returncode == 1
    assert f"{policy}:6: broadcast.channels[1]: 'slack:CALL' is listed twice" in out.stderr
    assert f"{policy}:7: broadcast.rate_per_second: Input should be greater than 0" in out.stderr
