"""The example bank next to the knowledge base: more ways people ask each question,
one text file per language and topic, checked line by line.

    <folder>/<lang>/<topic-id>.txt     one question per line, `#` starts a comment
    <folder>/<lang>/_off-topic.txt     questions no topic may answer

Keeping them out of the YAML file keeps the knowledge base short enough to edit by
hand. Every problem is reported as ``file:line: ...`` (or ``file: ...`` for a file
that should not be there), all at once, so one `kb check` lists what to fix.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from conversations.faq.kb import MAX_TEXT, KnowledgeBase
from conversations.model import LANGS, Lang

OFF_TOPIC = "_off-topic"
"""The file name (without .txt) of a language's off-topic questions."""
SUFFIX = ".txt"
_BOM = b"\xef\xbb\xbf"
_OFF_TOPIC_LABEL = "the off-topic questions"


@dataclass
class Bank:
    """The questions read, per topic id and language, and the off-topic ones."""

    examples: dict[str, dict[Lang, list[str]]] = field(default_factory=dict)
    out_of_domain: dict[Lang, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        topics = sum(len(lines) for by_lang in self.examples.values() for lines in by_lang.values())
        return topics + sum(len(lines) for lines in self.out_of_domain.values())


def question_key(question: str) -> str:
    """What makes two questions the same example: case and spacing do not count."""
    return " ".join(question.casefold().split())


def _label(name: str) -> str:
    return _OFF_TOPIC_LABEL if name == OFF_TOPIC else f"topic {name!r}"


def _expected_file_names(kb: KnowledgeBase) -> list[str]:
    return [OFF_TOPIC, *(topic.id for topic in kb.topics)]


def read_bank(folder: Path, kb: KnowledgeBase, kb_source: str, borrowed: bool = False) -> Bank:
    """Reads and checks every file of the bank against `kb` (its topic ids, and its own
    examples, which a bank line must not repeat); `kb_source` names the KB file in
    messages. The lines are returned even when there are errors.

    `borrowed`: the bank is the bundled one, read for an edited copy of the bundled
    knowledge base (bot/files/kb.py): files for topics the copy does not have, and
    lines it already has, are skipped rather than refused."""
    bank = Bank()
    names = _expected_file_names(kb)
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if entry.name in LANGS:
                _read_language(entry, entry.name, names, kb, kb_source, bank, borrowed)
            else:
                bank.errors.append(
                    f"{entry}: unknown language folder {entry.name!r} (expected {', '.join(LANGS)})"
                )
        elif entry.suffix == SUFFIX:
            bank.errors.append(
                f"{entry}: example files go in a language folder, e.g. "
                f"{folder / LANGS[0] / entry.name}"
            )
    return bank


def _read_language(
    folder: Path,
    lang: Lang,
    names: list[str],
    kb: KnowledgeBase,
    kb_source: str,
    bank: Bank,
    borrowed: bool,
) -> None:
    # Where each question was first seen in this language: (file, line, topic name).
    seen: dict[str, tuple[str, int, str]] = {}
    for topic in kb.topics:
        for example in topic.examples.get(lang):
            seen.setdefault(question_key(example), (kb_source, 0, topic.id))
    for example in kb.out_of_domain.get(lang):
        seen.setdefault(question_key(example), (kb_source, 0, OFF_TOPIC))
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        name = path.name.removesuffix(SUFFIX)
        if path.suffix != SUFFIX or not path.is_file():
            bank.errors.append(
                f"{path}: not an example file: expected <topic-id>{SUFFIX} or {OFF_TOPIC}{SUFFIX}"
            )
            continue
        if name not in names and borrowed:
            continue
        if name not in names:
            guess = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            hint = f"; did you mean {guess[0]}{SUFFIX}?" if guess else " in the knowledge base"
            bank.errors.append(f"{path}: no topic {name!r}{hint}")
            continue
        # Borrowed lines that repeat the copy's own examples are dropped, not refused.
        errors: list[str] = [] if borrowed else bank.errors
        lines = _read_lines(path, name, seen, errors)
        if name == OFF_TOPIC:
            bank.out_of_domain[lang] = lines
        else:
            bank.examples.setdefault(name, {})[lang] = lines


def _read_lines(
    path: Path, name: str, seen: dict[str, tuple[str, int, str]], errors: list[str]
) -> list[str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        errors.append(f"{path}: cannot read: {exc.strerror or exc}")
        return []
    lines: list[str] = []
    for number, chunk in enumerate(raw.removeprefix(_BOM).split(b"\n"), start=1):
        try:
            line = chunk.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            errors.append(
                f"{path}:{number}: not valid UTF-8 "
                f"({exc.reason} at byte {exc.start + 1} of the line)"
            )
            continue
        if not line or line.startswith("#"):
            continue
        if len(line) > MAX_TEXT:
            errors.append(f"{path}:{number}: {len(line)} characters, more than {MAX_TEXT}")
            continue
        where = f"{path}:{number}"
        first = seen.setdefault(question_key(line), (str(path), number, name))
        if first != (str(path), number, name):
            errors.append(f"{where}: {_duplicate(first, name)}")
            continue
        lines.append(line)
    if not lines and not any(e.startswith(f"{path}:") for e in errors):
        errors.append(f"{path}:1: no example questions (only comments or blank lines)")
    return lines


def _duplicate(first: tuple[str, int, str], name: str) -> str:
    source, line, other = first
    if other != name:
        where = f"at {source}:{line}" if line else f"in {source}"
        return (
            f"also listed for {_label(other)} {where}: an example must belong to one "
            "topic only (reword or drop one)"
        )
    return f"duplicate of {source}:{line}" if line else f"already in {source}"


def bank_stamp(folder: Path) -> tuple[int, ...]:
    """Changes whenever a file of the bank is edited, added or removed (for hot reload)."""
    if not folder.is_dir():
        return ()
    stamps: list[int] = []
    for directory in [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]:
        for path in [directory, *sorted(directory.glob(f"*{SUFFIX}"))]:
            try:
                stamps.append(path.stat().st_mtime_ns)
            except OSError:
                stamps.append(0)
    return tuple(stamps)
