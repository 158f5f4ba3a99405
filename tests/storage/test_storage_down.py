"""Every storage call says StorageDown when Redis does not answer, so the handlers
give their clear "storage unavailable" answer instead of an unhandled RedisError. The
table must name every public storage call: a new one without a row fails here."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.storage.client import client_for_url
from bot.storage.console_cards import Shown
from bot.storage.store import Store
from conversations import approval
from conversations.model import Answers
from conversations.policy import Policy
from handlers.events import Button, OpenForm
from handlers.ports import KEEP, StorageDown

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _calls(store: Store, policy: Policy) -> dict[str, Callable[[], Awaitable[Any]]]:
    t = approval.submit(
        request_id="SR-DOWN0001",
        requester="console:employee",
        lang="en",
        answers=Answers(),
        stages=policy.approval.stages,
        admins=policy.admins,
        now=NOW,
    )

    async def step(raw: str | None) -> tuple[Any, None]:
        return KEEP, None

    shown = Shown(to="console:u", buttons=[Button(label="OK", action="x", value="")])
    form = OpenForm(to="console:u", form="reject", context="", title="T", fields=[])
    d, r, m, f, c = store.drafts, store.requests, store.marks, store.faq_log, store.card_refs
    return {
        "drafts.run": lambda: d.run("console:u", step),
        "drafts.expiring": lambda: d.expiring(NOW),
        "drafts.expire_at": lambda: d.expire_at("console:u", NOW),
        "drafts.load": lambda: d.load("console:u"),
        "requests.create": lambda: r.create(t, None, lambda t: []),
        "requests.unlist": lambda: r.unlist("console:u", "SR-1"),
        "requests.load": lambda: r.load("SR-1"),
        "requests.get": lambda: r.get("SR-1"),
        "requests.commit": lambda: r.commit(t, 1, None),
        "requests.update": lambda: r.update(
            "SR-1", lambda req: None, lambda req: None, lambda t: []
        ),
        "requests.reschedule": lambda: r.reschedule("SR-1", lambda req: None),
        "requests.history": lambda: r.history("SR-1"),
        "requests.of_user": lambda: r.of_user("console:u"),
        "requests.open": lambda: r.open(),
        "requests.due_ids": lambda: r.due_ids(NOW),
        "marks.mark": lambda: m.mark("x", 60),
        "marks.marked": lambda: m.marked("x"),
        "marks.first_time": lambda: m.first_time("x", 60),
        "faq_log.remember": lambda: f.remember("console:u", "{}"),
        "faq_log.transcript": lambda: f.transcript("console:u"),
        "faq_log.count": lambda: f.count("x"),
        "faq_log.vote": lambda: f.vote("console:u", "refund", True),
        "faq_log.stats": lambda: f.stats(),
        "card_refs.set": lambda: c.set("SR-1:0", "{}", timedelta(minutes=1)),
        "card_refs.get": lambda: c.get("SR-1:0"),
        "console_cards.remember": lambda: store.console_cards.remember(shown),
        "console_cards.rewrite": lambda: store.console_cards.rewrite("SR-1:0", []),
        "console_cards.latest": lambda: store.console_cards.latest(),
        "console_forms.open": lambda: store.console_forms.open("console:u", form),
        "console_forms.answer": lambda: store.console_forms.answer("console:u", "reason", "x"),
        "console_forms.forget": lambda: store.console_forms.forget("console:u", "reason"),
        "console_forms.close": lambda: store.console_forms.close("console:u"),
        "console_forms.get": lambda: store.console_forms.get("console:u"),
        "dingtalk_forms.open": lambda: store.dingtalk_forms.open("dingtalk:u", form),
        "dingtalk_forms.answer": lambda: store.dingtalk_forms.answer("dingtalk:u", "reason", "x"),
        "dingtalk_forms.forget": lambda: store.dingtalk_forms.forget("dingtalk:u", "reason"),
        "dingtalk_forms.close": lambda: store.dingtalk_forms.close("dingtalk:u"),
        "dingtalk_forms.get": lambda: store.dingtalk_forms.get("dingtalk:u"),
        "shown_buttons.remember": lambda: store.shown_buttons.remember(
            "dingtalk:u", "dingtalk:u", shown.buttons
        ),
        "shown_buttons.latest": lambda: store.shown_buttons.latest("dingtalk:u", "dingtalk:u"),
        "memory_usage": lambda: store.memory_usage("x"),
    }


def _public_calls(store: Store) -> set[str]:
    found = {
        n
        for n, f in vars(Store).items()
        if not n.startswith("_") and inspect.iscoroutinefunction(f)
    }
    found -= {"ping", "close"}  # ping answers False (tested below); close has nothing to say
    for part in (
        "drafts",
        "requests",
        "marks",
        "faq_log",
        "card_refs",
        "console_cards",
        "console_forms",
        "dingtalk_forms",
        "shown_buttons",
    ):
        cls = type(getattr(store, part))
        found |= {
            f"{part}.{n}"
            for n, f in vars(cls).items()
            if not n.startswith("_") and inspect.iscoroutinefunction(f)
        }
    return found


@pytest.mark.parametrize("kind", ["unix socket", "tcp", "cluster"])
async def test_every_storage_call_says_storage_down(
    kind: str, tmp_path: Path, policy: Policy
) -> None:
    url = {
        "unix socket": f"unix://{tmp_path}/nothing.sock",
        "tcp": "redis://127.0.0.1:1/0",
        "cluster": "redis+cluster://127.0.0.1:1",
    }[kind]
    store = Store(client_for_url(url))
    calls = _calls(store, policy)
    assert set(calls) == _public_calls(store)
    escaped = []
    for name, call in calls.items():
        try:
            await call()
            escaped.append(f"{name}: no error")
        except StorageDown:
            pass
        except Exception as exc:
            escaped.append(f"{name}: {exc!r}")
    assert escaped == []
    assert await store.ping() is False
