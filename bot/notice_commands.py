"""What `stopbot notice send|status|cancel` do (the parser is bot/notice_cli.py, which
imports this only when a notice command runs, so `stopbot --help` stays quick)."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Settings
from bot.files.policy import PolicyError, bundled_policy_path, load_policy
from bot.storage.client import BadRedisUrl
from bot.storage.embedded import EmbeddedRedisError
from bot.storage.store import Store, open_store
from conversations import notice as nb
from conversations.dates import DateProblem, check_stop_date
from conversations.model import Lang, RequestStatus
from conversations.policy import Policy
from handlers.ports import NoticeJob, NoticeStatus
from handlers.services import new_notice_id

JOB_ID = re.compile(r"^NB-[0-9A-Z]{8}(?:-\d{1,3})?$")
MAX_TEXT = nb.MAX_MESSAGE * len(nb.LANGS)
MAX_TARGETS = 100_000
_SHOWN = 5
_YES = {"y", "yes", "oui", "o", "是", "好"}


class BadArgument(Exception):
    """Exit 2: `argument` is wrong, for `reason`."""

    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(f"{argument}: {reason}")


# -- reading the arguments ----------------------------------------------------------


def _job_id(value: str) -> str:
    upper = value.strip().upper()
    if not JOB_ID.match(upper):
        raise BadArgument("JOB", f"{value!r} is not a notice job id (NB-XXXXXXXX)")
    return upper


def _admin(policy: Policy, by: str | None) -> str:
    if by is None:
        return policy.admins[0]
    if not policy.is_admin(by):
        admins = ", ".join(policy.admins)
        raise BadArgument("--by", f"{by!r} is not an admin in the policy (admins: {admins})")
    return by


def _langs(value: str) -> list[Lang]:
    found: list[Lang] = []
    for part in value.split(","):
        code = part.strip().lower()
        if code not in nb.LANGS:
            raise BadArgument("--lang", f"{part.strip()!r} is not one of zh, en, fr")
        lang: Lang = "zh" if code == "zh" else "fr" if code == "fr" else "en"
        if lang not in found:
            found.append(lang)
    return found


def _at(value: str | None, now: datetime, tz: tzinfo | None) -> datetime:
    if value is None:
        return now
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadArgument(
            "--at", f"{value!r} is not an ISO date-time such as 2026-12-01T09:00"
        ) from None
    if at.tzinfo is None:
        at = nb.local(at, tz)
    if at < now - timedelta(minutes=1):
        raise BadArgument("--at", f"{at.isoformat()} is in the past")
    return max(at, now)


def _tokens(value: str) -> list[tuple[str, str]]:
    """(token, where it came from) for every recipient named; @FILE is read here."""
    out: list[tuple[str, str]] = []
    for part in value.split(","):
        part = part.strip()
        if part.startswith("@") and ":" not in part and not nb.MASS_MENTION.search(part):
            path = Path(part[1:])
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise BadArgument("--to", f"cannot read {path}: {exc}") from None
            for number, line in enumerate(lines, 1):
                token = line.strip()
                if token and not (token == "#" or token.startswith("# ")):  # a comment
                    out.append((token, f"{path}:{number}"))
        elif part:
            out.append((part, ""))
    return out


def _recipients(value: str) -> nb.Recipients:
    tokens = _tokens(value)
    if not tokens:
        raise BadArgument("--to", "names no recipient")
    if len(tokens) > MAX_TARGETS:
        raise BadArgument("--to", f"more than {MAX_TARGETS} recipients")
    for token, where in tokens:
        try:
            nb.read([token])
        except nb.RecipientProblem as problem:
            at = f" ({where})" if where else ""
            if problem.kind == "mass":
                why = "would ping everyone in a channel; list the channels or people instead"
            else:
                why = "is not a platform id (e.g. slack:C0123ABC), `broadcast` or a request id"
            raise BadArgument("--to", f"{token[:60]!r}{at} {why}") from None
    return nb.read(token for token, _ in tokens)


def _message(
    args: argparse.Namespace, policy: Policy, langs: list[Lang], today: date
) -> tuple[str, str, date | None]:
    """(text, software, stop date)."""
    templated = args.software is not None or args.date is not None
    if args.text is not None and templated:
        raise BadArgument("--text", "give either --text, or --software with --date, not both")
    if args.text is not None:
        text = args.text.strip()
        if not text:
            raise BadArgument("--text", "is empty")
        if len(text) > MAX_TEXT:
            raise BadArgument("--text", f"is longer than {MAX_TEXT} characters")
        return text, "", None
    if args.software is None or args.date is None:
        missing = "--software" if args.software is None else "--date"
        if not templated:
            raise BadArgument("--text", "give --text TEXT, or --software NAME and --date DATE")
        raise BadArgument(
            missing, "is needed with " + ("--date" if missing == "--software" else "--software")
        )
    item = policy.catalog_item(args.software)
    if item is None:
        known = ", ".join(i.name for i in policy.catalog) or "none"
        raise BadArgument("--software", f"{args.software!r} is not in the catalog ({known})")
    stop = check_stop_date(args.date, today, "en")
    if stop is DateProblem.UNPARSED:
        raise BadArgument("--date", f"{args.date!r} is not a date such as 2026-12-31")
    if stop is DateProblem.PAST:
        raise BadArgument("--date", f"{args.date!r} is in the past")
    if stop is DateProblem.TOO_FAR:
        raise BadArgument("--date", f"{args.date!r} is more than a year away")
    assert isinstance(stop, date)
    contact = item.owner or policy.support_channel or policy.admins[0]
    text = nb.join([nb.template(lang, item.name, stop, contact) for lang in langs])
    return text, item.name, stop


@dataclass(frozen=True)
class _Send:
    job: NoticeJob
    recipients: nb.Recipients


def _read_send(args: argparse.Namespace, policy: Policy, now: datetime, tz: tzinfo | None) -> _Send:
    by = _admin(policy, args.by)
    langs = _langs(args.lang)
    at = _at(args.at, now, tz)
    text, software, stop = _message(args, policy, langs, now.astimezone(tz).date())
    if stop is not None and at.astimezone(tz).date() > stop:
        raise BadArgument("--at", f"{at.isoformat()} is after the stop date {stop.isoformat()}")
    recipients = _recipients(args.to)
    job = NoticeJob(
        id=new_notice_id(),
        text=text,
        at=at,
        created_by=by,
        created_at=now,
        software=software,
        stop_date=stop,
        langs=tuple(langs),
        report_to=by,
    )
    return _Send(job, recipients)


# -- the commands ---------------------------------------------------------------------


def _fail(message: str, code: int) -> int:
    print(f"stopbot notice: {message}", file=sys.stderr)
    return code


def _policy(settings: Settings) -> Policy | None:
    try:
        return load_policy(settings.policy_path or bundled_policy_path())
    except PolicyError as exc:
        print("stopbot: the policy file is invalid:", *exc.errors, sep="\n  ", file=sys.stderr)
        return None


async def _store(settings: Settings) -> Store | None:
    try:
        store = await open_store(settings.redis_url, settings.data_dir)
    except (EmbeddedRedisError, BadRedisUrl) as exc:
        print(f"stopbot: {exc}", file=sys.stderr)
        return None
    if not await store.ping():
        print("stopbot: cannot reach Redis; check REDIS_URL", file=sys.stderr)
        await store.close()
        return None
    return store


async def main(args: argparse.Namespace, settings: Settings) -> int:
    policy = _policy(settings)
    if policy is None:
        return 2
    try:
        match args.notice_command:
            case "send":
                now = SystemClock().now()
                plan = _read_send(args, policy, now, settings.tz)
                return await _with_store(settings, lambda s: _send(s, policy, plan, args.yes))
            case "status":
                job = _job_id(args.job) if args.job else None
                return await _with_store(settings, lambda s: _status(s, job, args.json))
            case _:
                job_id, by = _job_id(args.job), _admin(policy, args.by)
                return await _with_store(settings, lambda s: _cancel(s, job_id, by))
    except BadArgument as exc:
        return _fail(str(exc), 2)


async def _with_store(settings: Settings, command: Callable[[Store], Awaitable[int]]) -> int:
    store = await _store(settings)
    if store is None:
        return 2
    try:
        return await command(store)
    except BadArgument as exc:
        return _fail(str(exc), 2)
    finally:
        await store.close()


async def _resolve(store: Store, policy: Policy, r: nb.Recipients) -> list[str]:
    facts = {}
    for rid in r.requests:
        req = await store.requests.get(rid)
        if req is not None:
            facts[rid] = nb.RequestFacts(
                approved=req.status is RequestStatus.APPROVED,
                notify=tuple(req.answers.notify or ()),
            )
    try:
        nb.check(r, policy.broadcast.channels, facts)
    except nb.RecipientProblem as problem:
        raise BadArgument("--to", _problem(problem)) from None
    return nb.resolve(r, policy.broadcast.channels, facts)


def _problem(problem: nb.RecipientProblem) -> str:
    match problem.kind:
        case "no_broadcast":
            return "`broadcast` names no channel: the policy's broadcast.channels is empty"
        case "unknown_request":
            return f"there is no stop request {problem.token}"
        case "not_approved":
            return f"{problem.token} is not approved"
    return f"{problem.token} notifies nobody"


async def _send(store: Store, policy: Policy, plan: _Send, yes: bool) -> int:
    targets = await _resolve(store, policy, plan.recipients)
    job = plan.job
    shown = ", ".join(targets[:_SHOWN]) + (
        f" and {len(targets) - _SHOWN} more" if len(targets) > _SHOWN else ""
    )
    when = "now" if job.at <= job.created_at else job.at.isoformat()
    many = f"{len(targets)} recipient" + ("" if len(targets) == 1 else "s")
    print(f"Shutdown notice to {many} ({shown}), {when}, by {job.created_by}:")
    print("-" * 40)
    print(job.text)
    print("-" * 40)
    if not yes:
        print("Send it? [y/N] ", end="", flush=True)
        answer = await asyncio.to_thread(sys.stdin.readline)
        if not sys.stdin.isatty():
            print()  # a piped answer is not echoed: end the question's line
        if answer.strip().lower() not in _YES:
            return _fail("not confirmed; nothing was queued (use --yes in scripts)", 1)
    await store.notices.create(job, targets)
    # Queuing sends nothing by itself: say what does, or a first try looks broken.
    print(
        "Queued. A running `stopbot serve` or `stopbot worker` sends it (console ids: "
        "`stopbot chat`); follow it with `stopbot notice status " + job.id + "`."
    )
    print(job.id)
    return 0


def status_json(st: NoticeStatus) -> dict[str, object]:
    return {
        "id": st.job.id,
        "state": st.state,
        "total": st.total,
        "sent": st.sent,
        "failed": st.failed,
        "pending": st.pending,
        "failures": [{"target": tg, "reason": why} for tg, why in st.failures],
    }


def _line(st: NoticeStatus) -> str:
    at = st.job.at.astimezone(UTC).isoformat(timespec="minutes")
    return (
        f"{st.job.id}  {st.state:<9}  {st.job.software or '-'}  total {st.total}  sent {st.sent}"
        f"  failed {st.failed}  pending {st.pending}  at {at}  by {st.job.created_by}"
    )


async def _status(store: Store, job_id: str | None, as_json: bool) -> int:
    if job_id is not None:
        found = await store.notices.status(job_id, failures=0)
        if found is None:
            return _fail(f"there is no job {job_id}", 1)
        jobs = [found]
    else:
        jobs = await store.notices.recent(limit=1000)
    for st in jobs:
        failures = await store.notices.failures(st.job.id) if st.failed else []
        full = NoticeStatus(**{**st.__dict__, "failures": failures})
        if as_json:
            print(json.dumps(status_json(full), ensure_ascii=False))
        else:
            print(_line(full))
            for target, reason in failures:
                print(f"  not delivered: {target}: {reason}")
    if not jobs and not as_json:
        print("No shutdown notices yet.")
    return 0


async def _cancel(store: Store, job_id: str, by: str) -> int:
    cancelled, st = await store.notices.cancel(job_id, by, SystemClock().now())
    if st is None:
        return _fail(f"there is no job {job_id}", 1)
    if not cancelled:
        return _fail(f"{job_id} is already {st.state}; nothing to cancel", 1)
    print(f"{job_id} cancelled: {st.sent} already sent stay sent; {st.pending} will not be sent.")
    return 0
