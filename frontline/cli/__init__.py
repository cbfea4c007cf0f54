"""The `frontline` command: the console itself, the demo, the sandbox and scriptable subcommands.

Everything that can fail before the UI starts (bad config, missing token, unreachable helpdesk) is printed
as a short message on stderr with exit code 2, never as a traceback. Heavy imports (Textual, uvicorn) happen
only in the subcommand that needs them, so `frontline --help` and scripting stay fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from frontline import __version__
from frontline.errors import ConfigError, CredentialsError, FrontlineError

EXIT_USAGE = 2


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
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = subcommands.add_parser(
        "demo",
        help="open the console on the embedded sandbox helpdesk (no account needed)",
        description="Start the sandbox helpdesk on a free loopback port and open the console on it.",
    )
    demo.add_argument(
        "--helpdesk", choices=("zendesk", "jsm"), default="zendesk", help="which helpdesk to show"
    )
    demo.add_argument("--tickets", type=int, default=300, help="how many tickets to seed (default 300)")
    demo.add_argument("--seed", type=int, default=1, help="seed for the generated data (default 1)")
    demo.add_argument(
        "--faults", default=None, help="inject faults, same syntax as `frontline sandbox --faults`"
    )
    demo.set_defaults(handler=_run_demo)

    _register_sandbox(subcommands)
    _register_scripting(subcommands)
    return parser


def _register_sandbox(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from frontline.sandbox import cli as sandbox_cli

    parser = subcommands.add_parser(
        "sandbox",
        help="run the fake Zendesk / JSM / Jira / GitHub servers on loopback",
        description=sandbox_cli.DESCRIPTION,
        epilog=sandbox_cli.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sandbox_cli.add_arguments(parser)
    parser.set_defaults(handler=sandbox_cli.run)


def _register_scripting(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from frontline.cli import scripting

    scripting.register(subcommands)


def _run_demo(args: argparse.Namespace) -> int:
    from frontline.cli.demo import run_demo

    return run_demo(helpdesk=args.helpdesk, tickets=args.tickets, seed=args.seed, faults=args.faults)


def _run_console(args: argparse.Namespace) -> int:
    from frontline.cli.console import run_console

    return run_console(profile=args.profile)


def print_error(error: FrontlineError) -> None:
    """A short, readable message on stderr: the title, then what happened and what to do."""
    print(f"frontline: {error.title}", file=sys.stderr)
    for line in error.message.splitlines():
        print(f"  {line}", file=sys.stderr)


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
    try:
        return int(handler(args) or 0)
    except BrokenPipeError:
        # `frontline queue --json | head`: the reader left; say nothing more, as other CLIs do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (ConfigError, CredentialsError) as error:
        print_error(error)
        return EXIT_USAGE
    except FrontlineError as error:
        print_error(error)
        return 1
    except KeyboardInterrupt:
        return 130
