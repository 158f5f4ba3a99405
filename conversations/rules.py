"""Rules across fields (two stages with one name, an escalation before its reminder, a
button to a topic that does not exist), checked even when other parts of the same
document are invalid, so that a file's every problem is reported at once.

pydantic runs a model's "after" validators only once all its fields are valid; a
rule written that way hides until every other error is fixed. A rule here reads the
raw input instead (and skips whatever it cannot read: the field's own validation
reports that), and `with_rules` reports its problems together with the structural
ones, each at its own location.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

T = TypeVar("T")
Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """A broken rule: where (relative to the value being validated), and what."""

    loc: Loc
    kind: str
    message: str


def with_rules(
    title: str,
    data: object,
    handler: Callable[[object], T],
    rules: Callable[[object], Iterable[Problem]],
) -> T:
    """For a "wrap" validator: validates `data` with `handler` and checks `rules` on it,
    raising one ValidationError with both's problems."""
    problems = [
        InitErrorDetails(type=PydanticCustomError(p.kind, p.message), loc=p.loc, input=data)
        for p in rules(data)
    ]
    try:
        value = handler(data)
    except ValidationError as exc:
        if not problems:
            raise
        found = [_again(error) for error in exc.errors(include_url=False)]
        raise ValidationError.from_exception_data(title, [*found, *problems]) from None
    if problems:
        raise ValidationError.from_exception_data(title, problems)
    return value


def _again(error: ErrorDetails) -> InitErrorDetails:
    """A reported error as it was (type, location, message), to raise it again."""
    return InitErrorDetails(
        type=PydanticCustomError(error["type"], error["msg"]),
        loc=error["loc"],
        input=error["input"],
    )


def listed(value: object) -> list[tuple[int, Any]]:
    """The (index, item) pairs of `value`; none when it is not a list."""
    return list(enumerate(value)) if isinstance(value, list) else []


def items(data: object, key: str) -> list[tuple[int, Any]]:
    """The (index, item) pairs of the list at `data[key]`; none when it is not one."""
    return listed(data.get(key) if isinstance(data, Mapping) else None)


def text(data: object, key: str) -> str | None:
    """`data[key]` when it is a string."""
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, str) else None


def unique(
    values: object, field: str | None, kind: str, say: Callable[[str, int], str]
) -> Iterator[Problem]:
    """A problem at each item of the list `values` (or at the item's `field`) whose text
    came earlier in the list; `say(text, index of the first)` words it."""
    first: dict[str, int] = {}
    for index, item in listed(values):
        key = item if field is None else text(item, field)
        if not isinstance(key, str):
            continue
        if key in first:
            loc: Loc = (index,) if field is None else (index, field)
            yield Problem(loc, kind, say(key, first[key]))
        else:
            first[key] = index


def checked_by(rule: Callable[[object], Iterable[Problem]], title: str) -> WrapValidator:
    """For ``Annotated[...]``: validates the value as usual and checks `rule` on it."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return with_rules(title, value, handler, rule)

    return WrapValidator(validate)
