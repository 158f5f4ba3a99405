"""What DingTalk users type that is more than a message: the words that start the bot's
commands (DingTalk has no slash commands), and the approval commands that stand in
for a card's buttons where there is no interactive card (`approve SR-…`,
`拒绝 SR-… 原因`). Both how such a command is written (what an ActionCard's button
sends and its text shows) and how it is read are here, so the two cannot drift.

A decision is turned into the very Click (or FormSubmit, for a reason given at once)
that a Slack button sends, so it is authorised by the same handler code: only that
stage's approvers or delegate, never the requester, and a decided or stale stage is
refused in the handler's words.

Which stage: a button's command names the stage its card was posted for
(`approve SR-7K3M9QXD#2`, the number the card shows), so a card of an earlier stage
cannot decide the current one, as with a Slack card. A command typed by hand names
only the request (`approve SR-7K3M9QXD`, as the card's text says): it decides the
request's current stage, which the adapter looks up (`Decision.stage` is None).

Everything is read case-insensitively, with full-width letters, digits, spaces and
punctuation as their ASCII twins, accents optional (deleguer), @-mentions in front
dropped (a group message to the bot starts with one). What is not a command is None:
it is a message for the dialogue or the FAQ.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.adapters.dingtalk.ids import PLATFORM
from bot.adapters.dingtalk.mentions import without_mentions
from conversations.i18n import every_lang, t
from conversations.ids import is_identity, qualify
from conversations.model import Lang
from conversations.stop_request.vocabulary import option_number
from conversations.text import clean, fold
from handlers.actions import Approve, Delegate, Reject, StageDecision
from handlers.approvals import DELEGATE_TO_FIELD, REASON_FIELD
from handlers.commands import CANCEL_ACCOUNT, SHUTDOWN_NOTICE
from handlers.events import Actor, Button, Click, FormSubmit

# -- the words that start a command ----------------------------------------------

# As a message, with or without a leading "/"; the rest of the message is the
# command's argument text ("注销账号 status", "停用通知 cancel NB-…").
TRIGGERS: dict[str, tuple[str, ...]] = {
    CANCEL_ACCOUNT: ("cancel-account", "注销账号", "注销帐号", "停用申请"),
    SHUTDOWN_NOTICE: ("shutdown-notice", "停用通知"),
}

# -- the approval commands ---------------------------------------------------------

REQUEST_PREFIX = "SR-"
STAGE_MARK = "#"  # between a request id and the stage number a button's command names
_DECISIONS: dict[str, type[StageDecision]] = {
    Approve.id: Approve,
    Reject.id: Reject,
    Delegate.id: Delegate,
}
_LANGS: tuple[Lang, Lang, Lang] = ("en", "zh", "fr")  # the order of every_lang()


def _verb_words() -> dict[str, tuple[str, str, str]]:
    # Written out per key: the i18n checks read every key as a literal.
    return {
        Approve.id: every_lang("dt_verb_approve"),
        Reject.id: every_lang("dt_verb_reject"),
        Delegate.id: every_lang("dt_verb_delegate"),
    }


# Words people also use, read but never shown.
_SYNONYMS: dict[str, tuple[tuple[str, Lang], ...]] = {
    Approve.id: (("批准", "zh"),),
    Reject.id: (("驳回", "zh"), ("refuser", "fr")),
    Delegate.id: (("transférer", "fr"),),
}


def verb(action: str, lang: Lang) -> str:
    """The command word of a decision in `lang` ("同意", "rejeter")."""
    return _verb_words()[action][_LANGS.index(lang)]


def command(decision: StageDecision, lang: Lang) -> str:
    """The command a button sends for `decision` (its stage as the card shows it)."""
    return f"{verb(decision.id, lang)} {decision.request_id}{STAGE_MARK}{decision.stage + 1}"


def hints(request_id: str, lang: Lang) -> list[str]:
    """The commands to type for a request, as a card's text shows them."""
    return [
        t(lang, "dt_cmd_approve", verb=verb(Approve.id, lang), id=request_id),
        t(lang, "dt_cmd_reject", verb=verb(Reject.id, lang), id=request_id),
        t(lang, "dt_cmd_delegate", verb=verb(Delegate.id, lang), id=request_id),
    ]


