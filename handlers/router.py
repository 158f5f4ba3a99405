"""One entry point for every neutral event: routes it, and turns storage trouble into a
clear answer that changed nothing."""

from __future__ import annotations

import logging

from conversations.i18n import t
from conversations.lang import detect_lang
from conversations.model import Lang
from handlers import approvals, commands, dialogue, faq, notices
from handlers.actions import (
    Approve,
    Delegate,
    DialogueChoice,
    EditOffer,
    FaqHuman,
    FaqStart,
    FaqStatus,
    FaqTopic,
    FaqVote,
    NoticeChoice,
    Reject,
    ScheduleOffer,
)
from handlers.events import (
    Actor,
    Click,
    Command,
    Event,
    FormSubmit,
    Reply,
    UserMessage,
)
from handlers.ports import StorageBusy, StorageDown
from handlers.replies import private
from handlers.services import Services

log = logging.getLogger(__name__)


class Handlers:
    def __init__(self, svc: Services, default_lang: Lang = "en") -> None:
        self.svc = svc
        self.default_lang: Lang = default_lang

    def _lang(self, actor: Actor, text: str = "") -> Lang:
        return actor.lang or detect_lang(text) or actor.known_lang or self.default_lang

    async def handle(self, event: Event) -> list[Reply]:
        lang = self._lang(event.actor, getattr(event, "text", ""))
        try:
            return await self._route(event, lang)
        except StorageBusy:
            return self._tell(event, t(lang, "busy"))
        except StorageDown as exc:
            log.error("storage unavailable", extra={"error": repr(exc)})
            return self._tell(event, t(lang, "storage_down"))

    def _tell(self, event: Event, text: str) -> list[Reply]:
        return private(event.actor.id, getattr(event, "channel", event.actor.id), text)

    async def _route(self, event: Event, lang: Lang) -> list[Reply]:
        svc = self.svc
        match event:
            case Command(name=commands.CANCEL_ACCOUNT):
                return await commands.cancel_account(svc, event, lang)
            case Command(name=commands.SHUTDOWN_NOTICE):
                return await notices.command(svc, event, lang)
            case Command():
                text = t(
                    lang, "unknown_subcommand", word="/" + event.name[:40], help=t(lang, "help")
                )
                return self._tell(event, text)
            case UserMessage(direct=True):
                if svc.policy.is_admin(event.actor.id):
                    # An admin writing a shutdown notice: it takes what they type until
                    # it is confirmed or abandoned.
                    replies = await notices.on_text(svc, event.actor, event.text, lang)
                    if replies is not None:
                        return replies
                replies = await dialogue.on_text(svc, event.actor, event.text, lang)
                if replies is not None:
                    return replies
                return await faq.answer(svc, event.actor, event.channel, event.text, lang)
            case UserMessage():
                # A mention in a channel is a question asked there, in front of others:
                # it never answers the asker's dialogue, which lives in their DM.
                return await faq.answer(svc, event.actor, event.channel, event.text, lang)
            # Routed by the action id. Payloads that cannot be malformed are parsed here;
            # the others by their handler, which refuses a malformed one in its own words.
            case Click(action=FaqStart.id):
                target = FaqStart.parse(event.value).target
                return await dialogue.start(svc, event.actor, lang, target=target)
            case Click(action=FaqStatus.id):
                return await commands.status(svc, event.actor, event.channel, lang)
            case Click(action=FaqTopic.id | FaqVote.id | FaqHuman.id):
                return await faq.on_click(svc, event, lang)
            case Click(action=DialogueChoice.id):
                choice = DialogueChoice.parse(event.value)
                return await dialogue.on_click(svc, event.actor, choice, lang)
            case Click(action=Approve.id | Reject.id | Delegate.id):
                return await approvals.on_click(svc, event, lang)
            case Click(action=NoticeChoice.id):
                choice = NoticeChoice.parse(event.value)
                return await notices.on_click(svc, event.actor, choice, lang)
            case Click(action=ScheduleOffer.id | EditOffer.id):
                return await notices.on_offer(svc, event, lang)
            case Click():
                return self._tell(event, t(lang, "expired_button"))
            case FormSubmit():
                return await approvals.on_form(svc, event, lang)
        raise AssertionError(event)

    async def tick(self) -> list[Reply]:
        """Scheduler work: reminders and escalations that are due, expired drafts."""
        return await approvals.run_due(self.svc) + await dialogue.expire_idle(self.svc)
