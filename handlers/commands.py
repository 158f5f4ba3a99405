"""`/cancel-account` and its sub-commands."""

from __future__ import annotations

from conversations import stop_request as sr
from conversations.i18n import t
from conversations.model import Lang
from conversations.text import clean, fold
from handlers import approvals, dialogue, faq
from handlers.cards import status_line
from handlers.events import Actor, Command, Reply
from handlers.replies import private
from handlers.services import Services
from handlers.subcommand_words import COMMON

# The bot's commands, without the slash: what the router answers, and what an adapter
# that reads commands from text (the console) must pass on as commands.
CANCEL_ACCOUNT = "cancel-account"
SHUTDOWN_NOTICE = "shutdown-notice"  # handlers/notices.py
NAMES = (CANCEL_ACCOUNT, SHUTDOWN_NOTICE)

_SUB = {
    **COMMON,
    "kb-reload": "kb-reload",
    "withdraw": "withdraw",
    "撤回": "withdraw",
    "retirer": "withdraw",
    "retrait": "withdraw",
    "pending": "pending",
    "待审批": "pending",
    "attente": "pending",
    "en-attente": "pending",
    "cancel": "cancel",
    "取消": "cancel",
    "放弃": "cancel",
    "annuler": "cancel",
    "abandonner": "cancel",
    "abandon": "cancel",
}


async def cancel_account(svc: Services, cmd: Command, lang: Lang) -> list[Reply]:
    words = clean(cmd.text).split()
    first = fold(words[0]) if words else ""
    sub = _SUB.get(first)
    actor, channel = cmd.actor, cmd.channel
    if sub is None:
        text = t(lang, "unknown_subcommand", word=words[0][:40], help=t(lang, "help"))
        return private(actor.id, channel, text)
    match sub:
        case "start":
            return await dialogue.start(svc, actor, lang)
        case "status":
            return await status(svc, actor, channel, lang)
        case "kb-reload":
            return await faq.reload(svc, actor, channel, lang)
        case "withdraw":
            if len(words) != 2:
                return private(actor.id, channel, t(lang, "withdraw_usage"))
            return await approvals.withdraw(svc, actor, channel, words[1].upper()[:40], lang)
        case "cancel":
            return await dialogue.abandon(svc, actor, lang)
        case "pending":
            return await approvals.pending_cards(svc, actor, channel, lang)
    return private(actor.id, channel, t(lang, "help"))


async def status(svc: Services, actor: Actor, channel: str, lang: Lang) -> list[Reply]:
    lines: list[str] = []
    draft = await dialogue.has_draft(svc, actor.id)
    if draft is not None:
        lines.append(t(lang, "status_draft", step=sr.step_name(draft.step, lang)))
    reqs = await svc.requests.of_user(actor.id)
    if reqs:
        lines.append(t(lang, "status_header"))
        lines += [status_line(r, lang, svc) for r in reqs]
    elif draft is None:
        lines.append(t(lang, "status_none"))
    return private(actor.id, channel, "\n".join(lines))
