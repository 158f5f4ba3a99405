"""The policy: who may approve what, where approval cards go, what software exists,
and where notices are broadcast. Pure models; reading the YAML file (with errors that
name the line) is the outer ring's job (bot/files/policy.py).

Identities (users and channels) are platform-qualified (conversations/ids.py):
``slack:U012ABC``, ``dingtalk:manager01``, ``console:admin``. Durations are written
as ``30s``, ``15m``, ``24h``, ``3d``, ``1w`` or ``1d12h`` (conversations/durations.py).
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Literal, NoReturn

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from conversations.durations import DURATION_HINT, format_duration, parse_duration
from conversations.ids import PLATFORMS, identity_problem
from conversations.model import ApprovalMode

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


def _raise_at(loc: tuple[str | int, ...], error_type: str, message: str, value: object) -> NoReturn:
    """Raise a validation error pointing *inside* the value being validated.

    pydantic prefixes ``loc`` with the field's own location, so a duplicate stage name
    is reported at ``approval.stages[2].name`` rather than at ``approval.stages``.
    """
    raise ValidationError.from_exception_data(
        "Policy",
        [InitErrorDetails(type=_error(error_type, message), loc=loc, input=value)],
    )


def _check_unique_ids(values: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            _raise_at(
                (index,),
                "duplicate",
                f"{value!r} is listed twice (also at position {seen[value] + 1})",
                value,
            )
        seen[value] = index
    return values


# --------------------------------------------------------------------------- models


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Stage(_Model):
    """One approval step; its card is posted to ``channel`` and decided by ``approvers``."""

    name: Slug
    approvers: Annotated[list[Identity], Field(min_length=1), AfterValidator(_check_unique_ids)]
    channel: Identity
    mode: ApprovalMode = "any"
    """``any``: one approval is enough; ``all``: every approver must approve."""
    when: Literal["always", "paid"] = "always"
    """``paid``: only for software marked ``paid`` in the catalog."""
    fallback_approvers: Annotated[list[Identity], AfterValidator(_check_unique_ids)] = Field(
        default_factory=list
    )
    """Who gets the request on escalation when the approvers do not answer."""

    def applies(self, paid: bool) -> bool:
        """Whether this stage is part of the chain for a request about (un)paid software."""
        return self.when == "always" or paid


class Approval(_Model):
    stages: Annotated[list[Stage], Field(min_length=1)]
    remind_after: Duration = timedelta(hours=24)
    escalate_after: Duration = timedelta(hours=72)

    @field_validator("stages")
    @classmethod
    def _unique_stage_names(cls, stages: list[Stage]) -> list[Stage]:
        seen: dict[str, int] = {}
        for index, stage in enumerate(stages):
            if stage.name in seen:
                _raise_at(
                    (index, "name"),
                    "duplicate_stage",
                    f"stage name {stage.name!r} is already used by stages[{seen[stage.name]}]",
                    stage.name,
                )
            seen[stage.name] = index
        return stages

    @model_validator(mode="after")
    def _escalate_after_remind(self) -> Approval:
        if self.escalate_after <= self.remind_after:
            # Point at whichever of the two the file actually wrote.
            field = (
                "escalate_after" if "escalate_after" in self.model_fields_set else ("remind_after")
            )
            _raise_at(
                (field,),
                "escalation_order",
                f"escalate_after ({format_duration(self.escalate_after)}) must be longer than "
                f"remind_after ({format_duration(self.remind_after)})",
                format_duration(getattr(self, field)),
            )
        return self

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

    channels: Annotated[list[Identity], AfterValidator(_check_unique_ids)] = Field(
        default_factory=list
    )
    rate_per_second: float = Field(default=1.0, gt=0, le=MAX_RATE_PER_SECOND, allow_inf_nan=False)
    """The ceiling on notice posts per second per workspace, shared by every worker."""
    series_time: TimeOfDay = time(9, 0)
    """When the notices of a series (N days before, and the day itself) go out."""


class DialogueSettings(_Model):
    idle_timeout: Duration = timedelta(minutes=30)


def _check_admins(values: list[str]) -> list[str]:
    if not values:
        raise _error(
            "admins",
            "at least one admin is needed: admins send shutdown notices and are told "
            "about escalations",
        )
    return _check_unique_ids(values)


class Policy(_Model):
    admins: Annotated[list[Identity], AfterValidator(_check_admins)]
    approval: Approval
    catalog: list[CatalogItem] = Field(default_factory=list)
    broadcast: Broadcast = Field(default_factory=Broadcast)
    support_channel: Identity | None = None
    dialogue: DialogueSettings = Field(default_factory=DialogueSettings)

    @field_validator("catalog")
    @classmethod
    def _unique_catalog_names(cls, items: list[CatalogItem]) -> list[CatalogItem]:
        """Names and aliases must be unique (case-insensitively) so lookups are unambiguous."""
        seen: dict[str, str] = {}
        for index, item in enumerate(items):
            labels: list[tuple[tuple[str | int, ...], str]] = [((index, "name"), item.name)]
            labels += [((index, "aliases", i), a) for i, a in enumerate(item.aliases)]
            for loc, label in labels:
                key = label.casefold()
                owner = seen.get(key)
                if owner is not None and owner != item.name:
                    _raise_at(
                        loc,
                        "duplicate_catalog_name",
                        f"{label!r} is already used by catalog item {owner!r}",
                        label,
                    )
                seen[key] = item.name
        return items

    def catalog_item(self, name: str) -> CatalogItem | None:
        """Find software by name or alias, ignoring case and surrounding spaces."""
        for item in self.catalog:
            if item.matches(name):
                return item
        return None

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins
