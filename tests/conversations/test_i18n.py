"""Every text the bot can ask for exists, in every language, with the same placeholders.

The program is read, not run: a key passed to t(), every_lang() or Later() must be a
string literal, a lookup in one of the key maps of conversations/i18n/key_maps.py, or a
choice between such keys. So the keys below are all the keys the bot can ever use.
"""

from __future__ import annotations

import ast
import string
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import pytest

from conversations import i18n
from conversations.i18n import key_maps

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    p for top in ("bot", "handlers", "conversations") for p in (ROOT / top).rglob("*.py")
)
CATALOGUES = (
    "dialogue",
    "approvals",
    "commands",
    "faq",
    "calendar",
    "console",
    "notices",
    "dingtalk",
)

# The callables that take a text key, and where the key goes among their arguments.
KEY_ARGUMENT = {"t": 1, "every_lang": 0, "Later": 0}


def _key_maps() -> dict[str, tuple[dict[object, str], list[object]]]:
    """Each key map by name, with the values of the enum (or Literal) it is typed on."""
    maps: dict[str, tuple[dict[object, str], list[object]]] = {}
    for name, hint in typing.get_type_hints(key_maps).items():
        if typing.get_origin(hint) is not dict:
            continue
        domain, _ = typing.get_args(hint)
        if isinstance(domain, type) and issubclass(domain, Enum):
            members: list[object] = list(domain)
        else:
            members = list(typing.get_args(domain))
        maps[name] = (getattr(key_maps, name), members)
    return maps


KEY_MAPS = _key_maps()


@dataclass
class _Uses:
    literals: list[tuple[str, str]] = field(default_factory=list)  # (where, key)
    problems: list[str] = field(default_factory=list)


def _aliases(tree: ast.Module, path: Path) -> tuple[dict[str, str], set[str], set[str]]:
    """Local names of the key-taking callables, of the i18n modules and of the key maps."""
    callables: dict[str, str] = {}
    modules: set[str] = set()
    maps: set[str] = set()
    if path == ROOT / "conversations" / "i18n" / "__init__.py":
        callables.update({name: name for name in KEY_ARGUMENT})
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "conversations.i18n":
            for a in node.names:
                if a.name in KEY_ARGUMENT:
                    callables[a.asname or a.name] = a.name
                elif a.name == "key_maps":
                    modules.add(a.asname or a.name)
        elif isinstance(node, ast.ImportFrom) and node.module == "conversations.i18n.key_maps":
            maps.update(a.asname or a.name for a in node.names if a.name in KEY_MAPS)
        elif isinstance(node, ast.ImportFrom) and node.module == "conversations":
            modules.update(a.asname or a.name for a in node.names if a.name == "i18n")
        elif isinstance(node, ast.Import):
            modules.update(
                a.asname for a in node.names if a.name.startswith("conversations.i18n") and a.asname
            )
    return callables, modules, maps


