"""The `frontline` command: the console itself, the demo, the sandbox and scriptable subcommands.

Everything that can fail before the UI starts (bad config, missing token, unreachable helpdesk) is printed
as a short message on stderr with its exit code (`frontline.cli.errors`), never as a traceback. Heavy
imports (Textual, httpx, pydantic, uvicorn) happen only in the subcommand that runs, so `frontline --help`
and scripting stay fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from frontline import __version__, debug_log
from frontline.cli.commands import add_subcommands
from frontline.cli.errors import exit_code_for, guard

_DEBUG_HELP = (
    f"write a debug log of every request ({debug_log.DEBUG_LOG} in the data directory, credentials "
    f"redacted); also {debug_log.ENV_VAR}=1"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontline",
        description="A terminal console for engineers on a support-rotation shift.",
        epilog=(
            "Start with `frontline demo` (no account needed). Connect a real helpdesk by adding a profile to "
            "the config file (see README) and running `frontline login PROFILE`."
        ),
    )
    parser.add_argument("--version", action="version", version=f"frontline {__version__}")
    parser.add_argument("--profile", help="profile from the config file (default: FRONTLINE_PROFILE)")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_subcommands(subcommands)
    for subparser in subcommands.choices.values():  # `frontline queue --debug` works too
        subparser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    return parser


def _run_console(args: argparse.Namespace) -> int:
    from frontline.cli.console import run_console

    return run_console(profile=args.profile)


def _stdin_anywhere(argv: list[str]) -> list[str]:
    """`frontline reply 12 --internal -`: argparse takes a lone `-` only right after TICKET; accept it
    anywhere by reading it as `--body-file=-`."""
    if "reply" not in argv:
        return argv
    start = argv.index("reply") + 1
    fixed = argv[:start]
    for index, word in enumerate(argv[start:], start):
        fixed.append("--body-file=-" if word == "-" and argv[index - 1] != "--body-file" else word)
    return fixed


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_stdin_anywhere(list(sys.argv[1:] if argv is None else argv)))
    handler = getattr(args, "handler", _run_console)

    def run() -> int:
        enabled = debug_log.wanted(args.debug)
        with debug_log.debug_logging(enabled, command=args.command or "console") as log_path:
            try:
                return int(handler(args) or 0)
            finally:
                if log_path is not None:
                    print(f"frontline: debug log in {log_path}", file=sys.stderr)

    try:
        return int(guard(run))
    except BrokenPipeError as error:
        # `frontline queue --json | head`: the reader left; say nothing more, as other CLIs do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return int(exit_code_for(error))
