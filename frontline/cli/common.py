"""What the scriptable commands share: `--profile`, profile resolution, one session per run, printing.

Nothing heavy is imported at module level (configuration, the composition root and the domain models
pull in pydantic and httpx): the command modules are imported to build the parser, and `frontline --help`
must stay light. Each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TextIO, TypeVar

from frontline.errors import ConfigError

if TYPE_CHECKING:
    from frontline.bootstrap import Session
    from frontline.config import Settings

T = TypeVar("T")
SessionFactory = Callable[["Settings", str], "Session"]
"""Builds a profile's session: `open_profile_session`, or a test's fake."""


def open_profile_session(settings: Settings, profile: str) -> Session:
    """`frontline.bootstrap.open_session`, imported only when a command actually opens a session."""
    from frontline.bootstrap import open_session

    return open_session(settings, profile)


def add_profile_argument(parser: argparse.ArgumentParser) -> None:
    """`--profile` on a subcommand, which must not reset a top-level `frontline --profile X COMMAND`."""
    parser.add_argument("--profile", default=argparse.SUPPRESS, help="profile from the config file")


def profile_name(settings: Settings, requested: str | None) -> str:
    """The profile to use (`--profile`, else the environment, the config, or the only one), or why none."""
    name = settings.active_profile_name(requested)
    if name is None:
        from frontline import locations

        known = ", ".join(sorted(settings.profiles))
        hint = (
            f"Choose one with --profile ({known})."
            if known
            else (
                f"Add a [profiles.NAME.helpdesk] section to {locations.config_file()} (see the README),\n"
                "then run `frontline login NAME`. To try frontline without an account: `frontline demo`."
            )
        )
        raise ConfigError(f"No profile selected. {hint}")
    return name


def with_session(
    args: argparse.Namespace, factory: SessionFactory, work: Callable[[Session], Awaitable[int]]
) -> int:
    """Load the settings, open the chosen profile's session, run `work` on it and close it."""
    import asyncio

    from frontline.config import load_settings

    settings = load_settings()
    name = profile_name(settings, getattr(args, "profile", None))
    return asyncio.run(in_session(factory(settings, name), work))


async def in_session(session: Session, work: Callable[[Session], Awaitable[T]]) -> T:
    """Run `work` on the session (its desk, escalations, local records); it is closed whatever happens."""
    try:
        return await work(session)
    finally:
        await session.aclose()


def print_text(text: str, out: TextIO | None) -> None:
    """A line of output on `out`, standard output unless a test passes its own stream."""
    print(text, file=out or sys.stdout)


def print_json(payload: object, out: TextIO | None) -> None:
    """The documented JSON; ensure_ascii keeps escape sequences from hostile ticket text off the terminal."""
    print_text(json.dumps(payload, indent=2, ensure_ascii=True), out)
