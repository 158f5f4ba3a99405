"""Without a card template: the approval card is an ActionCard whose buttons make the
clicker's DingTalk send the typed command, and a decided card is a new markdown message
(a robot message cannot be edited)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import unquote

import pytest

from bot.adapters.dingtalk.actioncard import SEND_MESSAGE_URL
from bot.faq.live_kb import LiveKnowledgeBase
from bot.storage.store import Store
from tests.fakes.clock import FakeClock
from tests.fakes.dingtalk.rig import HEAD_GROUP, IT_GROUP, DingTalkRig, running_rig, text_of

_ID = re.compile(r"SR-[0-9A-Z]{8}")


@pytest.fixture
async def plain(
    dt_store: Store, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> AsyncIterator[DingTalkRig]:
    async with running_rig(dt_store, clock, live_kb, template=False) as rig:
        yield rig


async def _file(dt: DingTalkRig) -> str:
    await dt.say("emp01", "注销账号")
    await dt.wait_sent("emp01", "你要停用什么")
    for answer in ("2", "1", "2026-12-31", "1", "5", "2", "1", "8"):
        since = dt.mark()
        await dt.say("emp01", answer)
        await dt.wait_sent("emp01", since=since)
    card = await dt.wait_sent(HEAD_GROUP)
    assert card.msg_key == "sampleActionCard3"  # by the OpenAPI: no conversation there yet
    found = _ID.search(text_of(card))
    assert found is not None
    return found.group(0)


def _buttons(dt: DingTalkRig, group: str) -> dict[str, str]:
    """The latest ActionCard's buttons in `group`: title -> the command it sends (as
    the OpenAPI's msgParam or a session webhook's body has them)."""
    card = next(s for s in reversed(dt.api.sent) if s.to == group and "text" in s.param)
    p = card.param
    pairs = [(b["title"], b["actionURL"]) for b in p.get("btns", [])]
    pairs += [
        (p[f"actionTitle{n}"], p[f"actionURL{n}"]) for n in range(1, 6) if f"actionURL{n}" in p
    ]
    return {title: unquote(url.removeprefix(SEND_MESSAGE_URL)) for title, url in pairs}


async def test_the_buttons_of_an_actioncard_send_commands_authorised_like_a_click(
    plain: DingTalkRig,
) -> None:
    rid = await _file(plain)
    assert plain.api.cards == {}
    buttons = _buttons(plain, HEAD_GROUP)
    assert len(buttons) == 3
    approve = next(command for command in buttons.values() if command.startswith("同意"))
    assert approve == f"同意 {rid}#1"
    # The requester's client sends the command: refused, privately.
    since = plain.mark()
    await plain.say("emp01", approve)
    await plain.wait_sent("emp01", "你不能审批", since)
    # The approver's: the stage is decided; the card is sent anew, decided, as markdown.
    since = plain.mark()
    await plain.say("manager01", approve)
    decided = await plain.wait_sent(HEAD_GROUP, rid, since)
    assert decided.msg_key == "sampleMarkdown"  # no buttons any more
    await plain.wait_sent(IT_GROUP, rid, since)
    # The same command again (a second tap): this card's stage is closed.
    since = plain.mark()
    await plain.say("manager01", approve)
    await plain.wait_sent("manager01", "已过期", since)


async def test_a_typed_command_with_a_bad_id_gets_the_usage(plain: DingTalkRig) -> None:
    since = plain.mark()
    await plain.say("manager01", "同意 SR-12")
    usage = await plain.wait_sent("manager01", since=since)
    assert "拒绝" in text_of(usage)
