"""`frontline doctor`: a checklist of config, profile, credentials and connectivity.

It stops at the first failure, with the exit code that failure gives every other command.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, TextIO

from frontline import locations
from frontline.cli.common import (
    SessionFactory,
    add_profile_argument,
    in_session,
    open_profile_session,
    print_text,
    profile_name,
)
from frontline.cli.errors import ExitCode, exit_code_for
from frontline.domain.text import one_line
from frontline.errors import ConfigError, CredentialsError, FrontlineError

if TYPE_CHECKING:
    from frontline.domain.models import Person, View
    from frontline.services.desk import Desk


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)


def run(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_profile_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print one line per check on `out`; failures are checklist lines too, so `err` stays unused."""
    from frontline.config import load_settings
    from frontline.connectors.registry import connector
    from frontline.credentials import HELPDESK, get_token

    def check(state: str, label: str, detail: str) -> None:
        print_text(f"[{state:^4}] {label:<12} {detail}", out)

    def failed(label: str, error: FrontlineError) -> int:
        lines = error.message.splitlines() or [error.title]
        check("FAIL", label, lines[0])
        for line in lines[1:]:
            print_text(f"{'':20}{line}", out)
        return exit_code_for(error)

    path = locations.config_file()
    try:
        settings = load_settings()
    except ConfigError as error:
        return failed("config", error)
    check("ok", "config", f"{path}" if path.exists() else f"no file at {path}; using defaults")
    try:
        name = profile_name(settings, getattr(args, "profile", None))
        profile = settings.get_profile(name)
    except ConfigError as error:
        return failed("profile", error)
    helpdesk = profile.helpdesk
    spec = connector(helpdesk.kind, "helpdesk")
    check("ok", "profile", f"{name}: {spec.display_name} at {helpdesk.base_url or '(no base_url)'}")
    try:
        credential = get_token(name, HELPDESK, token_env=helpdesk.token_env, kind=helpdesk.kind)
    except CredentialsError as error:
        return failed("credentials", error)
    check("ok", "credentials", f"helpdesk {credential}")
    for tracker in profile.escalation:
        tracker_spec = connector(tracker.kind, "tracker")
        try:
            token = get_token(name, tracker.kind, token_env=tracker.token_env, kind=tracker.kind)
            check("ok", "credentials", f"{tracker_spec.display_name} {token}")
        except CredentialsError as error:
            check("warn", "credentials", f"{tracker_spec.display_name}: {error.message.splitlines()[0]}")
        if tracker_spec.factory is None:
            check("warn", "escalation", f"{tracker_spec.display_name}: frontline cannot file bugs there yet")

    async def connect(desk: Desk) -> tuple[Person, list[View]]:
        return await desk.connect(), await desk.views()

    try:
        me, views = asyncio.run(in_session(session_factory(settings, name), connect))
    except FrontlineError as error:
        return failed("helpdesk", error)
    email = f" <{one_line(me.email)}>" if me.email else ""
    check("ok", "helpdesk", f"signed in as {one_line(me.name)}{email}")
    titles = ", ".join(one_line(view.title) for view in views[:5]) + (", …" if len(views) > 5 else "")
    check("ok" if views else "warn", "views", f"{len(views)}: {titles}" if views else "no views to show")
    return ExitCode.OK
