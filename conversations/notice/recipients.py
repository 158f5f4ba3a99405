"""Who gets a notice, as an admin names them (in chat or on the command line): the word
`broadcast` (the policy's broadcast channels), a stop request's id (the people its
requester asked to notify, once it is approved), or platform ids. Mass mentions are
refused: a notice goes to the ids listed, never pings a whole channel's members."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from conversations.ids import is_identity
from conversations.notice.state import Recipients, RequestFacts

BROADCAST_WORDS = frozenset({"broadcast", "广播", "diffusion", "all-channels"})
REQUEST_ID = re.compile(r"^SR-[0-9A-Z]{8}$", re.IGNORECASE)
# A mention of everyone, in any platform's spelling: Slack's <!channel>, <!here>,
# <!everyone>, <!subteam^...> and @channel/@here/@everyone, DingTalk's @all and @所有人.
MASS_MENTION = re.compile(r"<!|^[@＠](?:here|channel|everyone|all|所有人)$", re.IGNORECASE)
_SPLIT = re.compile(r"[,，、;；\s]+")


class RecipientProblem(ValueError):
    """A token that names no recipient; `kind` says why, `token` which (for a message)."""

    def __init__(self, kind: str, token: str) -> None:
        super().__init__(f"{kind}: {token}")
        self.kind = kind  # "mass", "bad", "no_broadcast", "unknown_request",
        # "not_approved", "no_notify"
        self.token = token


def split(text: str) -> list[str]:
    return [tok for tok in _SPLIT.split(text) if tok]


def request_ids_in(text: str) -> list[str]:
    """The stop-request ids a typed answer names (the caller looks them up first)."""
    return [tok.upper() for tok in split(text) if REQUEST_ID.match(tok)]


def read(tokens: Iterable[str]) -> Recipients:
    """Reads recipient tokens; RecipientProblem for the first one that names nobody."""
    broadcast = False
    requests: list[str] = []
    ids: list[str] = []
    for raw in tokens:
        tok = raw.strip()
        if not tok:
            continue
        if MASS_MENTION.search(tok):
            raise RecipientProblem("mass", tok[:40])
        if tok.casefold() in BROADCAST_WORDS:
            broadcast = True
        elif REQUEST_ID.match(tok):
            if tok.upper() not in requests:
                requests.append(tok.upper())
        else:
            bare = tok.lstrip("#@")
            if not is_identity(bare):
                raise RecipientProblem("bad", tok[:40])
            if bare not in ids:
                ids.append(bare)
    return Recipients(broadcast=broadcast, requests=requests, ids=ids)


def check(
    named: Recipients, broadcast: Sequence[str], requests: Mapping[str, RequestFacts]
) -> None:
    """RecipientProblem when `broadcast` is named but the policy has no channels, or a
    request is unknown, not approved, or notifies nobody."""
    if named.broadcast and not broadcast:
        raise RecipientProblem("no_broadcast", "broadcast")
    for rid in named.requests:
        facts = requests.get(rid)
        if facts is None:
            raise RecipientProblem("unknown_request", rid)
        if not facts.approved:
            raise RecipientProblem("not_approved", rid)
        if not facts.notify:
            raise RecipientProblem("no_notify", rid)


def resolve(
    named: Recipients, broadcast: Sequence[str], requests: Mapping[str, RequestFacts]
) -> list[str]:
    """Every id the notice goes to, once each, in the order named."""
    out: dict[str, None] = {}
    if named.broadcast:
        out.update(dict.fromkeys(broadcast))
    for rid in named.requests:
        facts = requests.get(rid)
        if facts is not None:
            out.update(dict.fromkeys(facts.notify))
    out.update(dict.fromkeys(named.ids))
    return list(out)
