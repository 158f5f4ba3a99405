"""Reading the FAQ knowledge base file, with problems reported as ``file:line: ...``.

The file may name a folder of more example questions (``examples_dir:``, relative to
the file; see bot/files/kb_bank.py): its lines are checked and added to the topics'
and out-of-domain examples, and any problem in it refuses the whole knowledge base.

A copy of the bundled file, edited elsewhere, still names the bundled folder
(``faq-examples``) that was not copied with it. Then that folder is borrowed from the
bundled knowledge base instead (and a warning says so): its lines for the topics the
copy still has, and its off-topic questions (which teach the matcher what to
decline), are added; files for topics the copy dropped, and lines the copy already
has, are skipped. A file is taken for a copy when at least half of its topics are
bundled ones; any other file naming a missing folder is refused as before.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from bot.files.kb_bank import SUFFIX, read_bank
from bot.files.yamlfile import YamlFileError, check_file, load_model, read_text
from conversations.faq.kb import KnowledgeBase
from conversations.model import LANGS

log = logging.getLogger(__name__)


class KbError(YamlFileError):
    """The knowledge base could not be loaded; ``errors`` are ``file:line: ...`` lines."""


def bundled_kb_path() -> Path:
    return Path(__file__).parent.parent / "defaults" / "faq.yaml"


def load_kb_text(text: str, source: str = "<kb>") -> KnowledgeBase:
    """The knowledge base in `text`, without its example folder (it has no place to
    be relative to)."""
    try:
        return load_model(text, source, KnowledgeBase, "the knowledge base", "'topics:'")
    except YamlFileError as exc:
        raise KbError(exc.errors) from None


def examples_folder(path: str | Path, kb: KnowledgeBase) -> Path | None:
    """The folder of more examples that the knowledge base at `path` names, if any:
    next to the file, or else the bundled folder of that name (see above)."""
    if kb.examples_dir is None:
        return None
    beside = Path(path).parent / kb.examples_dir
    if beside.is_dir():
        return beside
    bundled = bundled_kb_path().parent / kb.examples_dir
    plain_name = Path(kb.examples_dir).name == kb.examples_dir  # nothing like "../x"
    if plain_name and bundled.is_dir() and _copies(kb, bundled):
        return bundled
    return beside


def _copies(kb: KnowledgeBase, bank: Path) -> bool:
    """Whether `kb` looks like a copy of the knowledge base whose bank is `bank`: at
    least half of its topics have a file there."""
    bundled = sum(
        any((bank / lang / f"{topic.id}{SUFFIX}").is_file() for lang in LANGS)
        for topic in kb.topics
    )
    return bool(kb.topics) and 2 * bundled >= len(kb.topics)


def load_kb(path: str | Path) -> KnowledgeBase:
    """The knowledge base at `path` with the examples of the folder it names."""
    try:
        text = read_text(path, "knowledge base")
        kb = load_kb_text(text, str(path))
    except YamlFileError as exc:
        raise KbError(exc.errors) from None
    folder = examples_folder(path, kb)
    if folder is None:
        return kb
    if not folder.is_dir():
        raise KbError(
            [
                f"{path}:{_key_line(text, 'examples_dir')}: examples_dir: folder {str(folder)!r} "
                "not found; copy the example folder next to the knowledge base or remove "
                "the key"
            ]
        )
    borrowed = folder != Path(path).parent / str(kb.examples_dir)
    if borrowed:
        log.warning(
            "the knowledge base's example folder is not beside it: the bundled one is used",
            extra={"kb": str(path), "examples_dir": kb.examples_dir, "borrowed": str(folder)},
        )
    bank = read_bank(folder, kb, str(path), borrowed=borrowed)
    if bank.errors:
        raise KbError(bank.errors)
    return kb.with_more_examples(bank.examples, bank.out_of_domain)


def _key_line(text: str, key: str) -> int:
    """The line of a top-level key (1 if it is not found as such)."""
    match = re.search(rf"^{key}\s*:", text, flags=re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def check_kb_file(path: str | Path) -> list[str]:
    """Validate a file (and its example folder); an empty list means it is fine."""
    return check_file(load_kb, path)
