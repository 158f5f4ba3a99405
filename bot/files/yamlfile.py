"""YAML configuration files validated by pydantic models, with errors that name the
line: ``policy.yaml:12: approval.stages[1].mode: Input should be 'any' or 'all'``.

Shared by the policy and the FAQ knowledge base, so both report problems the same
way and an admin can fix a file without reading a traceback.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

M = TypeVar("M", bound=BaseModel)

# libyaml's loader when PyYAML was built with it (composes a large file 15x faster),
# with the same line marks and errors; the pure-Python one otherwise.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlFileError(Exception):
    """The file could not be loaded; ``errors`` holds one ``file:line: ...`` per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors: list[str] = list(errors)
        super().__init__("\n".join(self.errors))


def read_text(path: str | Path, what: str) -> str:
    """The file's text; a missing, unreadable or non-UTF-8 file is a YamlFileError."""
    source = str(path)
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise YamlFileError([f"{source}: {what} not found"]) from None
    except UnicodeDecodeError as exc:
        raise YamlFileError([f"{source}: {what} is not valid UTF-8 ({exc.reason})"]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise YamlFileError([f"{source}: cannot read {what}: {reason}"]) from None


def check_file(load: Callable[[Path], object], path: str | Path) -> list[str]:
    """The errors of loading `path` with `load` (a function raising YamlFileError);
    an empty list means the file is fine."""
    try:
        load(Path(path))
    except YamlFileError as exc:
        return exc.errors
    return []


def load_model(text: str, source: str, model: type[M], what: str, keys_hint: str) -> M:
    """Validates YAML text against ``model``. ``what`` names the document ("the policy")
    and ``keys_hint`` its top-level keys, for the messages about an empty or
    non-mapping file."""
    root, data = _parse_yaml(text, source)
    if root is None:
        raise YamlFileError([f"{source}:1: {what} is empty; it needs at least {keys_hint}"])
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else f"a single value {data!r}"
        raise YamlFileError(
            [
                f"{source}:{_line(root)}: {what} must be a mapping with keys such as "
                f"{keys_hint}, not {kind}"
            ]
        )
    problems = list(_duplicate_keys(root))
    loaded: M | None = None
    try:
        loaded = model.model_validate(data)
    except ValidationError as exc:
        problems += [
            (_locate(root, loc), _format_loc(loc), msg) for loc, msg in _humanize(model, exc)
        ]
    if problems:
        problems.sort(key=lambda problem: problem[0])
        raise YamlFileError(
            [
                f"{source}:{line}: {path}: {msg}" if path else f"{source}:{line}: {msg}"
                for line, path, msg in problems
            ]
        )
    assert loaded is not None
    return loaded


def _parse_yaml(text: str, source: str) -> tuple[yaml.Node | None, object]:
    """Compose (for line numbers) and construct (for values) in one pass."""
    loader: yaml.SafeLoader | None = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        data: object = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        raise YamlFileError([_yaml_error_message(exc, source)]) from None
    except yaml.reader.ReaderError as exc:
        position = exc.position if isinstance(exc.position, int) else 0
        line = text.count("\n", 0, position) + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else exc.character
        message = f"{source}:{line}: unacceptable character {char}: {exc.reason}"
        raise YamlFileError([message]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error is one of the above
        raise YamlFileError([f"{source}: YAML error: {exc}"]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return root, data


def _yaml_error_message(exc: yaml.MarkedYAMLError, source: str) -> str:
    problem = exc.problem or "invalid YAML"
    pmark, cmark = exc.problem_mark, exc.context_mark
    # For an unclosed bracket, brace or quote the parser only notices the problem lines
    # later (often at the end of the file); the line to fix is where the construct opened.
    unclosed = ("while parsing a flow", "while scanning a quoted")
    if exc.context is not None and cmark is not None and exc.context.startswith(unclosed):
        where = f"line {pmark.line + 1}, column {pmark.column + 1}" if pmark else "end of file"
        opened = exc.context.removeprefix("while ")
        return (
            f"{source}:{cmark.line + 1}: YAML syntax error: {problem} at {where} "
            f"({opened} that starts at line {cmark.line + 1}, column {cmark.column + 1}; "
            "is a bracket or quote left unclosed?)"
        )
    line = pmark.line + 1 if pmark else (cmark.line + 1 if cmark else 1)
    column = f" (column {pmark.column + 1})" if pmark else ""
    context = ""
    if exc.context and cmark is not None:
        context = f", {exc.context} at line {cmark.line + 1}"
    return f"{source}:{line}: YAML syntax error: {problem}{column}{context}"


def _line(node: yaml.Node) -> int:
    mark = node.start_mark
    return int(mark.line) + 1 if mark is not None else 1


def _key_text(node: yaml.Node) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _locate(root: yaml.Node, loc: tuple[str | int, ...]) -> int:
    """Line of the YAML node a pydantic error ``loc`` points at.

    Mapping entries report the line of their key; list items the line of the item.
    If the path leaves the document (a missing key), the last node found is reported,
    i.e. the line that introduces the parent mapping.
    """
    node, line = root, _line(root)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if _key_text(key) == str(part):
                    node, line = value, _line(key)
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return line
            node = node.value[part]
            line = _line(node)
        else:
            return line
    return line


def _format_loc(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _duplicate_keys(root: yaml.Node) -> Iterator[tuple[int, str, str]]:
    """PyYAML silently keeps the last of two equal keys; in a config file that hides mistakes."""

    def walk(
        node: yaml.Node, loc: tuple[str | int, ...], seen: set[int]
    ) -> Iterator[tuple[int, str, str]]:
        if id(node) in seen:  # anchors/aliases can make the graph share nodes
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                text = _key_text(key)
                if text is None:
                    continue
                if text in first:
                    yield (
                        _line(key),
                        _format_loc(loc),
                        f"duplicate key {text!r} (first defined at line {first[text]})",
                    )
                else:
                    first[text] = _line(key)
                yield from walk(value, (*loc, text), seen)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                yield from walk(item, (*loc, index), seen)

    yield from walk(root, (), set())


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` from a field annotation."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [arg for arg in get_args(tp) if arg is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _keys_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str] | None:
    """The keys allowed in the mapping at ``loc`` (``None`` if it is not a model)."""
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(part, int) and get_origin(tp) is list:
            tp = get_args(tp)[0]
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[str(part)].annotation
        else:
            return None
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return None


def _humanize(
    model: type[BaseModel], exc: ValidationError
) -> list[tuple[tuple[str | int, ...], str]]:
    """pydantic errors as ``(loc, message)``; a misspelt key is one error, not two.

    ``approvrs:`` instead of ``approvers:`` makes pydantic report both an unknown key and
    a missing field; the two are merged into "unknown key 'approvrs'; did you mean
    'approvers'?".
    """
    errors: list[ErrorDetails] = exc.errors(include_url=False)
    dropped: set[int] = set()
    messages: dict[int, str] = {}
    for index, error in enumerate(errors):
        loc = tuple(error["loc"])
        if error["type"] == "missing":
            messages[index] = "required key is missing"
        elif error["type"] == "model_type":
            messages[index] = "expected a mapping of 'key: value' entries"
        elif error["type"] == "extra_forbidden" and loc:
            parent, key = loc[:-1], str(loc[-1])
            missing = {
                str(other["loc"][-1]): other_index
                for other_index, other in enumerate(errors)
                if other["type"] == "missing"
                and tuple(other["loc"][:-1]) == parent
                and other_index not in dropped
            }
            allowed = _keys_at(model, parent) or []
            guess = difflib.get_close_matches(key, list(missing), n=1, cutoff=0.6)
            guess = guess or difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if guess:
                messages[index] = f"unknown key {key!r}; did you mean {guess[0]!r}?"
                if guess[0] in missing:
                    dropped.add(missing[guess[0]])
            elif allowed:
                messages[index] = f"unknown key {key!r} (allowed: {', '.join(allowed)})"
            else:
                messages[index] = f"unknown key {key!r}"
    return [
        (tuple(error["loc"]), messages.get(index, error["msg"]))
        for index, error in enumerate(errors)
        if index not in dropped
    ]
