"""Reading the FAQ knowledge base file, with problems reported as ``file:line: ...``."""

from __future__ import annotations

from pathlib import Path

from bot.files.yamlfile import YamlFileError, check_file, load_model, read_text
from conversations.faq.kb import KnowledgeBase


class KbError(YamlFileError):
    """The knowledge base could not be loaded; ``errors`` are ``file:line: ...`` lines."""


def bundled_kb_path() -> Path:
    return Path(__file__).parent.parent / "defaults" / "faq.yaml"


def load_kb_text(text: str, source: str = "<kb>") -> KnowledgeBase:
    try:
        return load_model(text, source, KnowledgeBase, "the knowledge base", "'topics:'")
    except YamlFileError as exc:
        raise KbError(exc.errors) from None


def load_kb(path: str | Path) -> KnowledgeBase:
    try:
        return load_kb_text(read_text(path, "knowledge base"), str(path))
    except YamlFileError as exc:
        raise KbError(exc.errors) from None


def check_kb_file(path: str | Path) -> list[str]:
    """Validate a file; an empty list means it is fine."""
    return check_file(load_kb, path)
