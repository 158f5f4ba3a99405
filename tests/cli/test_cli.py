"""The command line as a user runs it: a real `python -m bot` process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from bot.platforms import PLATFORMS

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DINGTALK_"))}
    base.pop("REDIS_URL", None)
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=base,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_names_every_command() -> None:
    out = run("--help")
    assert out.returncode == 0
    for command in ("chat", "serve", "worker", "policy", "audit", "storage"):
        assert command in out.stdout
    assert "stopbot chat" in out.stdout


def test_policy_check_accepts_the_bundled_policy() -> None:
    out = run("policy", "check")
    assert out.returncode == 0, out.stderr
    assert "policy.yaml: OK" in out.stdout


def test_policy_check_names_the_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text(
        "admins: [console:admin]\n"
        "approval:\n"
        "  stages:\n"
        "    - name: head\n"
        "      approvers: [console:head]\n"
        "      channel: console:c\n"
        "      mode: sometimes\n"
    )
    out = run("policy", "check", str(bad))
    assert out.returncode == 1
    assert f"{bad}:7: approval.stages[0].mode" in out.stderr


def test_serve_without_credentials_exits_2_and_points_to_chat() -> None:
    out = run("serve")
    assert out.returncode == 2
    assert "SLACK_BOT_TOKEN" in out.stderr and "stopbot chat" in out.stderr
    # It names the variables of every platform it serves.
    for platform in PLATFORMS:
        assert platform.variables in out.stderr, platform.name


def test_worker_without_credentials_exits_2_and_points_to_chat() -> None:
    out = run("worker")
    assert out.returncode == 2
    assert "stopbot worker: no platform is configured" in out.stderr
    assert "SLACK_BOT_TOKEN" in out.stderr and "stopbot chat" in out.stderr


def test_serve_in_http_mode_with_a_card_template_needs_the_card_callback_url() -> None:
    dingtalk = {
        "DINGTALK_CLIENT_ID": "dingapp",
        "DINGTALK_CLIENT_SECRET": "secret",
        "DINGTALK_MODE": "http",
        "DINGTALK_CARD_TEMPLATE_ID": "tpl.approval",
    }
    out = run("serve", env=dingtalk)
    assert out.returncode == 2
    assert "stopbot: bad setting DINGTALK_CARD_CALLBACK_URL: is needed" in out.stderr
    assert "POST /dingtalk/events" in out.stderr
    out = run("serve", env={**dingtalk, "DINGTALK_CARD_CALLBACK_URL": "bot.example.com"})
    assert out.returncode == 2
    assert "DINGTALK_CARD_CALLBACK_URL" in out.stderr and "is not a URL" in out.stderr


def test_chat_refuses_an_invalid_policy(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("admins: [nobody]\n")
    out = run("chat", env={"POLICY_PATH": str(bad), "DATA_DIR": str(tmp_path / "d")})
    assert out.returncode == 2
    assert "the policy file is invalid" in out.stderr
    assert "p.yaml:1: admins[0]" in out.stderr


def test_chat_piped_lifecycle_then_audit_and_storage_stop(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "d"), "POLICY_PATH": ""}
    script = "\n".join(
        [
            "/cancel-account",
            "OA",
            "no longer needed",
            "next month",
            "yes",
            "none",
            "no",
            "none",
            "submit",
            "/as console:head",
            "/click Approve",
            "/as console:it",
            "/click Approve",
            "will my data be lost if my account is closed?",
            "/click 👍 Yes",
            "/quit",
        ]
    )
    try:
        out = run("chat", env=env, stdin=script)
        assert out.returncode == 0, out.stderr
        assert "is fully approved" in out.stdout
        rid = out.stdout.split("Submitted as ")[1][:11]
        audit = run("audit", rid, env=env)
        assert audit.returncode == 0, audit.stderr
        lines = audit.stdout.splitlines()
        assert [line.split()[2].rstrip(":") for line in lines] == [
            "submitted",
            "approved",
            "approved",
        ]
        assert "console:head  approved [department-head]" in audit.stdout
        assert "running" in run("storage", "status", env=env).stdout
        stats = run("faq", "stats", env=env)
        assert stats.returncode == 0, stats.stderr
        row = next(line for line in stats.stdout.splitlines() if line.startswith("data-loss"))
        assert row.split()[1:] == ["1", "1", "0"]  # answered once, one 👍, no 👎
    finally:
        stopped = run("storage", "stop", env=env)
    assert "Embedded Redis stopped." in stopped.stdout
    assert "not running" in run("storage", "status", env=env).stdout


def test_chat_with_an_unreachable_redis_says_so(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = run(
        "chat", env={"REDIS_URL": f"redis://:secret@127.0.0.1:{port}/0"}, stdin="/cancel-account\n"
    )
    assert out.returncode == 2
    assert f"cannot reach Redis at redis://***@127.0.0.1:{port}/0" in out.stderr
    assert "secret" not in out.stderr
    assert "Traceback" not in out.stderr
