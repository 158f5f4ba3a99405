"""The console playground as people met it: real `python -m bot chat` processes on a
DATA_DIR, fed lines (and bytes) on stdin, with the bundled policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conversations import i18n
from conversations.i18n import t
from conversations.model import Lang
from tests.chat_process import ROOT, ChatProcess, cli, pipe

# A whole dialogue for OA (free: department head, then IT), as console:employee.
FILE_OA = [
    "/cancel-account",
    "OA",
    "no longer needed",
    "next month",
    "yes",
    "none",
    "no",
    "none",
    "submit",
]
SUBMITTED = re.compile(r"Submitted as (SR-[0-9A-Z]{8})")
DATA_LOSS = "will my data be lost if my account is closed?"


def script(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


def request_id(out: str) -> str:
    found = SUBMITTED.search(out)
    assert found, out
    return found.group(1)


# -- item 4: an open form leaves commands alone, and survives a restart ----------------


def test_commands_stay_commands_while_a_reason_form_is_open(data_dir: Path) -> None:
    code, out = pipe(
        data_dir,
        script(*FILE_OA, "/as console:head", "/click Reject", "/help", "/whoami"),
    )
    assert code == 0, out
    rid = request_id(out)
    prompt = f"Reject {rid}: Reason (the requester will see it)? (type it, or /cancel)"
    assert "Console commands:" in out
    after_help = out.split("Console commands:", 1)[1]  # /help printed its help...
    assert prompt in after_help  # ...and the form was asked again
    assert "Acting as console:head." in after_help
    assert "/help" not in out.split(prompt, 1)[1]  # never taken as the reason
    assert "was rejected" not in out

    # The form survived the end of that process: the next one asks it again, and a line
    # that starts with "/" but is no command is an answer like any other.
    code, out = pipe(data_dir, script("/tmp is full on the OA server"), "--user", "console:head")
    assert code == 0, out
    assert out.index(prompt) < out.index("Rejected by console:head")
    assert (
        f"→ console:employee\n  {rid} (OA) was rejected at department-head by console:head: "
        "/tmp is full on the OA server." in out
    )


def test_a_click_during_a_delegate_form_is_a_click_not_the_reason(data_dir: Path) -> None:
    code, out = pipe(
        data_dir,
        script(
            *FILE_OA,
            "/as console:head",
            "/click 转交",  # the Chinese label of Delegate: no such button in English
            "/click Delegate",
            "console:deputy",
            "/click 转交",  # typed where the reason is asked: still a command
            "on leave this week",
        ),
    )
    assert code == 0, out
    rid = request_id(out)
    assert "No card has a button '转交'." in out
    assert "Handed by console:head to console:deputy: on leave this week" in out
    assert "/click" not in out.split("Handed by", 1)[1]
    assert f"console:head handed you the department-head approval of {rid}" in out


def test_cancel_closes_the_form_and_changes_nothing(data_dir: Path) -> None:
    code, out = pipe(
        data_dir,
        script(*FILE_OA, "/cancel", "/as console:head", "/click Reject", "/cancel", "hello"),
    )
    assert code == 0, out
    assert "No form is open" in out
    assert "Form closed; nothing was changed." in out
    after = out.split("Form closed; nothing was changed.", 1)[1]
    assert "Reason" not in after and "Rejected" not in after
    assert "I don't know the answer to that" in after  # "hello" went to the bot


def test_an_unknown_command_points_to_the_console_help(data_dir: Path) -> None:
    code, out = pipe(data_dir, script("/foo bar", "/whoami"), "--lang", "fr")
    assert code == 0, out
    assert t("fr", "console_unknown_command", name="foo") in out
    assert "Option inconnue" not in out  # not the /cancel-account usage


def test_a_user_that_is_not_an_id_is_refused_at_start(data_dir: Path) -> None:
    code, out = pipe(data_dir, script("/whoami"), "--user", "bad id")
    assert code == 2
    assert "--user 'bad id' is not a user id" in out
    code, out = pipe(data_dir, script("/whoami"), "--user", "head")
    assert code == 0 and "console:head" in out


# -- item 5: a button is clicked only by whom it was shown to ------------------------


def test_a_private_button_is_clicked_only_by_its_recipient(data_dir: Path) -> None:
    code, out = pipe(
        data_dir,
        script(DATA_LOSS, "/as console:head", "/click 1", "/click 👍 Yes"),
    )
    assert code == 0, out
    after = out.split("Now acting as console:head.", 1)[1]
    refusal = (
        "That button was shown to console:employee: only they can click it "
        "(/as console:employee to act as them)."
    )
    assert after.count(refusal) == 2
    assert "clicks" not in after and "Thanks" not in after
    stats = run_stats(data_dir)
    assert stats["data-loss"] == ["1", "0", "0"]  # answered once, no vote in anyone's name
    assert stats["backup"] == ["0", "0", "0"]  # "How to back up" was not clicked

    # Its recipient may click it.
    code, out = pipe(data_dir, script("/click 👍 Yes"))
    assert code == 0, out
    assert "(console:employee clicks '👍 Yes')" in out
    assert run_stats(data_dir)["data-loss"] == ["1", "1", "0"]


def test_a_card_in_a_channel_is_clicked_by_anyone_and_its_rules_decide(data_dir: Path) -> None:
    code, out = pipe(
        data_dir,
        script(*FILE_OA, "/as console:it", "/click Approve", "/as console:head", "/click Approve"),
    )
    assert code == 0, out
    rid = request_id(out)
    it_click, head_click = out.split("(console:it clicks 'Approve')", 1)[1].split(
        "Now acting as console:head.", 1
    )
    assert "Only the department-head approvers (console:head)" in it_click
    assert "Approved by console:head" in head_click
    assert f"(card {rid}:1)" in head_click


def run_stats(data_dir: Path) -> dict[str, list[str]]:
    """`faq stats` by topic: answered, 👍, 👎."""
    done = cli(data_dir, "faq", "stats")
    assert done.returncode == 0, done.stderr
    return {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()[1:]}


# -- item 6: chat processes sharing a DATA_DIR share the clickable cards --------------


async def test_two_chat_processes_keep_each_others_cards(data_dir: Path) -> None:
    one = await ChatProcess.start(data_dir)
    two = await ChatProcess.start(data_dir)  # started before the card exists
    for line in FILE_OA[:-1]:
        await one.send(line)
    rid = (await one.answer("submit", SUBMITTED.pattern)).group(1)
    await one.wait_for(rf"\(card {rid}:0\)")
    # The other process prints messages with buttons of its own meanwhile...
    await two.answer(DATA_LOSS, r"\[1\] How to back up")
    # ...and can click the card the first one printed.
    await two.send("/as console:head")
    await two.answer("/click Approve", "Approved by console:head")
    await two.wait_for(rf"\(card {rid}:1\)")
    await one.answer(DATA_LOSS, r"\[1\] How to back up")
    assert await one.quit() == 0
    assert await two.quit() == 0

    # After a restart, the IT card (printed by the second process) is still clickable,
    # and so are the first process's FAQ buttons.
    three = await ChatProcess.start(data_dir, "--user", "console:it")
    await three.answer("/click Approve", rf"{rid} \(OA\) is fully approved")
    await three.send("/as console:employee")
    await three.answer("/click How to back up", "Back up before you file the request")
    assert await three.quit() == 0


# -- item 7: the console's own words follow the session's language --------------------

ENGLISH_CHROME = [
    "acting as",
    "Console commands",
    "(only you)",
    "(type it, or /cancel)",
    "(card ",
    " updated",
    "clicks '",
    "That button was shown",
    "No card has a button",
    "Usage:",
    "Form closed",
    "No form is open",
]


@pytest.mark.parametrize("lang", ["zh", "fr"])
def test_console_chrome_speaks_the_session_language(data_dir: Path, lang: Lang) -> None:
    code, out = pipe(
        data_dir,
        script(
            "/help",
            DATA_LOSS,  # asked in English: answered in English, with "👍 Yes"
            *FILE_OA,
            "/cancel-account status",
            "/cancel",
            "/as console:head",
            "/whoami",
            "/click 👍 Yes",  # the employee's FAQ answer: not the head's
            "/click nothing-like-it",
            "/click",
            "/as not valid!",
            "/click 2",  # Reject, on the card in the head's channel
            "/whoami",  # the form is asked again
            "/cancel",
            "/click 2",
            "no budget",
        ),
        "--lang",
        lang,
    )
    assert code == 0, out
    rid = request_id_any(out)
    title = t(lang, "form_reject_title", id=rid)
    prompt = t(lang, "console_form_ask", title=title, label=t(lang, "form_reason"))
    expected = [
        t(lang, "console_banner", user="console:employee"),
        t(lang, "console_help"),
        t(lang, "console_private", to="console:employee"),
        t(lang, "console_no_form"),
        t(lang, "console_now_acting", user="console:head"),
        t(lang, "console_whoami", user="console:head"),
        t(lang, "console_not_yours", owner="console:employee"),
        t(lang, "console_no_button", wanted="nothing-like-it"),
        t(lang, "console_click_usage"),
        t(lang, "console_as_usage"),
        t(lang, "console_clicks", user="console:head", label=reject_label(out)),
        t(lang, "console_form_closed"),
        t(lang, "console_card", card=f"{rid}:0"),
        t(lang, "console_card_updated", card=f"{rid}:0"),
    ]
    missing = [text for text in expected if text not in out]
    assert not missing, out
    assert out.count(prompt) == 3  # asked, asked again after /whoami, asked anew
    english = [text for text in ENGLISH_CHROME if text in out]
    assert not english, out


def test_console_chrome_follows_the_language_the_user_writes(data_dir: Path) -> None:
    code, out = pipe(data_dir, script("注销后还能恢复吗", "/whoami", "/help"))
    assert code == 0, out
    assert t("zh", "console_whoami", user="console:employee") in out
    assert t("zh", "console_help") in out
    assert "Console commands" not in out


def request_id_any(out: str) -> str:
    """The id of the request filed, whatever the language of its confirmation."""
    found = re.search(r"SR-[0-9A-Z]{8}", out)
    assert found, out
    return found.group(0)


def reject_label(out: str) -> str:
    """The second button of the approval card, in the request's language."""
    found = re.search(r"^  └\n  \[1\] \S+  \[2\] (\S+)  \[3\] \S+$", out, re.MULTILINE)
    assert found, out
    return found.group(1)


