"""The dialogue's texts: questions, re-ask hints, choice labels, and the field names
of the summary and the approval card."""

from __future__ import annotations

# id: (en, zh, fr)
TEXTS: dict[str, tuple[str, str, str]] = {
    # -- how a language writes a list and a label with its value ---------------------
    "list_sep": (", ", "、", ", "),
    "list_sep_long": ("; ", "；", " ; "),  # between items that hold commas themselves
    "field_row": ("{label}: {value}", "{label}：{value}", "{label} : {value}"),
    # -- dialogue ----------------------------------------------------------
    "intro": (
        "Let's prepare a stop request. A few questions, then a summary before anything is "
        "sent. Type 'cancel' at any time to abandon.",
        "我们来准备一份停用申请。回答几个问题后会先给你看摘要，确认后才会提交。随时输入“取消”可放弃。",
        "Préparons une demande d'arrêt. Quelques questions, puis un récapitulatif avant tout "
        "envoi. Tapez « annuler » à tout moment pour abandonner.",
    ),
    "resume": (
        "You already have a stop request in progress; let's continue where you left off.",
        "你有一份未完成的停用申请，我们从上次停下的地方继续。",
        "Vous avez déjà une demande en cours ; reprenons là où vous vous étiez arrêté.",
    ),
    "q_target": (
        "What do you want to stop? Pick one, or type the name of the software.",
        "你要停用什么？请选择，或输入软件名称。",
        "Que voulez-vous arrêter ? Choisissez, ou tapez le nom du logiciel.",
    ),
    "q_target_other": (
        "What is it? Type its name (software, service or account).",
        "是什么？请输入名称（软件、服务或账号）。",
        "De quoi s'agit-il ? Tapez son nom (logiciel, service ou compte).",
    ),
    "q_reason": (
        "Why should it be stopped?",
        "停用的原因是什么？",
        "Pourquoi faut-il l'arrêter ?",
    ),
    "q_reason_text": (
        "Tell me the reason in a sentence.",
        "请用一句话说明原因。",
        "Expliquez la raison en une phrase.",
    ),
    "q_when": (
        "When should it stop? Type a date (2026-12-31, tomorrow, end of month...) or pick one.",
        "什么时候停用？请输入日期（如 2026-12-31、明天、本月底）或选择。",
        "Quand faut-il l'arrêter ? Tapez une date (2026-12-31, demain, fin du mois...) "
        "ou choisissez.",
    ),
    "q_backup": (
        "Is the data backed up (documents, mail, contacts, calendar, records)?",
        "数据（文档、邮件、联系人、日程、记录）已经备份了吗？",
        "Les données (documents, mails, contacts, agenda, historiques) sont-elles sauvegardées ?",
    ),
    "backup_howto": (
        "How to back up: use the software's export page (or ask IT) to export documents, mail, "
        "contacts, calendar and records to your company drive, then open one exported file to "
        "check it. You can go on now; approvers will see that the backup is still to do.",
        "备份方法：在软件的导出页面（或请 IT 协助）把文档、邮件、联系人、日程和记录导出到公司网盘，"
        "然后打开一个导出的文件检查。你可以先继续，审批人会看到“尚未备份”的提示。",
        "Pour sauvegarder : exportez documents, mails, contacts, agenda et historiques depuis la "
        "page d'export du logiciel (ou demandez à l'IT) vers le drive de l'entreprise, puis ouvrez "
        "un fichier exporté pour vérifier. Vous pouvez continuer ; les approbateurs verront que la "
        "sauvegarde reste à faire.",
    ),
    "q_linked": (
        "Which linked services does it use? Pick all that apply, then Done (or None).",
        "它关联了哪些服务？请选择所有适用项，然后点“完成”（或“无”）。",
        "Quels services liés utilise-t-il ? Choisissez tout ce qui s'applique, puis Terminé "
        "(ou Aucun).",
    ),
    "q_billing_paid": (
        "{target} is paid software. How should the subscription be handled?",
        "{target} 是付费软件。订阅如何处理？",
        "{target} est un logiciel payant. Que faire de l'abonnement ?",
    ),
    "q_billing_other": (
        "Is it paid? If so, how should the subscription be handled?",
        "它是付费的吗？如果是，订阅如何处理？",
        "Est-ce payant ? Si oui, que faire de l'abonnement ?",
    ),
    "q_compliance": (
        "Must any records be kept for compliance (contracts, financial or HR records, "
        "approval history)?",
        "是否有需要按合规要求保留的记录（合同、财务或人事记录、审批记录）？",
        "Des documents doivent-ils être conservés pour la conformité (contrats, pièces "
        "comptables ou RH, historique d'approbation) ?",
    ),
    "q_notify": (
        "Who should be told the outcome? Type channel or people ids separated by commas "
        "(e.g. console:team, slack:C0123), or pick Nobody else.",
        "结果需要通知谁？请输入频道或人员 ID，用逗号分隔（如 console:team、slack:C0123），"
        "或选择“不通知其他人”。",
        "Qui faut-il informer du résultat ? Tapez des identifiants de canaux ou de personnes "
        "séparés par des virgules (ex. console:team, slack:C0123), ou choisissez Personne d'autre.",
    ),
    "summary": (
        "Here is your stop request. Check it, change anything with Edit, then Submit.",
        "这是你的停用申请。请核对，可点“修改”更改任何一项，然后提交。",
        "Voici votre demande. Vérifiez-la, modifiez ce qu'il faut avec Modifier, puis Envoyer.",
    ),
    "submitted": (
        "Submitted as {id}. Approval goes to: {stages}. I will tell you at every step; "
        "check any time with /cancel-account status.",
        "已提交，编号 {id}。审批流程：{stages}。每一步我都会通知你；随时可用 /cancel-account status 查看。",
        "Envoyée sous le numéro {id}. Approbation par : {stages}. Je vous informerai à chaque "
        "étape ; suivez-la avec /cancel-account status.",
    ),
    "already_submitted": (
        "This request was already submitted as {id}; nothing new was sent.",
        "该申请已提交，编号 {id}；没有重复提交。",
        "Cette demande a déjà été envoyée sous le numéro {id} ; rien de nouveau n'a été envoyé.",
    ),
    "already_submitted_latest": (
        "There is no draft to submit: your latest request {id} ({target}) was already "
        "submitted and is {status}. Nothing new was sent; see /cancel-account status.",
        "没有可提交的草稿：你最近的申请 {id}（{target}）已经提交，当前状态：{status}。没有重复提交；"
        "可用 /cancel-account status 查看。",
        "Il n'y a pas de brouillon à envoyer : votre dernière demande {id} ({target}) a déjà "
        "été envoyée, statut : {status}. Rien de nouveau n'a été envoyé ; voir "
        "/cancel-account status.",
    ),
    "nothing_to_abandon": (
        "You have no stop request in progress: nothing to abandon.",
        "你没有正在填写的停用申请，无需放弃。",
        "Vous n'avez pas de demande d'arrêt en cours : rien à abandonner.",
    ),
    "nothing_to_submit": (
        "There is no draft to submit. Start a stop request with /cancel-account.",
        "没有可提交的草稿。输入 /cancel-account 发起停用申请。",
        "Il n'y a pas de brouillon à envoyer. Commencez une demande avec /cancel-account.",
    ),
    "abandoned": (
        "OK, the draft was abandoned. Nothing was submitted.",
        "好的，草稿已放弃，没有提交任何内容。",
        "D'accord, le brouillon est abandonné. Rien n'a été envoyé.",
    ),
    "expired": (
        "Your draft stop request expired after {minutes} minutes without an answer; nothing was "
        "submitted. Type /cancel-account to start again.",
        "你的停用申请草稿因 {minutes} 分钟未回复已过期，没有提交任何内容。输入 /cancel-account 重新开始。",
        "Votre brouillon a expiré après {minutes} minutes sans réponse ; rien n'a été envoyé. "
        "Tapez /cancel-account pour recommencer.",
    ),
    "stale_button": (
        "That question was already answered; here is the current one.",
        "那个问题已经回答过了，这是当前的问题。",
        "Cette question a déjà reçu une réponse ; voici la question en cours.",
    ),
    # -- re-ask hints ------------------------------------------------------
    "hint_choice": (
        "I didn't understand that. Pick one of the options (or type its number).",
        "没看懂。请选择一个选项（或输入序号）。",
        "Je n'ai pas compris. Choisissez une option (ou tapez son numéro).",
    ),
    "hint_which": (
        "'{typed}' fits more than one option: {options}. Type its number or more of its words.",
        "“{typed}”对应不止一个选项：{options}。请输入序号或更完整的说法。",
        "« {typed} » correspond à plusieurs options : {options}. Tapez son numéro ou plus de mots.",
    ),
    "hint_abort_or_option": (
        "Did you mean {options}? Type its number to choose it. To abandon this whole "
        "request instead, type /cancel-account cancel.",
        "你是想选 {options} 吗？请输入它的序号。如果要放弃整份申请，请输入 /cancel-account cancel。",
        "Vouliez-vous dire {options} ? Tapez son numéro pour la choisir. Pour abandonner "
        "toute la demande, tapez /cancel-account cancel.",
    ),
    "hint_edit": (
        "Which answer should I change? Type 'edit' and one of: {fields}; or pick an Edit button.",
        "要修改哪一项？请输入“修改”加上其中一项：{fields}；或点“修改”按钮。",
        "Quelle réponse faut-il changer ? Tapez « modifier » suivi de : {fields} ; ou "
        "choisissez un bouton Modifier.",
    ),
    "hint_empty": (
        "Please type an answer.",
        "请输入回答。",
        "Merci de taper une réponse.",
    ),
    "hint_too_long": (
        "Please keep it under {max} characters.",
        "请控制在 {max} 个字符以内。",
        "Merci de rester sous {max} caractères.",
    ),
    "hint_date_unparsed": (
        "I couldn't read that date. Try 2026-12-31, 'tomorrow', 'next Monday' or 'end of month'.",
        "无法识别该日期。请试试 2026-12-31、“明天”、“下周一”或“本月底”。",
        "Je n'ai pas compris cette date. Essayez 2026-12-31, « demain », « lundi prochain » ou "
        "« fin du mois ».",
    ),
    "hint_date_past": (
        "{date} is in the past; pick today or a later date.",
        "{date} 已经过去了，请选择今天或之后的日期。",
        "Le {date} est passé ; choisissez aujourd'hui ou une date ultérieure.",
    ),
    "hint_date_too_far": (
        "{date} is more than a year away; stop requests can be planned up to {max}.",
        "{date} 超过一年以后；停用申请最晚可安排到 {max}。",
        "Le {date} est à plus d'un an ; une demande peut être planifiée jusqu'au {max}.",
    ),
    "hint_linked": (
        "I didn't recognise that. Pick from the options, or type e.g. 'mailbox, SSO' or 'none'.",
        "没有识别出来。请从选项中选择，或输入如“邮箱, 单点登录”或“无”。",
        "Je n'ai pas reconnu. Choisissez parmi les options, ou tapez par ex. « messagerie, SSO » "
        "ou « aucun ».",
    ),
    "hint_notify": (
        "'{token}' is not a channel or person id. Use ids like console:team or slack:C0123 "
        "(at most {max}), or pick Nobody else.",
        "“{token}”不是频道或人员 ID。请使用 console:team 或 slack:C0123 这样的 ID（最多 {max} 个），"
        "或选择“不通知其他人”。",
        "« {token} » n'est pas un identifiant de canal ou de personne. Utilisez par ex. "
        "console:team ou slack:C0123 (au plus {max}), ou choisissez Personne d'autre.",
    ),
    "hint_notify_mass": (
        "'{token}' would notify everyone there; the outcome only goes to ids you list. "
        "Use channel or people ids like console:team or slack:C0123, or pick Nobody else.",
        "“{token}”会通知所有人；结果只发给你列出的 ID。请使用 console:team 或 slack:C0123 "
        "这样的频道或人员 ID，或选择“不通知其他人”。",
        "« {token} » avertirait tout le monde ; le résultat ne va qu'aux identifiants listés. "
        "Utilisez des identifiants comme console:team ou slack:C0123, ou choisissez Personne "
        "d'autre.",
    ),
    # -- choice labels -----------------------------------------------------
    "c_own_account": ("My own account", "我自己的账号", "Mon propre compte"),
    "c_other_target": ("Something else", "其他", "Autre chose"),
    "c_reason_not_needed": ("No longer needed", "不再需要", "Plus nécessaire"),
    "c_reason_too_expensive": ("Too expensive", "费用太高", "Trop cher"),
    "c_reason_alternative": ("Better alternative", "有更好的替代", "Meilleure alternative"),
    "c_reason_security": ("Security risk", "安全风险", "Risque de sécurité"),
    "c_reason_other": ("Other reason", "其他原因", "Autre raison"),
    "c_date_tomorrow": ("Tomorrow ({date})", "明天（{date}）", "Demain ({date})"),
    "c_date_next_monday": ("Next Monday ({date})", "下周一（{date}）", "Lundi prochain ({date})"),
    "c_date_end_of_month": ("End of month ({date})", "月底（{date}）", "Fin du mois ({date})"),
    "c_backup_done": ("Yes, backed up", "已备份", "Oui, c'est sauvegardé"),
    "c_backup_not_yet": ("Not yet", "还没有", "Pas encore"),
    "c_backup_not_needed": ("Not needed", "不需要", "Pas nécessaire"),
    "c_linked_mailbox": ("Mailbox", "邮箱", "Messagerie"),
    "c_linked_files": ("File storage", "文件存储", "Stockage de fichiers"),
    "c_linked_integrations": ("Integrations", "第三方集成", "Intégrations"),
    "c_linked_sso": ("SSO", "单点登录", "SSO"),
    "c_linked_none": ("None", "无", "Aucun"),
    "c_linked_done": ("Done", "完成", "Terminé"),
    "c_billing_refund": (
        "Cancel now, ask for a prorated refund",
        "立即取消并申请按比例退款",
        "Résilier maintenant, demander un remboursement au prorata",
    ),
    "c_billing_end_of_term": (
        "Let the paid period run out, stop renewal",
        "用完已付费周期，停止续费",
        "Laisser courir la période payée, sans renouvellement",
    ),
    "c_billing_unsure": (
        "Not sure, ask finance",
        "不确定，请财务处理",
        "Je ne sais pas, voir avec la finance",
    ),
    "c_billing_not_paid": ("It is not paid", "不是付费的", "Ce n'est pas payant"),
    "c_compliance_keep": ("Yes, records must be kept", "是，需要保留记录", "Oui, à conserver"),
    "c_compliance_none": ("No", "否", "Non"),
    "c_compliance_unknown": ("I don't know", "不知道", "Je ne sais pas"),
    "c_notify_none": ("Nobody else", "不通知其他人", "Personne d'autre"),
    "c_submit": ("Submit", "提交", "Envoyer"),
    "c_cancel": ("Cancel", "取消", "Annuler"),
    "c_edit": ("Edit: {field}", "修改：{field}", "Modifier : {field}"),
    # -- field names (summary and cards) -------------------------------------
    "f_requester": ("Requester", "申请人", "Demandeur"),
    "f_target": ("What", "停用对象", "Quoi"),
    "f_reason": ("Why", "原因", "Pourquoi"),
    "f_when": ("Stop date", "停用日期", "Date d'arrêt"),
    "f_backup": ("Backup", "备份", "Sauvegarde"),
    "f_linked": ("Linked services", "关联服务", "Services liés"),
    "f_billing": ("Billing", "费用处理", "Facturation"),
    "f_compliance": ("Compliance records", "合规记录", "Conformité"),
    "f_notify": ("Notify", "通知", "Informer"),
    "f_stage": ("Stage", "审批阶段", "Étape"),
    "f_summary": ("Summary", "摘要", "Récapitulatif"),
    "v_none": ("none", "无", "aucun"),
    "v_paid": ("paid", "付费", "payant"),
    "v_free": ("free", "免费", "gratuit"),
    "v_own_account": ("own account of {user}", "{user} 本人的账号", "compte de {user}"),
}
