"""The FAQ knowledge base: topics with answers in zh/en/fr, example questions,
keywords, synonym groups, and out-of-domain examples. Read from YAML by bot/files/kb.py."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from conversations.model import LANGS, Lang
from conversations.rules import Problem, checked_by, items, listed, text, unique

TopicId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
MAX_TEXT = 2000
"""The longest text (answer, example, keyword) a knowledge base may hold, in characters."""
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
_TOPIC = "topic:"
_ACTION = re.compile(rf"^(start_request|show_status|ask_human|{_TOPIC}[a-z0-9][a-z0-9-]{{0,63}})$")
VERSION = 1
"""The knowledge-base format this code reads; a file written for another is refused."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Model):
    en: Text
    zh: Text
    fr: Text

    def get(self, lang: Lang) -> str:
        return str(getattr(self, lang))


class PerLang(_Model):
    en: list[Text] = Field(default_factory=list)
    zh: list[Text] = Field(default_factory=list)
    fr: list[Text] = Field(default_factory=list)

    def get(self, lang: Lang) -> list[str]:
        return list(getattr(self, lang))


class FollowUp(_Model):
    action: Annotated[str, StringConstraints(pattern=_ACTION.pattern)]
    label: Localized

    @property
    def topic(self) -> str | None:
        """The topic a `topic:<id>` button opens; None for the other actions."""
        return self.action.removeprefix(_TOPIC) if self.action.startswith(_TOPIC) else None


def _examples_in_every_language(examples: object) -> Iterator[Problem]:
    if isinstance(examples, dict):
        missing = [lang for lang in LANGS if examples.get(lang) in (None, [])]
        if missing:
            yield Problem(
                (), "missing_examples", f"needs example questions in {', '.join(missing)}"
            )


class Topic(_Model):
    id: TopicId
    title: Localized
    answer: Localized
    # Said instead of `answer` when no human can be offered (the policy names no
    # support channel): an answer that points to "Ask a human" must not promise it.
    answer_without_handoff: Localized | None = None
    examples: Annotated[PerLang, checked_by(_examples_in_every_language, "KnowledgeBase")]
    keywords: PerLang = Field(default_factory=PerLang)
    buttons: list[FollowUp] = Field(default_factory=list, max_length=3)


class SynonymGroups(_Model):
    """Words that mean the same here; each is read as the group's first word."""

    en: list[list[Text]] = Field(default_factory=list)
    zh: list[list[Text]] = Field(default_factory=list)
    fr: list[list[Text]] = Field(default_factory=list)


def _known_version(value: object) -> object:
    if isinstance(value, bool) or value != VERSION:
        raise PydanticCustomError(
            "version",
            f"{value!r} is not supported: this stopbot reads knowledge bases of version {VERSION}",
        )
    return value


def _topics_consistent(topics: object) -> Iterator[Problem]:
    """Topic ids are unique, and every topic button opens a topic that exists."""
    yield from unique(
        topics,
        "id",
        "duplicate_topic",
        lambda topic_id, first: f"topic id {topic_id!r} is already used by topics[{first}]",
    )
    known = {text(topic, "id") for _, topic in listed(topics)}
    for i, topic in listed(topics):
        for j, button in items(topic, "buttons"):
            action = text(button, "action") or ""
            target = action.removeprefix(_TOPIC) if action.startswith(_TOPIC) else None
            if target is not None and target not in known:
                yield Problem(
                    (i, "buttons", j, "action"),
                    "unknown_topic",
                    f"button to unknown topic {target!r}",
                )


MAX_PRODUCT_NAMES = 1000
ProductName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


def _names_unique(names: object) -> Iterator[Problem]:
    yield from unique(
        [n.strip().lower() if isinstance(n, str) else n for _, n in listed(names)],
        None,
        "duplicate_product_name",
        lambda name, first: f"product name {name!r} is already listed at product_names[{first}]",
    )


class KnowledgeBase(_Model):
    version: Annotated[int, BeforeValidator(_known_version)] = VERSION
    topics: Annotated[
        list[Topic], Field(min_length=1), checked_by(_topics_consistent, "KnowledgeBase")
    ]
    synonyms: SynonymGroups = Field(default_factory=SynonymGroups)
    out_of_domain: PerLang = Field(default_factory=PerLang)
    # Software names employees mention: the matcher reads a question's meaning without
    # them (conversations/faq/product_names.py).
    product_names: Annotated[
        list[ProductName],
        Field(max_length=MAX_PRODUCT_NAMES),
        checked_by(_names_unique, "KnowledgeBase"),
    ] = Field(default_factory=list)
    # A folder of more example questions, relative to the knowledge-base file; the file
    # loader (bot/files/kb.py) reads it and adds its lines with `with_more_examples`.
    examples_dir: Text | None = None

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def with_more_examples(
        self,
        examples: Mapping[str, Mapping[Lang, list[str]]],
        out_of_domain: Mapping[Lang, list[str]],
    ) -> KnowledgeBase:
        """A copy whose topics (by id) and out-of-domain examples also hold these
        questions, after their own, per language."""

        def more(own: PerLang, extra: Mapping[Lang, list[str]]) -> PerLang:
            return PerLang.model_validate(
                {lang: [*own.get(lang), *extra.get(lang, [])] for lang in LANGS}
            )

        topics = [
            topic.model_copy(update={"examples": more(topic.examples, examples[topic.id])})
            if topic.id in examples
            else topic
            for topic in self.topics
        ]
        return self.model_copy(
            update={"topics": topics, "out_of_domain": more(self.out_of_domain, out_of_domain)}
        )
