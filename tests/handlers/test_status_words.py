"""A status is said once. Every template that composes a status phrase ("rejected",
"已拒绝", "rejetée") must not add a status word of its own around it ("已" + "已拒绝",
"is rejected rejected"); and every decided, withdrawn and closed card and notice,
rendered in each language, for readers of each language, says its status once."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from datetime import date, timedelta

from conversations import approval
from conversations.approval import Deny, Transition
from conversations.i18n import every_lang, keys, t
from conversations.i18n.key_maps import STATUS_KEY
from conversations.model import (
    LANGS,
    Answers,
    Backup,
    Billing,
    Compliance,
    Lang,
    Linked,
    Reason,
    RequestStatus,
    StopRequest,
    Target,
    TargetKind,
)
from handlers.announce import replies_for
from handlers.approvals import deny_text
from handlers.cards import approval_card, status_line, status_text
from handlers.events import Message, Post, Reply, UpdateCard
from tests.helpers import EMPLOYEE, START, Harness

DECIDED = [s for s in RequestStatus if s is not RequestStatus.PENDING]


def phrases(lang: Lang) -> list[str]:
    """Every status phrase a template may receive, in one language."""
    return [t(lang, STATUS_KEY[s]) for s in DECIDED] + [
        t(lang, "status_pending", stage="department-head")
    ]


def doubled(text: str) -> list[str]:
    """What says a status twice: 已已, a word twice in a row, a status phrase twice."""
    found = []
    if "已已" in text:
        found.append("已已")
    for m in re.finditer(r"\b([^\W\d_]{3,})\b[\s,.:;]+\b\1\b", text, re.IGNORECASE):
        found.append(m.group(0))
    for lang in LANGS:
        for phrase in phrases(lang):
            if text.count(phrase) > 1:
                found.append(f"{phrase} x{text.count(phrase)}")
    return found


def _placeholders(key: str) -> set[str]:
    return {
        name
        for text in every_lang(key)
        for _, name, _, _ in string.Formatter().parse(text)
        if name is not None
    }


def test_every_template_with_a_status_slot_says_the_status_once() -> None:
    composing = [key for key in keys() if "status" in _placeholders(key)]
    assert {"deny_not_pending", "notice_outcome", "status_line"} <= set(composing)
    for key in composing:
        # Every other placeholder filled with a neutral value: its own name in braces.
        blank = {name: "{" + name + "}" for name in _placeholders(key)}
        for lang in LANGS:
            for phrase in phrases(lang):
                text = t(lang, key, **(blank | {"status": phrase}))
                assert not doubled(text), (key, lang, text)
                assert text.count(phrase) == 1, (key, lang, text)


ANSWERS = Answers(
    target=Target(kind=TargetKind.SOFTWARE, name="CRM", paid=True),
    reason=Reason.SECURITY,
    stop_date=date(2026, 12, 31),
    backup=Backup.NOT_YET,
    linked=[Linked.MAILBOX],
    billing=Billing.UNSURE,
    compliance=Compliance.UNKNOWN,
    notify=["console:team"],
)
Step = Callable[[StopRequest], Transition]
LATER = START + timedelta(hours=1)
PATHS: dict[str, list[Step]] = {
    "approved": [
        lambda r: approval.approve(r, 0, "console:head", LATER),
        lambda r: approval.approve(r, 1, "console:it", LATER),
        lambda r: approval.approve(r, 2, "console:finance", LATER),
    ],
    "rejected first": [lambda r: approval.reject(r, 0, "console:head", "no budget", LATER)],
    "rejected last": [
        lambda r: approval.approve(r, 0, "console:head", LATER),
        lambda r: approval.approve(r, 1, "console:it", LATER),
        lambda r: approval.reject(r, 2, "console:finance", "no budget", LATER),
    ],
    "withdrawn": [lambda r: approval.withdraw(r, EMPLOYEE, LATER)],
    "withdrawn later": [
        lambda r: approval.approve(r, 0, "console:head", LATER),
        lambda r: approval.withdraw(r, EMPLOYEE, LATER),
    ],
    "delegated, rejected": [
        lambda r: approval.delegate(r, 0, "console:head", "console:deputy", "on leave", LATER),
        lambda r: approval.reject(r, 0, "console:deputy", "no budget", LATER),
    ],
}


def _texts(message: Message) -> list[str]:
    out = [message.text, *(b.label for b in message.buttons)]
    if message.card is not None:
        card = message.card
        out += [card.title, *(v for _, v in card.fields), *card.flags, *card.context]
        out += card.outcome
    return out


def _rendered(replies: list[Reply]) -> list[str]:
    return [
        text
        for r in replies
        if isinstance(r, Post | UpdateCard)
        for text in _texts(r.message)
        if text
    ]


async def test_every_decided_card_and_notice_says_its_status_once(harness: Harness) -> None:
    svc = harness.app.services
    for lang in LANGS:
        for name, path in PATHS.items():
            tr = approval.submit(
                request_id="SR-TEST0001",
                requester=EMPLOYEE,
                lang=lang,
                answers=ANSWERS,
                stages=svc.policy.approval.stages,
                admins=svc.policy.admins,
                now=START,
            )
            texts = _rendered(replies_for(tr, svc))
            for step in path:
                tr = step(tr.request)
                texts += _rendered(replies_for(tr, svc))
            req = tr.request
            assert req.status is not RequestStatus.PENDING, name
            for i in range(len(req.stages)):
                texts += _texts(approval_card(req, i, svc))
            said = {reader: status_text(req, reader) for reader in LANGS}
            for reader in LANGS:
                refusal = deny_text(Deny.NOT_PENDING, req, reader)
                line = status_line(req, reader, svc)
                for text in (refusal, line):
                    # Once, in the reader's language only.
                    assert text.count(said[reader]) == 1, (name, reader, text)
                    others = [said[o] for o in LANGS if o != reader]
                    assert not any(o in text for o in others), (name, reader, text)
                texts += [refusal, line]
            problems = [(text, doubled(text)) for text in texts if doubled(text)]
            assert not problems, (lang, name, problems)
            notices = [
                text for text in texts if text.endswith((f"{said[lang]}.", f"{said[lang]}。"))
            ]
            assert notices, (lang, name)  # the channel the requester asked to notify


def test_the_chinese_refusal_of_a_rejected_request_reads_naturally() -> None:
    assert t("zh", "deny_not_pending", id="SR-1", status=t("zh", "status_rejected")) == (
        "SR-1 已拒绝，未做任何更改。"
    )
