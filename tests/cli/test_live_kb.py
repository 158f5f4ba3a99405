"""A knowledge base edited while `chat` runs: a broken edit is refused once, in one
place, and the previous knowledge base keeps answering."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.chat_process import ChatProcess
from tests.helpers import GOOD_KB


async def test_a_refused_live_edit_is_reported_once(data_dir: Path, tmp_path: Path) -> None:
    kb = tmp_path / "faq.yaml"
    kb.write_text(GOOD_KB)
    chat = await ChatProcess.start(data_dir, env={"KB_PATH": str(kb)})
    kb.write_text(GOOD_KB.replace("examples:", "exemples:"))
    await chat.wait_for("knowledge base edit refused")
    await chat.answer("will I get my money back", "Finance decides")
    await chat.send("/quit")
    assert await asyncio.wait_for(chat.proc.wait(), 10) == 0
    assert chat.proc.stdout is not None
    chat.output += (await chat.proc.stdout.read()).decode()
    # One report of the refusal, naming the line: not a log line and a printout.
    refusal = "faq.yaml:6: topics[0].exemples: unknown key 'exemples'"
    assert chat.output.count(refusal) == 1, chat.output
