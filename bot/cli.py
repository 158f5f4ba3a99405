"""Command line: `python -m bot ...` or the `stopbot` script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError

from bot import loop
from bot.config import Settings
from bot.files.policy import bundled_policy_path, check_policy_file
from bot.storage.embedded import EmbeddedRedis

DESCRIPTION = """\
stopbot: a chat bot that helps a company stop things safely (an employee's account or a
piece of company software): a guided stop request, approval cards for department head,
IT and finance, reminders, escalation and a full audit trail.

Start with `stopbot chat` (no accounts needed). Settings come from the environment or a
.env file: REDIS_URL (unset = embedded Redis under DATA_DIR, default ./.data),
POLICY_PATH (approval chains; unset = the bundled example), SLACK_* and DINGTALK_*
credentials for `serve`. See .env.example and README.md."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="stopbot",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    chat = sub.add_parser(
        "chat",
        help="console playground over the same handlers and storage",
        description="Reads lines from stdin (a terminal or a pipe). /help lists console "
        "commands; /as ID switches user; /click N clicks a button; /quit leaves.",
    )
    chat.add_argument(
        "--user", default="console:employee", help="acting user (default %(default)s)"
    )
    chat.add_argument("--lang", choices=["zh", "en", "fr"], help="language (default: detected)")
    sub.add_parser(
        "serve",
        help="run the platforms that have credentials: Slack over HTTP (POST /slack/events) "
        "and/or Socket Mode, plus GET /healthz and /metrics",
    )
    sub.add_parser(
        "worker",
        help="run only the delivery workers (the outbox) and the scheduler, no HTTP; any "
        "number of worker and serve processes may share one Redis",
    )
    policy = sub.add_parser("policy", help="policy file tools")
    psub = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    check = psub.add_parser(
        "check", help="validate a policy file (exit 1 with line-precise errors)"
    )
    check.add_argument("path", nargs="?", help="default: POLICY_PATH, else the bundled example")
    faq = sub.add_parser(
        "faq",
        help="answer questions from the knowledge base (arguments, or one per stdin line); "
        "`faq stats` prints the feedback report",
    )
    faq.add_argument("--json", action="store_true", help="one JSON object per question")
    faq.add_argument(
        "--lang",
        choices=["zh", "en", "fr"],
        default="en",
        help="language when a question does not show one (default %(default)s)",
    )
    faq.add_argument("questions", nargs="*", metavar="QUESTION")
    kb = sub.add_parser("kb", help="knowledge base tools")
    kbsub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    kbcheck = kbsub.add_parser(
        "check", help="validate a knowledge base (exit 1 with line-precise errors)"
    )
    kbcheck.add_argument("path", nargs="?", help="default: KB_PATH, else the bundled one")
    audit = sub.add_parser("audit", help="print a stop request's audit trail")
    audit.add_argument("request_id")
    storage = sub.add_parser("storage", help="the embedded Redis server under DATA_DIR")
    ssub = storage.add_subparsers(dest="storage_command", metavar="ACTION", required=True)
    ssub.add_parser("status", help="say whether it runs, and where its files are")
    ssub.add_parser(
        "stop",
        help="stop it (it keeps running after chat exits, shared by every stopbot process "
        "that uses the same DATA_DIR; data is kept on disk)",
    )
    return p


def _storage(action: str) -> int:
    s = _settings()
    if s.redis_url:
        print(f"REDIS_URL is set: stopbot uses that server ({s.redis_url.split('@')[-1]}).")
        return 0
    server = EmbeddedRedis(s.data_dir.resolve())
    if action == "stop":
        running = server.is_running()
        server.stop()
        print("Embedded Redis stopped." if running else "Embedded Redis was not running.")
        return 0
    state = f"running (pid {server.pid()})" if server.is_running() else "not running"
    print(f"Embedded Redis: {state}; data in {server.home}, socket {server.socket_path}")
    return 0


def _settings() -> Settings:
    try:
        return Settings.load()
    except ValidationError as exc:
        for err in exc.errors():
            name = ".".join(str(x) for x in err["loc"])
            print(f"stopbot: bad setting {name}: {err['msg']}", file=sys.stderr)
        raise SystemExit(2) from None