@dataclass(frozen=True)
class Decision:
    """A typed approve / reject / delegate."""

    action: str  # Approve.id, Reject.id or Delegate.id
    request_id: str
    stage: int | None  # the stage index a button's command names; None: the current one
    lang: Lang  # the language of the command word: the answer's language
    reason: str = ""
    person: str = ""  # delegate: an identity when it could be read, else as typed

    def event(self, actor: Actor, channel: str, current_stage: int) -> Click | FormSubmit:
        """The event a Slack user's click (or form) would have sent. `current_stage` is
        the request's current stage index, used when the command named none.

        A reject with its reason, or a delegate with its person and reason, is the
        answer to the form such a click opens; anything less is the click, and the
        handler answers it with the form (OpenForm), whose fields the adapter asks for
        in the actor's single chat (prefill() holds what was already typed)."""
        kind = _DECISIONS[self.action]
        decision = kind(self.request_id, current_stage if self.stage is None else self.stage)
        if kind is Reject and self.reason:
            return FormSubmit(
                actor=actor,
                form=decision.id,
                context=decision.pack(),
                values={REASON_FIELD: self.reason},
            )
        if kind is Delegate and self.person and self.reason:
            return FormSubmit(
                actor=actor,
                form=decision.id,
                context=decision.pack(),
                values={DELEGATE_TO_FIELD: self.person, REASON_FIELD: self.reason},
            )
        return Click(actor=actor, channel=channel, action=decision.id, value=decision.pack())

    def prefill(self) -> dict[str, str]:
        """The form's answers already typed with the command (by form field name)."""
        return (
            {DELEGATE_TO_FIELD: self.person} if self.action == Delegate.id and self.person else {}
        )


@dataclass(frozen=True)
class Usage:
    """An approval command word with a request id that cannot be read (a wrong id,
    words after an approve): answered with how to write the commands, nothing done."""

    action: str
    lang: Lang

    def text(self) -> str:
        approve, reject, delegate = hints(REQUEST_PREFIX + "…", self.lang)
        return t(self.lang, "dt_cmd_usage", approve=approve, reject=reject, delegate=delegate)


# -- reading -------------------------------------------------------------------------

