"""The @-mentions at the edges of a DingTalk message: a group message to the robot
starts with "@robot" (DingTalk writes a mention as "@name" in the text), and people
also name it last ("拒绝 SR-… 不行 @stopbot"). A mention inside a sentence is part of
it and stays ("ask @李四 about it").

A mention is a whitespace-separated word that starts with "@" or a full-width "＠".
The words are found by one linear pass, never by a regex that repeats a group of
quantifiers: on a 4000-character message of "@" and spaces such a regex backtracks
for hours, on the event loop.
"""

from __future__ import annotations

import re

_MARKS = ("@", "\uff20")
_WORD = re.compile(r"\S+")  # a maximal run: nothing to backtrack into


def without_mentions(text: str, *, leading: bool = True, trailing: bool = True) -> str:
    """`text` without the mentions it starts with (`leading`) and ends with
    (`trailing`), nor the whitespace beside them; untouched where there are none."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    first, last = 0, len(words)
    if leading:
        while first < last and text.startswith(_MARKS, words[first][0]):
            first += 1
    if trailing:
        while last > first and text.startswith(_MARKS, words[last - 1][0]):
            last -= 1
    if first == last:
        return "" if first or last < len(words) else text
    start = words[first][0] if first else 0
    end = words[last - 1][1] if last < len(words) else len(text)
    return text[start:end]
