"""Every Redis key stopbot uses, in one place.

Layout (default prefix `stopbot`):

| key | type | TTL | what |
| --- | --- | --- | --- |
| `stopbot:{d:<user>}:dialogue` | hash `d` (JSON), `v` (version token) | idle timeout + grace | the user's stop-request dialogue in progress |
| `stopbot:{r<b>}:req:<id>` | hash `data`, `version`, `audit` | none | one stop request, its optimistic-lock version and the ids of its audit entries |
| `stopbot:{r<b>}:audit` | stream | none | append-only history (request id, who, what, when) of every request in bucket `<b>` |
| `stopbot:{r<b>}:cards:<id>` | hash | none | card key -> platform message reference (to update cards in place) |
| `stopbot:{dx}:expiry` | sorted set | none | users whose draft expires, by expiry time (the scheduler tells them) |
| `stopbot:{u:<user>}:requests` | sorted set | none | the user's request ids by creation time |
| `stopbot:{r<b>}:open` | sorted set | none | pending requests of bucket `<b>`, by creation time |
| `stopbot:{r<b>}:due` | sorted set | none | requests of bucket `<b>` with a reminder/escalation due, by due time |
| `stopbot:{r<b>}:outbox` | hash | none | replies owed by the transitions of bucket `<b>`: entry id (`<request>.<version>.<n>`) -> envelope JSON (the reply, its lane, when it was owed) |
| `stopbot:{r<b>}:outbox:due` | sorted set | none | owed entry ids by when they may next be claimed (ms): the end of a lease or of a backoff |
| `stopbot:{r<b>}:outbox:meta` | hash | none | entry id -> JSON: lease epoch, attempts, in flight since (ms), last error; absent until an entry is first sent or claimed |
| `stopbot:{r<b>}:outbox:failed` | hash | none | entries the platform refused for good: id -> the envelope, the reason, when |
| `stopbot:{u:<user>}:faq` | list (JSON) | 1 day | the user's last FAQ questions, sent along when they ask for a human |
| `stopbot:{faq}:stats` | hash | none | per topic: answers given, 👍, 👎; and how often the bot suggested or did not know |
| `stopbot:{faq}:vote:<topic>:<user>` | string | 1 day | one feedback per user per topic per day |
| `stopbot:{once}:<what>` | string | per use | marks: an inbound event already handled (Slack retries carry the same event_id), a user who uses App Home |
| `stopbot:{console}:shown` | hash `seq`, `meta:<id>` (JSON), `buttons:<id>` (JSON) | 30 days, renewed | console playground: messages with buttons shown, so /click works in every process and after a restart |
| `stopbot:{console}:shown-order` | sorted set | 30 days, renewed | the ids of those messages by when they were shown (the oldest are trimmed) |
| `stopbot:{console}:form:<user>` | hash `form` (JSON), `v:<field>` | 1 day | console playground: the form a user is filling in (a reject or delegate reason) |
| `stopbot:{u:<user>}:form` | hash `form` (JSON), `v:<field>` | 1 day | DingTalk: the form a user is answering in their single chat (a reject or delegate reason) |
| `stopbot:{u:<user>}:buttons:<channel>` | string (JSON) | 1 hour | DingTalk: the latest buttons (not a dialogue's) shown to a user in a conversation, answered by typing a number or the words |
| `stopbot:{pace:<platform>}:lanes` | hash `bulk`, `interactive` (each lane's next free slot, ms), `rate` (bulk posts/s now), `epoch` (slow-downs so far) | none | pacing of sends to the platform, shared by every process |
| `stopbot:{pace:<platform>}:pause` | string (until, ms) | the pause + 2 s | after a 429: no send to the platform until then (Retry-After) |
| `stopbot:{pace:<platform>}:ch:<channel>` | string (next free, ms) | until then + 2 s | one post a second per channel |
| `stopbot:{d:<user>}:notice` | hash `d` (JSON), `v` (version token) | idle timeout | an admin's /shutdown-notice dialogue in progress |
| `stopbot:{nb:<id>}:job` | hash | none | a shutdown-notice job: state (scheduled, running, done, cancelled), the message, who, when, totals (total, sent, failed) |
| `stopbot:{nb:<id>}:pending` | sorted set | none | the job's targets not yet settled, by when each may next be claimed (ms): its send time, then the end of a lease or a backoff |
| `stopbot:{nb:<id>}:inflight` | hash | none | claimed targets: target -> `<claim token>|<ms the send began, or empty>` |
| `stopbot:{nb:<id>}:tries` | hash | none | targets that failed transiently: target -> attempts so far |
| `stopbot:{nb:<id>}:sent` | hash | none | target -> the platform's reference of the notice posted there |
| `stopbot:{nb:<id>}:failed` | hash | none | target -> why the platform refused it for good |
| `stopbot:{nb:<id>}:audit` | stream | none | the job's history: created, started, cancelled, done (who, when, counts) |
| `stopbot:{nb}:jobs` | sorted set | none | every job id by creation time (status lists, newest first) |
| `stopbot:{nb}:active` | sorted set | none | scheduled and running job ids by send time: what workers look at |

The part in braces is the Redis Cluster hash tag: every key that one atomic
script touches shares it, so each script runs on a single slot (Cluster) and
on a single primary (Sentinel). A request lives in bucket `<b>` (CRC32 of its id
modulo 256) together with that bucket's audit stream, so the state change and its
audit entry are written by one script. One stream per request would be simpler,
but Redis preallocates about 4 KB per stream node; 256 shared streams keep an
audit entry near 110 bytes. The open and due indexes live in the same buckets, so a
transition updates them in the same script too: the scheduler never misses a request
because a process died between writing the request and indexing it. The replies a
transition owes (the outbox) are written by the same script into the same bucket, and
everything done to an owed entry later (claimed, in flight, sent with its card
reference, failed with its audit entry) is again one script on that one slot. Only the
per-user index is written separately, just before the request is created (a crash
leaves an id that readers skip, never a request its owner cannot list).

Pacing keeps everything of one platform in one slot, `{pace:<platform>}`, so each
decision (whose turn it is, a 429's pause, the adaptive rate) is one script that
reads and writes the lanes, the pause and the channel together, on Redis's clock.
A channel's key lives only while the channel is being paced, so a broadcast to ten
thousand channels holds about one second's worth of them at a time.

A shutdown-notice job lives in its own slot `{nb:<id>}`: its state, its targets and
their outcomes change together, each change one script with its audit entry. The two
job indexes (`{nb}:jobs`, `{nb}:active`) are written just before the job; a crash
between leaves an id that readers skip and workers drop.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Literal

AUDIT_BUCKETS = 256

NoticePart = Literal["job", "pending", "inflight", "tries", "sent", "failed", "audit"]

Lane = Literal["interactive", "bulk"]
"""A send's lane, and its field in the platform's `{pace:<platform>}:lanes` hash.
Interactive: a person is waiting (approval cards, notices of a request's progress,
answers); bulk: broadcasts. Pacing gives each its own budget, so the first never
waits behind the second; an owed reply's envelope says which it is."""