def _check(target: Path, check: Callable[[Path], list[str]]) -> int:
    """Prints a file's errors (exit 1) or that it is fine (exit 0)."""
    errors = check(target)
    if errors:
        for line in errors:
            print(line, file=sys.stderr)
        return 1
    print(f"{target}: OK")
    return 0


def _policy_check(path: str | None) -> int:
    target = Path(path) if path else (_settings().policy_path or bundled_policy_path())
    return _check(target, check_policy_file)


def _kb_check(path: str | None) -> int:
    from bot.files.kb import bundled_kb_path, check_kb_file

    target = Path(path) if path else (_settings().kb_path or bundled_kb_path())
    return _check(target, check_kb_file)


def _faq(questions: list[str], as_json: bool, lang: str) -> int:
    import json

    from bot.files.kb import KbError, bundled_kb_path, load_kb
    from bot.files.policy import PolicyError, load_policy
    from conversations.faq.matcher import Matcher
    from handlers.faq import reply_for, suggestions

    settings = _settings()
    try:
        kb = load_kb(settings.kb_path or bundled_kb_path())
    except KbError as exc:
        print("stopbot: the knowledge base is invalid:", *exc.errors, sep="\n  ", file=sys.stderr)
        return 2
    try:
        # The answers offer a human only where the policy names a support channel.
        policy = load_policy(settings.policy_path or bundled_policy_path())
    except PolicyError as exc:
        print("stopbot: the policy file is invalid:", *exc.errors, sep="\n  ", file=sys.stderr)
        return 2
    handoff = policy.support_channel is not None
    matcher = Matcher(kb)
    source = questions or (line.rstrip("\n") for line in sys.stdin)
    for question in source:
        if not question.strip():
            continue
        match = matcher.match(question, lang)  # type: ignore[arg-type]
        reply = reply_for(kb, match, handoff=handoff)
        if as_json:
            row = {
                "question": question,
                "lang": match.lang,
                "topic": match.topic,
                "score": round(match.score, 4),
                "answer": reply.text,
                # What "Did you mean" offers (empty for an answer or an "I don't know").
                "suggestions": [
                    {"topic": topic, "title": title} for topic, title in suggestions(kb, match)
                ],
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            extra = "".join(f"\n  [{b.label}]" for b in reply.buttons)
            print(f"Q: {question}\n{reply.text}{extra}\n", flush=True)
    return 0


def _serve(command: str = "serve") -> int:
    from bot.platforms import PLATFORMS, configured, served

    s = _settings()
    if not served(s):
        waiting = configured(s)
        if waiting:
            ready = " or ".join(p.name for p in PLATFORMS if p.mount is not None)
            print(
                f"stopbot {command}: the {waiting[0].name} adapter is not part of this version "
                f"yet; configure {ready}, or use `stopbot chat` meanwhile.",
                file=sys.stderr,
            )
            return 2
        needed = ", or ".join(p.variables for p in PLATFORMS)
        print(
            f"stopbot {command}: no platform is configured. Set {needed}. To try the bot "
            "without any account, run: stopbot chat",
            file=sys.stderr,
        )
        return 2
    from bot.chat import run_serve_command, run_worker_command

    run = run_worker_command if command == "worker" else run_serve_command
    return loop.run(run(s))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "policy":
        return _policy_check(args.path)
    if args.command in ("serve", "worker"):
        return _serve(args.command)
    if args.command == "chat":
        from bot.chat import run_chat

        return loop.run(run_chat(_settings(), user=args.user, lang=args.lang))
    if args.command == "kb":
        return _kb_check(args.path)
    if args.command == "faq":
        if args.questions == ["stats"]:
            from bot.chat import print_faq_stats

            return loop.run(print_faq_stats(_settings()))
        return _faq(args.questions, args.json, args.lang)
    if args.command == "storage":
        return _storage(args.storage_command)
    if args.command == "audit":
        from bot.chat import print_audit

        return loop.run(print_audit(_settings(), args.request_id))
    _parser().print_help()
    return 0
