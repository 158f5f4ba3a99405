"""The stop-request dialogue: which question comes next, what counts as an answer,
and the summary. Pure: state in, state and what to say out."""

from conversations.model import Step
from conversations.stop_request.answers import is_submit, on_choice, on_text
from conversations.stop_request.prompts import (
    answered_line,
    describe,
    describe_target,
    prompt_for,
    step_name,
)
from conversations.stop_request.state import (
    MAX_NOTIFY,
    MAX_TEXT,
    Choice,
    Context,
    DialogueState,
    FaqLookup,
    Outcome,
    Prompt,
    new_dialogue,
    next_step,
)
from conversations.stop_request.vocabulary import CANCEL_WORDS

__all__ = [
    "CANCEL_WORDS",
    "MAX_NOTIFY",
    "MAX_TEXT",
    "Choice",
    "Context",
    "DialogueState",
    "FaqLookup",
    "Outcome",
    "Prompt",
    "Step",
    "answered_line",
    "describe",
    "describe_target",
    "is_submit",
    "new_dialogue",
    "next_step",
    "on_choice",
    "on_text",
    "prompt_for",
    "step_name",
]
