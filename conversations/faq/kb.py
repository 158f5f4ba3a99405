"""The FAQ knowledge base: topics with answers in zh/en/fr, example questions,
keywords, synonym groups, and out-of-domain examples. Read from YAML by bot/files/kb.py."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from conversations.model import LANGS, Lang

TopicId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
_TOPIC = "topic:"
_ACTION = re.compile(rf"^(start_request|show_status|ask_human|{_TOPIC}[a-z0-9][a-z0-9-]{{0,63}})$")


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


class Topic(_Model):
    id: TopicId
    title: Localized
    answer: Localized
    examples: PerLang
    keywords: PerLang = Field(default_factory=PerLang)
    buttons: list[FollowUp] = Field(default_factory=list, max_length=3)

    @model_validator(mode="after")
    def _examples_in_every_language(self) -> Topic:
        missing = [lang for lang in LANGS if not self.examples.get(lang)]
        if missing:
            raise ValueError(f"needs example questions in {', '.join(missing)}")
        return self


class SynonymGroups(_Model):
    """Words that mean the same here; each is read as the group's first word."""

    en: list[list[Text]] = Field(default_factory=list)
    zh: list[list[Text]] = Field(default_factory=list)
    fr: list[list[Text]] = Field(default_factory=list)


class KnowledgeBase(_Model):
    version: int = 1
    topics: list[Topic] = Field(min_length=1)
    synonyms: SynonymGroups = Field(default_factory=SynonymGroups)
    out_of_domain: PerLang = Field(default_factory=PerLang)

    @model_validator(mode="after")
    def _consistent(self) -> KnowledgeBase:
        ids = [t.id for t in self.topics]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate topic ids: {', '.join(dupes)}")
        for topic in self.topics:
            for button in topic.buttons:
                if button.topic is not None and button.topic not in ids:
                    raise ValueError(
                        f"topic {topic.id!r} has a button to unknown topic {button.topic!r}"
                    )
        return self

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)
