"""The small records, on every topology: the FAQ log (transcripts, counters, one vote
per user, topic and day), marks, card references and the console's cards."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.storage.console_cards import KEEP, TTL, Shown
from bot.storage.pending_forms import TTL as FORM_TTL
from bot.storage.pending_forms import PendingForm
from bot.storage.store import Store
from handlers import faq_stats
from handlers.events import Button, FormField, OpenForm
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
    assert await store.console_cards.latest() == []
    shown = Shown(to=USER, buttons=[Button(label="👍 Yes", action="faq_vote", value="x")])
    await store.console_cards.remember(shown)
    assert await Store(store.redis, store.keys).console_cards.latest() == [shown]


async def test_console_cards_from_two_processes_are_all_kept(store: Store) -> None:
    """Each process adds its own entries: none overwrites what another printed."""
    one, two = store.console_cards, Store(store.redis, store.keys).console_cards
    await asyncio.gather(
        *(
            (one if n % 2 else two).remember(Shown(to=f"console:u{n}", buttons=[_ok(n)]))
            for n in range(40)
        )
    )
    assert sorted(s.to for s in await one.latest()) == sorted(f"console:u{n}" for n in range(40))


async def test_a_card_is_one_entry_rewritten_in_place(store: Store) -> None:
    cards = store.console_cards
    card = Shown(to="console:approvals", key="SR-1:0", shared=True, buttons=[_ok(1), _ok(2)])
    await cards.remember(card)
    await cards.remember(Shown(to=USER, buttons=[_ok(3)]))
    assert await cards.rewrite("SR-1:0", []) is True
    assert await cards.rewrite("SR-2:0", []) is False  # never shown: not made up
    latest = await cards.latest()
    assert latest == [Shown(to=USER, buttons=[_ok(3)]), card.model_copy(update={"buttons": []})]
    # Posted again under its key (a dialogue's next question): moves to the front.
    await cards.remember(card)
    assert [s.key for s in await cards.latest()] == ["SR-1:0", None]


async def test_console_cards_are_bounded_and_expire(store: Store) -> None:
    cards = store.console_cards
    for n in range(KEEP + 5):
        await cards.remember(Shown(to=USER, key=f"SR-{n}:0", buttons=[_ok(n)]))
    latest = await cards.latest()
    assert len(latest) == KEEP
    assert latest[0].key == f"SR-{KEEP + 4}:0" and latest[-1].key == "SR-5:0"
    fields = await store.redis.hlen(store.keys.console_shown())
    assert fields == 2 * KEEP + 1  # meta and buttons of each, and the sequence
    assert await cards.rewrite("SR-0:0", []) is False  # trimmed, with its fields
    for key in (store.keys.console_shown(), store.keys.console_shown_order()):
        ttl = await store.redis.ttl(key)
        assert TTL.total_seconds() - 5 <= ttl <= TTL.total_seconds()


async def test_a_console_form_keeps_its_answers_until_closed(store: Store) -> None:
    forms = store.console_forms
    form = OpenForm(
        to=USER,
        form="delegate",
        context="ctx",
        title="Delegate SR-1",
        fields=[FormField(name="to", label="To", kind="user"), FormField(name="reason", label="R")],
    )
    assert await forms.answer(USER, "to", "console:x") is False  # no form: nothing kept
    assert await store.redis.exists(store.keys.console_form(USER)) == 0
    await forms.open(USER, form)
    assert await forms.answer(USER, "to", "console:x") is True
    assert await forms.answer(USER, "reason", "on leave") is True
    await forms.forget(USER, "to")
    found = await Store(store.redis, store.keys).console_forms.get(USER)
    assert found is not None
    assert found.form == form and found.values == {"reason": "on leave"}
    assert found.next_field() == 0
    assert await forms.get("console:other") is None
    ttl = await store.redis.ttl(store.keys.console_form(USER))
    assert FORM_TTL.total_seconds() - 5 <= ttl <= FORM_TTL.total_seconds()
    await forms.open(USER, form)  # opened again: the earlier answers are gone
    assert (await forms.get(USER)) == PendingForm(form)
    await forms.close(USER)
    assert await forms.get(USER) is None


def _ok(n: int) -> Button:
    return Button(label=f"OK {n}", action="x", value=str(n))


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
