"""The console playground's own words: its banner, help, headers, prompts and errors
(what the bot says is in the other catalogues)."""

from __future__ import annotations

# id: (en, zh, fr)
TEXTS: dict[str, tuple[str, str, str]] = {
    "console_banner": (
        "stopbot console, acting as {user}. Type /cancel-account to start a stop request, "
        "/help for console commands.",
        "stopbot 控制台，当前身份 {user}。输入 /cancel-account 开始停用申请，输入 /help 查看"
        "控制台命令。",
        "Console stopbot, vous agissez en tant que {user}. Tapez /cancel-account pour "
        "demander un arrêt, /help pour les commandes de la console.",
    ),
    "console_help": (
        "Console commands:\n"
        "  /cancel-account [status|withdraw ID|pending|help]   the bot's command\n"
        "  /shutdown-notice [status [JOB]|cancel JOB|help]    admins: a shutdown notice\n"
        "  /as ID             act as another user (e.g. /as console:head)\n"
        "  /click N|LABEL     click button N (or the button labelled LABEL) of the latest "
        "message with it that was shown to you, or of a card posted to a channel\n"
        "  /cancel            close the open form (a reject or delegate reason) without "
        "sending it\n"
        "  /whoami            show the acting user\n"
        "  /quit              leave (everything is kept; run chat again to continue)\n"
        "Lines starting with # are comments and are skipped (handy in piped scripts).\n"
        "While a form is open, what you type is its answer, but these commands stay "
        "commands and the form stays open.\n"
        "Anything else you type is a message to the bot.",
        "控制台命令：\n"
        "  /cancel-account [status|withdraw ID|pending|help]   机器人的命令\n"
        "  /shutdown-notice [status [编号]|cancel 编号|help]   管理员：停用通知\n"
        "  /as ID             切换为另一个用户（例如 /as console:head）\n"
        "  /click N|按钮文字   点击发给你的、或发到频道的卡片上最新的第 N 个按钮（或写着该文字的"
        "按钮）\n"
        "  /cancel            关闭正在填写的表单（拒绝或转交原因），不提交\n"
        "  /whoami            显示当前身份\n"
        "  /quit              退出（数据都会保留；再次运行 chat 即可继续）\n"
        "以 # 开头的行是注释，会被跳过（便于用管道输入脚本）。\n"
        "表单打开时，你输入的内容就是表单的回答，但以上命令仍然是命令，表单保持打开。\n"
        "其他输入都会作为消息发给机器人。",
        "Commandes de la console :\n"
        "  /cancel-account [status|withdraw ID|pending|help]   la commande du bot\n"
        "  /shutdown-notice [status [NUMÉRO]|cancel NUMÉRO|help]   admins : avis d'arrêt\n"
        "  /as ID             agir en tant qu'un autre utilisateur (ex. /as console:head)\n"
        "  /click N|LIBELLÉ   cliquer le bouton N (ou le bouton LIBELLÉ) du dernier message "
        "qui l'a et qui vous a été montré, ou d'une carte publiée dans un canal\n"
        "  /cancel            fermer le formulaire ouvert (raison d'un refus ou d'une "
        "délégation) sans l'envoyer\n"
        "  /whoami            afficher l'utilisateur actuel\n"
        "  /quit              quitter (tout est conservé ; relancez chat pour continuer)\n"
        "Les lignes qui commencent par # sont des commentaires, ignorés (pratique pour les "
        "scripts envoyés par un tube).\n"
        "Quand un formulaire est ouvert, ce que vous tapez y répond, mais ces commandes "
        "restent des commandes et le formulaire reste ouvert.\n"
        "Tout le reste est un message au bot.",
    ),
    "console_whoami": (
        "Acting as {user}.",
        "当前身份：{user}。",
        "Vous agissez en tant que {user}.",
    ),
    "console_now_acting": (
        "Now acting as {user}.",
        "已切换为 {user}。",
        "Vous agissez maintenant en tant que {user}.",
    ),
    "console_as_usage": (
        "Usage: /as ID, e.g. /as console:head (letters, digits and ._@+- only).",
        "用法：/as ID，例如 /as console:head（只能包含字母、数字和 ._@+-）。",
        "Usage : /as ID, par ex. /as console:head (lettres, chiffres et ._@+- seulement).",
    ),
    "console_unknown_command": (
        "Unknown command /{name}. /help lists the console commands; /cancel-account starts "
        "a stop request.",
        "未知命令 /{name}。输入 /help 查看控制台命令；输入 /cancel-account 开始停用申请。",
        "Commande inconnue /{name}. /help liste les commandes de la console ; "
        "/cancel-account démarre une demande d'arrêt.",
    ),
    "console_click_usage": (
        "Usage: /click N or /click LABEL",
        "用法：/click N 或 /click 按钮文字",
        "Usage : /click N ou /click LIBELLÉ",
    ),
    "console_no_button": (
        "No card has a button '{wanted}'.",
        "没有卡片带有按钮“{wanted}”。",
        "Aucune carte n'a de bouton « {wanted} ».",
    ),
    "console_not_yours": (
        "That button was shown to {owner}: only they can click it (/as {owner} to act as them).",
        "这个按钮是发给 {owner} 的，只有对方能点击（输入 /as {owner} 切换为对方）。",
        "Ce bouton a été montré à {owner} : seul ce destinataire peut le cliquer "
        "(/as {owner} pour agir en son nom).",
    ),
    "console_clicks": (
        "({user} clicks '{label}')",
        "（{user} 点击了“{label}”）",
        "({user} clique « {label} »)",
    ),
    "console_private": ("→ {to} (only you)", "→ {to}（仅你可见）", "→ {to} (vous seul)"),
    "console_card": ("(card {card})", "（卡片 {card}）", "(carte {card})"),
    "console_card_updated": (
        "card {card} updated",
        "卡片 {card} 已更新",
        "carte {card} mise à jour",
    ),
    "console_form_ask": (
        "{title}: {label}? (type it, or /cancel)",
        "{title}：{label}？（直接输入，或输入 /cancel 取消）",
        "{title} : {label} ? (tapez-la, ou /cancel)",
    ),
    "console_form_ask_user": (
        "{title}: {label} (a user id, e.g. console:alice)? (type it, or /cancel)",
        "{title}：{label}（用户 ID，例如 console:alice）？（直接输入，或输入 /cancel 取消）",
        "{title} : {label} (un identifiant, par ex. console:alice) ? (tapez-le, ou /cancel)",
    ),
    "console_form_closed": (
        "Form closed; nothing was changed.",
        "表单已关闭，没有做任何更改。",
        "Formulaire fermé ; rien n'a été modifié.",
    ),
    "console_no_form": (
        "No form is open: /cancel closes a reject or delegate form. To abandon a stop "
        "request in progress, type 'cancel'.",
        "没有打开的表单：/cancel 用于关闭拒绝或转交表单。要放弃正在填写的停用申请，请输入“取消”。",
        "Aucun formulaire ouvert : /cancel ferme un formulaire de refus ou de délégation. "
        "Pour abandonner une demande en cours, tapez « annuler ».",
    ),
}
