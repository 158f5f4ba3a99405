"""Odd answers and decided requests as a user meets them in `stopbot chat` (a real
process, piped stdin): a wrong answer gets the step's hint, never an FAQ paragraph,
and a status is said once, in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conversations.i18n import t
from conversations.model import LANGS
from tests.cli.test_cli import run


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {"DATA_DIR": str(tmp_path / "d"), "POLICY_PATH": ""}
    yield env
    run("storage", "stop", env=env)


def chat(env: dict[str, str], lang: str, *lines: str) -> str:
    done = run("chat", "--lang", lang, env=env, stdin="\n".join([*lines, "/quit"]))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def in_order(text: str, *needles: str) -> None:
    at = 0
    for needle in needles:
        found = text.find(needle, at)
        assert found != -1, f"{needle!r} not found after position {at}:\n{text[at:]}"
        at = found + len(needle)


def test_wrong_answers_get_the_steps_hint_not_an_faq_answer(env: dict[str, str]) -> None:
    out = chat(
        env,
        "fr",
        "/cancel-account",
        "Webex",
        "trop cher",
        "demain",
        "oui",
        "aucun",
        "personne",  # at the billing step
        "laisser courir",  # the start of a button label
        "non",
        "console:team, <!channel>, @here",
        "console:team",
        "edit why",  # on the summary
        "security",
        "edit stop date",
        "tomorrow",
        "change the date",
        "tomorrow",
        "modifier la date",
        "demain",
        "submit",
        "submit",  # once more, after submitting
        "/cancel-account",
        "Salesforce",
        "too expensive",
        "tomorrow",
        "yes",
        "none",
        "nobody",  # at "Is it paid?"
        "security",
        "no",
        "cancel",
    )
    for lang in LANGS:
        assert t(lang, "faq_did_it_help") not in out
    rid = re.search(r"Envoyée sous le numéro (SR-[0-9A-Z]{8})", out)
    assert rid, out
    in_order(
        out,
        t("fr", "q_billing_paid", target="Webex"),
        t("fr", "hint_choice"),
        t("fr", "q_billing_paid", target="Webex"),
        "✓ Facturation : Laisser courir la période payée, sans renouvellement",
        t("fr", "hint_notify_mass", token="<!channel>"),
        "✓ Informer : console:team",
        t("fr", "q_reason"),
        "✓ Pourquoi : Risque de sécurité",
        # --lang fr stands for a locale: edits typed in English keep the dialogue French.
        t("fr", "q_when"),
        t("fr", "q_when"),
        t("fr", "q_when"),
        f"Envoyée sous le numéro {rid.group(1)}",
        t(
            "fr",
            "already_submitted_latest",
            id=rid.group(1),
            target="Webex",
            status=t("fr", "status_pending", stage="department-head"),
        ),
        t("fr", "q_billing_other"),
        t("fr", "hint_choice"),
        t("fr", "hint_choice"),
        "✓ Facturation : Ce n'est pas payant",
        t("fr", "abandoned"),
    )


def test_a_decided_request_says_its_status_once_in_the_readers_language(
    env: dict[str, str],
) -> None:
    out = chat(
        env,
        "zh",
        "/cancel-account",
        "OA",
        "太贵",
        "明天",
        "已备份",
        "无",
        "否",
        "无",
        "提交",
        "/as console:head",
        "/click 拒绝",
        "预算不足",
    )
    found = re.search(r"已提交，编号 (SR-[0-9A-Z]{8})", out)
    assert found, out
    rid = found.group(1)
    assert "console:head 于" in out and "拒绝：预算不足" in out

    # The requester tries to withdraw the rejected request, in Chinese, then in English.
    zh = chat(env, "zh", f"/cancel-account withdraw {rid}", "/cancel-account status")
    assert f"{rid} 已拒绝，未做任何更改。" in zh
    assert f"{rid} · OA · 已拒绝 · 提交于" in zh
    en = chat(env, "en", f"/cancel-account withdraw {rid}", "/cancel-account status")
    assert f"{rid} is already rejected; nothing was changed." in en
    assert f"{rid} · OA · rejected · filed" in en
    for text in (out, zh, en):
        assert "已已" not in text
    assert "已拒绝" not in en
