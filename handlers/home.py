"""What a user's home view shows (Slack App Home): their requests with the stage each
is at, the requests waiting for their decision with the same buttons as the cards,
and for admins the number of pending requests per stage."""

from __future__ import annotations

from collections import Counter

from conversations import approval
from conversations.i18n import t
from conversations.model import Lang
from handlers.cards import approval_card, status_line
from handlers.events import Message
from handlers.services import Services


async def home_for(svc: Services, user: str, lang: Lang = "en") -> list[Message]:
    mine = await svc.requests.of_user(user, limit=10)
    lines = [status_line(r, lang, svc) for r in mine]
    out = [
        Message(
            text="\n".join([t(lang, "status_header"), *lines]) if lines else t(lang, "status_none")
        )
    ]
    pending = await svc.requests.open()
    waiting = [r for r in pending if approval.pending_for(r, user)]
    out.append(Message(text=t(lang, "pending_header") if waiting else t(lang, "pending_none")))
    out += [approval_card(r, r.current, svc) for r in waiting[:10]]
    if svc.policy.is_admin(user):
        counts = Counter(r.stages[r.current].name for r in pending if r.stage is not None)
        rows = [
            t(lang, "field_row", label=stage, value=n) for stage, n in sorted(counts.items())
        ] or ["-"]
        out.append(Message(text="\n".join([t(lang, "home_admin_pending"), *rows])))
    return out
