"""Words accepted for typed answers in the notice dialogue, besides the choice labels,
in every language whatever the dialogue's."""

from __future__ import annotations

from conversations.notice.state import NoticeStep

LANG_WORDS: dict[str, list[str]] = {
    "en": ["en", "english", "anglais", "英文", "英语"],
    "zh": ["zh", "chinese", "chinois", "中文", "汉语", "简体中文"],
    "fr": ["fr", "french", "francais", "français", "法文", "法语"],
}
ALL_LANGS_WORDS = ["all", "all three", "every language", "tous", "toutes", "全部", "三种语言"]
KEEP_WORDS = [
    "next",
    "continue",
    "done",
    "confirm",
    "继续",
    "下一步",
    "suivant",
    "continuer",
    "keep",
    "ok",
    "yes",
    "fine",
    "good",
    "保留",
    "好",
    "可以",
    "garder",
    "oui",
    "d'accord",
]
RESET_WORDS = ["reset", "template", "模板", "恢复", "modèle", "revenir au modèle"]
NOW_WORDS = [
    "now",
    "right now",
    "immediately",
    "现在",
    "立即",
    "马上",
    "maintenant",
    "tout de suite",
]
AT_WORDS = ["later", "at a time", "schedule", "定时", "稍后", "plus tard", "programmer"]
CONFIRM_WORDS = [
    "confirm",
    "send",
    "schedule",
    "yes",
    "ok",
    "go",
    "确认",
    "发送",
    "是",
    "confirmer",
    "envoyer",
    "programmer",
    "oui",
]
FIELD_WORDS: dict[NoticeStep, list[str]] = {
    NoticeStep.SOFTWARE: ["software", "what", "软件", "logiciel"],
    NoticeStep.DATE: ["date", "stop date", "day", "日期", "停用日期", "jour", "date d'arrêt"],
    NoticeStep.LANGS: ["language", "languages", "lang", "语言", "langue", "langues"],
    NoticeStep.MESSAGE: ["message", "text", "wording", "内容", "文字", "通知内容", "texte"],
    NoticeStep.RECIPIENTS: [
        "recipients",
        "to",
        "who",
        "targets",
        "channels",
        "接收对象",
        "对象",
        "频道",
        "destinataires",
        "canaux",
    ],
    NoticeStep.WHEN: [
        "when",
        "time",
        "schedule",
        "sent",
        "时间",
        "发送时间",
        "quand",
        "envoi",
        "heure",
    ],
}
