"""The words that pick a command's action (`/cancel-account status`, `停用通知 状态`), in
every language: the ones all commands share here, each command adding its own."""

from __future__ import annotations

COMMON: dict[str, str] = {
    "": "start",
    "start": "start",
    "new": "start",
    "开始": "start",
    "nouveau": "start",
    "status": "status",
    "状态": "status",
    "进度": "status",
    "statut": "status",
    "etat": "status",
    "help": "help",
    "帮助": "help",
    "aide": "help",
    "?": "help",
}