def bucket(request_id: str) -> int:
    return zlib.crc32(request_id.encode()) % AUDIT_BUCKETS


@dataclass(frozen=True)
class Keys:
    prefix: str = "stopbot"

    def dialogue(self, user: str) -> str:
        return f"{self.prefix}:{{d:{user}}}:dialogue"

    def request(self, request_id: str) -> str:
        return f"{self.prefix}:{{r{bucket(request_id)}}}:req:{request_id}"

    def audit(self, request_id: str) -> str:
        """The audit stream of the request's bucket (shared with other requests)."""
        return f"{self.prefix}:{{r{bucket(request_id)}}}:audit"

    def audit_bucket(self, number: int) -> str:
        return f"{self.prefix}:{{r{number}}}:audit"

    def cards(self, request_id: str) -> str:
        return f"{self.prefix}:{{r{bucket(request_id)}}}:cards:{request_id}"

    def draft_expiry(self) -> str:
        return f"{self.prefix}:{{dx}}:expiry"

    def user_requests(self, user: str) -> str:
        return f"{self.prefix}:{{u:{user}}}:requests"

    def open_requests(self, number: int) -> str:
        return f"{self.prefix}:{{r{number}}}:open"

    def due(self, number: int) -> str:
        return f"{self.prefix}:{{r{number}}}:due"

    def outbox(self, number: int) -> str:
        return f"{self.prefix}:{{r{number}}}:outbox"

    def outbox_due(self, number: int) -> str:
        return f"{self.prefix}:{{r{number}}}:outbox:due"

    def outbox_meta(self, number: int) -> str:
        return f"{self.prefix}:{{r{number}}}:outbox:meta"

    def outbox_failed(self, number: int) -> str:
        return f"{self.prefix}:{{r{number}}}:outbox:failed"

    def faq_transcript(self, user: str) -> str:
        return f"{self.prefix}:{{u:{user}}}:faq"

    def faq_stats(self) -> str:
        return f"{self.prefix}:{{faq}}:stats"

    def faq_vote(self, topic: str, user: str) -> str:
        return f"{self.prefix}:{{faq}}:vote:{topic}:{user}"

    def once(self, what: str) -> str:
        return f"{self.prefix}:{{once}}:{what}"

    def console_shown(self) -> str:
        return f"{self.prefix}:{{console}}:shown"

    def console_shown_order(self) -> str:
        return f"{self.prefix}:{{console}}:shown-order"

    def console_form(self, user: str) -> str:
        return f"{self.prefix}:{{console}}:form:{user}"

    def pending_form(self, user: str) -> str:
        return f"{self.prefix}:{{u:{user}}}:form"

    def shown_buttons(self, user: str, channel: str) -> str:
        return f"{self.prefix}:{{u:{user}}}:buttons:{channel}"

    def pace_lanes(self, platform: str) -> str:
        return f"{self.prefix}:{{pace:{platform}}}:lanes"

    def pace_pause(self, platform: str) -> str:
        return f"{self.prefix}:{{pace:{platform}}}:pause"

    def pace_channel(self, platform: str, channel: str) -> str:
        return f"{self.prefix}:{{pace:{platform}}}:ch:{channel}"

    def notice_draft(self, user: str) -> str:
        return f"{self.prefix}:{{d:{user}}}:notice"

    def notice(self, job_id: str, part: NoticePart) -> str:
        """One part of a shutdown-notice job; every part shares the job's slot."""
        return f"{self.prefix}:{{nb:{job_id}}}:{part}"

    def notice_jobs(self) -> str:
        return f"{self.prefix}:{{nb}}:jobs"

    def notice_active(self) -> str:
        return f"{self.prefix}:{{nb}}:active"


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
