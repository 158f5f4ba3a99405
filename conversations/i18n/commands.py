"""Answers to the slash commands, the home view, and the errors any message can get."""

from __future__ import annotations

# id: (en, zh, fr)
TEXTS: dict[str, tuple[str, str, str]] = {
    "status_header": ("Your stop requests:", "你的停用申请：", "Vos demandes d'arrêt :"),
    "status_line": (
        "{id} · {target} · {status} · filed {date}",
        "{id} · {target} · {status} · 提交于 {date}",
        "{id} · {target} · {status} · déposée le {date}",
    ),
    "status_none": (
        "You have no stop requests. Start one with /cancel-account.",
        "你还没有停用申请。输入 /cancel-account 开始。",
        "Vous n'avez aucune demande. Commencez avec /cancel-account.",
    ),
    "status_draft": (
        "Draft in progress: step '{step}'. Type anything to continue, or 'cancel'.",
        "有一份草稿进行中：当前步骤“{step}”。输入任意内容继续，或输入“取消”。",
        "Brouillon en cours : étape « {step} ». Tapez quelque chose pour continuer, ou "
        "« annuler ».",
    ),
    "pending_header": (
        "Requests waiting for your decision:",
        "等待你审批的申请：",
        "Demandes en attente de votre décision :",
    ),
    "pending_none": (
        "Nothing is waiting for your decision.",
        "没有等待你审批的申请。",
        "Rien n'attend votre décision.",
    ),
    "withdraw_usage": (
        "Usage: /cancel-account withdraw <request id> (see /cancel-account status).",
        "用法：/cancel-account withdraw <申请编号>（见 /cancel-account status）。",
        "Usage : /cancel-account withdraw <numéro> (voir /cancel-account status).",
    ),
    "withdraw_unknown": (
        "You have no request {id}; see /cancel-account status.",
        "你没有编号为 {id} 的申请；请查看 /cancel-account status。",
        "Vous n'avez pas de demande {id} ; voir /cancel-account status.",
    ),
    "unknown_subcommand": (
        "Unknown option '{word}'. {help}",
        "未知选项“{word}”。{help}",
        "Option inconnue « {word} ». {help}",
    ),
    "help": (
        "/cancel-account: start a stop request (an account or a piece of software). "
        "/cancel-account status: your requests and where they are. "
        "/cancel-account withdraw <id>: withdraw a pending request. "
        "/cancel-account pending: requests waiting for your approval. "
        "/cancel-account cancel: abandon the request you are filling in.",
        "/cancel-account：发起停用申请（账号或软件）。/cancel-account status：查看你的申请进度。"
        "/cancel-account withdraw <编号>：撤回待审批的申请。/cancel-account pending：等待你审批的申请。"
        "/cancel-account cancel：放弃正在填写的申请。",
        "/cancel-account : démarrer une demande d'arrêt (compte ou logiciel). "
        "/cancel-account status : vos demandes et leur étape. "
        "/cancel-account withdraw <numéro> : retirer une demande en attente. "
        "/cancel-account pending : demandes qui attendent votre approbation. "
        "/cancel-account cancel : abandonner la demande en cours de saisie.",
    ),
    "storage_down": (
        "The bot's storage is unavailable right now, so nothing was changed. Please try again "
        "in a minute.",
        "机器人的存储暂时不可用，未做任何更改。请稍后再试。",
        "Le stockage du bot est indisponible pour l'instant ; rien n'a été modifié. Réessayez "
        "dans une minute.",
    ),
    "busy": (
        "I'm still working on your previous message; please try again in a moment.",
        "我还在处理你的上一条消息，请稍后再试。",
        "Je traite encore votre message précédent ; réessayez dans un instant.",
    ),
    "expired_button": (
        "This button belongs to a conversation that has ended; nothing was changed.",
        "此按钮所属的对话已结束，未做任何更改。",
        "Ce bouton appartient à une conversation terminée ; rien n'a été modifié.",
    ),
    "home_admin_pending": (
        "Pending requests per stage:",
        "各审批阶段待处理的申请：",
        "Demandes en attente par étape :",
    ),
}
