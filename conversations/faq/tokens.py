"""How questions become features for the matcher, in Chinese, English and French.

* Folding: NFKC (full-width to ASCII), lower case, traditional Chinese to simplified,
  accents dropped, punctuation to spaces: "註銷帳號" and "注销账号", "Résilier" and
  "resilier" are the same text.
* Words: Chinese is segmented with jieba (rjieba, Rust); Latin words are stemmed
  (Snowball, English or French) and stop words dropped.
* Synonyms: each word is mapped to the first word of its synonym group (from the
  knowledge base), so "close", "deactivate" and "terminate" all count as "cancel".
* Typos: character n-grams (trigrams in Latin words, single characters and bigrams in
  Chinese) overlap even when a word is misspelt ("rembourssement", "acount", "注消").

Each feature is a string with a prefix telling its kind ("w:", "c:"), so the matcher
can weight words above n-grams.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

import rjieba
import snowballstemmer
import zhconv

from conversations.lang import STOP_WORDS
from conversations.model import Lang
from conversations.text import CJK, fold

MAX_QUESTION = 500  # characters looked at; a longer message is not a FAQ question

_CJK_RUN = re.compile(CJK.pattern + "+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

_STOP = STOP_WORDS
_ZH_STOP = frozenset(
    "的 了 吗 呢 吧 啊 呀 是 我 你 他 她 它 我们 你们 他们 这 那 这个 那个 有 在 和 与 及 "
    "就 都 也 还 要 会 能 可以 请问 请 一下 什么 为什么 哪 哪里 哪些 吗？ 么 嘛 "
    "下 个 把 被 给 让 对 从 到 用 不 没 没有 很 太 好 自己".split()
)

_STEMMERS = {
    "en": snowballstemmer.stemmer("english"),
    "fr": snowballstemmer.stemmer("french"),
}


@lru_cache(maxsize=4096)
def _to_simplified(run: str) -> str:
    return str(zhconv.convert(run, "zh-cn"))


def fold_question(text: str) -> str:
    """Folds a question for matching: `conversations.text.fold`, traditional Chinese
    to simplified, typographic apostrophes to plain ones (kept: "l'abonnement")."""
    folded = fold(text[:MAX_QUESTION].replace("’", "'"), keep="'")
    return _CJK_RUN.sub(lambda m: _to_simplified(m.group(0)), folded)


class Synonyms:
    """Maps each word to its group's first word, per language, after folding and stemming."""

    def __init__(self, groups: Mapping[str, Iterable[Iterable[str]]]) -> None:
        self._map: dict[str, str] = {}
        self._phrases: list[tuple[str, str]] = []  # multi-word entries, longest first
        for lang, lang_groups in groups.items():
            for group in lang_groups:
                words = [w for w in group if w.strip()]
                if not words:
                    continue
                head = self._key(words[0], lang)
                for word in words:
                    key = self._key(word, lang)
                    if " " in key:
                        self._phrases.append((key, head))
                    elif key:
                        self._map.setdefault(key, head)
        self._phrases.sort(key=lambda p: -len(p[0]))

    @staticmethod
    def _key(word: str, lang: str) -> str:
        folded = fold_question(word)
        if CJK.search(folded) or lang == "zh":
            return folded.replace(" ", "")
        stemmer = _STEMMERS.get(lang)
        parts = folded.split()
        if stemmer is not None:
            parts = stemmer.stemWords(parts)
        return " ".join(parts)

    def word(self, token: str) -> str:
        return self._map.get(token, token)

    def phrases(self, text: str) -> str:
        """Replaces multi-word synonyms ("shut down", "money back") in stemmed text."""
        for phrase, head in self._phrases:
            if phrase in text:
                text = re.sub(rf"(?<!\S){re.escape(phrase)}(?!\S)", head.replace(" ", "_"), text)
        return text


NO_SYNONYMS = Synonyms({})


def _latin_words(text: str, lang: str) -> list[str]:
    words = [w for w in _LATIN_WORD.findall(text) if len(w) > 1 or w.isdigit()]
    kept = [w for w in words if w not in _STOP[lang]]
    return list(_STEMMERS[lang].stemWords(kept))


def features(text: str, lang: Lang, synonyms: Synonyms = NO_SYNONYMS) -> list[str]:
    """The bag of features of a question or an example (duplicates kept: counts matter)."""
    folded = fold_question(text)
    out: list[str] = []
    # Chinese runs: words from jieba, then characters and bigrams for typo tolerance.
    for run in _CJK_RUN.findall(folded):
        for word in rjieba.cut(run):
            if word not in _ZH_STOP and word.strip():
                out.append("w:" + synonyms.word(word))
        chars = [c for c in run if c not in _ZH_STOP]
        out += ["c:" + c for c in chars]
        out += ["c:" + run[i : i + 2] for i in range(len(run) - 1)]
    latin = _CJK_RUN.sub(" ", folded)
    stems = _latin_words(latin, "fr" if lang == "fr" else "en")
    joined = synonyms.phrases(" ".join(stems))
    for stem in joined.split():
        stem = synonyms.word(stem)
        out.append("w:" + stem)
        padded = f"<{stem}>"
        if len(stem) > 3:
            out += ["c:" + padded[i : i + 3] for i in range(len(padded) - 2)]
    return out
