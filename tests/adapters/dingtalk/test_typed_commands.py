"""What DingTalk users type: the words that start the bot's commands, and the approval
commands an ActionCard's buttons send and its text tells people to type, in the three
languages, full-width, spaced oddly, after @-mentions."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from bot.adapters.dingtalk import actioncard
from bot.adapters.dingtalk.typed_commands import (
    Decision,
    Usage,
    command,
    hints,
    pick_button,
    read_command,
    read_decision,
    read_person,
)
from conversations.i18n import t
from conversations.model import LANGS, Lang
from handlers.actions import Approve, Delegate, DialogueChoice, FaqVote, Reject
from handlers.commands import CANCEL_ACCOUNT, SHUTDOWN_NOTICE
from handlers.events import Actor, Click, FormSubmit

RID = "SR-7K3M9QXD"

# -- the words that start a command ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/cancel-account", (CANCEL_ACCOUNT, "")),
        ("cancel-account", (CANCEL_ACCOUNT, "")),
        ("注销账号", (CANCEL_ACCOUNT, "")),
        ("停用申请", (CANCEL_ACCOUNT, "")),
        ("注销帐号", (CANCEL_ACCOUNT, "")),
        ("/Cancel-Account status", (CANCEL_ACCOUNT, "status")),
        ("cancel-account withdraw sr-7k3m9qxd", (CANCEL_ACCOUNT, "withdraw sr-7k3m9qxd")),
        ("注销账号 help", (CANCEL_ACCOUNT, "help")),
        ("停用申请\u3000状态", (CANCEL_ACCOUNT, "状态")),  # a full-width space
        ("／ｃａｎｃｅｌ－ａｃｃｏｕｎｔ　ｓｔａｔｕｓ", (CANCEL_ACCOUNT, "ｓｔａｔｕｓ")),
        ("  @stopbot\u2005注销账号  ", (CANCEL_ACCOUNT, "")),  # DingTalk's space after @name
        ("@stopbot @other /cancel-account status", (CANCEL_ACCOUNT, "status")),
        ("注销账号。", (CANCEL_ACCOUNT, "")),
        ("cancel-account!", (CANCEL_ACCOUNT, "")),
        ("/停用申请 withdraw SR-7K3M9QXD", (CANCEL_ACCOUNT, "withdraw SR-7K3M9QXD")),
        ("/shutdown-notice", (SHUTDOWN_NOTICE, "")),
        ("shutdown-notice status", (SHUTDOWN_NOTICE, "status")),
        ("停用通知 cancel NB-7K3M9QXD", (SHUTDOWN_NOTICE, "cancel NB-7K3M9QXD")),
        ("SHUTDOWN-NOTICE   cancel   NB-1", (SHUTDOWN_NOTICE, "cancel NB-1")),
        ("注销账号 status @stopbot", (CANCEL_ACCOUNT, "status")),  # the bot named last
        ("注销账号 @stopbot", (CANCEL_ACCOUNT, "")),
        ("注销账号：状态", (CANCEL_ACCOUNT, "状态")),
        ("cancel-account, withdraw SR-7K3M9QXD", (CANCEL_ACCOUNT, "withdraw SR-7K3M9QXD")),
    ],
)
def test_trigger_words_start_a_command(typed: str, expected: tuple[str, str]) -> None:
    assert read_command(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "停用申请要多久？",  # a question about stop requests: the FAQ's
        "注销账号后数据还在吗",
        "how do I cancel-account?",
        "cancel-accounts",
        "cancel account",
        "cancel-account-now",
        "/cancel",
        "status",
        "",
        "   ",
        "@stopbot",
        "shutdown-notices",
    ],
)
def test_other_messages_are_no_command(typed: str) -> None:
    assert read_command(typed) is None


# -- approval commands -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (f"approve {RID}", Decision("approve", RID, None, "en")),
        (f"同意 {RID}", Decision("approve", RID, None, "zh")),
        (f"approuver {RID}", Decision("approve", RID, None, "fr")),
        (f"批准 {RID}", Decision("approve", RID, None, "zh")),
        (f"APPROVE {RID.lower()}", Decision("approve", RID, None, "en")),
        (f"同意{RID}", Decision("approve", RID, None, "zh")),  # Chinese needs no space
        (f"同意：{RID}。", Decision("approve", RID, None, "zh")),
        (f"approve {RID}.", Decision("approve", RID, None, "en")),
        (f"approve, {RID} !", Decision("approve", RID, None, "en")),
        ("ａｐｐｒｏｖｅ\u3000ＳＲ－７Ｋ３Ｍ９ＱＸＤ", Decision("approve", RID, None, "en")),
        (f"  @stopbot\u2005approve   {RID}  ", Decision("approve", RID, None, "en")),
        ("approve SR\u20147K3M9QXD", Decision("approve", RID, None, "en")),  # an em dash
        ("approve SR-7K3M9QXO", Decision("approve", "SR-7K3M9QX0", None, "en")),  # O for 0
        ("approve sr-7k3m9qxl", Decision("approve", "SR-7K3M9QX1", None, "en")),  # l for 1
        (f"approve {RID}#2", Decision("approve", RID, 1, "en")),  # a button's: stage 2
        (f"同意 {RID}＃１", Decision("approve", RID, 0, "zh")),
        (f"reject {RID} no budget", Decision("reject", RID, None, "en", reason="no budget")),
        (f"拒绝 {RID} 预算不足", Decision("reject", RID, None, "zh", reason="预算不足")),
        (f"拒绝：{RID}，预算不足。", Decision("reject", RID, None, "zh", reason="预算不足。")),
        (f"驳回 {RID} 不行", Decision("reject", RID, None, "zh", reason="不行")),
        (
            f"rejeter {RID} pas de budget cette année",
            Decision("reject", RID, None, "fr", reason="pas de budget cette année"),
        ),
        (f"refuser {RID} non", Decision("reject", RID, None, "fr", reason="non")),
        (f"reject {RID}", Decision("reject", RID, None, "en")),
        (f"approve {RID} @stopbot", Decision("approve", RID, None, "en")),
        (f"拒绝 {RID} @stopbot", Decision("reject", RID, None, "zh")),  # no reason given
        (f"拒绝 {RID} 不行 @stopbot", Decision("reject", RID, None, "zh", reason="不行")),
        (
            f"reject {RID} ask bob@corp.example",  # an address is not a mention
            Decision("reject", RID, None, "en", reason="ask bob@corp.example"),
        ),
        (f"拒绝 {RID}#3", Decision("reject", RID, 2, "zh")),
        (
            f"reject {RID}   Ｎｏ   budget \ufffd here",  # U+FFFD: a surrogate cleaned upstream
            Decision("reject", RID, None, "en", reason="Ｎｏ budget \ufffd here"),
        ),
        (
            f"delegate {RID} dingtalk:manager01 on leave",
            Decision("delegate", RID, None, "en", reason="on leave", person="dingtalk:manager01"),
        ),
        (
            f"转交 {RID} dingtalk：manager01 出差",  # a full-width colon
            Decision("delegate", RID, None, "zh", reason="出差", person="dingtalk:manager01"),
        ),
        (
            f"déléguer {RID} slack:U012AB absente",
            Decision("delegate", RID, None, "fr", reason="absente", person="slack:U012AB"),
        ),
        (
            f"deleguer {RID} dingtalk:m1 absente",
            Decision("delegate", RID, None, "fr", reason="absente", person="dingtalk:m1"),
        ),
        (
            f"Transférer {RID} dingtalk:m1 absente",
            Decision("delegate", RID, None, "fr", reason="absente", person="dingtalk:m1"),
        ),
        (f"delegate {RID}", Decision("delegate", RID, None, "en")),
        (
            f"delegate {RID} dingtalk:m1 away @stopbot",
            Decision("delegate", RID, None, "en", reason="away", person="dingtalk:m1"),
        ),
        (f"转交 {RID}#1", Decision("delegate", RID, 0, "zh")),
        (
            f"delegate {RID} dingtalk:m1",
            Decision("delegate", RID, None, "en", person="dingtalk:m1"),
        ),
        (
            f"delegate {RID} it01 on leave",  # a bare staffId: a DingTalk one
            Decision("delegate", RID, None, "en", reason="on leave", person="dingtalk:it01"),
        ),
        (
            f"delegate {RID} 张三 please",  # no identity: the handler says so
            Decision("delegate", RID, None, "en", reason="please", person="张三"),
        ),
    ],
)
def test_approval_commands_are_read(typed: str, expected: Decision) -> None:
    assert read_decision(typed) == expected


def test_a_mentioned_person_is_whom_a_delegation_goes_to() -> None:
    typed = f"@stopbot 转交 {RID} @张三\u2005出差一周"
    assert read_decision(typed, mentioned=["staff0042"]) == Decision(
        "delegate", RID, None, "zh", reason="出差一周", person="dingtalk:staff0042"
    )
    # Two people mentioned: which one is meant cannot be told; the handler asks again.
    two = read_decision(typed, mentioned=["a1", "a2"])
    assert isinstance(two, Decision) and two.person == "@张三"
    alone = read_decision(typed)
    assert isinstance(alone, Decision) and alone.person == "@张三"


@pytest.mark.parametrize(
    ("typed", "person"),
    [
        ("dingtalk:it01", "dingtalk:it01"),
        ("slack:U012AB", "slack:U012AB"),
        (" it01 ", "dingtalk:it01"),  # a bare staffId is a DingTalk one
        ("@it01", "dingtalk:it01"),
        ("＠ｉｔ０１", "dingtalk:it01"),
        ("ｄｉｎｇｔａｌｋ：it01", "dingtalk:it01"),
        ("deputy/2==", "dingtalk:deputy/2=="),  # staffIds are base64-like
        ("张三", "张三"),  # no identity: kept as typed, for the handler's refusal
        ("it 01", "it 01"),
        ("teams:x1", "teams:x1"),  # another platform's, unknown: not made a DingTalk id
        ("@", "@"),
    ],
)
def test_a_person_is_read_one_way(typed: str, person: str) -> None:
    # The same reading for a delegate command and for the answer to a form's person.
    assert read_person(typed) == person
    found = read_decision(f"delegate {RID} {typed.strip()} away")
    if " " not in typed.strip():
        assert isinstance(found, Decision) and found.person == person


@pytest.mark.parametrize(
    "typed",
    [
        "approve SR-7K3M9QX",  # too short
        "approve SR-7K3M9QXDD",  # too long
        "approve SR-7K3M9QXU",  # U is no digit of these ids
        "同意 SR-",
        f"approve {RID} and SR-2222AAAA",  # approving one of two is not what was asked
        f"approve {RID} please",
        f"同意 {RID} 吗",
        f"approve {RID}#0",
        f"approve {RID}#x",
        f"reject {RID}x because",
    ],
)
def test_a_command_with_an_unreadable_request_is_a_usage(typed: str) -> None:
    found = read_decision(typed)
    assert isinstance(found, Usage)


@pytest.mark.parametrize(
    "typed",
    [
        "approve",  # a dialogue's answer, perhaps
        "同意",
        "reject",
        "approuver",
        "I approve SR-7K3M9QXD",  # not at the start
        "同意 他的看法",
        "rejeter la demande",
        "approved SR-7K3M9QXD",
        "approvers SR-7K3M9QXD",
        "delegates",
        "status",
        "",
        "SR-7K3M9QXD",
    ],
)
def test_other_messages_are_no_approval_command(typed: str) -> None:
    assert read_decision(typed) is None


@pytest.mark.parametrize("lang", LANGS)
def test_usage_says_how_to_write_each_command(lang: Lang) -> None:
    text = Usage("approve", lang).text()
    for word in ("dt_verb_approve", "dt_verb_reject", "dt_verb_delegate"):
        assert t(lang, word) in text
    assert "SR-…" in text


# -- what the commands become: the events a Slack click or form sends ----------------------

ACTOR = Actor(id="dingtalk:manager01")


def test_an_approval_is_the_approve_click() -> None:
    event = Decision("approve", RID, None, "en").event(ACTOR, "dingtalk:cidG1", current_stage=1)
    assert event == Click(
        actor=ACTOR, channel="dingtalk:cidG1", action=Approve.id, value=Approve(RID, 1).pack()
    )


def test_a_named_stage_wins_over_the_current_one() -> None:
    # A button of an earlier stage's card: the handler refuses it as stale.
    event = Decision("approve", RID, 0, "en").event(ACTOR, "dingtalk:manager01", current_stage=1)
    assert isinstance(event, Click) and event.value == Approve(RID, 0).pack()


def test_a_rejection_with_its_reason_is_the_reject_form() -> None:
    event = Decision("reject", RID, None, "zh", reason="预算不足").event(ACTOR, "c", 0)
    assert event == FormSubmit(
        actor=ACTOR, form=Reject.id, context=Reject(RID, 0).pack(), values={"reason": "预算不足"}
    )


def test_a_rejection_without_a_reason_is_the_click_that_asks_for_one() -> None:
    event = Decision("reject", RID, 2, "fr").event(ACTOR, "dingtalk:manager01", 0)
    assert event == Click(
        actor=ACTOR, channel="dingtalk:manager01", action=Reject.id, value=Reject(RID, 2).pack()
    )


def test_a_delegation_with_person_and_reason_is_the_delegate_form() -> None:
    decision = Decision("delegate", RID, None, "en", reason="on leave", person="dingtalk:m2")
    assert decision.event(ACTOR, "c", 1) == FormSubmit(
        actor=ACTOR,
        form=Delegate.id,
        context=Delegate(RID, 1).pack(),
        values={"to": "dingtalk:m2", "reason": "on leave"},
    )


def test_a_delegation_without_its_reason_asks_with_the_person_already_given() -> None:
    decision = Decision("delegate", RID, None, "en", person="dingtalk:m2")
    event = decision.event(ACTOR, "c", 1)
    assert isinstance(event, Click) and event.action == Delegate.id
    assert decision.prefill() == {"to": "dingtalk:m2"}
    assert Decision("delegate", RID, None, "en").prefill() == {}
    assert Decision("reject", RID, None, "en", reason="x").prefill() == {}


# -- what is written is what is read ------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", [Approve, Reject, Delegate])
@pytest.mark.parametrize("stage", [0, 1, 4])
def test_a_buttons_command_reads_back_as_its_decision(
    lang: Lang, kind: type[Approve], stage: int
) -> None:
    decision = kind(RID, stage)
    typed = unquote(actioncard.send_message_url(command(decision, lang)).split("content=", 1)[1])
    read = read_decision(typed)
    assert read == Decision(kind.id, RID, stage, lang)
    event = read.event(ACTOR, "dingtalk:cidG1", current_stage=9)
    assert isinstance(event, Click)
    assert (event.action, event.value) == (decision.id, decision.pack())


@pytest.mark.parametrize("lang", LANGS)
def test_the_commands_a_card_shows_read_back(lang: Lang) -> None:
    approve, reject, delegate = hints(RID, lang)
    assert read_decision(approve) == Decision("approve", RID, None, lang)
    # The placeholders typed as they are shown are still read as that decision.
    found = read_decision(reject)
    assert isinstance(found, Decision) and found.action == "reject"
    found = read_decision(delegate)
    assert isinstance(found, Decision) and found.action == "delegate"


# -- typed answers to buttons ---------------------------------------------------------------


def test_a_button_is_picked_by_its_number_or_its_words() -> None:
    buttons = [
        FaqVote("refund", True).button("有帮助"),
        FaqVote("refund", False).button("没有帮助"),
    ]
    assert pick_button(buttons, "1") == buttons[0]
    assert pick_button(buttons, "２") == buttons[1]
    assert pick_button(buttons, "option 2") == buttons[1]
    assert pick_button(buttons, "没有帮助") == buttons[1]
    assert pick_button(buttons, " 有帮助。") == buttons[0]
    assert pick_button(buttons, "3") is None
    assert pick_button(buttons, "有") is None
    assert pick_button(buttons, "") is None
    yes = [DialogueChoice("D", "s", "y").button("Yes, Schedule")]
    assert pick_button(yes, "yes schedule") == yes[0]
