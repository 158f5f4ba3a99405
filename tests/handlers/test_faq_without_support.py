"""With no support_channel in the policy there is nobody to pass a question to, so the
FAQ never offers it: it still says when it does not know, without the promise."""

from __future__ import annotations

from bot.files.kb import bundled_kb_path, load_kb
from tests.helpers import Harness

OFFERS = ("pass your question", "Ask a human", "ask a human")


def offers_a_human(out: str) -> bool:
    return any(words in out for words in OFFERS)


async def test_an_unknown_question_is_not_offered_to_a_human(team: Harness) -> None:
    assert team.app.services.policy.support_channel is None
    out = await team.type("why is the coffee machine on floor 3 always broken")
    assert "I don't know the answer to that" in out
    assert "I can help with: Close an account or stop software;" in out
    assert not offers_a_human(out), out


async def test_a_did_you_mean_has_no_way_to_a_human(team: Harness) -> None:
    out = await team.type("what about my data and payments")
    assert "Did you mean one of these?" in out
    assert "] Will my data be lost?" in out
    assert not offers_a_human(out), out


async def test_an_answer_drops_its_ask_a_human_button(team: Harness) -> None:
    out = await team.type("can I reopen my account after it was closed?")
    assert "Did this help?" in out
    assert not offers_a_human(out), out


async def test_a_thumbs_down_is_thanked_without_the_offer(team: Harness) -> None:
    await team.type("will my data be lost if my CRM account is closed?")
    out = await team.type("/click 👎 No")
    assert "sorry it didn't help" in out
    assert not offers_a_human(out), out


async def test_in_chinese_and_french_too(team: Harness) -> None:
    out = await team.type("三楼的咖啡机为什么总是坏")
    assert "这个问题我不知道答案" in out and "转给 IT 团队" not in out and "转人工" not in out
    out = await team.type("pourquoi la machine à café du 3e étage est-elle toujours en panne ?")
    assert "Je ne connais pas la réponse" in out
    assert "transmette" not in out and "Parler à quelqu'un" not in out


async def test_with_a_support_channel_the_offer_stays(harness: Harness) -> None:
    out = await harness.type("why is the coffee machine on floor 3 always broken")
    assert "Want me to pass your question to the IT team?" in out
    assert "Ask a human" in out
    out = await harness.type("what about my data and payments")
    assert "None of these: ask a human" in out


async def test_asking_for_a_person_promises_no_button(team: Harness) -> None:
    for question, button in (
        ("I want to talk to a person", "Ask a human"),
        ("我想找人工", "找人工"),
        ("Je voudrais parler à une personne", "Parler à quelqu'un"),
    ):
        out = await team.type(question)
        assert "IT" in out, out  # the topic is answered...
        assert button not in out, out  # ...without pointing to a button it does not show


def test_every_answer_that_names_its_ask_a_human_button_has_one_without_it() -> None:
    """Whoever edits the bundled knowledge base: an answer that tells people to click
    "Ask a human" needs `answer_without_handoff` for companies with no support channel."""
    kb = load_kb(bundled_kb_path())
    for topic in kb.topics:
        for follow in topic.buttons:
            if follow.action != "ask_human":
                continue
            for lang in ("en", "zh", "fr"):
                label = follow.label.get(lang)
                if label in topic.answer.get(lang):
                    assert topic.answer_without_handoff is not None, topic.id
                    assert label not in topic.answer_without_handoff.get(lang), topic.id
