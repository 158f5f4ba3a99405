"""Command line: `python -m bot ...` or the `stopbot` script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeAlias

from pydantic import ValidationError

from bot import loop, notice_cli
from bot.config import Settings
from bot.files.policy import bundled_policy_path, check_policy_file
from bot.storage.embedded import EmbeddedRedis
from conversations.ids import is_identity

DESCRIPTION = """\
stopbot: a chat bot that helps a company stop things safely (an employee's account or a
piece of company software): a guided stop request, approval cards for department head,
IT and finance, reminders, escalation and a full audit trail.

Start with `stopbot chat` (no accounts needed). Settings come from the environment or a
.env file: REDIS_URL (unset = embedded Redis under DATA_DIR, default ./.data),
POLICY_PATH (approval chains; unset = the bundled example), KB_PATH (FAQ; unset = the
bundled one), FAQ_CACHE_DIR (what the FAQ matcher built; unset = DATA_DIR/cache/faq),
SLACK_* and DINGTALK_* credentials for `serve`. See .env.example and README.md."""


# What add_subparsers returns.
Sub: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _command(sub: Sub, name: str, summary: str, description: str) -> argparse.ArgumentParser:
    """A subcommand: `summary` is its line in its parent's list, `description` what its
    own --help says first."""
    return sub.add_parser(
        name,
        help=summary,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="stopbot",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    chat = _command(
        sub,
        "chat",
        "console playground over the same handlers and storage",
        "The console playground: the same dialogue, approvals and FAQ as on Slack, over\n"
        "the same storage, with no account needed. Reads lines from stdin (a terminal or\n"
        "a pipe). /help lists console commands; /as ID switches user; /click N clicks a\n"
        "button; /quit leaves.",
    )
    chat.add_argument(
        "--user", default="console:employee", help="acting user (default %(default)s)"
    )
    chat.add_argument("--lang", choices=["zh", "en", "fr"], help="language (default: detected)")
    _command(
        sub,
        "serve",
        "run the platforms that have credentials: Slack over HTTP (POST /slack/events) "
        "and/or Socket Mode, DingTalk in Stream mode or by HTTP callback "
        "(POST /dingtalk/events), plus GET /healthz and /metrics",
        "Runs every platform whose credentials are set, together, until SIGTERM or Ctrl-C:\n"
        "  Slack over HTTP     SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; Slack's Request\n"
        "                      URL (commands, interactivity, events) is POST /slack/events\n"
        "  Slack Socket Mode   SLACK_BOT_TOKEN and SLACK_APP_TOKEN (no public URL needed)\n"
        "  DingTalk            DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET (the app's\n"
        "                      AppKey and AppSecret); DINGTALK_ROBOT_CODE defaults to the\n"
        "                      client id. DINGTALK_MODE=stream (the default) opens DingTalk's\n"
        "                      Stream gateway (no public URL needed); DINGTALK_MODE=http\n"
        "                      takes signed callbacks at POST /dingtalk/events.\n"
        "                      DINGTALK_CARD_TEMPLATE_ID: the interactive approval card's\n"
        "                      template (unset: ActionCards whose buttons send a command).\n"
        "                      DINGTALK_CARD_CALLBACK_URL: with DINGTALK_MODE=http and a card\n"
        "                      template, the public URL of POST /dingtalk/events, registered\n"
        "                      with DingTalk at start for the cards' clicks (required then).\n"
        "                      DINGTALK_API_URL: the OpenAPI (and gateway) base, default\n"
        "                      https://api.dingtalk.com\n"
        "Also GET /healthz (200 when storage answers, 503 otherwise) and GET /metrics\n"
        "(Prometheus text), reminders and escalations, and knowledge-base reloads. Listens\n"
        "on HOST:PORT (default 0.0.0.0:3000). Exits 2, naming the missing variables, when\n"
        "no platform is configured; `stopbot chat` needs none.",
    )
    policy = _command(
        sub,
        "policy",
        "policy file tools",
        "Tools for the policy file (approval stages, admins, software catalog).",
    )
    _command(
        sub,
        "worker",
        "run only the delivery workers (the outbox, shutdown notices) and the scheduler, "
        "no HTTP; any number of worker and serve processes may share one Redis",
        "Runs what sends messages, without HTTP: the outbox sweeper (messages owed by\n"
        "stop-request transitions that no live process holds), the shutdown-notice sender\n"
        "and the reminder scheduler, until SIGTERM (which finishes the send under way and\n"
        "hands the rest back). Needs the same platform credentials as serve.",
    )
    psub = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    check = _command(
        psub,
        "check",
        "validate a policy file (exit 1 with line-precise errors)",
        "Validates a policy file: exit 0 and OK, or exit 1 with every error, each on\n"
        "the line of the file it is about.",
    )
    check.add_argument("path", nargs="?", help="default: POLICY_PATH, else the bundled example")
    faq = _command(
        sub,
        "faq",
        "answer questions from the knowledge base (arguments, or one per stdin line); "
        "`faq stats` prints the feedback report; `faq eval` scores the matcher",
        "Answers each question as the bot would in chat: the arguments, or one question\n"
        "per stdin line. `stopbot faq stats` prints the feedback report instead;\n"
        "`stopbot faq eval [FILE]` scores the matcher on a labelled set (see its --help).",
    )
    faq.add_argument("--json", action="store_true", help="one JSON object per question")
    faq.add_argument(
        "--lang",
        choices=["zh", "en", "fr"],
        default="en",
        help="language when a question does not show one (default %(default)s)",
    )
    faq.add_argument("questions", nargs="*", metavar="QUESTION")
    kb = _command(
        sub,
        "kb",
        "knowledge base tools",
        "Tools for the FAQ knowledge base (topics, answers, buttons).",
    )
    kbsub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    kbcheck = _command(
        kbsub,
        "check",
        "validate a knowledge base (exit 1 with line-precise errors)",
        "Validates a knowledge-base file: exit 0 and OK, or exit 1 with every error,\n"
        "each on the line of the file it is about.",
    )
    kbcheck.add_argument("path", nargs="?", help="default: KB_PATH, else the bundled one")
    notice_cli.add_parser(sub)
    audit = _command(
        sub,
        "audit",
        "print a stop request's (or a shutdown notice's) audit trail",
        "Prints a stop request's audit trail, one line per entry: when, who, what (the\n"
        "submission, each decision, delegation, reminder, escalation) and the stage.\n"
        "For a shutdown notice (NB-...): created, started, cancelled, done.",
    )
    audit.add_argument("request_id", help="the request's id, e.g. SR-4XBW1N5N, or NB-...")
    storage = _command(
        sub,
        "storage",
        "the embedded Redis server under DATA_DIR",
        "The embedded Redis server that stopbot starts under DATA_DIR when REDIS_URL is\n"
        "unset. It outlives `chat`, shared by every stopbot process on the same DATA_DIR.",
    )
    ssub = storage.add_subparsers(dest="storage_command", metavar="ACTION", required=True)
    _command(
        ssub,
        "status",
        "say whether it runs, and where its files are",
        "Says whether the embedded Redis server runs (and its pid), where its data and\n"
        "its socket are; or which server REDIS_URL names.",
    )
    _command(
        ssub,
        "stop",
        "stop it (it keeps running after chat exits, shared by every stopbot process "
        "that uses the same DATA_DIR; data is kept on disk)",
        "Stops the embedded Redis server. It keeps running after `chat` exits, shared by\n"
        "every stopbot process on the same DATA_DIR; its data stays on disk and it starts\n"
        "again with the next command that needs it.",
    )
    return p


def _faq_stats_parser() -> argparse.ArgumentParser:
    """`faq stats` is a word among `faq`'s questions for argparse; it gets its own
    usage and --help here."""
    return argparse.ArgumentParser(
        prog="stopbot faq stats",
        description="Prints the FAQ feedback report: for each topic, how often it was answered\n"
        'and voted helpful or not; then how many questions got a "did you mean", were not\n'
        "known, or were passed to a human.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def command_paths() -> list[list[str]]:
    """Every command and subcommand, as typed after `stopbot` (for the help tests)."""

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> list[list[str]]:
        found = [path]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    found += walk(child, [*path, name])
        return found

    return [*walk(_parser(), []), ["faq", "stats"], ["faq", "eval"]]


def _storage(action: str) -> int:
    s = _settings(storage=True)
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


def _settings(*, storage: bool = False, policy: bool = False, kb: bool = False) -> Settings:
    """The settings, or exit 2 with one line per bad one; `storage`, `policy` and `kb`
    also check the directory and files the command will use (Settings.problems)."""
    try:
        settings = Settings.load()
    except ValidationError as exc:
        bad = [(".".join(str(x) for x in e["loc"]), e["msg"]) for e in exc.errors()]
    else:
        bad = settings.problems(storage=storage, policy=policy, kb=kb)
    if not bad:
        return settings
    for name, message in bad:
        print(f"stopbot: bad setting {name}: {message}", file=sys.stderr)
    raise SystemExit(2)


def _bot_settings() -> Settings:
    """For the commands that build the whole bot: storage, policy and knowledge base."""
    return _settings(storage=True, policy=True, kb=True)


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
    target = Path(path) if path else (_settings(policy=True).policy_path or bundled_policy_path())
    return _check(target, check_policy_file)


def _kb_check(path: str | None) -> int:
    from bot.files.kb import bundled_kb_path, check_kb_file

    target = Path(path) if path else (_settings(kb=True).kb_path or bundled_kb_path())
    return _check(target, check_kb_file)


def _faq(questions: list[str], as_json: bool, lang: str) -> int:
    import json

    from bot.faq.matchers import matcher_for
    from bot.files.kb import KbError, bundled_kb_path, load_kb
    from bot.files.policy import PolicyError, load_policy
    from handlers.faq import reply_for, suggestions

    settings = _settings(kb=True, policy=True)
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
    matcher = matcher_for(kb, settings.faq_cache)
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
    from bot.platforms import nothing_served, served, setting_problems

    s = _bot_settings()
    if not served(s):
        print(nothing_served(s, command), file=sys.stderr)
        return 2
    problems = setting_problems(s)
    for name, message in problems:
        print(f"stopbot: bad setting {name}: {message}", file=sys.stderr)
    if problems:
        return 2
    from bot.chat import run_serve_command, run_worker_command

    run = run_worker_command if command == "worker" else run_serve_command
    return loop.run(run(s))


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:2] == ["faq", "stats"]:
        _faq_stats_parser().parse_args(argv[2:])
        from bot.chat import print_faq_stats

        return loop.run(print_faq_stats(_bot_settings()))
    if argv[:2] == ["faq", "eval"]:  # like `faq stats`: a word among the questions
        from bot import faq_eval_cli
        from bot.files.kb import bundled_kb_path

        settings = _settings(kb=True)
        return faq_eval_cli.run(argv[2:], settings.kb_path or bundled_kb_path(), settings.faq_cache)
    args = _parser().parse_args(argv)
    if args.command == "policy":
        return _policy_check(args.path)
    if args.command in ("serve", "worker"):
        return _serve(args.command)
    if args.command == "chat":
        from bot.chat import run_chat

        user = args.user if ":" in args.user else f"console:{args.user}"
        if not is_identity(user):
            print(
                f"stopbot chat: --user {args.user[:60]!r} is not a user id: use letters, "
                "digits and ._@+- only, e.g. --user console:head",
                file=sys.stderr,
            )
            return 2
        return loop.run(run_chat(_bot_settings(), user=user, lang=args.lang))
    if args.command == "kb":
        return _kb_check(args.path)
    if args.command == "faq":
        return _faq(args.questions, args.json, args.lang)
    if args.command == "storage":
        return _storage(args.storage_command)
    if args.command == "notice":
        return notice_cli.run(args, _settings())
    if args.command == "audit":
        from bot.chat import print_audit

        return loop.run(print_audit(_bot_settings(), args.request_id))
    _parser().print_help()
    return 0