# -- item 8: bytes that are not UTF-8 -------------------------------------------------


@pytest.mark.parametrize(
    "stdin_encoding",
    [
        None,  # as the machine's locale sets it
        "utf-8:strict",  # a desktop's UTF-8 locale: Python would refuse the bytes
        "utf-8:surrogateescape",  # the C locale: Python would keep them as surrogates
    ],
)
def test_invalid_utf8_on_stdin_is_answered_and_chat_carries_on(
    data_dir: Path, stdin_encoding: str | None
) -> None:
    env = {"PYTHONIOENCODING": stdin_encoding} if stdin_encoding else {}
    code, out = pipe(
        data_dir,
        b"\xff\xfe hello\n"
        b"/cancel-account\n"
        b"OA\n"
        b"\xff\xfe no longer needed \xed\xa0\x80\n"  # in the middle of the dialogue
        b"next month\n"
        b"/as console:\xff\n"
        b"/whoami\n"
        b"/cancel-account status\n",
        env=env,
    )
    assert code == 0, out
    assert "Traceback" not in out and "Error" not in out, out
    assert "I don't know the answer to that" in out  # the first line, answered
    assert "Is the data backed up" in out  # the reason was taken, the date too
    assert "Usage: /as ID" in out
    assert "Acting as console:employee." in out
    assert "Draft in progress" in out


