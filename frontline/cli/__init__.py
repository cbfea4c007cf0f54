"""The `frontline` command: the console itself, the demo, the sandbox and scriptable subcommands.

Everything that can fail before the UI starts (bad config, missing token, unreachable helpdesk) is printed
as a short message on stderr with its exit code (`frontline.cli.errors`), never as a traceback. Heavy
imports (Textual, httpx, pydantic, uvicorn) happen only in the subcommand that runs, so `frontline --help`
and scripting stay fast: the parser loads only the command modules named on the command line, and
`--version` reads the package metadata only when asked.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Collection, Sequence
from typing import Any

from frontline import debug_log
from frontline.cli.commands import COMMANDS, add_subcommands
from frontline.cli.errors import exit_code_for, guard

_DEBUG_HELP = (
    f"write a debug log of every request ({debug_log.DEBUG_LOG} in the data directory, credentials "
    f"redacted); also {debug_log.ENV_VAR}=1"
)


class _VersionAction(argparse.Action):
    """`--version`: `frontline X.Y.Z` from the installed package's metadata, read only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from frontline import package_version

        print(f"frontline {package_version()}")  # on stdout, as argparse's own version action does
        parser.exit()


def commands_named(argv: Sequence[str]) -> frozenset[str]:
    """The command names among `argv`'s words: the only command modules the parser needs to import.

    Every such word counts (a `--profile` value may look like a command), which costs an import at most.
    """
    names = {command.name for command in COMMANDS}
    return frozenset(word for word in argv if word in names)


def build_parser(named: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The whole `frontline` parser; with `named`, only those commands' modules are imported."""
    parser = argparse.ArgumentParser(
        prog="frontline",
        description="A terminal console for engineers on a support-rotation shift.",
        epilog=(
            "Start with `frontline demo` (no account needed). Connect a real helpdesk by adding a profile to "
            "the config file (see README) and running `frontline login PROFILE`."
        ),
    )
    parser.add_argument("--version", action=_VersionAction, help="print frontline's version and exit")
    parser.add_argument("--profile", help="profile from the config file (default: FRONTLINE_PROFILE)")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_subcommands(subcommands, named)
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
    words = _stdin_anywhere(list(sys.argv[1:] if argv is None else argv))
    args = build_parser(commands_named(words)).parse_args(words)
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
