"""Whether a message is asked as a question, in Chinese, English or French.

Inside a dialogue this decides whether a message may be a detour into the FAQ: the
matcher finds a topic for almost anything ("security", "nobody", "edit why"), so the
shape of the message has to say that it asks something. Strict on purpose: a short
answer that is not question-shaped is read as an answer (or re-asked with the
step's hint), never answered with an FAQ paragraph.
"""

from __future__ import annotations

import re

from conversations.text import fold

# A question mark after at least one word ("?" alone, or "3?", asks nothing the FAQ knows).
# Read piece by piece between the marks: a search for "letter, anything, mark" would
# rescan the rest of the text from every letter of a long text without one.
_MARKS = re.compile(r"[?？]")
_LETTER = re.compile(r"[^\W\d_]")

# English: a question word first ("how long...", "what's...")...
_EN_WH = frozenset(
    "how what when where why who whom whose which what's whats how's where's who's "
    "when's why's".split()
)
# ...or an auxiliary then its subject ("is it...", "can i...", "will my..."), so that
# "may 31" or "do not notify" are not questions.
_EN_AUX = frozenset(
    "is are am was were do does did can could will would should shall may might must "
    "have has had isn't aren't don't doesn't didn't can't won't wouldn't shouldn't".split()
)
_EN_SUBJECT = frozenset(
    "i you it he she we they my your our their its the this that these those there "
    "someone somebody anyone anybody everyone a an".split()
)

# French: a question word first, "est-ce que" anywhere, or a verb inverted with its
# subject ("puis-je", "faut-il", "y a-t-il", "pouvez-vous").
_FR_WH = frozenset(
    "comment quand pourquoi qui que quoi quel quelle quels quelles ou où combien lequel "
    "laquelle qu'est-ce qu'est".split()
)
_FR_INVERTED = re.compile(
    r"\b[a-zà-ÿ]+-(?:je|tu|nous|vous|ils|elles)\b|\b[a-zà-ÿ]*t-(?:il|elle|on|ils|elles)\b"
)
_FR_NOT_INVERTED = ("rendez-vous",)

# Chinese: a question particle, or an interrogative word that is not used as an
# indefinite ("谁都不通知" = notify nobody, "没什么" = nothing).
_ZH_PARTICLE = re.compile(r"吗|[呢嘛][\s。！!]*$")
_ZH_ASKING = re.compile(
    r"怎么|怎样|如何|为什么|为何|什么|是否|能否|可否|多久|多长时间|多少|几时|哪|谁|"
    r"能不能|会不会|是不是|可不可以|要不要|有没有|行不行|对不对"
)
_ZH_INDEFINITE = re.compile(r"(?:谁|什么|哪[里儿个些]?)(?:都|也)|没(?:有)?什么|不通知谁")


def is_question(text: str) -> bool:
    stripped = text.strip()
    if not stripped:
        return False
    if any(_LETTER.search(piece) for piece in _MARKS.split(stripped)[:-1]):
        return True
    if _ZH_PARTICLE.search(stripped):
        return True
    if _ZH_ASKING.search(_ZH_INDEFINITE.sub("", stripped)):
        return True
    lowered = fold(stripped.replace("’", "'"), keep="'-")
    words = lowered.split()
    if not words:
        return False
    first = words[0]
    if first in _EN_WH or first in _FR_WH:
        return True
    if first in _EN_AUX and len(words) > 2 and words[1] in _EN_SUBJECT:
        return True
    if "est-ce" in lowered or "est ce que" in lowered:
        return True
    inverted = stripped.lower()
    for word in _FR_NOT_INVERTED:
        inverted = inverted.replace(word, " ")
    return bool(_FR_INVERTED.search(inverted))
