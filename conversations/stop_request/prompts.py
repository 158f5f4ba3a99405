"""What the dialogue says: the question of each step with its choices, and the
answers written out for the summary and the approval card."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from conversations.dates import Shortcut, parse_date
from conversations.i18n import listing, t
from conversations.i18n.key_maps import (
    BACKUP_KEY,
    BILLING_KEY,
    COMPLIANCE_KEY,
    LINKED_KEY,
    REASON_KEY,
    SHORTCUT_KEY,
    STEP_KEY,
)
from conversations.long_date import long_date
from conversations.model import (
    Answers,
    Backup,
    Billing,
    Compliance,
    Lang,
    Linked,
    Reason,
    Step,
    Target,
    TargetKind,
    software_choice,
)
from conversations.stop_request.state import (
    Choice,
    Context,
    DialogueState,
    Prompt,
    needs_billing,
)

# The steps the summary can send the user back to, with the word that may be typed for
# each ("edit when").
FIELD_OF: dict[Step, str] = {
    Step.TARGET: "target",
    Step.REASON: "reason",
    Step.WHEN: "when",
    Step.BACKUP: "backup",
    Step.LINKED: "linked",
    Step.BILLING: "billing",
    Step.COMPLIANCE: "compliance",
    Step.NOTIFY: "notify",
}
EDITABLE = list(FIELD_OF)


def _date_choices(lang: Lang, today: date) -> list[Choice]:
    return list(_date_choices_of_day(lang, today))


@lru_cache(maxsize=16)
def _date_choices_of_day(lang: Lang, today: date) -> tuple[Choice, ...]:
    out: list[Choice] = []
    for shortcut in Shortcut:
        d = parse_date(shortcut, today, lang)
        if d is not None and d >= today and all(c.value != d.isoformat() for c in out):
            out.append(Choice(d.isoformat(), t(lang, SHORTCUT_KEY[shortcut], date=d.isoformat())))
    return tuple(out)


def prompt_for(state: DialogueState, ctx: Context) -> Prompt:
    lang, a = state.lang, state.answers
    match state.step:
        case Step.TARGET:
            choices = [Choice(TargetKind.OWN_ACCOUNT, t(lang, "c_own_account"))]
            choices += [Choice(software_choice(item.name), item.name) for item in ctx.catalog]
            choices.append(Choice(TargetKind.OTHER, t(lang, "c_other_target")))
            return Prompt(t(lang, "q_target"), choices)
        case Step.TARGET_OTHER:
            return Prompt(t(lang, "q_target_other"))
        case Step.REASON:
            return Prompt(t(lang, "q_reason"), [Choice(v, t(lang, REASON_KEY[v])) for v in Reason])
        case Step.REASON_TEXT:
            return Prompt(t(lang, "q_reason_text"))
        case Step.WHEN:
            return Prompt(t(lang, "q_when"), _date_choices(lang, ctx.today))
        case Step.BACKUP:
            return Prompt(t(lang, "q_backup"), [Choice(v, t(lang, BACKUP_KEY[v])) for v in Backup])
        case Step.LINKED:
            picked = set(state.linked_pick)
            choices = [
                Choice(v, ("✓ " if v in picked else "") + t(lang, LINKED_KEY[v])) for v in Linked
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
            return Prompt(text, [Choice(v, t(lang, BILLING_KEY[v])) for v in values])
        case Step.COMPLIANCE:
            choices = [Choice(v, t(lang, COMPLIANCE_KEY[v])) for v in Compliance]
            return Prompt(t(lang, "q_compliance"), choices)
        case Step.NOTIFY:
            return Prompt(t(lang, "q_notify"), [Choice("none", t(lang, "c_notify_none"))])
        case Step.SUMMARY:
            fields = describe(a, lang, state.user)
            edits = [
                Choice(f"edit:{step}", t(lang, "c_edit", field=t(lang, STEP_KEY[step])))
                for step in EDITABLE
                if step is not Step.BILLING or needs_billing(a)
            ]
            edits.append(Choice("submit", t(lang, "c_submit"), "primary"))
            edits.append(Choice("cancel", t(lang, "c_cancel"), "danger"))
            return Prompt(t(lang, "summary"), edits, fields)
    raise AssertionError(state.step)


def step_name(step: Step, lang: Lang) -> str:
    """A step as the user knows it: the field it asks for ("Stop date"), or "Summary"."""
    return t(lang, STEP_KEY[step])


def answered_line(before: Step, after: DialogueState) -> str | None:
    """The one line that replaces a question once it is answered ("✓ Why: Too
    expensive"), or None when the answer did not complete the step."""
    step = {Step.TARGET_OTHER: Step.TARGET, Step.REASON_TEXT: Step.REASON}.get(before, before)
    if step not in FIELD_OF or after.step == before:
        return None
    label = t(after.lang, STEP_KEY[step])
    value = dict(describe(after.answers, after.lang, after.user)).get(label)
    if value is None:
        return None
    return "✓ " + t(after.lang, "field_row", label=label, value=value)


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
    reason = t(lang, REASON_KEY[a.reason]) if a.reason else "-"
    if a.reason is Reason.OTHER and a.reason_text:
        reason = a.reason_text
    elif a.reason_text:
        reason = t(lang, "field_row", label=reason, value=a.reason_text)
    rows = [
        (t(lang, "f_target"), describe_target(a.target, lang, requester)),
        (t(lang, "f_reason"), reason),
        # The weekday and the date in words: the user sees which day "next friday" was.
        (t(lang, "f_when"), long_date(a.stop_date, lang) if a.stop_date else "-"),
        (t(lang, "f_backup"), t(lang, BACKUP_KEY[a.backup]) if a.backup else "-"),
        (
            t(lang, "f_linked"),
            listing(lang, (t(lang, LINKED_KEY[x]) for x in a.linked)) if a.linked else none,
        ),
    ]
    if needs_billing(a):
        rows.append((t(lang, "f_billing"), t(lang, BILLING_KEY[a.billing]) if a.billing else "-"))
    rows.append(
        (t(lang, "f_compliance"), t(lang, COMPLIANCE_KEY[a.compliance]) if a.compliance else "-")
    )
    rows.append((t(lang, "f_notify"), listing(lang, a.notify) if a.notify else none))
    return rows
