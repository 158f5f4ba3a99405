"""The policy: who may approve what, where approval cards go, what software exists,
and where notices are broadcast. Pure models; reading the YAML file (with errors that
name the line) is the outer ring's job (bot/files/policy.py).

Identities (users and channels) are platform-qualified (conversations/ids.py):
``slack:U012ABC``, ``dingtalk:manager01``, ``console:admin``. Durations are written
as ``30s``, ``15m``, ``24h``, ``3d``, ``1w`` or ``1d12h`` (conversations/durations.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import PydanticCustomError

from conversations.durations import DURATION_HINT, format_duration, parse_duration
from conversations.ids import PLATFORMS, identity_problem
from conversations.model import ApprovalMode
from conversations.rules import (
    Loc,
    Problem,
    checked_by,
    items,
    listed,
    text,
    unique,
    with_rules,
)

__all__ = [
    "Approval",
    "Broadcast",
    "CatalogItem",
    "DialogueSettings",
    "Duration",
    "Identity",
    "Policy",
    "Stage",
]

# --------------------------------------------------------------------------- durations


def _coerce_duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        if value <= timedelta(0):
            raise _error("duration", f"duration must be greater than zero, got {value}")
        return value
    if isinstance(value, str | int):
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise _error("duration", str(exc)) from None
    raise _error("duration", f"invalid duration {value!r}; {DURATION_HINT}")


Duration = Annotated[
    timedelta,
    BeforeValidator(_coerce_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
]
"""A positive ``timedelta`` written in the policy as ``"24h"``, ``"1d12h"`` or seconds."""


# --------------------------------------------------------------------------- identities


def _check_identity(value: str) -> str:
    problem = identity_problem(value)
    if problem is not None:
        platforms = ", ".join(PLATFORMS[:-1]) + " or " + PLATFORMS[-1]
        raise _error(
            "identity",
            f"{value!r} is not a valid id ({problem}); write it as 'platform:id' with platform "
            f"{platforms}, e.g. 'slack:U012ABC' or 'console:admin'",
        )
    return value


Identity = Annotated[str, AfterValidator(_check_identity)]
"""A user or channel id qualified by platform, e.g. ``slack:U012ABC``."""

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def _check_slug(value: str) -> str:
    if len(value) > 64 or _SLUG_RE.match(value) is None:
        raise _error(
            "slug",
            f"stage name {value!r} must be a slug of lowercase letters, digits, '-' or '_' "
            "(at most 64 characters), e.g. 'department-head'",
        )
    return value


def _error(kind: str, message: str) -> PydanticCustomError:
    """A validation error with a ready-made message (no ``{placeholder}`` expansion)."""
    return PydanticCustomError(kind, message)


Slug = Annotated[str, AfterValidator(_check_slug)]
NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _unique_ids(values: object) -> Iterator[Problem]:
    """An id listed twice in one list."""
    return unique(
        values,
        None,
        "duplicate",
        lambda value, first: f"{value!r} is listed twice (also at position {first + 1})",
    )


UniqueIds = Annotated[list[Identity], checked_by(_unique_ids, "Policy")]


# --------------------------------------------------------------------------- models


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Stage(_Model):
    """One approval step; its card is posted to ``channel`` and decided by ``approvers``."""

    name: Slug
    approvers: Annotated[UniqueIds, Field(min_length=1)]
    channel: Identity
    mode: ApprovalMode = "any"
    """``any``: one approval is enough; ``all``: every approver must approve."""
    when: Literal["always", "paid"] = "always"
    """``paid``: only for software marked ``paid`` in the catalog."""
    fallback_approvers: UniqueIds = Field(default_factory=list)
    """Who gets the request on escalation when the approvers do not answer."""

    def applies(self, paid: bool) -> bool:
        """Whether this stage is part of the chain for a request about (un)paid software."""
        return self.when == "always" or paid


_REMIND_AFTER = timedelta(hours=24)
_ESCALATE_AFTER = timedelta(hours=72)


def _unique_stage_names(stages: object) -> Iterator[Problem]:
    return unique(
        stages,
        "name",
        "duplicate_stage",
        lambda name, first: f"stage name {name!r} is already used by stages[{first}]",
    )


def _escalation_order(data: object) -> Iterator[Problem]:
    """The escalation must come after the reminder (each as written, or its default)."""
    if not isinstance(data, dict):
        return
    written: dict[str, timedelta] = {}
    for field, default in (("remind_after", _REMIND_AFTER), ("escalate_after", _ESCALATE_AFTER)):
        try:
            written[field] = _coerce_duration(data[field]) if field in data else default
        except PydanticCustomError:
            return  # the field itself reports it
    remind, escalate = written["remind_after"], written["escalate_after"]
    if escalate <= remind:
        # Point at whichever of the two the file actually wrote.
        where: Loc = ("escalate_after",) if "escalate_after" in data else ("remind_after",)
        yield Problem(
            where,
            "escalation_order",
            f"escalate_after ({format_duration(escalate)}) must be longer than "
            f"remind_after ({format_duration(remind)})",
        )


class Approval(_Model):
    stages: Annotated[list[Stage], Field(min_length=1), checked_by(_unique_stage_names, "Policy")]
    remind_after: Duration = _REMIND_AFTER
    escalate_after: Duration = _ESCALATE_AFTER

    @model_validator(mode="wrap")
    @classmethod
    def _escalate_after_remind(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return with_rules("Policy", data, handler, _escalation_order)

    def stages_for(self, paid: bool) -> list[Stage]:
        """The stages a request goes through, in order."""
        return [stage for stage in self.stages if stage.applies(paid)]


class CatalogItem(_Model):
    name: NonEmptyStr
    paid: bool = False
    aliases: list[NonEmptyStr] = Field(default_factory=list)
    owner: Identity | None = None

    def matches(self, name: str) -> bool:
        key = name.strip().casefold()
        return key == self.name.casefold() or any(key == a.casefold() for a in self.aliases)


def _unique_catalog_names(catalog: object) -> Iterator[Problem]:
    """Names and aliases must be unique (case-insensitively) so lookups are unambiguous."""
    seen: dict[str, str] = {}
    for index, item in listed(catalog):
        name = text(item, "name")
        if name is None:
            continue
        labels: list[tuple[Loc, str]] = [((index, "name"), name)]
        labels += [
            ((index, "aliases", i), a) for i, a in items(item, "aliases") if isinstance(a, str)
        ]
        for loc, label in labels:
            key = label.strip().casefold()
            owner = seen.get(key)
            if owner is not None and owner != name.strip():
                yield Problem(
                    loc,
                    "duplicate_catalog_name",
                    f"{label.strip()!r} is already used by catalog item {owner!r}",
                )
            seen[key] = name.strip()


_TIME_RE = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def _coerce_time_of_day(value: object) -> time:
    if isinstance(value, time):
        return value
    # YAML 1.1 reads an unquoted 09:00 as the sexagesimal integer 540.
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
        value = f"{value // 60}:{value % 60:02d}"  # as it was written
    match = _TIME_RE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise _error(
            "time_of_day", f"{value!r} is not a time of day; write it as HH:MM, e.g. 09:00"
        )
    return time(int(match[1]), int(match[2]))


TimeOfDay = Annotated[
    time,
    BeforeValidator(_coerce_time_of_day),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str, when_used="json"),
]
"""A time of day written ``HH:MM`` (24-hour clock, the company's time zone)."""

# Slack answers a workspace that posts faster than a few messages a second with 429s;
# a four-digit ceiling is a typo, and the bot would only be slowed back down.
MAX_RATE_PER_SECOND = 1000


class Broadcast(_Model):
    """Shutdown notices: where `broadcast` sends them and how fast."""

    channels: UniqueIds = Field(default_factory=list)
    rate_per_second: float = Field(default=1.0, gt=0, le=MAX_RATE_PER_SECOND, allow_inf_nan=False)
    """The ceiling on notice posts per second per workspace, shared by every worker."""
    series_time: TimeOfDay = time(9, 0)
    """When the notices of a series (N days before, and the day itself) go out."""


class DialogueSettings(_Model):
    idle_timeout: Duration = timedelta(minutes=30)


def _admins(values: object) -> Iterator[Problem]:
    """At least one admin (who else sends shutdown notices and hears of escalations),
    each listed once."""
    if values == []:
        yield Problem(
            (),
            "admins",
            "at least one admin is needed: admins send shutdown notices and are told "
            "about escalations",
        )
    yield from _unique_ids(values)


class Policy(_Model):
    admins: Annotated[list[Identity], checked_by(_admins, "Policy")]
    approval: Approval
    catalog: Annotated[list[CatalogItem], checked_by(_unique_catalog_names, "Policy")] = Field(
        default_factory=list
    )
    broadcast: Broadcast = Field(default_factory=Broadcast)
    support_channel: Identity | None = None
    dialogue: DialogueSettings = Field(default_factory=DialogueSettings)

    def catalog_item(self, name: str) -> CatalogItem | None:
        """Find software by name or alias, ignoring case and surrounding spaces."""
        for item in self.catalog:
            if item.matches(name):
                return item
        return None

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins
