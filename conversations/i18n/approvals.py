"""The approvals' texts: cards, notices to the requester and to channels, refusals
of clicks, and the reject and delegate forms."""

from __future__ import annotations

# id: (en, zh, fr)
TEXTS: dict[str, tuple[str, str, str]] = {
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
    # -- a message the platform refused for good (the outbox does not retry it) --
    "undelivered_requester": (
        "The bot could not deliver a message about your request {id} ({target}) to {to} "
        "({reason}) and will not try again. An admin has the details.",
        "机器人无法把关于你的申请 {id}（{target}）的消息发送给 {to}（{reason}），不会再重试。管理员可查看详情。",
        "Le bot n'a pas pu remettre un message sur votre demande {id} ({target}) à {to} "
        "({reason}) et ne réessaiera pas. Un administrateur a les détails.",
    ),
    "undelivered_admin": (
        "Undelivered: a message about {id} ({target}, by {requester}) to {to} was refused "
        "({reason}) and will not be retried. Check that {to} exists and the bot is in it.",
        "未送达：关于 {id}（{target}，申请人 {requester}）发给 {to} 的消息被拒绝（{reason}），"
        "不会重试。请确认 {to} 存在且机器人已加入。",
        "Non remis : un message sur {id} ({target}, par {requester}) à {to} a été refusé "
        "({reason}) et ne sera pas renvoyé. Vérifiez que {to} existe et que le bot y est.",
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
        "{id} {status}，未做任何更改。",
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
}
