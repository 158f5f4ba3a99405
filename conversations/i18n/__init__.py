"""Every sentence the bot says, in English, Chinese and French.

One catalogue per feature, keyed by message id, so a missing translation is a test
failure, not a user seeing the wrong language. Placeholders use str.format names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from conversations.i18n import (
    approvals,
    calendar,
    commands,
    console,
    dialogue,
    dingtalk,
    faq,
    notices,
)
from conversations.model import Lang

Texts = tuple[str, str, str]  # (en, zh, fr)


def _merge(*catalogues: Mapping[str, Texts]) -> dict[str, Texts]:
    # A key in two catalogues would silently hide one of its texts.
    merged: dict[str, Texts] = {}
    for catalogue in catalogues:
        twice = sorted(merged.keys() & catalogue.keys())
        if twice:
            raise ValueError(f"i18n keys defined in two catalogues: {', '.join(twice)}")
        merged.update(catalogue)
    return merged


_M = _merge(
    dialogue.TEXTS,
    approvals.TEXTS,
    commands.TEXTS,
    faq.TEXTS,
    calendar.TEXTS,
    console.TEXTS,
    notices.TEXTS,
    dingtalk.TEXTS,
)


def t(lang: Lang, key: str, **params: object) -> str:
    return _say(lang, key, params)


def listing(lang: Lang, items: Iterable[str], *, long: bool = False) -> str:
    """Items in a row as `lang` writes a list ("a, b" / "a、b"); `long` for items that
    hold commas themselves ("a; b" / "a；b" / "a ; b")."""
    return t(lang, "list_sep_long" if long else "list_sep").join(items)


def every_lang(key: str) -> Texts:
    """A text in English, Chinese and French: typed answers are read in any language."""
    return _M[key]


class Later:
    """A text chosen before the language it will be said in is known."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params

    def say(self, lang: Lang) -> str:
        return _say(lang, self.key, self.params)


def _say(lang: Lang, key: str, params: Mapping[str, object]) -> str:
    en, zh, fr = _M[key]
    text = {"en": en, "zh": zh, "fr": fr}[lang]
    return text.format(**params) if params else text


def keys() -> list[str]:
    return list(_M)
