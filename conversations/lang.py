"""Which language someone writes in (zh, en or fr): the bot answers in it.

Three readings, for three uses, deliberately apart (merged, they disagree on about
one text in fifteen of the knowledge base, the dev set and the dialogue answers):
* `detect_lang` is sure or says None, even for one word: it picks the language of a
  conversation that has none yet (a command's words, an event outside a dialogue).
* `clearly_in` says a language only for substantial text (a sentence, not a word):
  an open dialogue changes its language on it and on nothing shorter, so an answer
  such as "edit quoi", "submit", "太贵" or "CRM" never switches what the user reads.
* `guess_lang` always answers, weighing stop words and accents, falling back to the
  user's known language: the FAQ matcher needs a language to tokenise a question.
"""

from __future__ import annotations

import re
import unicodedata

from conversations.model import Lang
from conversations.text import CJK, fold

_FR_ACCENTS = re.compile(r"[éèêëàâçùûôîïœ]")
_WORDS = re.compile(r"[a-zà-ÿ']+")
MAX_TEXT = 500  # characters looked at

# Words that show a language in short dialogue answers.
_FR = frozenset(
    "je j' le la les mon ma mes pas oui non demain fin du mois compte pour avec une des est "
    "que qui quoi sauvegarde sauvegarder annuler arreter logiciel donnees aucun rien semaine "
    "prochain prochaine aujourd'hui trop cher remboursement rembourser envoyer personne "
    "arret fermer supprimer resilier merci".split()
)
_EN = frozenset(
    "the my i account tomorrow yes no end of month not need with is for it we our this that "
    "backup backed up done none nobody software stop week next today don't know".split()
)

# Words that carry no topic: dropped by the FAQ matcher, and a sign of the language.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "a an the i me my mine we our you your he she it its they them their is am are was "
        "were be been being do does did doing have has had having will would shall "
        "can could may might must to of in on at by for with about from into over after "
        "before up down out off and or but if then so than that this these those there here "
        "what which who whom whose when why all any some no not just also too very "
        "please hi hello hey thanks thank ok okay get got still yet now".split()
    ),
    "fr": frozenset(
        "le la les l un une des du de d au aux a à et ou mais donc or ni car je j me m moi "
        "mon ma mes tu te t toi ton ta tes il elle on nous vous ils elles leur leurs se s "
        "son sa ses ce cet cette ces c ça ca qui que qu quoi dont où ou est suis es sont "
        "être etre ai as avez ont avoir fait faire en y ne n pas plus pour par avec sans "
        "sur sous dans chez combien quand pourquoi quel quelle quels quelles si "
        "bonjour merci svp stp est-ce-que".split()
    ),
}
# Words of the questions people ask the FAQ.
_FR_HINTS = frozenset(
    "je j' mon ma mes le la les est pas une des du pour avec comment pourquoi quand "
    "compte donnees perdues rembourse remboursement resilier annuler supprimer "
    "abonnement logiciel approbation demande est-ce que qui quel quelle".split()
)
_EN_HINTS = frozenset(
    "i my the is are how what when why can will do does account data refund cancel "
    "delete close approval request software who which get lost back".split()
)


def detect_lang(text: str) -> Lang | None:
    """A confident guess, or None for text too short or neutral ('CRM', '2026-12-31')."""
    if CJK.search(text):
        return "zh"
    lowered = text.lower()
    if _FR_ACCENTS.search(lowered):
        return "fr"
    words = _WORDS.findall(lowered)
    fr = sum(1 for w in words if w in _FR)
    en = sum(1 for w in words if w in _EN)
    if fr > en and fr >= 1:
        return "fr"
    if en > fr and en >= 1:
        return "en"
    return None


# What makes text substantial enough to change a dialogue's language: Chinese with this
# many characters (a software name such as "钉钉" is shorter), or this many Latin words
# of which this many mark one language and more than twice as many as the other.
_MIN_CJK = 4
_MIN_WORDS = 3
_MIN_MARKS = 2


def clearly_in(text: str) -> Lang | None:
    """The language of a sentence that could only be in that one; None for short or
    mixed text ("edit quoi", "no longer needed" is three words but one marker)."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT]).lower()
    if CJK.search(text):
        return "zh" if len(CJK.findall(text)) >= _MIN_CJK else None
    words = fold(text.replace("’", "'"), keep="'").split()
    if len(words) < _MIN_WORDS:
        return None
    fr, en = _marks(text, words)
    if fr >= _MIN_MARKS and fr > 2 * en:
        return "fr"
    if en >= _MIN_MARKS and en > 2 * fr:
        return "en"
    return None


def _marks(lowered: str, words: list[str]) -> tuple[int, int]:
    """How strongly text reads French and English: accents, and words used in one
    language only (stop words, the words of questions people ask)."""
    fr = len(_FR_ACCENTS.findall(lowered)) * 2
    en = 0
    stop_fr, stop_en = STOP_WORDS["fr"], STOP_WORDS["en"]
    for word in words:
        if word in _FR_HINTS or (word in stop_fr and word not in stop_en):
            fr += 1
        if word in _EN_HINTS or (word in stop_en and word not in stop_fr):
            en += 1
    return fr, en


def guess_lang(text: str, fallback: Lang) -> Lang:
    """zh when Chinese characters are at least as many as the Latin words around them
    ("CRM账号注销后data还在吗"); else French or English by the stop words and accents
    the Latin words use, so that a sentence naming "钉钉" or "企业微信" stays in its own
    language: the FAQ answers in it and reads its words as such (a few Chinese lines
    written mostly in English, such as "how to 停用 Jira", now read as English); zh when
    those words mark neither, else `fallback` (the user's known language)."""
    lowered = unicodedata.normalize("NFKC", text[:MAX_TEXT]).lower()
    words = fold(lowered.replace("’", "'"), keep="'").split()
    chinese = len(CJK.findall(lowered))
    latin = [w for w in words if not CJK.search(w)]
    if chinese and chinese >= len(latin):
        return "zh"
    fr, en = _marks(lowered, latin)
    if fr > en:
        return "fr"
    if en > fr:
        return "en"
    return "zh" if chinese else fallback
