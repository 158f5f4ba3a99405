"""The stop-request dialogue: which question comes next, what counts as an answer,
and the summary. Pure: state in, state and what to say out.

Typed answers and button clicks go through the same step handlers, so whatever a
button can do, typing can do too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from conversations.dates import DateProblem, check_stop_date, parse_date
from conversations.i18n import t
from conversations.ids import is_identity
from conversations.lang import detect_lang
from conversations.model import (
    Answers,
    Backup,
    Billing,
    Compliance,
    Lang,
    Linked,
    Reason,
    Target,
    TargetKind,
)
from conversations.policy import CatalogItem
from conversations.text import clean, fold, match_choice

MAX_TEXT = 300
MAX_NOTIFY = 10
CANCEL_WORDS = frozenset({"cancel", "取消", "annuler", "quit", "abort", "放弃", "abandonner"})


class Step(StrEnum):
    TARGET = "target"
    TARGET_OTHER = "target_other"
    REASON = "reason"
    REASON_TEXT = "reason_text"
    WHEN = "when"
    BACKUP = "backup"
    LINKED = "linked"
    BILLING = "billing"
    COMPLIANCE = "compliance"
    NOTIFY = "notify"
    SUMMARY = "summary"


class DialogueState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str
    draft_id: str
    lang: Lang
    step: Step = Step.TARGET
    answers: Answers = Field(default_factory=Answers)
    linked_pick: list[Linked] = Field(default_factory=list)
    started_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    style: str | None = None  # "primary" / "danger", a rendering hint


@dataclass
class Prompt:
    text: str
    choices: list[Choice] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Outcome:
    state: DialogueState | None
    notes: list[str] = field(default_factory=list)
    prompt: Prompt | None = None
    submit: bool = False
    abandoned: bool = False
    reasked: bool = False  # the answer was not valid for the step, which is asked again


@dataclass(frozen=True)
class Context:
    today: date
    catalog: Sequence[CatalogItem] = ()


def new_dialogue(user: str, draft_id: str, lang: Lang, now: datetime) -> DialogueState:
    return DialogueState(user=user, draft_id=draft_id, lang=lang, started_at=now, updated_at=now)


# -- synonyms for typed answers (all languages are accepted whatever the dialogue's) --


def _labels(key: str) -> list[str]:
    return list(_labels_cached(key))


_REASON_WORDS: dict[str, list[str]] = {
    Reason.NOT_NEEDED: [
        "no longer needed",
        "not needed",
        "unused",
        "don't need",
        "no need",
        "不再需要",
        "不需要",
        "用不到",
        "不用了",
        "没用",
        "plus besoin",
        "plus nécessaire",
        "inutile",
        "ne sert plus",
    ],
    Reason.TOO_EXPENSIVE: [
        "expensive",
        "too expensive",
        "cost",
        "costs",
        "budget",
        "太贵",
        "费用",
        "成本",
        "贵",
        "trop cher",
        "cher",
        "coût",
        "coûte",
    ],
    Reason.ALTERNATIVE: [
        "alternative",
        "better alternative",
        "replacement",
        "replaced",
        "switching",
        "替代",
        "更好",
        "更换",
        "替换",
        "换成",
        "remplacé",
        "remplacer",
        "meilleur",
    ],
    Reason.SECURITY: [
        "security",
        "risk",
        "vulnerability",
        "breach",
        "安全",
        "漏洞",
        "风险",
        "sécurité",
        "faille",
        "risque",
    ],
    Reason.OTHER: ["other", "other reason", "其他", "其他原因", "autre", "autre raison"],
}
_BACKUP_WORDS: dict[str, list[str]] = {
    Backup.DONE: [
        "yes",
        "y",
        "done",
        "backed up",
        "ok",
        "是",
        "是的",
        "已备份",
        "备份了",
        "好了",
        "oui",
        "fait",
        "sauvegardé",
        "c'est fait",
    ],
    Backup.NOT_YET: [
        "not yet",
        "no",
        "n",
        "later",
        "还没",
        "还没有",
        "没有",
        "未备份",
        "没备份",
        "pas encore",
        "non",
    ],
    Backup.NOT_NEEDED: [
        "not needed",
        "no need",
        "n/a",
        "nothing to back up",
        "不需要",
        "无需",
        "不用",
        "pas besoin",
        "pas nécessaire",
        "inutile",
    ],
}
_LINKED_WORDS: dict[str, list[str]] = {
    Linked.MAILBOX: [
        "mail",
        "email",
        "e-mail",
        "mailbox",
        "邮箱",
        "邮件",
        "messagerie",
        "courriel",
        "boîte mail",
    ],
    Linked.FILES: [
        "file",
        "files",
        "storage",
        "drive",
        "file storage",
        "文件",
        "网盘",
        "存储",
        "云盘",
        "fichiers",
        "stockage",
        "fichier",
    ],
    Linked.INTEGRATIONS: [
        "integration",
        "integrations",
        "api",
        "third-party",
        "third party",
        "集成",
        "第三方",
        "对接",
        "intégration",
        "intégrations",
    ],
    Linked.SSO: [
        "sso",
        "single sign-on",
        "single sign on",
        "login",
        "单点登录",
        "统一登录",
        "统一认证",
        "authentification unique",
    ],
}
_NONE_WORDS = [
    "none",
    "no",
    "nothing",
    "nobody",
    "no one",
    "无",
    "没有",
    "都没有",
    "不通知",
    "aucun",
    "aucune",
    "rien",
    "personne",
    "non",
]
_BILLING_WORDS: dict[str, list[str]] = {
    Billing.REFUND: [
        "refund",
        "prorated",
        "prorated refund",
        "money back",
        "退款",
        "退费",
        "remboursement",
        "rembourser",
        "prorata",
    ],
    Billing.END_OF_TERM: [
        "end of term",
        "renewal",
        "stop renewal",
        "run out",
        "no renewal",
        "到期",
        "不续费",
        "停止续费",
        "用完",
        "fin de période",
        "renouvellement",
        "sans renouvellement",
    ],
    Billing.UNSURE: [
        "not sure",
        "unsure",
        "don't know",
        "ask finance",
        "不确定",
        "不知道",
        "问财务",
        "je ne sais pas",
        "pas sûr",
        "voir avec la finance",
    ],
    Billing.NOT_PAID: [
        "not paid",
        "free",
        "unpaid",
        "免费",
        "不收费",
        "不是付费",
        "gratuit",
        "pas payant",
    ],
}
_COMPLIANCE_WORDS: dict[str, list[str]] = {
    Compliance.KEEP: [
        "yes",
        "keep",
        "must keep",
        "是",
        "需要",
        "要保留",
        "需要保留",
        "oui",
        "conserver",
    ],
    Compliance.NONE: ["no", "none", "nothing", "否", "不需要", "没有", "无", "non", "aucun"],
    Compliance.UNKNOWN: [
        "don't know",
        "not sure",
        "unknown",
        "dont know",
        "不知道",
        "不确定",
        "je ne sais pas",
        "pas sûr",
        "inconnu",
    ],
}
_SUBMIT_WORDS = [
    "submit",
    "send",
    "confirm",
    "yes",
    "ok",
    "提交",
    "确认",
    "是",
    "soumettre",
    "envoyer",
    "valider",
    "oui",
]
_OWN_ACCOUNT_WORDS = [
    "my account",
    "my own account",
    "own account",
    "account",
    "我的账号",
    "我的帐号",
    "本人账号",
    "自己的账号",
    "账号",
    "帐号",
    "mon compte",
    "mon propre compte",
    "compte",
]


@lru_cache(maxsize=64)
def _labels_cached(key: str) -> tuple[str, ...]:
    return tuple(t(lang, key) for lang in ("en", "zh", "fr"))


def _with_labels(words: dict[str, list[str]], prefix: str) -> dict[str, list[str]]:
    return {v: [*w, *_labels(f"{prefix}_{v}")] for v, w in words.items()}


# -- prompts ---------------------------------------------------------------


def _choices(lang: Lang, prefix: str, values: Sequence[str]) -> list[Choice]:
    return [Choice(v, t(lang, f"{prefix}_{v}")) for v in values]


def _needs_billing(a: Answers) -> bool:
    if a.target is None:
        return False
    return a.target.kind is TargetKind.OTHER or (
        a.target.kind is TargetKind.SOFTWARE and a.target.paid
    )


def _date_choices(lang: Lang, today: date) -> list[Choice]:
    return list(_date_choices_of_day(lang, today))


@lru_cache(maxsize=16)
def _date_choices_of_day(lang: Lang, today: date) -> tuple[Choice, ...]:
    out: list[Choice] = []
    for key, phrase in (
        ("c_date_tomorrow", "tomorrow"),
        ("c_date_next_monday", "next monday"),
        ("c_date_end_of_month", "end of month"),
    ):
        d = parse_date(phrase, today)
        if d is not None and d >= today and all(c.value != d.isoformat() for c in out):
            out.append(Choice(d.isoformat(), t(lang, key, date=d.isoformat())))
    return tuple(out)


def prompt_for(state: DialogueState, ctx: Context) -> Prompt:
    lang, a = state.lang, state.answers
    match state.step:
        case Step.TARGET:
            choices = [Choice(TargetKind.OWN_ACCOUNT, t(lang, "c_own_account"))]
            choices += [Choice(f"sw:{item.name}", item.name) for item in ctx.catalog]
            choices.append(Choice(TargetKind.OTHER, t(lang, "c_other_target")))
            return Prompt(t(lang, "q_target"), choices)
        case Step.TARGET_OTHER:
            return Prompt(t(lang, "q_target_other"))
        case Step.REASON:
            return Prompt(t(lang, "q_reason"), _choices(lang, "c_reason", list(Reason)))
        case Step.REASON_TEXT:
            return Prompt(t(lang, "q_reason_text"))
        case Step.WHEN:
            return Prompt(t(lang, "q_when"), _date_choices(lang, ctx.today))
        case Step.BACKUP:
            return Prompt(t(lang, "q_backup"), _choices(lang, "c_backup", list(Backup)))
        case Step.LINKED:
            picked = set(state.linked_pick)
            choices = [
                Choice(v, ("✓ " if v in picked else "") + t(lang, f"c_linked_{v}")) for v in Linked
            ]
            choices.append(Choice("none", t(lang, "c_linked_none")))
            choices.append(Choice("done", t(lang, "c_linked_done"), "primary"))
            return Prompt(t(lang, "q_linked"), choices)
        case Step.BILLING:
            assert a.target is not None
            if a.target.kind is TargetKind.SOFTWARE:
                values = [Billing.REFUND, Billing.END_OF_TERM, Billing.UNSURE]
                text = t(lang, "q_billing_paid", target=a.target.name)
            else:
                values = list(Billing)
                text = t(lang, "q_billing_other")
            return Prompt(text, _choices(lang, "c_billing", values))
        case Step.COMPLIANCE:
            return Prompt(t(lang, "q_compliance"), _choices(lang, "c_compliance", list(Compliance)))
        case Step.NOTIFY:
            return Prompt(t(lang, "q_notify"), [Choice("none", t(lang, "c_notify_none"))])
        case Step.SUMMARY:
            fields = describe(a, lang, state.user)
            edits = [
                Choice(f"edit:{step}", t(lang, "c_edit", field=t(lang, f"f_{_FIELD_OF[step]}")))
                for step in _EDITABLE
                if step is not Step.BILLING or _needs_billing(a)
            ]
            edits.append(Choice("submit", t(lang, "c_submit"), "primary"))
            edits.append(Choice("cancel", t(lang, "c_cancel"), "danger"))
            return Prompt(t(lang, "summary"), edits, fields)
    raise AssertionError(state.step)


_FIELD_OF: dict[Step, str] = {
    Step.TARGET: "target",
    Step.REASON: "reason",
    Step.WHEN: "when",
    Step.BACKUP: "backup",
    Step.LINKED: "linked",
    Step.BILLING: "billing",
    Step.COMPLIANCE: "compliance",
    Step.NOTIFY: "notify",
}
_EDITABLE = list(_FIELD_OF)


def step_name(step: Step, lang: Lang) -> str:
    """A step as the user knows it: the field it asks for ("Stop date"), or "Summary"."""
    base = {Step.TARGET_OTHER: Step.TARGET, Step.REASON_TEXT: Step.REASON}.get(step, step)
    if base in _FIELD_OF:
        return t(lang, f"f_{_FIELD_OF[base]}")
    return t(lang, "f_summary")


def answered_line(before: Step, after: DialogueState) -> str | None:
    """The one line that replaces a question once it is answered ("✓ Why: Too
    expensive"), or None when the answer did not complete the step."""
    step = {Step.TARGET_OTHER: Step.TARGET, Step.REASON_TEXT: Step.REASON}.get(before, before)
    if step not in _FIELD_OF or after.step == before:
        return None
    label = t(after.lang, f"f_{_FIELD_OF[step]}")
    value = dict(describe(after.answers, after.lang, after.user)).get(label)
    return f"✓ {label}: {value}" if value is not None else None


def describe_target(target: Target | None, lang: Lang, requester: str) -> str:
    if target is None:
        return "-"
    if target.kind is TargetKind.OWN_ACCOUNT:
        return t(lang, "v_own_account", user=requester)
    if target.kind is TargetKind.SOFTWARE:
        return f"{target.name} ({t(lang, 'v_paid' if target.paid else 'v_free')})"
    return target.name


def describe(a: Answers, lang: Lang, requester: str) -> list[tuple[str, str]]:
    """The answers as (field label, value) lines, for the summary and the approval card."""
    none = t(lang, "v_none")
    reason = t(lang, f"c_reason_{a.reason}") if a.reason else "-"
    if a.reason is Reason.OTHER and a.reason_text:
        reason = a.reason_text
    elif a.reason_text:
        reason = f"{reason}: {a.reason_text}"
    rows = [
        (t(lang, "f_target"), describe_target(a.target, lang, requester)),
        (t(lang, "f_reason"), reason),
        (t(lang, "f_when"), a.stop_date.isoformat() if a.stop_date else "-"),
        (t(lang, "f_backup"), t(lang, f"c_backup_{a.backup}") if a.backup else "-"),
        (
            t(lang, "f_linked"),
            ", ".join(t(lang, f"c_linked_{x}") for x in a.linked) if a.linked else none,
        ),
    ]
    if _needs_billing(a):
        rows.append((t(lang, "f_billing"), t(lang, f"c_billing_{a.billing}") if a.billing else "-"))
    rows.append(
        (t(lang, "f_compliance"), t(lang, f"c_compliance_{a.compliance}") if a.compliance else "-")
    )
    rows.append((t(lang, "f_notify"), ", ".join(a.notify) if a.notify else none))
    return rows


# -- answering -------------------------------------------------------------


def _copy(state: DialogueState) -> DialogueState:
    # pydantic-core round trip: several times faster than copy.deepcopy of the model.
    return DialogueState.model_validate(state.model_dump())


class _Reask(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def next_step(a: Answers) -> Step:
    if a.target is None:
        return Step.TARGET
    if a.reason is None:
        return Step.REASON
    if a.reason is Reason.OTHER and not a.reason_text:
        return Step.REASON_TEXT
    if a.stop_date is None:
        return Step.WHEN
    if a.backup is None:
        return Step.BACKUP
    if a.linked is None:
        return Step.LINKED
    if _needs_billing(a) and a.billing is None:
        return Step.BILLING
    if a.compliance is None:
        return Step.COMPLIANCE
    if a.notify is None:
        return Step.NOTIFY
    return Step.SUMMARY


def _free_text(text: str) -> str:
    if not text:
        raise _Reask("hint_empty")
    if len(text) > MAX_TEXT:
        raise _Reask("hint_too_long", max=MAX_TEXT)
    return text


def _pick(text: str, choices: list[Choice], synonyms: dict[str, list[str]]) -> str:
    """A typed answer to a choice question: its number, its label, or a synonym."""
    stripped = text.strip().rstrip(".)")
    if stripped.isdigit() and 1 <= int(stripped) <= len(choices):
        return choices[int(stripped) - 1].value
    by_label = {c.value: [c.label] for c in choices}
    for value, words in synonyms.items():
        by_label.setdefault(value, []).extend(words)
    found = match_choice(text, by_label)
    if found is None or found not in {c.value for c in choices}:
        raise _Reask("hint_choice")
    return found


def _set_target(state: DialogueState, value: str, ctx: Context) -> Step | None:
    a = state.answers
    if value == TargetKind.OWN_ACCOUNT:
        a.target = Target(kind=TargetKind.OWN_ACCOUNT, name="account")
    elif value == TargetKind.OTHER:
        return Step.TARGET_OTHER
    elif value.startswith("sw:"):
        item = next((i for i in ctx.catalog if i.name == value[3:]), None)
        if item is None:
            raise _Reask("hint_choice")
        a.target = Target(kind=TargetKind.SOFTWARE, name=item.name, paid=item.paid)
    else:
        raise _Reask("hint_choice")
    if not _needs_billing(a):
        a.billing = None
    return None


def _target_synonyms(ctx: Context) -> dict[str, list[str]]:
    syn: dict[str, list[str]] = {
        TargetKind.OWN_ACCOUNT: [*_OWN_ACCOUNT_WORDS, *_labels("c_own_account")],
        TargetKind.OTHER: [
            "other",
            "something else",
            "其他",
            "autre",
            "autre chose",
            *_labels("c_other_target"),
        ],
    }
    for item in ctx.catalog:
        syn[f"sw:{item.name}"] = [item.name, *item.aliases]
    return syn


def _parse_notify(text: str) -> list[str]:
    if match_choice(text, {"none": _NONE_WORDS + _labels("c_notify_none")}) == "none":
        return []
    tokens = [tok.lstrip("#@") for tok in re.split(r"[,，、;；\s]+", text) if tok.strip()]
    if not tokens:
        raise _Reask("hint_empty")
    out: list[str] = []
    for tok in tokens:
        if not is_identity(tok):
            raise _Reask("hint_notify", token=tok[:40], max=MAX_NOTIFY)
        if tok not in out:
            out.append(tok)
    if len(out) > MAX_NOTIFY:
        raise _Reask("hint_notify", token=out[MAX_NOTIFY], max=MAX_NOTIFY)
    return out


def _parse_linked(text: str) -> list[Linked]:
    if match_choice(text, {"none": _NONE_WORDS + _labels("c_linked_none")}) == "none":
        return []
    found: list[Linked] = []
    for part in re.split(r"[,，、;；/]|\band\b|\bet\b|和|及", text):
        if not part.strip():
            continue
        value = match_choice(part, _with_labels(_LINKED_WORDS, "c_linked"))
        if value is None:
            raise _Reask("hint_linked")
        if Linked(value) not in found:
            found.append(Linked(value))
    if not found:
        raise _Reask("hint_linked")
    return found


def _check_date(value: str, ctx: Context) -> date:
    result = check_stop_date(value, ctx.today)
    if isinstance(result, date):
        return result
    if result is DateProblem.UNPARSED:
        raise _Reask("hint_date_unparsed")
    parsed = parse_date(value, ctx.today)
    shown = parsed.isoformat() if parsed else value[:40]
    if result is DateProblem.PAST:
        raise _Reask("hint_date_past", date=shown)
    limit = (
        ctx.today.replace(year=ctx.today.year + 1)
        if not (ctx.today.month == 2 and ctx.today.day == 29)
        else ctx.today.replace(year=ctx.today.year + 1, day=28)
    )
    raise _Reask("hint_date_too_far", date=shown, max=limit.isoformat())


def _apply(
    state: DialogueState, value: str, typed: bool, ctx: Context
) -> tuple[Step | None, list[str]]:
    """Applies one answer to the current step. Returns (explicit next step, extra notes)."""
    a = state.answers
    prompt = prompt_for(state, ctx)
    notes: list[str] = []
    number = value.strip().rstrip(".)")
    if typed and prompt.choices and number.isdigit() and 1 <= int(number) <= len(prompt.choices):
        # A typed option number is the same as clicking that button, on every step.
        value, typed = prompt.choices[int(number) - 1].value, False
    if not typed and not prompt.choices:
        raise _Reask("hint_choice")  # a forged click on a free-text question

    def choose(synonyms: dict[str, list[str]]) -> str:
        if not typed:
            if value not in {c.value for c in prompt.choices}:
                raise _Reask("hint_choice")
            return value
        return _pick(value, prompt.choices, synonyms)

    match state.step:
        case Step.TARGET:
            if typed:
                # A catalog name wins over generic words: "my Jira account" is Jira.
                in_catalog = match_choice(
                    value, {f"sw:{i.name}": [i.name, *i.aliases] for i in ctx.catalog}
                )
                if in_catalog is not None:
                    return _set_target(state, in_catalog, ctx), notes
                try:
                    picked = _pick(value, prompt.choices, _target_synonyms(ctx))
                except _Reask:
                    # Anything not in the catalog is still a legitimate thing to stop.
                    a.target = Target(kind=TargetKind.OTHER, name=_free_text(value))
                    return None, notes
                return _set_target(state, picked, ctx), notes
            return _set_target(state, choose({}), ctx), notes
        case Step.TARGET_OTHER:
            a.target = Target(kind=TargetKind.OTHER, name=_free_text(value))
        case Step.REASON:
            if typed:
                try:
                    a.reason = Reason(
                        _pick(value, prompt.choices, _with_labels(_REASON_WORDS, "c_reason"))
                    )
                except _Reask:
                    a.reason, a.reason_text = Reason.OTHER, _free_text(value)
                    return None, notes
            else:
                a.reason = Reason(choose({}))
            if a.reason is not Reason.OTHER:
                a.reason_text = None
            else:
                a.reason_text = None
                return Step.REASON_TEXT, notes
        case Step.REASON_TEXT:
            a.reason_text = _free_text(value)
        case Step.WHEN:
            a.stop_date = _check_date(value, ctx)
        case Step.BACKUP:
            a.backup = Backup(choose(_with_labels(_BACKUP_WORDS, "c_backup")))
            if a.backup is Backup.NOT_YET:
                notes.append(t(state.lang, "backup_howto"))
        case Step.LINKED:
            if typed:
                a.linked = _parse_linked(value)
            elif value == "done":
                a.linked = list(state.linked_pick)
            elif value == "none":
                a.linked, state.linked_pick = [], []
            else:
                item = Linked(choose({}))
                if item in state.linked_pick:
                    state.linked_pick.remove(item)
                else:
                    state.linked_pick.append(item)
                return Step.LINKED, notes
        case Step.BILLING:
            a.billing = Billing(choose(_with_labels(_BILLING_WORDS, "c_billing")))
        case Step.COMPLIANCE:
            a.compliance = Compliance(choose(_with_labels(_COMPLIANCE_WORDS, "c_compliance")))
        case Step.NOTIFY:
            a.notify = [] if (not typed and value == "none") else _parse_notify(value)
        case Step.SUMMARY:
            raise AssertionError("summary is handled by the caller")
    return None, notes


def _edit(state: DialogueState, step: Step) -> None:
    a = state.answers
    match step:
        case Step.TARGET:
            a.target = None
        case Step.REASON:
            a.reason, a.reason_text = None, None
        case Step.WHEN:
            a.stop_date = None
        case Step.BACKUP:
            a.backup = None
        case Step.LINKED:
            state.linked_pick = list(a.linked or [])
            a.linked = None
        case Step.BILLING:
            a.billing = None
        case Step.COMPLIANCE:
            a.compliance = None
        case Step.NOTIFY:
            a.notify = None
        case _:
            raise AssertionError(step)
    state.step = step


def _answer(state: DialogueState, value: str, typed: bool, ctx: Context, now: datetime) -> Outcome:
    state = _copy(state)
    state.updated_at = now
    if state.step is Step.SUMMARY:
        return _answer_summary(state, value, typed, ctx)
    try:
        explicit, notes = _apply(state, value, typed, ctx)
    except _Reask as reask:
        notes = [t(state.lang, reask.key, **reask.params)]
        return Outcome(state, notes, prompt_for(state, ctx), reasked=True)
    state.step = explicit or next_step(state.answers)
    return Outcome(state, notes, prompt_for(state, ctx))


def _answer_summary(state: DialogueState, value: str, typed: bool, ctx: Context) -> Outcome:
    choice: str | None = value
    if typed:
        synonyms = {"submit": _SUBMIT_WORDS + _labels("c_submit")}
        for step in _EDITABLE:
            synonyms[f"edit:{step}"] = [f"edit {_FIELD_OF[step]}", f"change {_FIELD_OF[step]}"]
        try:
            choice = _pick(value, prompt_for(state, ctx).choices, synonyms)
        except _Reask as reask:
            return Outcome(state, [t(state.lang, reask.key)], prompt_for(state, ctx), reasked=True)
    if choice == "cancel":
        return Outcome(None, [t(state.lang, "abandoned")], abandoned=True)
    if choice == "submit":
        # The date may have slipped into the past while the draft waited.
        if state.answers.stop_date is not None:
            try:
                _check_date(state.answers.stop_date.isoformat(), ctx)
            except _Reask as reask:
                state.answers.stop_date = None
                state.step = Step.WHEN
                return Outcome(
                    state, [t(state.lang, reask.key, **reask.params)], prompt_for(state, ctx)
                )
        return Outcome(state, submit=True)
    editable = {f"edit:{step}": step for step in _EDITABLE}
    if choice in editable:
        _edit(state, editable[choice])
        return Outcome(state, [], prompt_for(state, ctx))
    return Outcome(state, [t(state.lang, "hint_choice")], prompt_for(state, ctx))


def on_text(state: DialogueState, text: str, ctx: Context, now: datetime) -> Outcome:
    """A typed message while the dialogue is open."""
    cleaned = clean(text)
    guessed = detect_lang(cleaned)
    if guessed is not None and guessed != state.lang:
        state = state.model_copy(update={"lang": guessed})
    if fold(cleaned) in CANCEL_WORDS:
        return Outcome(None, [t(state.lang, "abandoned")], abandoned=True)
    return _answer(state, cleaned, True, ctx, now)


def on_choice(state: DialogueState, step: str, value: str, ctx: Context, now: datetime) -> Outcome:
    """A button click; `step` is the step the button was rendered for."""
    if step != state.step:
        return Outcome(state, [t(state.lang, "stale_button")], prompt_for(state, ctx))
    return _answer(state, value, False, ctx, now)
