"""Every `frontline` subcommand in one table: its name, its one-line help and the module that runs it.

A command module defines `add_arguments(parser)` and `run(args, ...) -> int`. Only the modules of the
commands named on the command line are imported to build the parser (`frontline --help` and the console
import none of them), and those import only light modules at the top and the rest when they run:
`frontline --help` never loads Textual, httpx or pydantic.
"""

from __future__ import annotations

import argparse
from collections.abc import Collection
from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class Command:
    """One subcommand; `description` defaults to the help as a sentence."""

    name: str
    help: str
    module: str
    description: str | None = None


COMMANDS: tuple[Command, ...] = (
    Command(
        "demo",
        "open the console on the embedded sandbox helpdesk (no account needed)",
        "frontline.cli.demo",
        "Start the sandbox helpdesk on a free loopback port and open the console on it.",
    ),
    Command(
        "sandbox", "run the fake Zendesk / JSM / Jira / GitHub servers on loopback", "frontline.cli.sandbox"
    ),
    Command("queue", "list the tickets of a view", "frontline.cli.queue"),
    Command("show", "print a ticket and its whole conversation", "frontline.cli.show"),
    Command(
        "reply", "add a public reply or internal note, optionally setting the status", "frontline.cli.reply"
    ),
    Command(
        "escalate",
        "file a ticket as a bug in the profile's tracker (Jira, GitHub), or show the one it has",
        "frontline.cli.escalate",
        "Preview the bug report built from the ticket, confirm, file it and link it both ways. A ticket "
        "that already has a bug in the target files nothing.",
    ),
    Command(
        "shift",
        "start, end or show your shift, and keep handoff notes on tickets",
        "frontline.cli.shift",
        "A shift also starts by itself at the day's first action. `status` lists what was done so far; "
        "`note TICKET TEXT` keeps a note for the next engineer (`--post` also adds it to the ticket).",
    ),
    Command(
        "handoff",
        "write the shift handoff as Markdown or JSON, or publish it once to a destination",
        "frontline.cli.handoff",
        "What was touched, what waits on whom, what was escalated and which SLAs are at risk, from the "
        "shift journal and the tickets as they are now. `--publish NAME` posts it to one of the profile's "
        "[[handoff.destinations]] once: running it again does not post it twice.",
    ),
    Command(
        "login",
        "sign a profile in: Zendesk OAuth in the browser, or an API token (kept in the keyring)",
        "frontline.cli.login",
    ),
    Command(
        "logout",
        "remove a profile's stored secrets (tokens, OAuth sign-in, Slack webhook URLs)",
        "frontline.cli.logout",
    ),
    Command("doctor", "check config, credentials and connectivity", "frontline.cli.doctor"),
)
"""In the order `frontline --help` lists them."""


class LazyHandler:
    """A command's `run`, its module imported only when the command runs (or a test calls it)."""

    def __init__(self, module: str) -> None:
        self.module = module

    def __call__(self, *args: Any, **kwargs: Any) -> int:
        run: Any = import_module(self.module).run
        return int(run(*args, **kwargs))


def add_subcommands(
    subcommands: argparse._SubParsersAction[argparse.ArgumentParser], named: Collection[str] | None = None
) -> None:
    """Add every command's parser; each sets `handler` to its module's `run`.

    Only the commands in `named` (every one when None) get their arguments, so only their modules are
    imported; the others still show in `frontline --help`, from this table alone, with a `LazyHandler`.
    A command that runs is always in `named`: argparse picks it from the words on the command line.
    """
    for command in COMMANDS:
        description = command.description or command.help[0].upper() + command.help[1:] + "."
        parser = subcommands.add_parser(command.name, help=command.help, description=description)
        if named is None or command.name in named:
            module = import_module(command.module)
            module.add_arguments(parser)
            parser.set_defaults(handler=module.run)
        else:
            parser.set_defaults(handler=LazyHandler(command.module))
