"""Software names in a question, set aside before its sentence embedding is read.

A name says which software a question is about, never what it asks: the example
bank spreads every name over every topic. The sentence encoder weighs a name as
much as the words around it, so "résilier Asana" (how to cancel) sat nearest to
"réactiver Asana" (reactivate), and short questions went to whichever topic had an
example with the same name. Each name listed in the knowledge base
(`product_names`) is replaced with one placeholder before a question or an example
is embedded; the placeholder keeps the sentence's shape ("exporter l'historique de
X"). The lexical classifier still reads the names: it learns from thousands of
examples how little each one weighs.

Cross-validated on the bundled bank (5 folds, bench/faq_calibrate.py with and
without the list), the blend's top-1 accuracy went from 0.957 / 0.935 / 0.931
(en / fr / zh) to 0.961 / 0.945 / 0.936, and right minus twice wrong at the chosen
thresholds from 0.875 / 0.818 / 0.798 to 0.884 / 0.852 / 0.812. Taking the names
out of the lexical features too did no better.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from conversations.faq.tokens import MAX_QUESTION

PLACEHOLDER = "X"


class ProductNames:
    """Finds the listed names in text: any case, spaces inside a name optional
    ("Office 365", "office365"); a Latin name never inside a longer Latin word ("OA"
    in "OAuth", "Zoom" in "Zoomé"), a Chinese one wherever it is ("钉钉app", "注销OA钉钉")."""

    def __init__(self, names: Iterable[str]) -> None:
        parts = sorted({n.strip() for n in names if n.strip()}, key=lambda n: (-len(n), n))
        self._pattern = (
            re.compile("|".join(_pattern_of(p) for p in parts), re.IGNORECASE) if parts else None
        )

    def masked(self, text: str) -> str:
        """The text (its first MAX_QUESTION characters) with each name replaced by the
        placeholder; the text itself when it holds nothing but names (a bare "Zoom?"
        has to be read by its name)."""
        text = text[:MAX_QUESTION]
        if self._pattern is None:
            return text
        # Spaced, so that the placeholder is a word of its own ("钉钉app" -> "X app").
        out, found = self._pattern.subn(f" {PLACEHOLDER} ", text)
        if not found or not any(c.isalnum() for c in self._pattern.sub("", text)):
            return text
        return _SPACES.sub(" ", out).strip()


_SPACES = re.compile(r"\s+")
_LATIN = "A-Za-z0-9\u00c0-\u024f"  # letters and digits of Latin words, accented ones too


def _pattern_of(name: str) -> str:
    body = r"\s*".join(re.escape(word) for word in name.split())
    before = f"(?<![{_LATIN}])" if re.match(f"[{_LATIN}]", name) else ""
    after = f"(?![{_LATIN}])" if re.match(f"[{_LATIN}]", name[-1]) else ""
    return f"{before}{body}{after}"


NO_PRODUCT_NAMES = ProductNames(())
