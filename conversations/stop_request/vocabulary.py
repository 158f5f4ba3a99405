"""Words accepted for typed answers, besides the choice labels, in every language
whatever the dialogue's: people answer in the language they think in."""

from __future__ import annotations

import re
import unicodedata

from conversations.model import Backup, Billing, Compliance, Linked, Reason, Step

# Typed alone, abandon the draft: unless they are also words of an option at that step
# ("Cancel now, ask for a prorated refund"), where the user is asked which they meant.
CANCEL_WORDS = frozenset({"cancel", "取消", "annuler", "quit", "abort", "放弃", "abandonner"})

# An option typed by its number may be introduced ("option 2", "choix 2", "选项2", "#2",
# "第2个") or closed ("2.", "2)").
OPTION_BEFORE = [
    "option",
    "choice",
    "number",
    "no.",
    "n°",
    "#",
    "choix",
    "numéro",
    "numero",
    "选项",
    "选择",
    "选",
    "第",
]
OPTION_AFTER = ["个", "项", "号", ".", ")", "?", "？", "。"]


REASON_WORDS: dict[Reason, list[str]] = {
    Reason.NOT_NEEDED: [
        "no longer needed",
        "not needed",
        "unused",
        "don't need",
        "no need",
        "不再需要",
        "不需要",
        "用不到",
        "不用了",
        "没用",
        "plus besoin",
        "plus nécessaire",
        "inutile",
        "ne sert plus",
    ],
    Reason.TOO_EXPENSIVE: [
        "expensive",
        "too expensive",
        "cost",
        "costs",
        "budget",
        "太贵",
        "费用",
        "成本",
        "贵",
        "trop cher",
        "cher",
        "coût",
        "coûte",
    ],
    Reason.ALTERNATIVE: [
        "alternative",
        "better alternative",
        "replacement",
        "replaced",
        "switching",
        "替代",
        "更好",
        "更换",
        "替换",
        "换成",
        "remplacé",
        "remplacer",
        "meilleur",
    ],
    Reason.SECURITY: [
        "security",
        "risk",
        "vulnerability",
        "breach",
        "安全",
        "漏洞",
        "风险",
        "sécurité",
        "faille",
        "risque",
    ],
    Reason.OTHER: ["other", "other reason", "其他", "其他原因", "autre", "autre raison"],
}
BACKUP_WORDS: dict[Backup, list[str]] = {
    Backup.DONE: [
        "yes",
        "y",
        "done",
        "backed up",
        "ok",
        "是",
        "是的",
        "已备份",
        "备份了",
        "好了",
        "oui",
        "fait",
        "sauvegardé",
        "c'est fait",
    ],
    Backup.NOT_YET: [
        "not yet",
        "no",
        "n",
        "later",
        "还没",
        "还没有",
        "没有",
        "未备份",
        "没备份",
        "pas encore",
        "non",
    ],
    Backup.NOT_NEEDED: [
        "not needed",
        "no need",
        "n/a",
        "nothing to back up",
        "不需要",
        "无需",
        "不用",
        "pas besoin",
        "pas nécessaire",
        "inutile",
    ],
}
LINKED_WORDS: dict[Linked, list[str]] = {
    Linked.MAILBOX: [
        "mail",
        "email",
        "e-mail",
        "mailbox",
        "邮箱",
        "邮件",
        "messagerie",
        "courriel",
        "boîte mail",
    ],
    Linked.FILES: [
        "file",
        "files",
        "storage",
        "drive",
        "file storage",
        "文件",
        "网盘",
        "存储",
        "云盘",
        "fichiers",
        "stockage",
        "fichier",
    ],
    Linked.INTEGRATIONS: [
        "integration",
        "integrations",
        "api",
        "third-party",
        "third party",
        "集成",
        "第三方",
        "对接",
        "intégration",
        "intégrations",
    ],
    Linked.SSO: [
        "sso",
        "single sign-on",
        "single sign on",
        "login",
        "单点登录",
        "统一登录",
        "统一认证",
        "authentification unique",
    ],
}
NONE_WORDS = [
    "none",
    "no",
    "nothing",
    "nobody",
    "no one",
    "无",
    "没有",
    "都没有",
    "不通知",
    "aucun",
    "aucune",
    "rien",
    "personne",
    "non",
]
BILLING_WORDS: dict[Billing, list[str]] = {
    Billing.REFUND: [
        "refund",
        "prorated",
        "prorated refund",
        "money back",
        "退款",
        "退费",
        "remboursement",
        "rembourser",
        "prorata",
    ],
    Billing.END_OF_TERM: [
        "end of term",
        "renewal",
        "stop renewal",
        "run out",
        "no renewal",
        "到期",
        "不续费",
        "停止续费",
        "用完",
        "fin de période",
        "renouvellement",
        "sans renouvellement",
    ],
    Billing.UNSURE: [
        "not sure",
        "unsure",
        "don't know",
        "ask finance",
        "不确定",
        "不知道",
        "问财务",
        "je ne sais pas",
        "pas sûr",
        "voir avec la finance",
    ],
    # Offered only when the question is "Is it paid?", where a plain no is an answer.
    Billing.NOT_PAID: [
        "not paid",
        "free",
        "unpaid",
        "no",
        "nope",
        "免费",
        "不收费",
        "不是付费",
        "不是",
        "否",
        "不付费",
        "gratuit",
        "pas payant",
        "non",
    ],
}
COMPLIANCE_WORDS: dict[Compliance, list[str]] = {
    Compliance.KEEP: [
        "yes",
        "keep",
        "must keep",
        "是",
        "需要",
        "要保留",
        "需要保留",
        "oui",
        "conserver",
    ],
    Compliance.NONE: ["no", "none", "nothing", "否", "不需要", "没有", "无", "non", "aucun"],
    Compliance.UNKNOWN: [
        "don't know",
        "not sure",
        "unknown",
        "dont know",
        "不知道",
        "不确定",
        "je ne sais pas",
        "pas sûr",
        "inconnu",
    ],
}
# Words that can only mean "submit it", also after the request was submitted.
SUBMIT_VERBS = [
    "submit",
    "send",
    "confirm",
    "提交",
    "确认",
    "soumettre",
    "envoyer",
    "valider",
]
SUBMIT_WORDS = [*SUBMIT_VERBS, "yes", "ok", "是", "oui"]
# "Done" on the linked-services question, typed.
LINKED_DONE_WORDS = ["done", "finished", "that's all", "完成", "好了", "就这些", "terminé", "fini"]

