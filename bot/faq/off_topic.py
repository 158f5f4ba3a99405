"""Near misses to decline, for a knowledge base that has too few of its own.

The matcher learns to decline from off-topic examples. Without them, a small
knowledge base answers nearly anything with one of its topics: measured with two
topics of two examples each, all seven unrelated French and all seven Chinese
questions tried ("on mange quoi ce midi", "打印机坏了") got an answer. So in a
language where a knowledge base has fewer than `FEW_OFF_TOPIC` off-topic examples,
the bundled ones (the example bank's near misses: cancelling a meeting, resetting a
password, leave, payroll, travel refunds...) join its index as neighbours only: a
question nearer to one of them than to the topic's nearest example is declined
(`conversations/faq/matcher.py`), while the classifiers still learn the knowledge
base's own examples alone. They are off-topic for most bots that stop accounts and
software; a bundled line equal to one of the knowledge base's own examples is left
out here, and one nearly as near to one of its topic examples when the index is
built (`conversations/faq/index.py`: a knowledge base with a "password" topic keeps
answering it). A knowledge base with `FEW_OFF_TOPIC` off-topic examples of its own
in a language borrows none there. The neighbours serve questions in any language
(the encoder is multilingual).
"""

from __future__ import annotations

import logging
from functools import cache

from bot.files.kb import bundled_kb_path, load_kb
from bot.files.kb_bank import question_key
from conversations.faq.kb import KnowledgeBase
from conversations.model import LANGS, Lang

log = logging.getLogger(__name__)

FEW_OFF_TOPIC = 50
"""Below this many off-topic examples in a language, the bundled ones are borrowed."""


@cache
def _bundled() -> dict[Lang, tuple[str, ...]]:
    kb = load_kb(bundled_kb_path())
    return {lang: tuple(kb.out_of_domain.get(lang)) for lang in LANGS}


def borrowed_near_misses(kb: KnowledgeBase) -> dict[Lang, list[str]]:
    """The bundled off-topic questions, in the languages where `kb` has few."""
    few = [lang for lang in LANGS if len(kb.out_of_domain.get(lang)) < FEW_OFF_TOPIC]
    if not few:
        return {}
    log.warning(
        "the FAQ knowledge base has few off-topic examples: bundled ones are borrowed "
        "to decline unrelated questions; list your own to borrow none",
        extra={"languages": few, "at_least": FEW_OFF_TOPIC},
    )
    own = {
        question_key(text)
        for lang in few
        for text in [
            *kb.out_of_domain.get(lang),
            *(t for x in kb.topics for t in x.examples.get(lang)),
        ]
    }
    return {lang: [t for t in _bundled()[lang] if question_key(t) not in own] for lang in few}
