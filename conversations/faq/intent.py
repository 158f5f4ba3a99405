"""Messages that ask the bot to stop something ("I want to cancel my CRM account",
"我想注销OA账号", "je voudrais résilier Webex"): the bot offers to start a stop request
with the target filled in, rather than explaining how to."""

from __future__ import annotations

import re
from collections.abc import Sequence

from conversations.faq.tokens import fold_question
from conversations.model import TargetKind, software_choice
from conversations.policy import CatalogItem

_VERBS = (
    r"cancel|close|delete|deactivate|terminate|remove|shut ?down|stop|unsubscribe|end|"
    r"注销|注消|停用|取消|关闭|删除|销户|停掉|关掉|关停|退订|不用了|"
    r"resilier|annuler|supprimer|fermer|desactiver|cloturer|arreter|mettre fin"
)
_WANT = (
    r"\bi want|\bi'd like|\bi would like|\bi need to|\bwant to|\bwanna|\bplease\b|"
    r"\bhelp me|\bcan you|\bcould you|"
    r"我想|我要|想要|帮我|请|麻烦|需要|"
    r"\bje veux|\bje voudrais|\bj'aimerais|\bje souhaite|\bmerci de|\bpouvez-vous|"
    r"\bpeux-tu|\bje dois"
)
_ACCOUNT = r"\baccount\b|账号|帐号|账户|帐户|\bcompte\b"
_QUESTION = r"[?？]|\bwill\b|\bhow\b|\bwhat\b|吗|怎么|如何|会不会|\bcomment\b|est-ce|\bvais-je\b"


def stop_intent(text: str, catalog: Sequence[CatalogItem]) -> str | None:
    """The dialogue's target value ("sw:CRM" or "own_account") when the message asks
    to stop it, else None. Questions ("how do I cancel...?") are left to the FAQ."""
    folded = fold_question(text)
    if not re.search(_VERBS, folded) or not re.search(_WANT, folded):
        return None
    if re.search(_QUESTION, text.lower()):
        return None
    for item in catalog:
        for name in (item.name, *item.aliases):
            key = fold_question(name)
            if key and re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", folded):
                return software_choice(item.name)
    if re.search(_ACCOUNT, folded):
        return TargetKind.OWN_ACCOUNT.value
    return None