_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63]")
_SEPARATORS = " :,;、"  # between the words of a command, folded (so "：" and "，" too)
_END_PUNCTUATION = " .!?。！？,;:、"
_CJK_START = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Crockford's base32, as request ids are written (handlers/services.py), and the
# letters people type for its digits.
_ID_ALPHABET = frozenset("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_ID = re.compile(r"sr-([0-9a-z]{8})(?:#(\d{1,3}))?")


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased, full-width as ASCII, accents dropped, dashes as "-", with
    where each folded character comes from in `text` (and one past the end)."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        piece = unicodedata.normalize("NFKD", ch)
        piece = "".join(c for c in piece if not unicodedata.combining(c)).casefold()
        piece = _DASHES.sub("-", piece)
        chars.append(piece)
        origin += [i] * len(piece)
    origin.append(len(text))
    return "".join(chars), origin


def _fold_word(word: str) -> str:
    return _folded(word)[0]


def _without_mentions(text: str) -> str:
    return without_mentions(clean(text), trailing=False)


def _without_trailing_mentions(text: str) -> str:
    # The bot may also be named last ("拒绝 SR-… 不行 @stopbot").
    return without_mentions(text, leading=False)


def _starts_with_word(folded: str, word: str) -> bool:
    """`word` opens `folded` and ends there (a Chinese word may run into what follows:
    "同意SR-…")."""
    if not folded.startswith(word):
        return False
    end = len(word)
    return end == len(folded) or folded[end] in _SEPARATORS or bool(_CJK_START.match(word[-1]))


def read_command(text: str) -> tuple[str, str] | None:
    """(the bot's command name, its argument text) when the message starts one of the
    bot's commands ("/cancel-account status", "注销账号", "停用通知 cancel NB-…"), else
    None. The argument text is as typed."""
    text = _without_mentions(text)
    folded, origin = _folded(text)
    start = 1 if folded.startswith("/") else 0
    for name, words in TRIGGERS.items():
        for word in words:
            w = _fold_word(word)
            if not folded.startswith(w, start):
                continue
            end = start + len(w)
            rest = folded[end:]
            if rest.strip(_END_PUNCTUATION) == "":
                return name, ""
            # A command word runs into no other word: "停用申请要多久？" is a question.
            if folded[end] in _SEPARATORS:
                args = text[origin[_skip(folded, end, _SEPARATORS)] :]
                return name, _without_trailing_mentions(args).strip()
    return None


def _read_verb(folded: str) -> tuple[str, Lang, int] | None:
    words = [
        (_fold_word(word), action, lang)
        for action, texts in _verb_words().items()
        for word, lang in (*zip(texts, _LANGS, strict=True), *_SYNONYMS[action])
    ]
    for word, action, lang in sorted(words, key=lambda w: len(w[0]), reverse=True):
        if _starts_with_word(folded, word):
            return action, lang, len(word)
    return None


def _skip(folded: str, at: int, chars: str) -> int:
    while at < len(folded) and folded[at] in chars:
        at += 1
    return at


def _request_id(code: str) -> str | None:
    code = code.upper().translate(_LOOK_ALIKES)
    return REQUEST_PREFIX + code if set(code) <= _ID_ALPHABET else None


def read_person(typed: str, mentioned: Sequence[str] = ()) -> str:
    """A person as typed (in a delegate command, or as the answer to a form's person
    field): an identity as written (`dingtalk:staffId`, `slack:U012AB`, full-width
    allowed); a bare staffId, with or without "@", as a DingTalk one; "@name" as the
    one person the message @-mentions (`mentioned`: DingTalk's atUsers' staffIds, the
    bot excepted). Anything else as typed: the handler says it is no identity."""
    person = unicodedata.normalize("NFKC", typed).strip()
    if is_identity(person):
        return person
    if person.startswith("@") and len(mentioned) == 1:
        return qualify(PLATFORM, mentioned[0])
    staff_id = qualify(PLATFORM, person.lstrip("@"))
    return staff_id if ":" not in person and is_identity(staff_id) else person


def read_decision(text: str, mentioned: Sequence[str] = ()) -> Decision | Usage | None:
    """A typed approval command, a Usage when it is one whose request cannot be read,
    or None when the text is no approval command.

    `mentioned`: the staffIds of the people @-mentioned in the message, the bot
    excepted (DingTalk's atUsers): "转交 SR-… @张三 出差" delegates to the one person
    mentioned. Otherwise the person is typed: read_person."""
    text = _without_mentions(text)
    folded, origin = _folded(text)
    found = _read_verb(folded)
    if found is None:
        return None
    action, lang, end = found
    at = _skip(folded, end, _SEPARATORS)
    if not folded.startswith("sr-", at):
        return None  # "同意 他的看法": words, not a command
    typed_id = _ID.match(folded, at)
    request_id = _request_id(typed_id.group(1)) if typed_id else None
    if typed_id is None or request_id is None:
        return Usage(action, lang)
    after = typed_id.end()
    if after < len(folded) and folded[after] not in _END_PUNCTUATION:
        return Usage(action, lang)  # "SR-7K3M9QXD2": a longer id than any
    stage = int(typed_id.group(2)) - 1 if typed_id.group(2) else None
    if stage is not None and stage < 0:
        return Usage(action, lang)
    rest = text[origin[_skip(folded, after, _SEPARATORS)] :].strip()
    if action != Delegate.id:
        rest = _without_trailing_mentions(rest)
    if action == Approve.id:
        if rest.strip(_END_PUNCTUATION + "。！？，；：、"):
            return Usage(action, lang)  # "approve SR-… and SR-…" decides nothing at all
        return Decision(action, request_id, stage, lang)
    if action == Reject.id:
        return Decision(action, request_id, stage, lang, reason=rest)
    person, _, reason = rest.partition(" ")
    reason = _without_trailing_mentions(reason).strip()
    return Decision(
        action, request_id, stage, lang, reason=reason, person=read_person(person, mentioned)
    )


def pick_button(buttons: Sequence[Button], text: str) -> Button | None:
    """The button a typed answer names: its number in the list the message showed
    ("2", "２", "option 2"), or its words ("Approve", "approve"). For the buttons that
    are not a dialogue's (which reads typed answers itself): an FAQ vote, an offer."""
    number = option_number(text, len(buttons))
    if number is not None:
        return buttons[number - 1]
    wanted = fold(text)
    return next((b for b in buttons if wanted and fold(b.label) == wanted), None)