# On the summary: a verb that asks to change an answer, then the answer it names
# ("change the date", "modifier la date", "修改日期"; the field names as the summary
# shows them are added from the catalogues).
EDIT_VERBS = [
    "edit",
    "change",
    "modify",
    "update",
    "correct",
    "fix",
    "修改",
    "更改",
    "更正",
    "编辑",
    "改",
    "modifier",
    "changer",
    "corriger",
    "mettre à jour",
]
FIELD_WORDS: dict[Step, list[str]] = {
    Step.TARGET: [
        "target",
        "what",
        "software",
        "account",
        "name",
        "对象",
        "软件",
        "账号",
        "名称",
        "cible",
        "quoi",
        "logiciel",
        "compte",
        "nom",
    ],
    Step.REASON: ["reason", "why", "原因", "理由", "raison", "motif", "pourquoi"],
    Step.WHEN: ["when", "date", "stop date", "day", "日期", "时间", "哪天", "quand", "jour"],
    Step.BACKUP: ["backup", "back up", "备份", "sauvegarde"],
    Step.LINKED: [
        "linked",
        "linked services",
        "services",
        "integrations",
        "关联",
        "关联服务",
        "services liés",
        "intégrations",
    ],
    Step.BILLING: [
        "billing",
        "subscription",
        "payment",
        "refund",
        "费用",
        "订阅",
        "付费",
        "退款",
        "facturation",
        "abonnement",
        "paiement",
        "remboursement",
    ],
    Step.COMPLIANCE: [
        "compliance",
        "records",
        "retention",
        "合规",
        "记录",
        "conformité",
        "conservation",
        "archives",
    ],
    Step.NOTIFY: [
        "notify",
        "notification",
        "recipients",
        "who to notify",
        "通知",
        "通知对象",
        "informer",
        "destinataires",
    ],
}
OWN_ACCOUNT_WORDS = [
    "my account",
    "my own account",
    "own account",
    "account",
    "我的账号",
    "我的帐号",
    "本人账号",
    "自己的账号",
    "账号",
    "帐号",
    "mon compte",
    "mon propre compte",
    "compte",
]

OTHER_TARGET_WORDS = ["other", "something else", "其他", "autre", "autre chose"]


_OPTION = re.compile(
    r"(?:(?:{})\s*){{0,2}}(\d{{1,3}})\s*(?:{})?".format(
        "|".join(re.escape(w) for w in sorted(OPTION_BEFORE, key=len, reverse=True)),
        "|".join(re.escape(w) for w in OPTION_AFTER),
    )
)


def option_number(text: str, count: int) -> int | None:
    """An option typed by its number ("2", "2.", "option 2", "choix 2", "选项2", "#2",
    a full-width "２"), if there is such an option. Shared by every dialogue."""
    found = _OPTION.fullmatch(unicodedata.normalize("NFKC", text).strip().lower())
    if found is not None and 1 <= int(found.group(1)) <= count:
        return int(found.group(1))
    return None
