"""The names of the FAQ report's counters: written by the FAQ handler and the FAQ log,
read by `stopbot faq stats`."""

from __future__ import annotations

from conversations.faq.matcher import Verdict

HANDOFF = "_handoff"  # questions passed to a human


def answered(topic: str) -> str:
    return f"{topic}:answered"


def votes(topic: str, helpful: bool) -> str:
    return f"{topic}:{'up' if helpful else 'down'}"


def without_topic(verdict: Verdict) -> str:
    """Questions the bot answered with "did you mean" (suggest) or "I don't know"."""
    return f"_{verdict}"
