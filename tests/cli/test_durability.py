"""A real `python -m bot chat` process killed with SIGKILL mid-dialogue and after
submitting, then restarted on the same DATA_DIR: nothing is lost."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from bot.storage.embedded import EmbeddedRedis
from tests.chat_process import ChatProcess

# A short outbox lease: what a killed chat left in flight is taken over soon.
SHORT_LEASE = {"OUTBOX_LEASE_SECONDS": "1"}


async def test_killed_chat_resumes_dialogue_and_keeps_the_request(data_dir: Path) -> None:
    chat = await ChatProcess.start(data_dir, env=SHORT_LEASE)
    await chat.answer("/cancel-account", "What do you want to stop")
    await chat.answer("CRM", "Why should it be stopped")
    await chat.answer("too expensive", "When should it stop")
    await chat.kill()  # in the middle of the dialogue

    chat = await ChatProcess.start(data_dir, env=SHORT_LEASE)
    # The draft survived: the next answer continues at the date question.
    await chat.answer("next month", "Is the data backed up")
    await chat.answer("yes", "Which linked services")
    await chat.answer("none", "How should the subscription be handled")
    await chat.answer("refund", "Must any records be kept")
    await chat.answer("no", "Who should be told")
    await chat.answer("none", "Here is your stop request")
    found = await chat.answer("submit", r"Submitted as (SR-[0-9A-Z]{8})")
    rid = found.group(1)
    await chat.wait_for(rf"card {rid}:0\)")
    await chat.kill()  # right after submitting

    # Kill the embedded Redis too: the append-only file must bring everything back.
    server = EmbeddedRedis(data_dir)  # tmp_path is absolute
    await asyncio.sleep(1.2)  # appendfsync everysec
    pid = server.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)

    chat = await ChatProcess.start(data_dir, env=SHORT_LEASE)
    assert server.pid() != pid
    await chat.answer("/cancel-account status", rf"{rid} · CRM · waiting for department-head")
    # The approval card's buttons were remembered: the head can still click them.
    await chat.send("/as console:head")
    # (If the kill came between printing the card and recording that it was, the card
    # is still owed: the console cannot tell whether it went out, so the new chat prints
    # it again, and the decision updates it once it has.)
    await chat.answer("/click Approve", r"Approved by console:head")
    await chat.wait_for(rf"card {rid}:1\)")
    assert await chat.quit() == 0


async def _kill_redis(data_dir: Path) -> int:
    server = EmbeddedRedis(data_dir)
    pid = server.pid()
    assert pid is not None and server.is_alive()
    os.kill(pid, signal.SIGKILL)
    return pid


async def test_a_running_chat_restarts_the_embedded_redis_it_started(data_dir: Path) -> None:
    chat = await ChatProcess.start(data_dir)
    await chat.answer("/cancel-account", "What do you want to stop")
    await chat.answer("CRM", "Why should it be stopped")
    pid = await _kill_redis(data_dir)

    await chat.wait_for(r"embedded redis exited with code -9; restarting \(attempt 1\)")
    await chat.wait_for("embedded redis restarted")
    assert EmbeddedRedis(data_dir).pid() != pid
    # Same process, same dialogue: the draft came back from the append-only file.
    await chat.answer("too expensive", "When should it stop")
    await chat.send("/quit")
    assert await asyncio.wait_for(chat.proc.wait(), 10) == 0


async def test_a_chat_that_did_not_start_redis_takes_over_when_the_owner_leaves(
    data_dir: Path,
) -> None:
    owner = await ChatProcess.start(data_dir)
    other = await ChatProcess.start(data_dir)  # connects to the server the owner started
    await other.answer("/cancel-account", "What do you want to stop")
    await owner.send("/quit")
    assert await asyncio.wait_for(owner.proc.wait(), 10) == 0
    await _kill_redis(data_dir)

    # Not its child: the exit code is unknown, the restart is the same.
    await other.wait_for(r"embedded redis exited with code unknown; restarting \(attempt 1\)")
    await other.wait_for("embedded redis restarted")
    await other.answer("CRM", "Why should it be stopped")
    await other.send("/quit")
    assert await asyncio.wait_for(other.proc.wait(), 10) == 0
