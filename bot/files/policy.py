"""Reading the policy file, with problems reported as ``file:line: path: message`` so
an admin can fix the file without reading a traceback::

    policy.yaml:12: approval.stages[1].mode: Input should be 'any' or 'all'
"""

from __future__ import annotations

from pathlib import Path

from bot.files.yamlfile import YamlFileError, check_file, load_model, read_text
from conversations.policy import Policy


class PolicyError(YamlFileError):
    """The policy could not be loaded; ``errors`` holds one ``file:line: ...`` per problem."""


def bundled_policy_path() -> Path:
    """The example policy shipped with stopbot (works with console users)."""
    return Path(__file__).parent.parent / "defaults" / "policy.yaml"


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file; raises :class:`PolicyError`."""
    try:
        return load_policy_text(read_text(path, "policy file"), str(path))
    except YamlFileError as exc:
        raise PolicyError(exc.errors) from None


def check_policy_file(path: str | Path) -> list[str]:
    """Validate a file; an empty list means it is fine."""
    return check_file(load_policy, path)


def load_policy_text(text: str, source: str = "<policy>") -> Policy:
    """Validate policy YAML; ``source`` is the file name used in error messages."""
    try:
        return load_model(text, source, Policy, "the policy", "'admins:' and 'approval:'")
    except YamlFileError as exc:
        raise PolicyError(exc.errors) from None
