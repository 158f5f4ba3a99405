"""The neutral message model between platform adapters and handlers.

Adapters turn platform payloads into these events and render these replies as
Block Kit, DingTalk cards or console text. All text here is plain: adapters
escape it for their markup, so nothing a user typed can become markup.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from conversations.i18n import t
from conversations.model import Lang
from conversations.text import valid_unicode


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Text from outside (a terminal with invalid UTF-8, a JSON body with an unpaired
# "\\ud83d") can hold lone surrogates, which no encoder accepts: storing, logging or
# serialising them raises. Every inbound event is built through these fields, so this
# one place cleans what every adapter receives.
Typed = Annotated[str, AfterValidator(valid_unicode)]


class Actor(_Model):
    id: Typed  # platform-qualified: slack:U123, dingtalk:staff, console:alice
    lang: Lang | None = None  # from the platform locale, when it tells us
    # The language the user last clearly wrote in, as an adapter whose platform has no
    # locale remembers it (the console): a default for what carries no text of its own
    # (a click, a bare command), never a locale that fixes a dialogue's language.
    known_lang: Lang | None = None
    name: Typed | None = None


class Command(_Model):
    kind: Literal["command"] = "command"
    actor: Actor
    channel: Typed
    name: Typed  # without the slash: "cancel-account"
    text: Typed = ""


class UserMessage(_Model):
    kind: Literal["message"] = "message"
    actor: Actor
    channel: Typed
    text: Typed
    # True in the user's direct conversation with the bot (where their dialogue runs);
    # False for a mention in a channel or group, which only ever gets an FAQ answer.
    # No default: every adapter must say which, or a mention could feed a dialogue.
    direct: bool


class Click(_Model):
    kind: Literal["click"] = "click"
    actor: Actor
    channel: Typed
    action: Typed
    value: Typed


class FormSubmit(_Model):
    kind: Literal["form"] = "form"
    actor: Actor
    form: Typed  # which form: "reject" / "delegate"
    context: Typed  # opaque to the adapter: what the form is about
    values: dict[str, Typed]


Event = Annotated[Command | UserMessage | Click | FormSubmit, Field(discriminator="kind")]


class Button(_Model):
    label: str
    action: str
    value: str
    style: Literal["primary", "danger"] | None = None


class Card(_Model):
    """A structured message: an approval card or a dialogue summary."""

    title: str
    fields: list[tuple[str, str]] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)  # risk warnings
    context: list[str] = Field(default_factory=list)  # small print: stage, approvers
    outcome: list[str] = Field(default_factory=list)  # what happened, replaces buttons
    # The language of its texts, which also sets how a label meets its value.
    lang: Lang = "en"

    def rows(self) -> list[str]:
        """The fields as lines of text ("What: CRM", "Quoi : CRM", "对象：CRM"), for a
        platform without a label/value layout of its own."""
        return [t(self.lang, "field_row", label=label, value=value) for label, value in self.fields]


class Message(_Model):
    text: str = ""
    card: Card | None = None
    buttons: list[Button] = Field(default_factory=list)
    # The answer may also be a date picked from a calendar (platforms that have one):
    # the picked date is sent as a DialogueChoice click (handlers/actions.py) whose value
    # is this prefix + the date.
    date_choice: str | None = None


class Post(_Model):
    """A message to a user (as a DM) or to a channel. `key` names a card that may
    later be updated in place; adapters remember where they posted it."""

    kind: Literal["post"] = "post"
    to: str
    message: Message
    key: str | None = None
    # How long the card stays updatable; None: as long as its request. A dialogue's
    # question is re-posted under the same key at every step and lives with the draft.
    key_ttl: timedelta | None = None
    # Set by storage when a transition owes this message (the outbox entry it is kept
    # as until delivered), or by the broadcaster for a notice (its job and target);
    # platforms that can label a message carry it, so that after a crash the bot can
    # tell whether it went out before sending it again.
    outbox: str | None = None

    @property
    def destination(self) -> str:
        """The user or channel it goes to (the same question asked of an UpdateCard)."""
        return self.to


class UpdateCard(_Model):
    """Rewrites a posted card. `channel` is where it was posted, so that a card whose
    reference was lost (a crash between posting and recording it) is posted anew."""

    kind: Literal["update"] = "update"
    key: str
    channel: str
    message: Message
    outbox: str | None = None  # as on Post

    @property
    def destination(self) -> str:
        return self.channel


class Ephemeral(_Model):
    """Seen only by `to`, in `channel` (Slack ephemeral, a private reply elsewhere)."""

    kind: Literal["ephemeral"] = "ephemeral"
    to: str
    channel: str
    message: Message


class FormField(_Model):
    name: str
    label: str
    kind: Literal["text", "user"] = "text"
    max_length: int = 500


class OpenForm(_Model):
    """Ask the actor for more input (a Slack modal; the next lines in the console)."""

    kind: Literal["form"] = "form"
    to: str
    form: str
    context: str
    title: str
    fields: list[FormField]
    submit: str = "OK"
    cancel: str = "Cancel"


class FormErrors(_Model):
    """The form's answers were refused: show these errors and keep the form open, or,
    when `final`, close it: no other answer could succeed (the card is stale, the
    stage decided, the sender may not decide), and a form asked line by line (the
    console, DingTalk) must not keep taking the user's next messages as answers."""

    kind: Literal["form_errors"] = "form_errors"
    to: str
    errors: dict[str, str]
    final: bool = False


class RefreshHome(_Model):
    """Something `to` sees on their home view changed (Slack App Home); platforms
    without one ignore it."""

    kind: Literal["refresh"] = "refresh"
    to: str


Reply = Annotated[
    Post | UpdateCard | Ephemeral | OpenForm | FormErrors | RefreshHome,
    Field(discriminator="kind"),
]
