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
        latin = [p for p in parts if _latin_edged(p)]
        # Others first: a longer name such as "OA钉钉" must win over "OA". The Latin
        # names share one boundary check: 15 times faster than one check per name.
        alternatives = [_bounded(p) for p in parts if not _latin_edged(p)]
        if latin:
            words = "|".join(_spaced(p) for p in latin)
            alternatives.append(f"(?<![{_LATIN}])(?:{words})(?![{_LATIN}])")
        self._pattern = re.compile("|".join(alternatives), re.IGNORECASE) if parts else None

    def masked(self, text: str) -> str:
        """The text (its first MAX_QUESTION characters) with each name replaced by the
        placeholder; the text itself when it holds nothing but names (a bare "Zoom?"
        has to be read by its name)."""
        text = text[:MAX_QUESTION]
        if self._pattern is None:
            return text
        rest = self._pattern.split(text)  # the text around the names
        if len(rest) == 1 or not any(c.isalnum() for piece in rest for c in piece):
            return text
        # Spaced, so that the placeholder is a word of its own ("钉钉app" -> "X app").
        return _SPACES.sub(" ", f" {PLACEHOLDER} ".join(rest)).strip()


_SPACES = re.compile(r"\s+")
_LATIN = "A-Za-z0-9\u00c0-\u024f"  # letters and digits of Latin words, accented ones too


def _latin_edged(name: str) -> bool:
    """Whether the name starts and ends with a Latin letter or digit: it must then not
    be part of a longer Latin word."""
    return bool(re.match(f"[{_LATIN}]", name) and re.match(f"[{_LATIN}]", name[-1]))


def _spaced(name: str) -> str:
    """The name as a pattern, any spaces between its words optional."""
    return r"\s*".join(re.escape(word) for word in name.split())


def _bounded(name: str) -> str:
    """A name that is not Latin at both ends: checked only on its Latin end, if any."""
    before = f"(?<![{_LATIN}])" if re.match(f"[{_LATIN}]", name) else ""
    after = f"(?![{_LATIN}])" if re.match(f"[{_LATIN}]", name[-1]) else ""
    return f"{before}{_spaced(name)}{after}"


NO_PRODUCT_NAMES = ProductNames(())
