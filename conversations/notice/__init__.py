"""The /shutdown-notice dialogue and what a notice is: pure, state in, state and what
to say out. Admins compose a notice (software, stop date, languages, the message from
a localised template, recipients, when), see it exactly as it will appear, and
confirm; the caller then queues it."""

from conversations.notice.answers import check_when, offered, on_choice, on_text, read_langs
from conversations.notice.message import join, notice_text, template, texts
from conversations.notice.prompts import (
    count_recipients,
    describe,
    describe_recipients,
    lang_name,
    prompt_for,
)
from conversations.notice.recipients import (
    MASS_MENTION,
    RecipientProblem,
    check,
    read,
    request_ids_in,
    resolve,
    split,
)
from conversations.notice.schedule import describe as describe_when
from conversations.notice.schedule import local, occurrences, parse_datetime, said
from conversations.notice.state import (
    LANGS,
    MAX_MESSAGE,
    NoticeContext,
    NoticeDraft,
    NoticeOutcome,
    NoticeStep,
    Recipients,
    RequestFacts,
    When,
    new_notice,
)
from conversations.stop_request.state import Prompt

__all__ = [
    "LANGS",
    "MASS_MENTION",
    "MAX_MESSAGE",
    "NoticeContext",
    "NoticeDraft",
    "NoticeOutcome",
    "NoticeStep",
    "Prompt",
    "RecipientProblem",
    "Recipients",
    "RequestFacts",
    "When",
    "check",
    "check_when",
    "count_recipients",
    "describe",
    "describe_recipients",
    "describe_when",
    "join",
    "lang_name",
    "local",
    "new_notice",
    "notice_text",
    "occurrences",
    "offered",
    "on_choice",
    "on_text",
    "parse_datetime",
    "prompt_for",
    "read",
    "read_langs",
    "request_ids_in",
    "resolve",
    "said",
    "split",
    "template",
    "texts",
]
