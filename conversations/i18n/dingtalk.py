"""DingTalk's own words: the typed approval commands an ActionCard tells its reader to
send, and the hints of messages whose buttons are read as typed answers (DingTalk
markdown has no buttons)."""

from __future__ import annotations

# id: (en, zh, fr)
TEXTS: dict[str, tuple[str, str, str]] = {
    # The command words first in each language: what cards tell people to type. The
    # parser reads every language's words (and a few synonyms) whatever the card said.
    "dt_verb_approve": ("approve", "同意", "approuver"),
    "dt_verb_reject": ("reject", "拒绝", "rejeter"),
    "dt_verb_delegate": ("delegate", "转交", "déléguer"),
    "dt_cmd_approve": ("{verb} {id}", "{verb} {id}", "{verb} {id}"),
    "dt_cmd_reject": ("{verb} {id} <reason>", "{verb} {id} <原因>", "{verb} {id} <raison>"),
    "dt_cmd_delegate": (
        "{verb} {id} <dingtalk:staffId or @person> <reason>",
        "{verb} {id} <dingtalk:员工ID 或 @某人> <原因>",
        "{verb} {id} <dingtalk:identifiant ou @personne> <raison>",
    ),
    "dt_cmd_intro": (
        "To decide, send me one of these in a single chat:",
        "也可以在与我的单聊中发送以下命令来审批：",
        "Pour décider, envoyez-moi l'une de ces commandes en discussion privée :",
    ),
    "dt_cmd_usage": (
        "To decide on a request, send: {approve}, {reject} or {delegate}.",
        "审批命令：{approve}、{reject} 或 {delegate}。",
        "Pour décider d'une demande, envoyez : {approve}, {reject} ou {delegate}.",
    ),
    "dt_reply_hint": (
        "Reply with an option's number or its words.",
        "回复选项的编号或文字即可。",
        "Répondez par le numéro d'une option ou par ses mots.",
    ),
    "dt_date_hint": (
        "You can also type a date, such as 2026-12-31.",
        "也可以直接输入日期，例如 2026-12-31。",
        "Vous pouvez aussi taper une date, par exemple 2026-12-31.",
    ),
    "dt_not_text": (
        "I only read text messages: please type your question or answer.",
        "我只能读取文字消息，请直接输入您的问题或回答。",
        "Je ne lis que les messages texte : tapez votre question ou votre réponse.",
    ),
    # A form (a reject or delegate reason) asked one field at a time in a single chat.
    "dt_form_ask": (
        "{title}: {label}? (type it, or send “cancel”)",
        "{title}：{label}？（直接输入，或发送“取消”）",
        "{title} : {label} ? (tapez-la, ou envoyez « annuler »)",
    ),
    "dt_form_ask_user": (
        "{title}: {label}? (their id, e.g. dingtalk:staffId; or send “cancel”)",
        "{title}：{label}？（对方的 ID，例如 dingtalk:员工ID；或发送“取消”）",
        "{title} : {label} ? (son identifiant, par ex. dingtalk:staffId ; ou envoyez « annuler »)",
    ),
    "dt_form_closed": (
        "Cancelled; nothing was changed.",
        "已取消，没有做任何更改。",
        "Annulé ; rien n'a été modifié.",
    ),
}
