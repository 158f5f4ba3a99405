"""Answering questions: the answer with "Did this help?", "Did you mean...?" when
unsure, an honest "I don't know" with a way to a human (when the policy names a
support channel), and the offer to start a stop request when the message asks for one."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from conversations.faq.intent import stop_intent
from conversations.faq.kb import KnowledgeBase
from conversations.faq.matcher import Match, Verdict
from conversations.i18n import listing, t
from conversations.i18n.key_maps import FAQ_OUTCOME_KEY
from conversations.model import Lang, software_of
from conversations.text import clean
from handlers import faq_stats
from handlers.actions import FaqHuman, FaqStart, FaqStatus, FaqTopic, FaqVote, parse_action
from handlers.events import Actor, Button, Click, Message, Post, Reply
from handlers.replies import private
from handlers.services import Services


def _title(kb: KnowledgeBase, topic: str, lang: Lang) -> str:
    found = kb.topic(topic)
    return found.title.get(lang) if found else topic


def offers_handoff(svc: Services) -> bool:
    """Whether the bot may offer to pass a question to a human: only when the policy
    names a support channel to pass it to (else the offer would lead nowhere)."""
    return svc.policy.support_channel is not None


def suggestions(kb: KnowledgeBase, match: Match) -> list[tuple[str, str]]:
    """The topics a "Did you mean" answer offers, as (topic id, title); none otherwise."""
    if match.verdict is not Verdict.SUGGEST:
        return []
    return [(topic, _title(kb, topic, match.lang)) for topic in match.suggestions]


def _answer_message(
    kb: KnowledgeBase, topic_id: str, lang: Lang, qid: str, handoff: bool
) -> Message:
    topic = kb.topic(topic_id)
    assert topic is not None
    buttons: list[Button] = []
    for follow in topic.buttons:
        label = follow.label.get(lang)
        if follow.action == "start_request":
            buttons.append(FaqStart().button(label, "primary"))
        elif follow.action == "show_status":
            buttons.append(FaqStatus().button(label))
        elif follow.action == "ask_human":
            if handoff:
                buttons.append(FaqHuman(qid).button(label))
        elif follow.topic is not None:
            buttons.append(FaqTopic(follow.topic).button(label))
    buttons += [
        FaqVote(topic_id, helpful=True).button(t(lang, "b_helpful")),
        FaqVote(topic_id, helpful=False).button(t(lang, "b_not_helpful")),
    ]
    answer = topic.answer
    if not handoff and topic.answer_without_handoff is not None:
        answer = topic.answer_without_handoff
    text = f"{answer.get(lang)}\n{t(lang, 'faq_did_it_help')}"
    return Message(text=text, buttons=buttons)


def reply_for(kb: KnowledgeBase, match: Match, *, handoff: bool, qid: str = "") -> Message:
    """What the bot says to a question (also used by `stopbot faq`). `handoff`: whether
    it may offer to pass the question to a human (see offers_handoff)."""
    lang = match.lang
    if match.verdict is Verdict.ANSWER and match.topic is not None:
        topic = kb.topic(match.topic)
        assert topic is not None
        return Message(text=topic.answer.get(lang))
    if match.verdict is Verdict.SUGGEST:
        buttons = [FaqTopic(topic).button(title) for topic, title in suggestions(kb, match)]
        if handoff:
            buttons.append(FaqHuman(qid).button(t(lang, "b_none_of_these")))
        return Message(text=t(lang, "faq_did_you_mean"), buttons=buttons)
    topics = listing(lang, (topic.title.get(lang) for topic in kb.topics), long=True)
    if not handoff:
        return Message(text=t(lang, "faq_unknown_no_handoff", topics=topics))
    return Message(
        text=t(lang, "faq_unknown", topics=topics),
        buttons=[FaqHuman(qid).button(t(lang, "b_ask_human"))],
    )


async def remember(svc: Services, actor: Actor, match: Match, qid: str = "") -> str:
    """Keeps the question for a human handoff and counts it; returns its id."""
    qid = qid or secrets.token_hex(4)
    entry = {
        "id": qid,
        "q": match.question[:500],
        "lang": match.lang,
        "topic": match.topic,
        "verdict": str(match.verdict),
    }
    await svc.faq_log.remember(actor.id, json.dumps(entry, ensure_ascii=False))
    field = (
        faq_stats.answered(match.topic) if match.topic else faq_stats.without_topic(match.verdict)
    )
    await svc.faq_log.count(field)
    return qid


async def ask(svc: Services, text: str, lang: Lang) -> tuple[KnowledgeBase, Match]:
    """The matcher's verdict, computed on a worker thread: it runs a sentence encoder
    (a few milliseconds of numpy) that must not hold up the event loop. With the
    knowledge base it came from: a reload may swap both while the thread runs."""
    matcher = svc.faq.matcher
    return matcher.kb, await asyncio.to_thread(matcher.match, text, lang)


async def answer(svc: Services, actor: Actor, channel: str, text: str, lang: Lang) -> list[Reply]:
    """Replies to a message that is not part of a dialogue."""
    # Cleaned before it is matched, stored in the transcript or passed to a human.
    text = clean(text)
    kb, match = await ask(svc, text, lang)
    qid = await remember(svc, actor, match)
    replies: list[Reply] = []
    target = stop_intent(text, svc.policy.catalog)
    if target is not None:
        if match.topic not in (None, "how-to-cancel"):
            replies.append(
                Post(
                    to=channel,
                    message=_answer_message(kb, match.topic, match.lang, qid, offers_handoff(svc)),
                )
            )
        name = software_of(target) or t(match.lang, "faq_your_account")
        label = t(match.lang, "faq_offer_button", target=name)
        offer = Message(
            text=t(match.lang, "faq_offer_start", target=name),
            buttons=[FaqStart(target).button(label, "primary")],
        )
        return [*replies, Post(to=channel, message=offer)]
    if match.verdict is Verdict.ANSWER and match.topic is not None:
        message = _answer_message(kb, match.topic, match.lang, qid, offers_handoff(svc))
    else:
        message = reply_for(kb, match, handoff=offers_handoff(svc), qid=qid)
    return [Post(to=channel, message=message)]


def digression(svc: Services, kb: KnowledgeBase, match: Match, qid: str) -> Message:
    """An FAQ answer given in the middle of a dialogue, from the knowledge base that
    matched it. Pure: the dialogue step that calls it may run again, so `remember` is
    called once, after the step committed."""
    assert match.topic is not None
    return _answer_message(kb, match.topic, match.lang, qid, offers_handoff(svc))


async def on_click(svc: Services, click: Click, lang: Lang) -> list[Reply]:
    """The buttons of FAQ answers: a topic, a vote, a human. (Starting a request and
    showing its status are routed to the dialogue and the commands.)"""
    actor, channel = click.actor, click.channel

    def tell(text: str, buttons: list[Button] | None = None) -> list[Reply]:
        return private(actor.id, channel, text, buttons)

    kb = svc.faq.kb
    action = parse_action(click.action, click.value)
    if isinstance(action, FaqTopic | FaqVote):
        # A follow-up speaks the language of the answer it follows, which is the
        # language its question was asked in, not the clicker's usual one.
        entries = await _transcript(svc, actor)
        lang = _asked(entries, topic=action.topic).get("lang", lang) if entries else lang
    match action:
        case FaqTopic(topic=topic):
            if kb.topic(topic) is None:
                return tell(t(lang, "expired_button"))
            await svc.faq_log.count(faq_stats.answered(topic))
            message = _answer_message(kb, topic, lang, "", offers_handoff(svc))
            return [Post(to=channel, message=message)]
        case FaqVote(topic=topic, helpful=helpful):
            if kb.topic(topic) is None:
                return tell(t(lang, "expired_button"))
            if not await svc.faq_log.vote(actor.id, topic, helpful):
                return tell(t(lang, "faq_already_voted"))
            if helpful:
                return tell(t(lang, "faq_thanks_up"))
            if not offers_handoff(svc):
                return tell(t(lang, "faq_thanks_down_no_handoff"))
            return tell(t(lang, "faq_thanks_down"), [FaqHuman().button(t(lang, "b_ask_human"))])
        case FaqHuman(question_id=qid):
            return await _handoff(svc, actor, channel, qid, lang)
    return tell(t(lang, "expired_button"))


async def _transcript(svc: Services, actor: Actor) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = [
        json.loads(raw) for raw in await svc.faq_log.transcript(actor.id)
    ]
    return entries


def _asked(entries: list[dict[str, Any]], qid: str = "", topic: str = "") -> dict[str, Any]:
    """The question a button belongs to (by its id, else the latest one answered with
    its topic), else the latest one. `entries` is not empty."""

    def belongs(entry: dict[str, Any]) -> bool:
        return bool(entry["id"] == qid) if qid else bool(topic and entry["topic"] == topic)

    return next((entry for entry in reversed(entries) if belongs(entry)), entries[-1])


async def _handoff(svc: Services, actor: Actor, channel: str, qid: str, lang: Lang) -> list[Reply]:
    entries = await _transcript(svc, actor)
    asked = _asked(entries, qid) if entries else {}
    # Told in the language of the answer the button was under.
    said: Lang = asked.get("lang", lang)
    support = svc.policy.support_channel
    if support is None:
        return private(actor.id, channel, t(said, "faq_handoff_no_channel"))
    if not entries:
        return private(actor.id, channel, t(lang, "faq_question_gone"))
    lines = []
    for e in entries:
        verdict = next((v for v in Verdict if v == e["verdict"]), Verdict.UNKNOWN)
        outcome = e["topic"] or t(lang, FAQ_OUTCOME_KEY[verdict])
        lines.append(t(lang, "faq_transcript_line", question=e["q"], outcome=outcome))
    post = t(
        lang,
        "faq_handoff_post",
        user=actor.id,
        language=asked["lang"],
        question=asked["q"],
        transcript="\n".join(lines),
    )
    await svc.faq_log.count(faq_stats.HANDOFF)
    return [
        Post(to=support, message=Message(text=post)),
        *private(actor.id, channel, t(said, "faq_handoff_done", channel=support)),
    ]


async def reload(svc: Services, actor: Actor, channel: str, lang: Lang) -> list[Reply]:
    def tell(text: str) -> list[Reply]:
        return private(actor.id, channel, text)

    if not svc.policy.is_admin(actor.id):
        return tell(t(lang, "faq_admin_only"))
    errors = await svc.faq.reload()
    if errors:
        return tell(t(lang, "faq_kb_refused", errors="\n".join(errors[:20])))
    return tell(t(lang, "faq_kb_reloaded", topics=len(svc.faq.kb.topics)))
