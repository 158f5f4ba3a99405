"""Shutdown notices: the /shutdown-notice dialogue, the notice's template, the job
status and progress reports, and the offer made to admins when a stop is approved."""

from __future__ import annotations

# id: (en, zh, fr)
TEXTS: dict[str, tuple[str, str, str]] = {
    # -- the command -------------------------------------------------------
    "nb_admins_only": (
        "Only admins can send shutdown notices; nothing was queued.",
        "只有管理员可以发送停用通知；没有排入任何通知。",
        "Seuls les administrateurs peuvent envoyer des avis d'arrêt ; rien n'a été programmé.",
    ),
    "nb_help": (
        "/shutdown-notice: write a shutdown notice (a preview before anything is sent). "
        "/shutdown-notice status [job]: how the notices are going. "
        "/shutdown-notice cancel <job>: stop a scheduled or running notice.",
        "/shutdown-notice：撰写停用通知（发送前先预览）。/shutdown-notice status [编号]：查看通知进度。"
        "/shutdown-notice cancel <编号>：停止已安排或正在发送的通知。",
        "/shutdown-notice : rédiger un avis d'arrêt (avec un aperçu avant tout envoi). "
        "/shutdown-notice status [numéro] : où en sont les avis. "
        "/shutdown-notice cancel <numéro> : arrêter un avis programmé ou en cours.",
    ),
    # -- the dialogue ------------------------------------------------------
    "nb_intro": (
        "Let's prepare a shutdown notice. A few questions, then a preview exactly as it will "
        "appear; nothing is sent before you confirm. Type 'cancel' at any time to abandon.",
        "我们来准备一份停用通知。回答几个问题后会先给你看与实际发送完全一致的预览，确认前不会发送任何内容。"
        "随时输入“取消”可放弃。",
        "Préparons un avis d'arrêt. Quelques questions, puis un aperçu exactement tel qu'il "
        "sera envoyé ; rien ne part avant votre confirmation. Tapez « annuler » à tout moment "
        "pour abandonner.",
    ),
    "nb_resume": (
        "You have a shutdown notice in progress; let's continue where you left off.",
        "你有一份未完成的停用通知，我们从上次停下的地方继续。",
        "Vous avez un avis d'arrêt en cours ; reprenons là où vous vous étiez arrêté.",
    ),
    "nb_abandoned": (
        "OK, the notice was abandoned. Nothing was queued.",
        "好的，通知已放弃，没有排入任何内容。",
        "D'accord, l'avis est abandonné. Rien n'a été programmé.",
    ),
    "nb_q_software": (
        "Which software is being shut down? Pick it or type its name.",
        "要停用的是哪个软件？请选择或输入名称。",
        "Quel logiciel est arrêté ? Choisissez-le ou tapez son nom.",
    ),
    "nb_q_date": (
        "On which day does {software} stop? Type a date (2026-12-31, next Friday...).",
        "{software} 哪天停用？请输入日期（如 2026-12-31、下周五）。",
        "Quel jour {software} s'arrête-t-il ? Tapez une date (2026-12-31, vendredi prochain...).",
    ),
    "nb_q_langs": (
        "In which language(s) should the notice be written? Pick, or type e.g. 'en, zh'.",
        "通知用哪种语言撰写？请选择，或输入如“zh, en”。",
        "Dans quelle(s) langue(s) rédiger l'avis ? Choisissez, ou tapez par ex. « fr, en ».",
    ),
    "nb_q_message": (
        "Here is the message, prefilled. Keep it, or type your own text to replace it (in a "
        "notice in several languages, your text replaces the part in the language you type):",
        "这是预先填好的通知内容。可以保留，或输入你自己的文字替换（多语言通知中，替换与你输入的语言相同的那一段）：",
        "Voici le message, prérempli. Gardez-le, ou tapez votre propre texte pour le remplacer "
        "(dans un avis en plusieurs langues, il remplace la partie dans la langue où vous "
        "tapez) :",
    ),
    "nb_q_recipients": (
        "Who should get it? Type 'broadcast' for the broadcast channels ({channels}), a stop "
        "request's id (SR-...) for the people it notifies, or ids separated by commas "
        "(slack:C0123, dingtalk:cidAbC12==). You can combine them.",
        "发给谁？输入“broadcast”发到广播频道（{channels}），输入停用申请编号（SR-...）发给其通知对象，"
        "或输入以逗号分隔的 ID（slack:C0123, dingtalk:cidAbC12==）。可以组合使用。",
        "À qui l'envoyer ? Tapez « broadcast » pour les canaux de diffusion ({channels}), le "
        "numéro d'une demande d'arrêt (SR-...) pour les personnes qu'elle informe, ou des ids "
        "séparés par des virgules (slack:C0123, dingtalk:cidAbC12==). Vous pouvez les combiner.",
    ),
    "nb_q_when": (
        "When should it go out? Pick, or type 'now', a date and time, or e.g. '3 days before'.",
        "什么时候发送？请选择，或输入“现在”、日期和时间，或如“提前3天”。",
        "Quand l'envoyer ? Choisissez, ou tapez « maintenant », une date et une heure, ou par "
        "ex. « 3 jours avant ».",
    ),
    "nb_q_when_at": (
        "Type the date and time it should go out (e.g. 2026-12-01 09:00, tomorrow 14:30).",
        "请输入发送的日期和时间（如 2026-12-01 09:00、明天 14:30）。",
        "Tapez la date et l'heure d'envoi (par ex. 2026-12-01 09:00, demain 14h30).",
    ),
    "nb_q_preview": (
        "Above is the notice exactly as it will appear. Confirm to schedule it, or change "
        "something.",
        "上面就是通知实际发送时的样子。确认即可安排发送，也可以修改。",
        "Ci-dessus, l'avis exactement tel qu'il apparaîtra. Confirmez pour le programmer, ou "
        "modifiez quelque chose.",
    ),
    "nb_card_title": (
        "Shutdown notice: {software}",
        "停用通知：{software}",
        "Avis d'arrêt : {software}",
    ),
    "nb_expired_button": (
        "This button belongs to a notice draft that has ended; nothing was changed.",
        "此按钮所属的通知草稿已结束，未做任何更改。",
        "Ce bouton appartient à un brouillon d'avis terminé ; rien n'a été modifié.",
    ),
    # -- field names (preview card, edit buttons) -------------------------
    "nb_f_software": ("Software", "软件", "Logiciel"),
    "nb_f_date": ("Stop date", "停用日期", "Date d'arrêt"),
    "nb_f_langs": ("Languages", "语言", "Langues"),
    "nb_f_message": ("Message", "通知内容", "Message"),
    "nb_f_recipients": ("Recipients", "接收对象", "Destinataires"),
    "nb_f_when": ("When", "发送时间", "Envoi"),
    # -- choices -----------------------------------------------------------
    "nb_lang_en": ("English", "英文", "Anglais"),
    "nb_lang_zh": ("Chinese", "中文", "Chinois"),
    "nb_lang_fr": ("French", "法文", "Français"),
    "nb_c_zh_en": ("Chinese + English", "中文 + 英文", "Chinois + anglais"),
    "nb_c_all_langs": ("All three", "三种语言", "Les trois"),
    "nb_c_keep": ("Keep this text", "保留此内容", "Garder ce texte"),
    "nb_c_reset": ("Back to the template", "恢复模板内容", "Revenir au modèle"),
    "nb_c_broadcast": (
        "Broadcast channels ({count})",
        "广播频道（{count} 个）",
        "Canaux de diffusion ({count})",
    ),
    "nb_c_now": ("Now", "现在", "Maintenant"),
    "nb_c_series": (
        "{days} days before, and on the day",
        "提前 {days} 天，以及当天",
        "{days} jours avant, et le jour même",
    ),
    "nb_c_series_1": (
        "The day before, and on the day",
        "提前 1 天，以及当天",
        "La veille, et le jour même",
    ),
    "nb_c_at": ("At a date and time...", "指定日期和时间...", "À une date et une heure..."),
    "nb_c_confirm": ("Confirm and schedule", "确认并安排发送", "Confirmer et programmer"),
    # -- values in the preview --------------------------------------------
    "nb_v_now": ("Now", "立即", "Maintenant"),
    "nb_v_at": ("{at}", "{at}", "{at}"),
    "nb_v_series": (
        "{count} times: {dates}",
        "共 {count} 次：{dates}",
        "{count} fois : {dates}",
    ),
    "nb_v_recipients": ("{names} ({count})", "{names}（{count}）", "{names} ({count})"),
    "nb_v_recipients_more": (
        "{names} and {more} more ({count})",
        "{names} 等另外 {more} 个（{count}）",
        "{names} et {more} autres ({count})",
    ),
    "nb_v_broadcast": ("the broadcast channels", "广播频道", "les canaux de diffusion"),
    "nb_v_request": (
        "those {id} notifies",
        "{id} 的通知对象",
        "les personnes informées par {id}",
    ),
    # -- the notice itself ---------------------------------------------------
    "nb_template": (
        "📢 {software} will be shut down on {date}.\n"
        "Before then, back up what you need from it: your documents, data and exports "
        "(files, records, reports, contacts). After that day they can no longer be opened.\n"
        "Questions? Ask {contact}.",
        "📢 {software} 将于 {date} 停用。\n"
        "请在此之前备份你需要的内容：文档、数据和导出文件（文件、记录、报表、联系人）。停用后将无法再打开。\n"
        "如有疑问，请联系 {contact}。",
        "📢 {software} sera arrêté le {date}.\n"
        "D'ici là, sauvegardez ce dont vous avez besoin : vos documents, données et exports "
        "(fichiers, historiques, rapports, contacts). Après cette date, ils ne pourront plus "
        "être ouverts.\n"
        "Des questions ? Demandez à {contact}.",
    ),
    # -- re-ask hints --------------------------------------------------------
    "nb_hint_software": (
        "'{typed}' is not in the software catalog. Pick one: {names}.",
        "“{typed}”不在软件目录中。请选择：{names}。",
        "« {typed} » n'est pas dans le catalogue. Choisissez : {names}.",
    ),
    "nb_hint_date_too_far": (
        "{date} is more than a year away; notices can be planned up to {max}.",
        "{date} 超过一年以后；通知最晚可安排到 {max}。",
        "Le {date} est à plus d'un an ; un avis peut être planifié jusqu'au {max}.",
    ),
    "nb_hint_langs": (
        "I didn't recognise a language. Type en, zh or fr (several separated by commas), or pick.",
        "没有识别出语言。请输入 zh、en 或 fr（多个用逗号分隔），或直接选择。",
        "Je n'ai pas reconnu de langue. Tapez fr, en ou zh (plusieurs séparées par des "
        "virgules), ou choisissez.",
    ),
    "nb_hint_message_short": (
        "That is short for a notice; type the whole text (at least {min} characters), or "
        "pick Keep this text.",
        "作为通知这太短了；请输入完整内容（至少 {min} 个字符），或选择“保留此内容”。",
        "C'est court pour un avis ; tapez le texte entier (au moins {min} caractères), ou "
        "choisissez Garder ce texte.",
    ),
    "nb_hint_recipient": (
        "'{token}' is not an id, 'broadcast' or a stop request's id. Write ids as platform:id, "
        "e.g. slack:C0123ABC.",
        "“{token}”不是 ID、“broadcast”或停用申请编号。ID 的写法是“平台:ID”，如 slack:C0123ABC。",
        "« {token} » n'est ni un id, ni « broadcast », ni un numéro de demande. Écrivez les ids "
        "sous la forme plateforme:id, par ex. slack:C0123ABC.",
    ),
    "nb_hint_mass": (
        "'{token}' would ping everyone in a channel; name the channels or people instead.",
        "“{token}”会提醒频道里的所有人；请改为列出频道或人员。",
        "« {token} » notifierait tout le monde dans un canal ; nommez plutôt les canaux ou "
        "les personnes.",
    ),
    "nb_hint_no_broadcast": (
        "The policy lists no broadcast channels; name the channels or people instead.",
        "策略中没有配置广播频道；请改为列出频道或人员。",
        "La politique ne liste aucun canal de diffusion ; nommez plutôt les canaux ou les "
        "personnes.",
    ),
    "nb_hint_request_unknown": (
        "There is no stop request {id}.",
        "没有编号为 {id} 的停用申请。",
        "Il n'y a pas de demande d'arrêt {id}.",
    ),
    "nb_hint_request_not_approved": (
        "{id} is not approved; only an approved request's notify list can be used.",
        "{id} 尚未批准；只能使用已批准申请的通知对象。",
        "{id} n'est pas approuvée ; seule la liste d'une demande approuvée peut servir.",
    ),
    "nb_hint_request_no_notify": (
        "{id} notifies nobody; name the channels or people instead.",
        "{id} 没有通知对象；请改为列出频道或人员。",
        "{id} n'informe personne ; nommez plutôt les canaux ou les personnes.",
    ),
    "nb_hint_too_many": (
        "That is more than {max} ids; in chat use 'broadcast', or send it from the command line "
        "with a file (stopbot notice send --to @FILE).",
        "超过了 {max} 个 ID；在聊天中请使用“broadcast”，或在命令行用文件发送"
        "（stopbot notice send --to @文件）。",
        "Cela fait plus de {max} ids ; dans le chat utilisez « broadcast », ou envoyez-le en "
        "ligne de commande avec un fichier (stopbot notice send --to @FICHIER).",
    ),
    "nb_hint_when": (
        "I didn't understand when. Pick an option, or type 'now', a date and time "
        "(2026-12-01 09:00) or e.g. '3 days before'.",
        "没看懂发送时间。请选择，或输入“现在”、日期和时间（2026-12-01 09:00），或如“提前3天”。",
        "Je n'ai pas compris quand. Choisissez une option, ou tapez « maintenant », une date et "
        "une heure (2026-12-01 09:00) ou par ex. « 3 jours avant ».",
    ),
    "nb_hint_datetime": (
        "I couldn't read that date and time. Try 2026-12-01 09:00 or 'tomorrow 14:30'.",
        "无法识别该日期和时间。请试试 2026-12-01 09:00 或“明天 14:30”。",
        "Je n'ai pas compris cette date et cette heure. Essayez 2026-12-01 09:00 ou "
        "« demain 14h30 ».",
    ),
    "nb_hint_when_past": (
        "{when} has already passed; pick a later time, or Now.",
        "{when} 已经过去了；请选择更晚的时间，或“现在”。",
        "{when} est déjà passé ; choisissez plus tard, ou Maintenant.",
    ),
    "nb_hint_when_after_stop": (
        "{when} is after the stop date ({date}); a notice goes out on the day at the latest.",
        "{when} 晚于停用日期（{date}）；通知最晚在当天发送。",
        "{when} est après la date d'arrêt ({date}) ; un avis part au plus tard le jour même.",
    ),
    "nb_hint_series_past": (
        "{days} days before the stop is {when}, which has passed; pick fewer days, or Now.",
        "停用前 {days} 天是 {when}，已经过去了；请选择更少的天数，或“现在”。",
        "{days} jours avant l'arrêt, c'est {when}, déjà passé ; choisissez moins de jours, ou "
        "Maintenant.",
    ),
    "nb_hint_series_days": (
        "A series starts 1 to {max} days before the stop.",
        "系列通知可在停用前 1 到 {max} 天开始。",
        "Une série commence de 1 à {max} jours avant l'arrêt.",
    ),
    "nb_hint_edit": (
        "Which part should I change? Type 'edit' and one of: {fields}; or pick an Edit button.",
        "要修改哪一项？请输入“修改”加上其中一项：{fields}；或点“修改”按钮。",
        "Quelle partie faut-il changer ? Tapez « modifier » suivi de : {fields} ; ou "
        "choisissez un bouton Modifier.",
    ),
    "nb_replaced": (
        "Replaced the {language} text.",
        "已替换{language}内容。",
        "Texte en {language} remplacé.",
    ),
    # -- scheduled, status, cancel ---------------------------------------
    # A number of recipients, said inside other sentences ({count} in them).
    "nb_n_recipients": ("{count} recipients", "{count} 个接收对象", "{count} destinataires"),
    "nb_one_recipient": ("1 recipient", "1 个接收对象", "1 destinataire"),
    "nb_scheduled": (
        "Scheduled for {count}:",
        "已安排发送给 {count}：",
        "Programmé pour {count} :",
    ),
    "nb_scheduled_line": ("{id}: {when}", "{id}：{when}", "{id} : {when}"),
    "nb_follow": (
        "Follow it with /shutdown-notice status; stop it with /shutdown-notice cancel <id>.",
        "用 /shutdown-notice status 查看进度；用 /shutdown-notice cancel <编号> 停止。",
        "Suivez-le avec /shutdown-notice status ; arrêtez-le avec /shutdown-notice cancel "
        "<numéro>.",
    ),
    "nb_no_recipients": (
        "Nobody to send it to: the recipients resolved to no id. Nothing was queued.",
        "没有接收对象：所选对象中没有任何 ID。没有排入任何通知。",
        "Personne à qui l'envoyer : les destinataires ne donnent aucun id. Rien n'a été programmé.",
    ),
    "nb_status_none": (
        "No shutdown notices yet. Write one with /shutdown-notice.",
        "还没有停用通知。输入 /shutdown-notice 撰写。",
        "Aucun avis d'arrêt pour l'instant. Rédigez-en un avec /shutdown-notice.",
    ),
    "nb_status_header": (
        "Shutdown notices, newest first:",
        "停用通知（最新的在前）：",
        "Avis d'arrêt, du plus récent au plus ancien :",
    ),
    "nb_status_line": (
        "{id} · {software} · {state} · {sent}/{total} sent, {failed} failed, {pending} pending "
        "· {when}",
        "{id} · {software} · {state} · 已发送 {sent}/{total}，失败 {failed}，待发送 {pending} · {when}",
        "{id} · {software} · {state} · {sent}/{total} envoyés, {failed} en échec, {pending} en "
        "attente · {when}",
    ),
    "nb_failures_header": ("Not delivered:", "未送达：", "Non remis :"),
    "nb_failure_line": ("{target}: {reason}", "{target}：{reason}", "{target} : {reason}"),
    "nb_failures_more": (
        "...and {more} more (stopbot notice status {id} --json lists them all).",
        "……还有 {more} 个（stopbot notice status {id} --json 可列出全部）。",
        "...et {more} autres (stopbot notice status {id} --json les liste tous).",
    ),
    "nb_state_scheduled": ("scheduled", "已安排", "programmé"),
    "nb_state_running": ("sending", "发送中", "en cours"),
    "nb_state_done": ("done", "已完成", "terminé"),
    "nb_state_cancelled": ("cancelled", "已取消", "annulé"),
    "nb_unknown_job": (
        "There is no shutdown notice {id}; see /shutdown-notice status.",
        "没有编号为 {id} 的停用通知；请查看 /shutdown-notice status。",
        "Il n'y a pas d'avis d'arrêt {id} ; voir /shutdown-notice status.",
    ),
    "nb_cancel_usage": (
        "Usage: /shutdown-notice cancel <job id> (see /shutdown-notice status).",
        "用法：/shutdown-notice cancel <通知编号>（见 /shutdown-notice status）。",
        "Usage : /shutdown-notice cancel <numéro> (voir /shutdown-notice status).",
    ),
    "nb_cancelled": (
        "{id} cancelled: {sent} already sent stay sent; {left} will not be sent.",
        "{id} 已取消：已发送的 {sent} 条保持不变；其余 {left} 条不再发送。",
        "{id} annulé : les {sent} déjà envoyés le restent ; {left} ne seront pas envoyés.",
    ),
    "nb_cancel_too_late": (
        "{id} is already {state}; nothing to cancel.",
        "{id} 已{state}，无需取消。",
        "{id} est déjà {state} ; rien à annuler.",
    ),
    # -- the offer when a stop is approved --------------------------------
    "nb_offer": (
        "{id} ({software}, stopping {date}) is approved. Tell its users? Proposed: the notice "
        "below to {count}, {when}.",
        "{id}（{software}，{date} 停用）已批准。要通知用户吗？建议：把下面的通知发给 {count}，"
        "{when}。",
        "{id} ({software}, arrêt le {date}) est approuvée. Prévenir ses utilisateurs ? "
        "Proposé : l'avis ci-dessous à {count}, {when}.",
    ),
    "nb_c_offer_schedule": ("Schedule this notice", "安排发送此通知", "Programmer cet avis"),
    "nb_c_offer_edit": ("Edit it first", "先修改", "Le modifier d'abord"),
    "nb_offer_gone": (
        "{id} is not an approved stop of software any more; nothing was scheduled.",
        "{id} 已不是已批准的软件停用申请；没有安排任何通知。",
        "{id} n'est plus un arrêt de logiciel approuvé ; rien n'a été programmé.",
    ),
    "nb_offer_already": (
        "The notice for {id} was already scheduled: {jobs}.",
        "{id} 的通知已经安排过了：{jobs}。",
        "L'avis pour {id} est déjà programmé : {jobs}.",
    ),
    # -- progress and the final report ------------------------------------
    "nb_progress": (
        "{id} · {software}: {sent} sent, {failed} failed, {pending} pending of {total} · "
        "{rate}/s · about {eta} left",
        "{id} · {software}：已发送 {sent}，失败 {failed}，待发送 {pending}，共 {total} · "
        "{rate} 条/秒 · 约剩 {eta}",
        "{id} · {software} : {sent} envoyés, {failed} en échec, {pending} en attente sur "
        "{total} · {rate}/s · encore environ {eta}",
    ),
    "nb_progress_starting": (
        "{id} · {software}: sending to {total}...",
        "{id} · {software}：正在发送给 {total}……",
        "{id} · {software} : envoi à {total}...",
    ),
    "nb_progress_done": (
        "{id} · {software} done: {sent} sent, {failed} failed of {total}, in {took}.",
        "{id} · {software} 已完成：共 {total}，已发送 {sent}，失败 {failed}，用时 {took}。",
        "{id} · {software} terminé : {sent} envoyés, {failed} en échec sur {total}, en {took}.",
    ),
    "nb_progress_cancelled": (
        "{id} · {software} cancelled: {sent} sent, {failed} failed, {pending} not sent of {total}.",
        "{id} · {software} 已取消：共 {total}，已发送 {sent}，失败 {failed}，未发送 {pending}。",
        "{id} · {software} annulé : {sent} envoyés, {failed} en échec, {pending} non envoyés "
        "sur {total}.",
    ),
}
