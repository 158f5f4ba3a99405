"""The text key of each value that is said in words. Keys are looked up here, never
built from the value, so a test can prove that every key a program can ask for
exists, and a new enum value without a text fails that test instead of a user."""

from __future__ import annotations

from conversations.approval import Deny
from conversations.dates import Month, Shortcut, Weekday
from conversations.faq.matcher import Verdict
from conversations.model import (
    ApprovalMode,
    Backup,
    Billing,
    Compliance,
    Linked,
    Reason,
    RequestStatus,
    RiskFlag,
    Step,
)

# -- the dialogue's choices and fields ---------------------------------------

REASON_KEY: dict[Reason, str] = {
    Reason.NOT_NEEDED: "c_reason_not_needed",
    Reason.TOO_EXPENSIVE: "c_reason_too_expensive",
    Reason.ALTERNATIVE: "c_reason_alternative",
    Reason.SECURITY: "c_reason_security",
    Reason.OTHER: "c_reason_other",
}
BACKUP_KEY: dict[Backup, str] = {
    Backup.DONE: "c_backup_done",
    Backup.NOT_YET: "c_backup_not_yet",
    Backup.NOT_NEEDED: "c_backup_not_needed",
}
LINKED_KEY: dict[Linked, str] = {
    Linked.MAILBOX: "c_linked_mailbox",
    Linked.FILES: "c_linked_files",
    Linked.INTEGRATIONS: "c_linked_integrations",
    Linked.SSO: "c_linked_sso",
}
BILLING_KEY: dict[Billing, str] = {
    Billing.REFUND: "c_billing_refund",
    Billing.END_OF_TERM: "c_billing_end_of_term",
    Billing.UNSURE: "c_billing_unsure",
    Billing.NOT_PAID: "c_billing_not_paid",
}
COMPLIANCE_KEY: dict[Compliance, str] = {
    Compliance.KEEP: "c_compliance_keep",
    Compliance.NONE: "c_compliance_none",
    Compliance.UNKNOWN: "c_compliance_unknown",
}
SHORTCUT_KEY: dict[Shortcut, str] = {
    Shortcut.TOMORROW: "c_date_tomorrow",
    Shortcut.NEXT_MONDAY: "c_date_next_monday",
    Shortcut.END_OF_MONTH: "c_date_end_of_month",
}
# -- dates said in words -----------------------------------------------------

WEEKDAY_KEY: dict[Weekday, str] = {
    Weekday.MONDAY: "wd_monday",
    Weekday.TUESDAY: "wd_tuesday",
    Weekday.WEDNESDAY: "wd_wednesday",
    Weekday.THURSDAY: "wd_thursday",
    Weekday.FRIDAY: "wd_friday",
    Weekday.SATURDAY: "wd_saturday",
    Weekday.SUNDAY: "wd_sunday",
}
MONTH_KEY: dict[Month, str] = {
    Month.JANUARY: "month_january",
    Month.FEBRUARY: "month_february",
    Month.MARCH: "month_march",
    Month.APRIL: "month_april",
    Month.MAY: "month_may",
    Month.JUNE: "month_june",
    Month.JULY: "month_july",
    Month.AUGUST: "month_august",
    Month.SEPTEMBER: "month_september",
    Month.OCTOBER: "month_october",
    Month.NOVEMBER: "month_november",
    Month.DECEMBER: "month_december",
}
# The field a step asks for, as the summary and the status command name it.
STEP_KEY: dict[Step, str] = {
    Step.TARGET: "f_target",
    Step.TARGET_OTHER: "f_target",
    Step.REASON: "f_reason",
    Step.REASON_TEXT: "f_reason",
    Step.WHEN: "f_when",
    Step.BACKUP: "f_backup",
    Step.LINKED: "f_linked",
    Step.BILLING: "f_billing",
    Step.COMPLIANCE: "f_compliance",
    Step.NOTIFY: "f_notify",
    Step.SUMMARY: "f_summary",
}

# -- approvals ----------------------------------------------------------------

STATUS_KEY: dict[RequestStatus, str] = {
    RequestStatus.PENDING: "status_pending",
    RequestStatus.APPROVED: "status_approved",
    RequestStatus.REJECTED: "status_rejected",
    RequestStatus.WITHDRAWN: "status_withdrawn",
}
MODE_KEY: dict[ApprovalMode, str] = {
    "any": "mode_any",
    "all": "mode_all",
}
FLAG_KEY: dict[RiskFlag, str] = {
    RiskFlag.NO_BACKUP: "flag_no_backup",
    RiskFlag.COMPLIANCE_UNKNOWN: "flag_compliance_unknown",
    RiskFlag.RECORDS_TO_KEEP: "flag_records_to_keep",
    RiskFlag.NO_REFUND_PLAN: "flag_no_refund_plan",
    RiskFlag.LINKED_SERVICES: "flag_linked_services",
    RiskFlag.SECURITY: "flag_security",
    RiskFlag.SHORT_NOTICE: "flag_short_notice",
}
DENY_KEY: dict[Deny, str] = {
    Deny.NOT_PENDING: "deny_not_pending",
    Deny.STALE_CARD: "deny_stale_card",
    Deny.SELF_APPROVAL: "deny_self_approval",
    Deny.NOT_APPROVER: "deny_not_approver",
    Deny.ALREADY_VOTED: "deny_already_voted",
    Deny.REASON_REQUIRED: "deny_reason_required",
    Deny.BAD_DELEGATE: "deny_bad_delegate",
    Deny.NOT_REQUESTER: "deny_not_requester",
}

# -- FAQ ----------------------------------------------------------------------

# What the FAQ did with a question, in the transcript handed to a human.
FAQ_OUTCOME_KEY: dict[Verdict, str] = {
    # An answer names its topic, which the transcript shows instead of this.
    Verdict.ANSWER: "faq_outcome_unknown",
    Verdict.SUGGEST: "faq_outcome_suggest",
    Verdict.UNKNOWN: "faq_outcome_unknown",
}
