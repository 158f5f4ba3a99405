"""Redis down: whatever a Slack user does (a DM, a mention, a click, a form, opening
App Home, the slash command), they are told, in their language, that storage is
unavailable and nothing was changed; no request is left unanswered."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.faq.live_kb import LiveKnowledgeBase
from bot.storage.client import client_for_url
from bot.storage.store import Store
from conversations.i18n import t
from conversations.policy import Policy
from tests.fakes.clock import FakeClock
from tests.fakes.slack import requests as sr
from tests.fakes.slack.api import Call
from tests.fakes.slack.rig import Rig, running_rig

# UFIN's Slack locale is fr-FR.
DOWN = t("fr", "storage_down")


@pytest.fixture
async def down(
    tmp_path: Path, slack_policy: Policy, clock: FakeClock, live_kb: LiveKnowledgeBase
) -> AsyncIterator[Rig]:
    """The bot served with its Redis unreachable (a socket nobody listens on)."""
    dead = Store(client_for_url(f"unix://{tmp_path}/no-redis.sock"))
    async with running_rig(dead, slack_policy, clock, live_kb) as rig:
        yield rig


def _says_down(call: Call) -> bool:
    return DOWN in json.dumps(call.params, ensure_ascii=False)


def _message(user: str) -> str:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": f"D{user}",
        "user": user,
        "text": "bonjour",
        "ts": "1700.0001",
    }
    return sr.event(event, event_id="EvDownDm")


def _mention(user: str) -> str:
    event = {
        "type": "app_mention",
        "channel": "CGENERAL",
        "user": user,
        "text": "<@UBOT> vais-je être remboursé ?",
        "ts": "1700.0002",
    }
    return sr.event(event, event_id="EvDownMention")


def _home(user: str) -> str:
    event = {"type": "app_home_opened", "user": user, "tab": "home", "channel": f"D{user}"}
    return sr.event(event, event_id="EvDownHome")


def _card_click(user: str) -> str:
    return sr.block_action(user, "CFIN", "approve#0", "SR-4XBW1N5N|2", message_ts="1700.0003")


def _dialogue_click(user: str) -> str:
    return sr.block_action(user, f"D{user}", "dlg#1", "SR-4XBW1N5N|target|sw:CRM", "1700.4")


def _form(user: str) -> str:
    metadata = json.dumps({"form": "reject", "context": "SR-4XBW1N5N|2"})
    values = {"reason": {"value": {"type": "plain_text_input", "value": "pas maintenant"}}}
    return sr.view_submission(user, "form:reject", metadata, values)


def _command(user: str) -> str:
    return sr.slash_command("/cancel-account", "", user, "CGENERAL")


# (what the user does, as JSON or not, the Web API method that answers them)
ENTRY_POINTS: dict[str, tuple[Callable[[str], str], bool, str]] = {
    "dm": (_message, False, "chat.postEphemeral"),
    "mention": (_mention, False, "chat.postEphemeral"),
    "app_home_opened": (_home, False, "views.publish"),
    "card click": (_card_click, True, "chat.postEphemeral"),
    "dialogue click": (_dialogue_click, True, "chat.postEphemeral"),
    "form submission": (_form, True, "chat.postEphemeral"),
    "slash command": (_command, True, "chat.postEphemeral"),
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
async def test_every_entry_point_says_storage_is_unavailable(down: Rig, entry: str) -> None:
    body, form, method = ENTRY_POINTS[entry]
    status, text = await down.send(body("UFIN"), form=form)
    assert (status, text) == (200, "")
    await down.call_where(method, _says_down)