# -- item 16: the README's walkthrough runs as written -------------------------------


HINTS = [key for key in i18n.keys() if key.startswith("hint_")]


def readme_walkthrough() -> str:
    """The lines the README's Quick start pipes into `make chat`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"^```sh\nmake chat <<'EOF'\n(.*?\n)EOF\n```$", quick_start, re.S | re.M)
    assert found, "the Quick start has no walkthrough piped into make chat"
    return found.group(1)


def test_the_readme_walkthrough_runs_to_the_rejection(data_dir: Path) -> None:
    lines = readme_walkthrough()
    assert "/click Reject\n" in lines
    code, out = pipe(data_dir, lines)
    assert code == 0, out
    rid = request_id(out)
    # Every line meant what the README says it means: no comment was read as a
    # question (FAQ answers) or as an answer (a step's hint), in any language.
    misread = [
        max(re.split(r"\{\w*\}", text), key=len)  # its longest part without a placeholder
        for key in ("faq_did_it_help", "faq_did_you_mean", "faq_unknown", *HINTS)
        for text in i18n.every_lang(key)
    ]
    assert not [text for text in misread if text in out], out
    for answer in (
        "Why: Too expensive",
        "Backup: Not yet",
        "Linked services: Mailbox, SSO",
        "Billing: Cancel now, ask for a prorated refund",
        "Compliance records: I don't know",
        "Notify: console:team",
    ):
        assert f"  │ {answer}\n" in out, answer
    assert f"{rid} (CRM) is fully approved" not in out
    for stage in ("department-head", "it"):
        assert f"{stage} approved by console:" in out
    assert "Rejected by console:finance" in out
    reason = lines.split("/click Reject\n", 1)[1].splitlines()[0]
    assert (
        f"→ console:employee\n  {rid} (CRM) was rejected at finance by console:finance: {reason}."
        in out
    )
    assert f"{rid} · CRM · rejected" in out  # what the requester's status shows
    audit = cli(data_dir, "audit", rid)
    assert [line.split()[2].rstrip(":") for line in audit.stdout.splitlines()] == [
        "submitted",
        "approved",
        "approved",
        "rejected",
    ]


def test_a_terminal_that_cannot_show_the_language_still_gets_answers(data_dir: Path) -> None:
    code, out = pipe(
        data_dir,
        script("/whoami", "注销后还能恢复吗"),
        "--lang",
        "zh",
        env={"PYTHONIOENCODING": "ascii"},
    )
    assert code == 0, out
    assert "Traceback" not in out
    assert "console:employee" in out and "?" in out


# -- the dialogue's language, abort words, and how each language writes a row ---------

STOP_OA = ["/cancel-account", "OA", "no longer needed", "tomorrow", "yes", "none", "no"]


def test_an_edit_typed_in_another_language_keeps_the_session_language(data_dir: Path) -> None:
    code, out = pipe(
        data_dir,
        script(*STOP_OA, "console:team", "edit quoi", "3", "edit 原因", "1", "submit"),
    )
    assert code == 0, out
    assert t("fr", "q_target") not in out and t("zh", "q_reason") not in out
    assert out.count(t("en", "summary")) == 3
    rid = request_id_any(out)
    assert t("en", "submitted", id=rid, stages="department-head → it") in out
    card = out[out.index(f"→ console:approvals-head  (card {rid}:0)") :]
    assert "│ Requester: console:employee" in card and t("en", "b_approve") in card


def test_cancel_that_names_an_option_asks_and_the_draft_survives(data_dir: Path) -> None:
    code, out = pipe(
        data_dir,
        script(
            "/cancel-account",
            "CRM",
            "no longer needed",
            "tomorrow",
            "yes",
            "none",
            "cancel",
            "option 2",
            "/cancel-account status",
            "/cancel-account cancel",
            "/cancel-account status",
        ),
    )
    assert code == 0, out
    assert "Did you mean [1] Cancel now, ask for a prorated refund?" in out
    assert "✓ Billing: Let the paid period run out, stop renewal" in out
    assert out.count(t("en", "abandoned")) == 1
    assert out.index(t("en", "status_draft", step="Compliance records")) < out.index(
        t("en", "abandoned")
    )


def test_french_rows_put_a_space_before_the_colon(data_dir: Path) -> None:
    code, out = pipe(data_dir, script(*STOP_OA, "personne"), "--lang", "fr")
    assert code == 0, out
    assert "│ Quoi : OA (gratuit)" in out and "│ Quoi:" not in out
    assert "✓ Pourquoi : Plus nécessaire" in out
