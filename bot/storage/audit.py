"""An audit entry as the fields of its stream entry (the request id first), for every
script that appends to a bucket's audit stream."""

from __future__ import annotations

from conversations.model import AuditEntry


def audit_fields(request_id: str, entry: AuditEntry) -> list[str]:
    return [
        "rid", request_id,
        "at", entry.at.isoformat(),
        "actor", entry.actor,
        "action", entry.action,
        "stage", entry.stage,
        "detail", entry.detail,
    ]  # fmt: skip
