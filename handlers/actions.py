"""Every button the bot posts: its action id, and the payload its value carries as a
class that packs itself to the wire string and parses it back.

Buttons already posted in Slack keep sending the strings they were posted with, so
an id or a format here never changes; a new payload is a new action. `parse` is as
strict as the handler that reads the click needs: it returns None for a value this
action could not have packed (a forged, truncated or mangled one), and whatever a
value names (a draft, a request, a topic) is checked by the handler, which knows
whether it is still current.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self

from handlers.events import Button

SEPARATOR = "|"

_BY_ID: dict[str, type[Action]] = {}


def _join(*fields: str) -> str:
    # Only the last field may hold the separator: parsing splits off the others first.
    for field in fields[:-1]:
        if SEPARATOR in field:
            raise ValueError(f"{field!r} would be read back split at {SEPARATOR!r}")
    return SEPARATOR.join(fields)


class Action:
    """A button's payload. `id` is what the click is routed by; `pack()` is the value
    the button carries."""

    id: ClassVar[str]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        action_id = cls.__dict__.get("id")
        if action_id is None:
            return  # a family of actions sharing a payload, such as StageDecision
        if action_id in _BY_ID:
            raise ValueError(f"action id {action_id!r} is used by {_BY_ID[action_id].__name__}")
        _BY_ID[action_id] = cls

    def pack(self) -> str:
        raise NotImplementedError

    @classmethod
    def parse(cls, value: str) -> Self | None:
        raise NotImplementedError

    def button(self, label: str, style: Literal["primary", "danger"] | None = None) -> Button:
        return Button(label=label, action=self.id, value=self.pack(), style=style)


def action_ids() -> list[str]:
    return list(_BY_ID)


def parse_action(action_id: str, value: str) -> Action | None:
    """The payload of a click (or of a form, named by the action that opened it)."""
    kind = _BY_ID.get(action_id)
    return kind.parse(value) if kind is not None else None


@dataclass(frozen=True)
class DialogueChoice(Action):
    """An answer to a dialogue question, with the draft and step it was asked in so
    that a click on an older question is recognised."""

    id: ClassVar[str] = "dlg"
    draft_id: str
    step: str
    choice: str

    def pack(self) -> str:
        return _join(self.draft_id, self.step, self.choice)

    @classmethod
    def parse(cls, value: str) -> Self:
        # Never refused: a value that names no current draft and step is answered by
        # the dialogue as a stale click.
        draft_id, step, choice = [*value.split(SEPARATOR, 2), "", ""][:3]
        return cls(draft_id, step, choice)

    @classmethod
    def date_prefix(cls, draft_id: str, step: str) -> str:
        """The value of a date picker before the platform appends the picked ISO
        date, which makes it this action's value with the date as the choice."""
        return cls(draft_id, step, "").pack()


@dataclass(frozen=True)
class StageDecision(Action):
    """A decision on one stage of a request; the stage is named so that a card of an
    earlier stage cannot decide the current one. The reject and delegate forms carry
    the same value as their context."""

    request_id: str
    stage: int

    def pack(self) -> str:
        return _join(self.request_id, str(self.stage))

    @classmethod
    def parse(cls, value: str) -> Self | None:
        request_id, _, stage = value.partition(SEPARATOR)
        if not request_id or not (stage.isascii() and stage.isdigit()):
            return None
        return cls(request_id, int(stage))


class Approve(StageDecision):
    id = "approve"


class Reject(StageDecision):
    id = "reject"


class Delegate(StageDecision):
    id = "delegate"


@dataclass(frozen=True)
class FaqTopic(Action):
    """Show a topic's answer ("Did you mean...?", a follow-up button)."""

    id: ClassVar[str] = "faq_topic"
    topic: str

    def pack(self) -> str:
        return self.topic

    @classmethod
    def parse(cls, value: str) -> Self:
        return cls(value)


@dataclass(frozen=True)
class FaqVote(Action):
    """A vote on whether a topic's answer helped ("Did this help?")."""

    id: ClassVar[str] = "faq_vote"
    topic: str
    helpful: bool

    def pack(self) -> str:
        return _join(self.topic, "up" if self.helpful else "down")

    @classmethod
    def parse(cls, value: str) -> Self | None:
        topic, _, verdict = value.partition(SEPARATOR)
        if verdict not in ("up", "down"):
            return None
        return cls(topic, verdict == "up")


@dataclass(frozen=True)
class FaqHuman(Action):
    """Pass a question on to the support channel; without a question id, the user's
    latest question."""

    id: ClassVar[str] = "faq_human"
    question_id: str = ""

    def pack(self) -> str:
        return self.question_id

    @classmethod
    def parse(cls, value: str) -> Self:
        return cls(value)


@dataclass(frozen=True)
class FaqStart(Action):
    """Start a stop request, with the first question already answered when the user
    said what to stop ("sw:CRM", "own_account")."""

    id: ClassVar[str] = "faq_start"
    target: str | None = None

    def pack(self) -> str:
        return self.target or ""

    @classmethod
    def parse(cls, value: str) -> Self:
        return cls(value or None)


@dataclass(frozen=True)
class FaqStatus(Action):
    """Show the user's requests."""

    id: ClassVar[str] = "faq_status"

    def pack(self) -> str:
        return ""

    @classmethod
    def parse(cls, value: str) -> Self:
        # The value carries nothing, so none is refused.
        return cls()


class NoticeChoice(DialogueChoice):
    """An answer to a question of the shutdown-notice dialogue (same payload as the
    stop-request dialogue's: the draft, the step, the choice)."""

    id = "nb_dlg"


@dataclass(frozen=True)
class NoticeOffer(Action):
    """The notice offered to admins when a stop of software is finally approved; the
    request is named, and checked again when the button is clicked."""

    request_id: str

    def pack(self) -> str:
        return self.request_id

    @classmethod
    def parse(cls, value: str) -> Self | None:
        # Request ids are "SR-" and 8 characters of Crockford's base32 (services.py).
        code = value.removeprefix("SR-")
        if len(value) != 11 or code == value or not (code.isascii() and code.isalnum()):
            return None
        return cls(value)


class ScheduleOffer(NoticeOffer):
    """Schedule the offered notice as proposed, in one click."""

    id = "nb_offer"


class EditOffer(NoticeOffer):
    """Open the offered notice in the dialogue, at its preview, to change it first."""

    id = "nb_offer_edit"
