"""The small records, on every topology: the FAQ log (transcripts, counters, one vote
per user, topic and day), marks, card references and the console's cards."""

from __future__ import annotations

from datetime import timedelta

from bot.storage.store import Store
from handlers import faq_stats
from tests.helpers import Harness

DAY = 86400
USER = "console:employee"


async def test_a_transcript_keeps_the_last_questions_for_a_day(store: Store) -> None:
    for n in range(12):
        await store.faq_log.remember("console:u", f'{{"n": {n}}}', keep=10)
    assert await store.faq_log.transcript("console:u") == [f'{{"n": {n}}}' for n in range(2, 12)]
    assert await store.faq_log.transcript("console:other") == []
    ttl = await store.redis.ttl(store.keys.faq_transcript("console:u"))
    assert DAY - 5 <= ttl <= DAY


async def test_votes_count_once_per_user_and_topic(store: Store) -> None:
    log = store.faq_log
    assert await log.vote("console:a", "refund", True) is True
    assert await log.vote("console:a", "refund", False) is False  # same user, same topic
    assert await log.vote("console:b", "refund", False) is True
    assert await log.vote("console:a", "backup", True) is True
    await log.count(faq_stats.answered("refund"))
    await log.count(faq_stats.answered("refund"), by=2)
    stats = await log.stats()
    assert stats[faq_stats.votes("refund", True)] == 1
    assert stats[faq_stats.votes("refund", False)] == 1
    assert stats[faq_stats.votes("backup", True)] == 1
    assert stats[faq_stats.answered("refund")] == 3
    ttl = await store.redis.ttl(store.keys.faq_vote("refund", "console:a"))
    assert DAY - 5 <= ttl <= DAY  # the same user may vote again tomorrow


async def test_a_mark_is_seen_first_once_and_expires(store: Store) -> None:
    marks = store.marks
    assert await marks.first_time("slack-event:Ev1", 3600) is True
    assert await marks.first_time("slack-event:Ev1", 3600) is False
    assert await marks.marked("slack-home:U1") is False
    await marks.mark("slack-home:U1", 600)
    assert await marks.marked("slack-home:U1") is True
    assert 590 <= await store.redis.ttl(store.keys.once("slack-home:U1")) <= 600


async def test_card_references_are_shared_by_processes(store: Store) -> None:
    other = Store(store.redis, store.keys)  # another process: nothing cached
    await store.card_refs.set("SR-1:0", '{"ts": "1"}')
    assert await other.card_refs.get("SR-1:0") == '{"ts": "1"}'


async def test_console_cards_survive_a_restart(store: Store) -> None:
    assert await store.console_cards.load() is None
    await store.console_cards.save('[{"seq": 1}]')
    assert await Store(store.redis, store.keys).console_cards.load() == '[{"seq": 1}]'


async def test_draft_key_has_a_ttl(harness: Harness) -> None:
    h = harness
    key = h.store.keys.dialogue(USER)
    await h.type("/cancel-account")
    ttl = await h.store.redis.ttl(key)
    # idle timeout plus a day's grace, so a late user is told it expired
    assert timedelta(days=1) < timedelta(seconds=ttl) <= timedelta(minutes=30, days=1)
    await h.type("CRM")
    assert await h.store.redis.ttl(key) > 0
    await h.type("cancel")
    assert await h.store.redis.exists(key) == 0
