"""An approval card as handlers/cards.approval_card builds it, with text of the test's
choosing where users' text goes (the target, a reason, the approvers)."""

from __future__ import annotations

from conversations.i18n import t
from conversations.model import Lang
from handlers.actions import Approve, Delegate, Reject
from handlers.events import Card, Message

RID = "SR-7K3M9QXD"


def approval_message(lang: Lang, stage: int = 0, hostile: str = "CRM") -> Message:
    card = Card(
        title=t(lang, "card_title", id=RID, target=hostile),
        fields=[(t(lang, "f_requester"), "dingtalk:staff01"), ("Reason", hostile)],
        flags=[hostile],
        context=[f"Stage {stage + 1}/3", f"Approvers: dingtalk:m1 {hostile}"],
        lang=lang,
    )
    buttons = [
        Approve(RID, stage).button(t(lang, "b_approve"), "primary"),
        Reject(RID, stage).button(t(lang, "b_reject"), "danger"),
        Delegate(RID, stage).button(t(lang, "b_delegate")),
    ]
    return Message(card=card, buttons=buttons)