def _unchecked_imports(tree: ast.Module) -> Iterator[ast.stmt]:
    """Imports of i18n that the scan could not follow to the calls."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(a.name.startswith("conversations.i18n") and not a.asname for a in node.names):
                yield node
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "conversations.i18n"
        ):
            if any(a.name == "*" for a in node.names):
                yield node


def _scan(path: Path) -> _Uses:
    uses = _Uses()
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    callables, modules, maps = _aliases(tree, path)

    def callable_name(node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return callables.get(node.id)
        if (
            isinstance(node, ast.Attribute)
            and node.attr in KEY_ARGUMENT
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            return node.attr
        return None

    def is_key_map(node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in maps
        return (
            isinstance(node, ast.Attribute)
            and node.attr in KEY_MAPS
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        )

    def check_key(key: ast.expr, where: str) -> None:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            uses.literals.append((where, key.value))
        elif isinstance(key, ast.Subscript) and is_key_map(key.value):
            pass
        elif isinstance(key, ast.IfExp):
            check_key(key.body, where)
            check_key(key.orelse, where)
        else:
            uses.problems.append(f"{where}: key built at run time: {ast.unparse(key)}")

    for node in _unchecked_imports(tree):
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        uses.problems.append(f"{where}: import the names instead: {ast.unparse(node)}")
    checked: set[int] = set()  # where a key-taking callable may be named: calls, annotations
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = callable_name(node.func)
        if name is None:
            continue
        checked.add(id(node.func))
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        index = KEY_ARGUMENT[name]
        if any(isinstance(a, ast.Starred) for a in node.args[: index + 1]):
            uses.problems.append(f"{where}: {name}() with unpacked arguments")
        elif len(node.args) > index:
            check_key(node.args[index], where)
        else:
            given = [k.value for k in node.keywords if k.arg == "key"]
            if given:
                check_key(given[0], where)
            else:
                uses.problems.append(f"{where}: {name}() without a key")
    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            checked.update(id(n) for n in ast.walk(node.annotation))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            checked.update(id(n) for n in ast.walk(node.returns))
    for node in ast.walk(tree):
        # Handed around uncalled (partial(t, ...), map(t, ...)), its key would go unchecked.
        if isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Load):
            if callable_name(node) is not None and id(node) not in checked:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                uses.problems.append(f"{where}: {ast.unparse(node)} used without being called")
    return uses


def _all_uses() -> _Uses:
    total = _Uses()
    for path in SOURCES:
        uses = _scan(path)
        total.literals += uses.literals
        total.problems += uses.problems
    return total


USES = _all_uses()


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_scan_sees_the_program() -> None:
    """Guards the test itself: if imports were not recognised it would find nothing."""
    assert len(USES.literals) > 100
    assert {"t", "every_lang", "Later"} <= {
        name for path in SOURCES for name in _aliases(ast.parse(path.read_text()), path)[0].values()
    }
    assert len(KEY_MAPS) >= 10


def test_every_key_is_a_literal_or_a_key_map_lookup() -> None:
    problems = USES.problems
    assert not problems, "\n".join(problems)


def test_every_literal_key_exists() -> None:
    known = set(i18n.keys())
    missing = [f"{where}: {key}" for where, key in USES.literals if key not in known]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("name", sorted(KEY_MAPS))
def test_a_key_map_names_existing_keys_for_every_value(name: str) -> None:
    mapping, members = KEY_MAPS[name]
    assert members, f"{name} is not typed on an enum or a Literal"
    missing_keys = sorted(set(mapping.values()) - set(i18n.keys()))
    assert not missing_keys, f"{name} names keys that do not exist: {missing_keys}"
    uncovered = [m for m in members if m not in mapping]
    assert not uncovered, f"{name} has no key for {uncovered}"
    strays = [m for m in mapping if m not in members]
    assert not strays, f"{name} has keys for values that do not exist: {strays}"


@pytest.mark.parametrize("key", i18n.keys())
def test_every_text_is_translated_with_the_same_placeholders(key: str) -> None:
    en, zh, fr = i18n.every_lang(key)
    assert en.strip() and zh.strip() and fr.strip()
    assert _placeholders(en) == _placeholders(zh) == _placeholders(fr), key
    params = {name: "X" for name in _placeholders(en)}
    for lang in ("en", "zh", "fr"):
        assert i18n.t(lang, key, **params)  # formats without KeyError / IndexError


def _catalogue_keys() -> Iterator[tuple[str, str]]:
    """(catalogue, key) for every key written in a catalogue, repeats included."""
    for name in CATALOGUES:
        path = ROOT / "conversations" / "i18n" / f"{name}.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict):
                for key in node.value.keys:
                    assert isinstance(key, ast.Constant), f"{name}: a key that is not a literal"
                    yield name, str(key.value)


def test_no_key_is_written_twice() -> None:
    seen: dict[str, str] = {}
    twice = []
    for catalogue, key in _catalogue_keys():
        if key in seen:
            twice.append(f"{key} in {seen[key]} and {catalogue}")
        seen[key] = catalogue
    assert not twice, "\n".join(twice)
    assert set(seen) == set(i18n.keys()), "a catalogue is not merged into the texts"


def test_merging_catalogues_that_share_a_key_fails() -> None:
    with pytest.raises(ValueError, match="intro"):
        i18n._merge({"intro": ("a", "b", "c")}, {"intro": ("d", "e", "f")})
