"""Every sentence the bot says, in English, Chinese and French.

One table keyed by message id so a missing translation is a test failure, not a
user seeing the wrong language. Placeholders use str.format names.
"""

from __future__ import annotations

from conversations.model import Lang

# id: (en, zh, fr)
_M: dict[str, tuple[str, str, str]] = {
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
    "no_dialogue": (
        "There is no stop request in progress. Type /cancel-account to start one, or "
        "/cancel-account help.",
        "当前没有进行中的停用申请。输入 /cancel-account 开始，或 /cancel-account help 查看帮助。",
        "Aucune demande en cours. Tapez /cancel-account pour en commencer une, ou "
        "/cancel-account help.",
    ),
    # -- re-ask hints ------------------------------------------------------
    "hint_choice": (
        "I didn't understand that. Pick one of the options (or type its number).",
        "没看懂。请选择一个选项（或输入序号）。",
        "Je n'ai pas compris. Choisissez une option (ou tapez son numéro).",
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
    # -- approval cards ----------------------------------------------------
    "card_title": (
        "Stop request {id}: {target}",
        "停用申请 {id}：{target}",
        "Demande d'arrêt {id} : {target}",
    ),
    "card_stage": (
        "Stage {n}/{total}: {stage} ({mode})",
        "第 {n}/{total} 步：{stage}（{mode}）",
        "Étape {n}/{total} : {stage} ({mode})",
    ),
    "mode_any": ("one approval needed", "或签，一人同意即可", "une approbation suffit"),
    "mode_all": ("every approver must approve", "会签，需全部同意", "tous doivent approuver"),
    "card_approvers": ("Approvers: {who}", "审批人：{who}", "Approbateurs : {who}"),
    "b_approve": ("Approve", "同意", "Approuver"),
    "b_reject": ("Reject", "拒绝", "Rejeter"),
    "b_delegate": ("Delegate", "转交", "Déléguer"),
    "flag_no_backup": ("No backup yet", "尚未备份", "Pas encore de sauvegarde"),
    "flag_compliance_unknown": (
        "Compliance retention unknown",
        "不确定是否有合规保留要求",
        "Obligations de conservation inconnues",
    ),
    "flag_records_to_keep": (
        "Records must be kept: archive before stopping",
        "有记录需保留：停用前先归档",
        "Documents à conserver : archiver avant l'arrêt",
    ),
    "flag_no_refund_plan": (
        "Paid, no refund/renewal plan",
        "付费项目，未确定退款/续费处理",
        "Payant, sans plan de remboursement/renouvellement",
    ),
    "flag_linked_services": (
        "Linked services to unbind: {services}",
        "需解绑的关联服务：{services}",
        "Services liés à détacher : {services}",
    ),
    "flag_security": (
        "Security risk: act promptly",
        "安全风险：请尽快处理",
        "Risque de sécurité : agir vite",
    ),
    "flag_short_notice": (
        "Short notice (under 3 days)",
        "时间紧（不足 3 天）",
        "Délai court (moins de 3 jours)",
    ),
    "out_approved": (
        "Approved by {who} on {at}",
        "{who} 于 {at} 同意",
        "Approuvé par {who} le {at}",
    ),
    "out_vote": (
        "Approved by {who} ({done}/{total}); waiting for {missing}",
        "{who} 已同意（{done}/{total}）；等待 {missing}",
        "Approuvé par {who} ({done}/{total}) ; en attente de {missing}",
    ),
    "out_rejected": (
        "Rejected by {who} on {at}: {reason}",
        "{who} 于 {at} 拒绝：{reason}",
        "Rejeté par {who} le {at} : {reason}",
    ),
    "out_delegated": (
        "Handed by {who} to {to}: {reason}",
        "{who} 转交给 {to}：{reason}",
        "Délégué par {who} à {to} : {reason}",
    ),
    "out_withdrawn": (
        "Withdrawn by the requester on {at}",
        "申请人于 {at} 撤回",
        "Retirée par le demandeur le {at}",
    ),
    "out_cancelled": (
        "Closed: the request ended earlier",
        "已关闭：申请已在之前结束",
        "Clôturé : la demande s'est terminée avant",
    ),
    # -- requester and channel notices ---------------------------------------
    "tell_stage_approved": (
        "{id} ({target}): {stage} approved by {who}. Next: {next}.",
        "{id}（{target}）：{stage} 已由 {who} 同意。下一步：{next}。",
        "{id} ({target}) : étape {stage} approuvée par {who}. Suite : {next}.",
    ),
    "tell_approved": (
        "{id} ({target}) is fully approved. It will be stopped on {date}. Make sure the backup "
        "and unbinding are done before then.",
        "{id}（{target}）已全部审批通过，将于 {date} 停用。请在此之前完成备份和解绑。",
        "{id} ({target}) est entièrement approuvée. L'arrêt aura lieu le {date}. Terminez la "
        "sauvegarde et le détachement avant.",
    ),
    "tell_rejected": (
        "{id} ({target}) was rejected at {stage} by {who}: {reason}. You can file a new request "
        "with /cancel-account.",
        "{id}（{target}）在 {stage} 被 {who} 拒绝：{reason}。你可以用 /cancel-account 重新申请。",
        "{id} ({target}) a été rejetée à l'étape {stage} par {who} : {reason}. Vous pouvez "
        "faire une nouvelle demande avec /cancel-account.",
    ),
    "tell_delegated": (
        "{id} ({target}): {who} handed the {stage} approval to {to} ({reason}).",
        "{id}（{target}）：{who} 把 {stage} 审批转交给了 {to}（{reason}）。",
        "{id} ({target}) : {who} a délégué l'étape {stage} à {to} ({reason}).",
    ),
    "tell_withdrawn": (
        "You withdrew {id} ({target}). The approvers' cards were updated.",
        "你已撤回 {id}（{target}），审批卡片已同步更新。",
        "Vous avez retiré {id} ({target}). Les cartes des approbateurs sont à jour.",
    ),
    "tell_delegate": (
        "{who} handed you the {stage} approval of {id} ({target}): {reason}. The card is in {channel}.",
        "{who} 把 {id}（{target}）的 {stage} 审批转交给你：{reason}。卡片在 {channel}。",
        "{who} vous a délégué l'étape {stage} de {id} ({target}) : {reason}. La carte est dans "
        "{channel}.",
    ),
    "notice_outcome": (
        "Stop request {id} ({target}, by {requester}, stop date {date}): {status}.",
        "停用申请 {id}（{target}，申请人 {requester}，停用日期 {date}）：{status}。",
        "Demande d'arrêt {id} ({target}, par {requester}, date {date}) : {status}.",
    ),
    "status_pending": ("waiting for {stage}", "等待 {stage} 审批", "en attente de {stage}"),
    "status_approved": ("approved", "已通过", "approuvée"),
    "status_rejected": ("rejected", "已拒绝", "rejetée"),
    "status_withdrawn": ("withdrawn", "已撤回", "retirée"),
    "remind": (
        "Reminder: {id} ({target}) has been waiting for {stage} approval since {since}. "
        "Approvers: {who}.",
        "提醒：{id}（{target}）自 {since} 起等待 {stage} 审批。审批人：{who}。",
        "Rappel : {id} ({target}) attend l'approbation {stage} depuis le {since}. "
        "Approbateurs : {who}.",
    ),
    "escalate": (
        "Escalation: {id} ({target}) has waited at stage {stage} since {since} without a "
        "decision. Approvers: {who}. {fallback}",
        "升级提醒：{id}（{target}）自 {since} 起在 {stage} 阶段无人处理。审批人：{who}。{fallback}",
        "Escalade : {id} ({target}) attend à l'étape {stage} depuis le {since} sans décision. "
        "Approbateurs : {who}. {fallback}",
    ),
    "escalate_fallback": (
        "Fallback approvers {who} may now decide.",
        "后备审批人 {who} 现在也可以审批。",
        "Les approbateurs de secours {who} peuvent maintenant décider.",
    ),
    # -- refusals (private answers to clicks) --------------------------------
    "deny_not_pending": (
        "{id} is already {status}; nothing was changed.",
        "{id} 已{status}，未做任何更改。",
        "{id} est déjà {status} ; rien n'a été modifié.",
    ),
    "deny_stale_card": (
        "This card is no longer current (that stage is already closed); nothing was changed.",
        "此卡片已过期（该阶段已结束），未做任何更改。",
        "Cette carte n'est plus à jour (l'étape est close) ; rien n'a été modifié.",
    ),
    "deny_self_approval": (
        "You cannot approve, reject or delegate your own request; nothing was changed.",
        "你不能审批或转交自己的申请，未做任何更改。",
        "Vous ne pouvez pas approuver, rejeter ou déléguer votre propre demande ; rien n'a été "
        "modifié.",
    ),
    "deny_not_approver": (
        "Only the {stage} approvers ({who}) can act on this card; nothing was changed.",
        "只有 {stage} 审批人（{who}）可以处理此卡片，未做任何更改。",
        "Seuls les approbateurs {stage} ({who}) peuvent agir sur cette carte ; rien n'a été "
        "modifié.",
    ),
    "deny_already_voted": (
        "You already approved this stage; nothing was changed.",
        "你已经同意过这一阶段，未做任何更改。",
        "Vous avez déjà approuvé cette étape ; rien n'a été modifié.",
    ),
    "deny_reason_required": (
        "A reason is required.",
        "必须填写原因。",
        "Une raison est obligatoire.",
    ),
    "deny_bad_delegate": (
        "Choose someone else: not yourself, not the requester, and not someone who can already "
        "act on this stage.",
        "请选择其他人：不能是你自己、申请人，或已经是本阶段审批人的人。",
        "Choisissez quelqu'un d'autre : ni vous, ni le demandeur, ni quelqu'un qui peut déjà agir "
        "sur cette étape.",
    ),
    "deny_not_requester": (
        "Only the requester can withdraw this request; nothing was changed.",
        "只有申请人可以撤回此申请，未做任何更改。",
        "Seul le demandeur peut retirer cette demande ; rien n'a été modifié.",
    ),
    "bad_user_id": (
        "'{value}' is not a person id; use an id like console:alice or slack:U0123.",
        "“{value}”不是人员 ID，请使用 console:alice 或 slack:U0123 这样的 ID。",
        "« {value} » n'est pas un identifiant de personne ; utilisez par ex. console:alice ou "
        "slack:U0123.",
    ),
    # -- forms -------------------------------------------------------------
    "form_reject_title": ("Reject {id}", "拒绝 {id}", "Rejeter {id}"),
    "form_delegate_title": ("Delegate {id}", "转交 {id}", "Déléguer {id}"),
    "form_reason": (
        "Reason (the requester will see it)",
        "原因（申请人可见）",
        "Raison (le demandeur la verra)",
    ),
    "form_delegate_to": ("Hand the approval to", "转交给", "Déléguer à"),
    # -- commands ----------------------------------------------------------
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
        "/cancel-account pending: requests waiting for your approval.",
        "/cancel-account：发起停用申请（账号或软件）。/cancel-account status：查看你的申请进度。"
        "/cancel-account withdraw <编号>：撤回待审批的申请。/cancel-account pending：等待你审批的申请。",
        "/cancel-account : démarrer une demande d'arrêt (compte ou logiciel). "
        "/cancel-account status : vos demandes et leur étape. "
        "/cancel-account withdraw <numéro> : retirer une demande en attente. "
        "/cancel-account pending : demandes qui attendent votre approbation.",
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
    # -- FAQ ---------------------------------------------------------------
    "faq_did_it_help": (
        "Did this help?",
        "这个回答有帮助吗？",
        "Cette réponse vous a-t-elle aidé ?",
    ),
    "b_helpful": ("👍 Yes", "👍 有帮助", "👍 Oui"),
    "b_not_helpful": ("👎 No", "👎 没帮助", "👎 Non"),
    "b_ask_human": ("Ask a human", "转人工", "Parler à quelqu'un"),
    "b_none_of_these": (
        "None of these: ask a human",
        "都不是，转人工",
        "Aucune : parler à quelqu'un",
    ),
    "faq_did_you_mean": (
        "I'm not sure I understood. Did you mean one of these?",
        "我不太确定你的意思。你是想问以下哪一个？",
        "Je ne suis pas sûr d'avoir compris. Vouliez-vous dire l'une de ces questions ?",
    ),
    "faq_unknown": (
        "I don't know the answer to that, and I'd rather not guess. I can help with: {topics}. Want me to pass your question to the IT team?",
        "这个问题我不知道答案，也不想乱猜。我能回答的话题有：{topics}。要我把你的问题转给 IT 团队吗？",
        "Je ne connais pas la réponse et je préfère ne pas deviner. Je peux aider sur : {topics}. Voulez-vous que je transmette votre question à l'équipe IT ?",
    ),
    "faq_handoff_done": (
        "I've passed your question to the IT team in {channel}; someone will get back to you.",
        "我已把你的问题转给 {channel} 的 IT 团队，稍后会有人联系你。",
        "J'ai transmis votre question à l'équipe IT dans {channel} ; quelqu'un vous recontactera.",
    ),
    "faq_handoff_no_channel": (
        "Please ask in your IT help channel: no support channel is set up for me to pass questions to.",
        "请到 IT 支持频道提问：目前没有配置可供我转交问题的支持频道。",
        "Merci de demander dans le canal d'aide IT : aucun canal de support n'est configuré pour que je transmette les questions.",
    ),
    "faq_handoff_post": (
        "Question from {user} (language: {language}) that the FAQ could not answer well:\n{question}\nTheir recent questions:\n{transcript}",
        "来自 {user}（语言：{language}）的问题，FAQ 未能很好回答：\n{question}\n最近的提问：\n{transcript}",
        "Question de {user} (langue : {language}) à laquelle la FAQ n'a pas bien répondu :\n{question}\nSes questions récentes :\n{transcript}",
    ),
    "faq_transcript_line": (
        "- {question} (bot: {outcome})",
        "- {question}（机器人：{outcome}）",
        "- {question} (bot : {outcome})",
    ),
    "faq_outcome_unknown": ("did not know", "不知道", "ne savait pas"),
    "faq_outcome_suggest": ("suggested topics", "给出了候选话题", "a proposé des sujets"),
    "faq_thanks_up": ("Thanks for the feedback!", "谢谢你的反馈！", "Merci pour votre retour !"),
    "faq_thanks_down": (
        "Thanks for telling me; sorry it didn't help. Want me to pass your question to the IT team?",
        "谢谢反馈，抱歉没能帮到你。要我把你的问题转给 IT 团队吗？",
        "Merci de me le dire ; désolé de ne pas avoir aidé. Voulez-vous que je transmette votre question à l'équipe IT ?",
    ),
    "faq_already_voted": (
        "You already gave feedback on this answer.",
        "你已经对这个回答反馈过了。",
        "Vous avez déjà donné votre avis sur cette réponse.",
    ),
    "faq_question_gone": (
        "I no longer have that question; please ask it again.",
        "我已经找不到那个问题了，请重新提问。",
        "Je n'ai plus cette question ; merci de la reposer.",
    ),
    "faq_offer_start": (
        "Do you want to start a stop request for {target}? I'll ask a few questions first; nothing is sent until you confirm.",
        "要为 {target} 发起停用申请吗？我会先问几个问题，确认之前不会提交任何内容。",
        "Voulez-vous démarrer une demande d'arrêt pour {target} ? Je poserai d'abord quelques questions ; rien n'est envoyé avant votre confirmation.",
    ),
    "faq_offer_button": (
        "Start a stop request for {target}",
        "为 {target} 发起停用申请",
        "Demande d'arrêt pour {target}",
    ),
    "faq_your_account": ("your account", "你的账号", "votre compte"),
    "faq_kb_reloaded": (
        "Knowledge base reloaded: {topics} topics.",
        "知识库已重新加载：{topics} 个话题。",
        "Base de connaissances rechargée : {topics} sujets.",
    ),
    "faq_kb_refused": (
        "The knowledge base was NOT reloaded; the previous one is still in use. Errors:\n{errors}",
        "知识库未重新加载，仍在使用之前的版本。错误：\n{errors}",
        "La base de connaissances n'a PAS été rechargée ; la précédente reste en service. Erreurs :\n{errors}",
    ),
    "faq_admin_only": (
        "Only admins can reload the knowledge base.",
        "只有管理员可以重新加载知识库。",
        "Seuls les administrateurs peuvent recharger la base de connaissances.",
    ),
    "faq_not_configured": (
        "There is no FAQ knowledge base configured.",
        "没有配置 FAQ 知识库。",
        "Aucune base de connaissances FAQ n'est configurée.",
    ),
}


def t(lang: Lang, key: str, **params: object) -> str:
    en, zh, fr = _M[key]
    text = {"en": en, "zh": zh, "fr": fr}[lang]
    return text.format(**params) if params else text


def keys() -> list[str]:
    return list(_M)
