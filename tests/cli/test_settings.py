"""Bad settings, as a user meets them: every command that reads a setting refuses a
bad one with one line naming the variable and exit 2, never a traceback."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage.embedded import EmbeddedRedis
from tests.cli.test_cli import ROOT, run

# What each command reads: every command reads the variables that are plain values;
# DATA_DIR, POLICY_PATH and KB_PATH are read by the commands that use them.
BOT = [["chat"], ["serve"], ["faq", "stats"], ["audit", "SR-ABCDEFGH"]]
STORAGE = [*BOT, ["storage", "status"]]
POLICY = [*BOT, ["policy", "check"]]
KB = [*BOT, ["faq", "what happens to my data"], ["kb", "check"]]
SLACK = {
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "test-secret",
    "SLACK_API_URL": "http://127.0.0.1:9/api/",  # never reached
}
EVERY = [*STORAGE, ["faq", "hello"], ["policy", "check"], ["kb", "check"]]


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A directory this process may not write: chmod 500, or for root (whom modes do
    not stop) a directory of /proc."""
    if os.geteuid() == 0:
        yield Path("/proc/self")
        return
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    yield locked
    locked.chmod(stat.S_IRWXU)


def _cases(tmp_path: Path, unwritable: Path) -> list[tuple[str, str, list[list[str]], str]]:
    """Every kind of check (a value's form, DATA_DIR, POLICY_PATH, KB_PATH) on every
    command that reads it; each other bad value on one command (the same check)."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory\n")
    return [
        ("DATA_DIR", str(unwritable / "data"), STORAGE, "is not writable"),
        ("DATA_DIR", str(unwritable), [["storage", "status"]], "is not writable"),
        ("DATA_DIR", str(a_file), [["chat"]], "is a file, not a directory"),
        ("DATA_DIR", str(a_file / "data"), [["audit", "SR-1"]], "is not a directory"),
        # Looks writable, is not: the refusal comes when the server's files are made.
        ("DATA_DIR", "/proc/stopbot-data", [["chat"], ["serve"]], "DATA_DIR"),
        ("REDIS_URL", "http://x", EVERY, "scheme 'http' is not supported"),
        ("REDIS_URL", "redis://:secret@host:port/0", [["serve"]], "the port must be a number"),
        ("REDIS_URL", "redis+cluster://onlyhost", [["faq", "stats"]], "expected host:port"),
        ("PORT", "abc", [["serve"]], "'abc' is not a port number"),
        ("LOG_LEVEL", "loud", [["chat"]], "'loud' is not a log level"),
        ("DINGTALK_MODE", "webhook", [["serve"]], "'webhook' is not a DingTalk mode"),
        ("BOT_TIMEZONE", "Mars/Olympus", [["faq", "hello"]], "unknown time zone"),
        ("POLICY_PATH", str(tmp_path / "missing.yaml"), POLICY, "does not exist"),
        ("POLICY_PATH", str(tmp_path), [["chat"]], "is not a file"),
        ("KB_PATH", str(tmp_path / "missing.yaml"), KB, "does not exist"),
    ]


def test_every_bad_setting_is_one_line_naming_it_and_exit_2(
    tmp_path: Path, unwritable: Path
) -> None:
    data = tmp_path / "data"
    failures = []
    for variable, value, commands, problem in _cases(tmp_path, unwritable):
        # Credentials, so that `serve` goes as far as opening the storage.
        env = {**SLACK, "DATA_DIR": str(data), variable: value}
        for command in commands:
            out = run(*command, env=env, stdin="/quit\n")
            lines = out.stderr.strip().splitlines()
            ok = (
                out.returncode == 2
                and len(lines) == 1
                and lines[0].startswith(f"stopbot: bad setting {variable}: ")
                and problem in lines[0]
                and ":secret@" not in out.stderr
            )
            if not ok:
                failures.append(f"{variable}={value} {' '.join(command)}: {out.returncode} {lines}")
    assert failures == []
    assert not data.exists()  # nothing was started or created on the way out


def test_an_empty_data_dir_means_the_default_not_the_current_directory(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DATA_DIR": "",
        "POLICY_PATH": "",
        "PYTHONPATH": str(ROOT),
    }
    try:
        out = subprocess.run(
            [sys.executable, "-m", "bot", "chat"],
            cwd=tmp_path,
            env=env,
            input="/quit\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert (tmp_path / ".data" / "redis" / "stopbot.aof").exists()
        assert not (tmp_path / "redis").exists() and not (tmp_path / "stopbot.aof").exists()
    finally:
        EmbeddedRedis(tmp_path / ".data").stop()


def test_a_port_in_use_or_a_host_that_is_not_ours_is_one_line(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = str(taken.getsockname()[1])
    try:
        for host, port_value in (("127.0.0.1", port), ("999.1.1.1", "0"), ("192.0.2.1", "0")):
            env = {**SLACK, "DATA_DIR": str(tmp_path / "data"), "HOST": host, "PORT": port_value}
            out = run("serve", env=env)
            lines = out.stderr.strip().splitlines()
            assert out.returncode == 2, out.stderr
            assert "Traceback" not in out.stderr and "Unclosed" not in out.stderr, out.stderr
            refusal = [line for line in lines if line.startswith("stopbot: bad setting HOST/PORT")]
            assert refusal and f"{host}:{port_value}" in refusal[0], lines
    finally:
        taken.close()
        EmbeddedRedis(tmp_path / "data").stop()
