"""Platform-qualified identities: what is one, and what only looks like one."""

from __future__ import annotations

import pytest

from conversations.ids import identity_problem, is_identity


@pytest.mark.parametrize(
    "text",
    ["slack:U012AB", "console:alice", "dingtalk:0123+ab/C=", "dingtalk:cidAbC+12/x=="],
)
def test_ids_of_every_platform_are_identities(text: str) -> None:
    assert is_identity(text) and identity_problem(text) is None


@pytest.mark.parametrize(
    "text",
    ["slack:U1\n", "slack:U1\nslack:U2", " slack:U1", "slack:", "mail:bob", "slack:U 1", "U1"],
)
def test_what_only_looks_like_an_id_is_not_one(text: str) -> None:
    assert not is_identity(text) and identity_problem(text)
