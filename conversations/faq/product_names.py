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
(en / fr / zh) to 0.962 / 0.945 / 0.936, and right minus twice wrong at the chosen
thresholds from 0.875 / 0.818 / 0.798 to 0.887 / 0.850 / 0.810. Taking the names
out of the lexical features too did no better.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from conversations.faq.tokens import MAX_QUESTION

PLACEHOLDER = "X"


class ProductNames:
    """Finds the listed names in text: any case, spaces inside a name optional
    ("Office 365", "office365"), never inside a longer Latin word ("OA" in "OAuth")."""

    def __init__(self, names: Iterable[str]) -> None:
        parts = sorted({n.strip() for n in names if n.strip()}, key=lambda n: (-len(n), n))
        self._pattern = (
            re.compile(
                r"(?<![A-Za-z0-9])(?:"
                + "|".join(r"\s*".join(re.escape(w) for w in p.split()) for p in parts)
                + r")(?![A-Za-z0-9])",
                re.IGNORECASE,
            )
            if parts
            else None
        )

    def masked(self, text: str) -> str:
        """The text (its first MAX_QUESTION characters) with each name replaced by the
        placeholder; the text itself when it holds nothing but names (a bare "Zoom?"
        has to be read by its name)."""
        text = text[:MAX_QUESTION]
        if self._pattern is None:
            return text
        out = self._pattern.sub(PLACEHOLDER, text)
        rest = out.replace(PLACEHOLDER, "")
        return out if any(ch.isalnum() for ch in rest) else text


NO_PRODUCT_NAMES = ProductNames(())
