"""Cleaning and reading what users type: control characters, length limits, folding
for matching, and matching a typed answer against the words of each choice."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

# Everything a user types is stored as text and escaped by each adapter when it is
# rendered; here we only drop what no renderer should ever receive (terminal
# escapes, NULs, bidi overrides) and bound the size.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """Replaces lone surrogates (undecodable bytes kept by Python's surrogateescape, or
    an unpaired \\uXXXX escape in JSON) with U+FFFD, so the text can be encoded."""
    return _SURROGATE.sub("\ufffd", text)


def clean(text: str) -> str:
    text = unicodedata.normalize("NFC", valid_unicode(text))
    text = _ANSI.sub("", text)
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str, keep: str = ":@.+-") -> str:
    """Lower-case, NFKC (full-width to ASCII), accents removed, punctuation to spaces
    but for `keep` (by default what ids and dates are made of)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    text = _punctuation(keep).sub(" ", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=8)
def _punctuation(keep: str) -> re.Pattern[str]:
    return re.compile(rf"[^\w\s{re.escape(keep)}]")


# Synonyms and labels are a small fixed set: fold each once. User text is folded per
# call and never cached, so a flood of long messages cannot grow memory.
_fold_word = lru_cache(maxsize=4096)(fold)


CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _is_cjk(s: str) -> bool:
    return bool(CJK.search(s))


def _is_edge(ch: str) -> bool:
    return ch.isspace() or bool(CJK.match(ch))


def _has_word(folded: str, word: str) -> bool:
    """`word` stands alone in `folded`: bounded by a space, an end, or a CJK character
    (Chinese puts no spaces around Latin words: "停用CRM")."""
    start = folded.find(word)
    while start != -1:
        end = start + len(word)
        if (start == 0 or _is_edge(folded[start - 1])) and (
            end == len(folded) or _is_edge(folded[end])
        ):
            return True
        start = folded.find(word, start + 1)
    return False


def _answer(text: str) -> str:
    """A typed answer folded for matching, without the full stop that ends it ("No.")."""
    return fold(text).rstrip(". ")


def match_choice(text: str, synonyms: Mapping[str, Iterable[str]]) -> str | None:
    """The choice whose synonym best matches `text`: an exact match wins, else the longest
    synonym contained in it (whole words for Latin script). Ties between choices -> None."""
    folded = _answer(text)
    if not folded:
        return None
    best: tuple[int, str] | None = None
    tie = False
    for value, words in synonyms.items():
        for word in words:
            w = _fold_word(word)
            if not w:
                continue
            if w == folded:
                return value
            hit = (w in folded) if _is_cjk(w) else _has_word(folded, w)
            if not hit:
                continue
            if best is None or len(w) > best[0]:
                best, tie = (len(w), value), False
            elif len(w) == best[0] and best[1] != value:
                tie = True
    if best is None or tie:
        return None
    return best[1]


def part_of(text: str, labels: Mapping[str, Iterable[str]]) -> list[str]:
    """The choices with a label that contains `text` as a run of whole words (any run
    of characters for Chinese): "laisser courir" is part of "Laisser courir la période
    payée, sans renouvellement", "finance" of "Not sure, ask finance". In the order
    given; several means the text is ambiguous."""
    folded = _answer(text)
    if not folded:
        return []
    found: list[str] = []
    for value, words in labels.items():
        for word in words:
            w = _fold_word(word)
            if w and ((folded in w) if _is_cjk(folded) else _has_word(w, folded)):
                found.append(value)
                break
    return found


def after_verb(text: str, verbs: Iterable[str]) -> str | None:
    """What follows one of `verbs` (folded, longest first) at the start of `text`,
    folded: "the date" of "change the date", "" for a verb alone, None when no verb
    starts it. A Chinese verb needs no space after it ("修改日期")."""
    folded = fold(text, keep="")
    for verb in verbs:
        if (
            folded == verb
            or folded.startswith(verb + " ")
            or (CJK.match(verb) and folded.startswith(verb))
        ):
            return folded[len(verb) :].strip()
    return None
