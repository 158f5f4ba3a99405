"""An approval card as the data of the interactive card template
(DINGTALK_CARD_TEMPLATE_ID): the `cardParamMap` of `createAndDeliver`, and of the
in-place update after a decision (`PUT /v1.0/card/instances` with
`updateCardDataByKey`). The template's variables, actions and inputs are named here
once; a template built for this bot binds exactly these.

Variables (every value a string, DingTalk's card data being strings):

| variable               | value                                                          |
| ---------------------- | -------------------------------------------------------------- |
| `title`                | the card's title: "停用申请 SR-7K3M9QXD：CRM" (plain text)       |
| `body_md`              | fields, risk warnings, stage and approvers (markdown, escaped) |
| `outcome_md`           | what happened: approved by, rejected with the reason (markdown, |
|                        | escaped); empty while the stage is open                         |
| `status`               | `open` while the stage awaits a decision, else `closed`        |
| `show_buttons`         | `true` / `false`: show the buttons and the inputs               |
| `approve_label`        | the approve button's label in the card's language (同意)        |
| `reject_label`         | the reject button's label (拒绝)                                |
| `delegate_label`       | the delegate button's label (转交)                              |
| `reason_placeholder`   | the reason input's placeholder ("原因（申请人可见）")              |
| `delegate_placeholder` | the person input's placeholder ("转交给")                        |
| `request_id`           | the request id (SR-…); sent while the stage is open             |
| `stage`                | the stage's number as the card shows it (1, 2…); likewise       |

Actions (a button's `actionId`, arriving as `cardPrivateData.actionIds`): `approve`,
`reject`, `delegate`, the handlers' action ids. Inputs (arriving as
`cardPrivateData.params`): `reason` (text) and `delegate_to` (a staffId, from a
person picker). Which request and stage a click is about comes from the card's
`outTrackId`, never from the card's data, which the clicker's client sends back.
"""

from __future__ import annotations

from bot.adapters.dingtalk import markdown
from conversations.i18n import t
from handlers.actions import Approve, Delegate, Reject, StageDecision, parse_action
from handlers.events import Message

TITLE = "title"
BODY = "body_md"
OUTCOME = "outcome_md"
STATUS = "status"
SHOW_BUTTONS = "show_buttons"
APPROVE_LABEL = "approve_label"
REJECT_LABEL = "reject_label"
DELEGATE_LABEL = "delegate_label"
REASON_PLACEHOLDER = "reason_placeholder"
DELEGATE_PLACEHOLDER = "delegate_placeholder"
REQUEST_ID = "request_id"
STAGE = "stage"

VARIABLES = (
    TITLE,
    BODY,
    OUTCOME,
    STATUS,
    SHOW_BUTTONS,
    APPROVE_LABEL,
    REJECT_LABEL,
    DELEGATE_LABEL,
    REASON_PLACEHOLDER,
    DELEGATE_PLACEHOLDER,
    REQUEST_ID,
    STAGE,
)

# The template's buttons and inputs, as its callback names them.
ACTIONS = (Approve.id, Reject.id, Delegate.id)
PARAM_REASON = "reason"
PARAM_DELEGATE_TO = "delegate_to"

OPEN, CLOSED = "open", "closed"
TRUE, FALSE = "true", "false"


def param_map(message: Message) -> dict[str, str]:
    """The card data of an approval card (handlers/cards.approval_card's message), for
    its creation and for every update: while the stage is open its buttons are shown
    and the request and stage are named; once decided the outcome shows instead. An
    update by key leaves what it does not send (the request and stage) as they were."""
    card = message.card
    if card is None:
        raise ValueError("an approval card's message has a card")
    lang = card.lang
    labels = {Approve.id: t(lang, "b_approve"), Reject.id: t(lang, "b_reject")}
    labels[Delegate.id] = t(lang, "b_delegate")
    decisions: list[StageDecision] = []
    for button in message.buttons:
        decision = parse_action(button.action, button.value)
        if isinstance(decision, StageDecision):
            decisions.append(decision)
            labels[decision.id] = button.label
    is_open = bool(decisions)
    data = {
        TITLE: markdown.cut(markdown.escape(card.title), markdown.TITLE_MAX * 2),
        BODY: markdown.cut(
            markdown.card_markdown(card, heading=False, outcome=False), markdown.TEXT_MAX
        ),
        OUTCOME: markdown.outcome_markdown(card),
        STATUS: OPEN if is_open else CLOSED,
        SHOW_BUTTONS: TRUE if is_open else FALSE,
        APPROVE_LABEL: labels[Approve.id],
        REJECT_LABEL: labels[Reject.id],
        DELEGATE_LABEL: labels[Delegate.id],
        REASON_PLACEHOLDER: t(lang, "form_reason"),
        DELEGATE_PLACEHOLDER: t(lang, "form_delegate_to"),
    }
    if decisions:
        data[REQUEST_ID] = decisions[0].request_id
        data[STAGE] = str(decisions[0].stage + 1)
    return data
