"""DingTalk payloads as DingTalk sends them (the same JSON in a Stream frame's `data`
and in an HTTP callback body), for tests to push through the fakes."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

GROUP = "cidGroup+AbC/12=="  # conversation ids are base64-like and start with "cid"
ROBOT_CODE = "dingrobotcode"
_ids = itertools.count(1)


def bot_message(
    text: str,
    *,
    sender: str = "manager01",
    nick: str = "张三",
    group: str | None = None,
    mentioned: bool = True,
    msgtype: str = "text",
    webhook: str = "https://oapi.dingtalk.com/robot/sendBySession?session=abc",
    webhook_expires_ms: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A single-chat message from `sender`, or a group message in `group` (which
    @-mentions the bot unless `mentioned` is False)."""
    now_ms = int(time.time() * 1000)
    payload: dict[str, Any] = {
        "msgId": f"msg{next(_ids)}AbC+/=",
        "msgtype": msgtype,
        "createAt": now_ms,
        "conversationType": "2" if group else "1",
        "conversationId": group or f"cidSingle{sender}==",
        "senderId": f"$:LWCP_v1:${sender}",
        "senderNick": nick,
        "senderCorpId": "dingcorp",
        "senderStaffId": sender,
        "chatbotUserId": "$:LWCP_v1:$bot",
        "chatbotCorpId": "dingcorp",
        "robotCode": ROBOT_CODE,
        "isAdmin": False,
        "sessionWebhook": webhook,
        "sessionWebhookExpiredTime": webhook_expires_ms or now_ms + 90 * 60 * 1000,
    }
    if msgtype == "text":
        payload["text"] = {"content": text}
    elif msgtype == "picture":
        payload["content"] = {"downloadCode": "dl-code", "pictureDownloadCode": "dl-code"}
    elif msgtype == "richText":
        payload["content"] = {"richText": [{"text": text}, {"downloadCode": "dl-code"}]}
    if group:
        payload["conversationTitle"] = "IT 审批群"
        payload["isInAtList"] = mentioned
        payload["atUsers"] = [{"dingtalkId": "$:LWCP_v1:$bot"}] if mentioned else []
    return {**payload, **extra}


def card_callback(
    out_track_id: str,
    action: str,
    *,
    clicker: str = "manager01",
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A click on an interactive card: `content` is a JSON string, as DingTalk sends it."""
    private = {"actionIds": [action], "params": params or {}}
    return {
        "outTrackId": out_track_id,
        "userId": clicker,
        "corpId": "dingcorp",
        "type": "actionCallback",
        "spaceType": "IM_GROUP",
        "spaceId": GROUP,
        "extension": "{}",
        "content": json.dumps({"cardPrivateData": private}, ensure_ascii=False),
    }
