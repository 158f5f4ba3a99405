"""A stop request filed in a DingTalk single chat, every step answered by typing, as the
DingTalk adapter tests need one."""

from __future__ import annotations

import re

from handlers import card_keys
from tests.fakes.dingtalk.gateway import until
from tests.fakes.dingtalk.rig import DingTalkRig, text_of

# The answers to every question for CRM, typed: numbers, words and a date.
ANSWERS = ("2", "不再需要", "2026-12-31", "1", "无", "否", "1")
_ID = re.compile(r"SR-[0-9A-Z]{8}")


async def file_request(dt: DingTalkRig, user: str = "emp01") -> str:
    """`user` single-chats 注销账号, answers each question by typing and submits; the
    request's id, once its first approval card is delivered (in DingTalk)."""
    request_id = await submit_request(dt, user)
    first = card_keys.stage_card(request_id, 0)
    await until(lambda: first in dt.api.cards, f"no card {first}")
    return request_id


async def submit_request(dt: DingTalkRig, user: str = "emp01") -> str:
    """As `file_request`, without waiting for the first card (which may be posted on
    another platform)."""
    since = dt.mark()
    await dt.say(user, "注销账号")
    await dt.wait_sent(user, "你要停用什么", since)
    for answer in ANSWERS:
        since = dt.mark()
        await dt.say(user, answer)
        await dt.wait_sent(user, since=since)
    summary = await dt.wait_sent(user, "提交", since)
    assert "CRM" in text_of(summary)
    since = dt.mark()
    await dt.say(user, "提交")
    told = await dt.wait_sent(user, "已提交", since)
    found = _ID.search(text_of(told))
    assert found is not None, text_of(told)
    return found.group(0)
