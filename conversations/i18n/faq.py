"""The FAQ's texts: answers' feedback, suggestions, hand-off to a human, and the
knowledge base reload."""

from __future__ import annotations

# id: (en, zh, fr)
TEXTS: dict[str, tuple[str, str, str]] = {
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
    # Without a support channel in the policy, the bot does not offer to pass questions on.
    "faq_unknown_no_handoff": (
        "I don't know the answer to that, and I'd rather not guess. I can help with: {topics}.",
        "这个问题我不知道答案，也不想乱猜。我能回答的话题有：{topics}。",
        "Je ne connais pas la réponse et je préfère ne pas deviner. Je peux aider sur : {topics}.",
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
    "faq_thanks_down_no_handoff": (
        "Thanks for telling me; sorry it didn't help.",
        "谢谢反馈，抱歉没能帮到你。",
        "Merci de me le dire ; désolé de ne pas avoir aidé.",
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
}
