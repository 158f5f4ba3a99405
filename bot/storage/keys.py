"""Every Redis key stopbot uses, in one place.

Layout (default prefix `stopbot`):

| key | type | TTL | what |
| --- | --- | --- | --- |
| `stopbot:{d:<user>}:dialogue` | string (JSON) | idle timeout + grace | the user's stop-request dialogue in progress |
| `stopbot:{d:<user>}:lock` | string | 10 s | per-user lock, taken before the dialogue is read |
| `stopbot:{r:<id>}` | hash `data`, `version` | none | one stop request and its optimistic-lock version |
| `stopbot:{r:<id>}:audit` | stream | none | the request's append-only history (who, what, when) |
| `stopbot:{r:<id>}:cards` | hash | none | card key -> platform message reference (to update cards in place) |
| `stopbot:{u:<user>}:requests` | sorted set | none | the user's request ids by creation time |
| `stopbot:{idx}:open` | sorted set | none | ids of pending requests by creation time |
| `stopbot:{idx}:due` | sorted set | none | ids of requests with a reminder/escalation due, by due time |
| `stopbot:{console}:cards` | hash | none | console playground: cards shown, so /click works after a restart |

The part in braces is the Redis Cluster hash tag: every key that one atomic
script touches shares it, so each script runs on a single slot (Cluster) and
on a single primary (Sentinel). The sorted-set indexes are derived data: they
are written before the state change they describe (so a crash leaves an extra
entry, never a missing one) and every reader re-checks the request itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    prefix: str = "stopbot"

    def dialogue(self, user: str) -> str:
        return f"{self.prefix}:{{d:{user}}}:dialogue"

    def dialogue_lock(self, user: str) -> str:
        return f"{self.prefix}:{{d:{user}}}:lock"

    def request(self, request_id: str) -> str:
        return f"{self.prefix}:{{r:{request_id}}}"

    def audit(self, request_id: str) -> str:
        return f"{self.prefix}:{{r:{request_id}}}:audit"

    def cards(self, request_id: str) -> str:
        return f"{self.prefix}:{{r:{request_id}}}:cards"

    def user_requests(self, user: str) -> str:
        return f"{self.prefix}:{{u:{user}}}:requests"

    def open_requests(self) -> str:
        return f"{self.prefix}:{{idx}}:open"

    def due(self) -> str:
        return f"{self.prefix}:{{idx}}:due"

    def console_cards(self) -> str:
        return f"{self.prefix}:{{console}}:cards"


def hash_slot(key: str) -> int:
    """The Redis Cluster slot of a key (CRC16/XMODEM of the hash tag), for tests and checks."""
    start = key.find("{")
    if start != -1:
        end = key.find("}", start + 1)
        if end > start + 1:
            key = key[start + 1 : end]
    crc = 0
    for byte in key.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc % 16384
