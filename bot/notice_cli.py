"""`stopbot notice send|status|cancel`: shutdown notices from the command line, for
scripted announcements and for operators. The same engine as /shutdown-notice reads
the recipients and writes the template; the same storage queues the job, which any
`serve` or `worker` process then sends.

`send` prints a preview, then asks "Send it? [y/N]" on stdin (a pipe works too) unless
`--yes` is given; anything but yes (or no answer) queues nothing and exits 1. Bad
arguments exit 2 with a message naming them. The job id is the last line printed.
"""

from __future__ import annotations

import argparse

from bot.config import Settings

# -- the parser -------------------------------------------------------------------


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    notice = sub.add_parser(
        "notice",
        help="shutdown notices: send one, follow them, cancel one",
        description="Shutdown notices, as admins send them with /shutdown-notice in chat.\n"
        "A `serve` or `worker` process sends the queued notices, paced to the platform.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    nsub = notice.add_subparsers(dest="notice_command", metavar="ACTION", required=True)
    send = nsub.add_parser(
        "send",
        help="queue a shutdown notice and print its job id (NB-...) on the last line",
        description="Queues a shutdown notice and prints its job id (NB-...) on the last line.\n"
        "The message is --text as given, or the localised template for --software and\n"
        "--date (what stops and when, what to back up, whom to ask) in each --lang.\n"
        "A preview is printed first, then confirmation is asked on stdin unless --yes.\n"
        "Exit 2 on bad arguments (named), 1 when not confirmed; nothing is queued then.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    send.add_argument(
        "--to",
        required=True,
        metavar="TARGETS",
        help="comma-separated platform ids (slack:C0123,slack:U0456), @FILE (one id per "
        "line), `broadcast` (the policy's broadcast.channels) or a stop request's id "
        "(its notify list); they may be combined",
    )
    send.add_argument("--text", help="the message, as it will be posted")
    send.add_argument("--software", metavar="NAME", help="the software that stops (catalog)")
    send.add_argument("--date", metavar="DATE", help="the day it stops (2026-12-31)")
    send.add_argument(
        "--lang", default="en", help="zh, en or fr, or several: zh,en (default %(default)s)"
    )
    send.add_argument(
        "--at", metavar="TIME", help="ISO date-time to send it (default now), e.g. 2026-12-01T09:00"
    )
    send.add_argument("--by", metavar="ID", help="the admin sending it (default: the first admin)")
    send.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    status = nsub.add_parser(
        "status",
        help="a job's progress; without JOB every job, newest first",
        description="A job's progress: its state (scheduled, running, done, cancelled) and\n"
        "how many targets were sent, failed (with why) and are pending. Without JOB, every\n"
        'job, newest first. --json: {"id","state","total","sent","failed","pending",\n'
        '"failures":[{"target","reason"}]}, one object per line.',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    status.add_argument("job", nargs="?", metavar="JOB")
    status.add_argument("--json", action="store_true", help="one JSON object per job")
    cancel = nsub.add_parser(
        "cancel",
        help="stop a scheduled or running job; targets already sent stay sent",
        description="Stops a scheduled or running job; targets already sent stay sent.\n"
        "Exit 1 when the job does not exist or had already ended.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cancel.add_argument("job", metavar="JOB")
    cancel.add_argument("--by", metavar="ID", help="the admin cancelling (default: the first)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot import loop
    from bot.notice_commands import main

    return loop.run(main(args, settings))
