"""Every command's --help, as a user runs it: its own usage line, then a description
of what it does before the list of its arguments."""

from __future__ import annotations

import pytest

from bot.cli import command_paths
from tests.cli.test_cli import run

SECTIONS = ("positional arguments:", "options:")


def test_the_commands_include_the_nested_ones() -> None:
    paths = {" ".join(p) for p in command_paths()}
    assert {"serve", "audit", "storage status", "faq stats", "policy check"} <= paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "stopbot")
def test_help_has_its_own_usage_and_a_description(path: list[str]) -> None:
    out = run(*path, "--help")
    assert out.returncode == 0, out.stderr
    usage, _, rest = out.stdout.partition("\n\n")
    prog = " ".join(["stopbot", *path])
    assert usage.startswith(f"usage: {prog} ") or usage == f"usage: {prog}", usage
    description = rest.split("\n\n")[0]
    assert description.strip() and not description.startswith(SECTIONS), out.stdout


def test_serve_help_names_every_dingtalk_variable_and_both_modes() -> None:
    out = run("serve", "--help")
    assert out.returncode == 0, out.stderr
    for variable in (
        "DINGTALK_CLIENT_ID",
        "DINGTALK_CLIENT_SECRET",
        "DINGTALK_ROBOT_CODE",
        "DINGTALK_MODE=stream",
        "DINGTALK_MODE=http",
        "DINGTALK_CARD_TEMPLATE_ID",
        "DINGTALK_CARD_CALLBACK_URL",
        "DINGTALK_API_URL",
        "POST /dingtalk/events",
    ):
        assert variable in out.stdout, variable
