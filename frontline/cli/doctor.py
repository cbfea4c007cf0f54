"""`frontline doctor`: a checklist of config, profile, credentials and connectivity.

It stops at the first failure, with the exit code that failure gives every other command. Escalation
targets and handoff destinations are optional to a shift, so one that fails is a warning and leaves the
exit code alone.
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
    from collections.abc import Sequence

    from frontline.config import HandoffDestination, TrackerSettings
    from frontline.domain.models import Person, View
    from frontline.services.session import Session

SEARCH_PROBE = "frontline doctor"
"""What the live check searches each tracker for: a cheap read that needs the token and the project."""


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
    not_live: set[str] = set()  # already reported unusable (no token, no connector): not tried live
    for tracker in profile.escalation:
        tracker_spec = connector(tracker.kind, "tracker")
        try:
            token = get_token(name, tracker.kind, token_env=tracker.token_env, kind=tracker.kind)
            check("ok", "credentials", f"{tracker_spec.display_name} {token}")
        except CredentialsError as error:
            check("warn", "credentials", f"{tracker_spec.display_name}: {error.message.splitlines()[0]}")
            not_live.add(tracker.name or tracker.kind)
        if tracker_spec.factory is None:
            check("warn", "escalation", f"{tracker_spec.display_name}: frontline cannot file bugs there yet")
            not_live.add(tracker.name or tracker.kind)

    for destination in profile.handoff.destinations:
        state, detail = handoff_destination_check(name, destination, profile.escalation)
        check(state, "handoff", detail)

    async def connect(session: Session) -> tuple[Person, list[View], list[tuple[str, str]]]:
        me, views = await session.desk.connect(), await session.desk.views()
        return me, views, await check_targets(session, skip=not_live)

    try:
        me, views, targets = asyncio.run(in_session(session_factory(settings, name), connect))
    except FrontlineError as error:
        return failed("helpdesk", error)
    email = f" <{one_line(me.email)}>" if me.email else ""
    check("ok", "helpdesk", f"signed in as {one_line(me.name)}{email}")
    titles = ", ".join(one_line(view.title) for view in views[:5]) + (", …" if len(views) > 5 else "")
    check("ok" if views else "warn", "views", f"{len(views)}: {titles}" if views else "no views to show")
    for state, detail in targets:
        check(state, "escalation", detail)
    return ExitCode.OK


async def check_targets(session: Session, *, skip: set[str]) -> list[tuple[str, str]]:
    """A live read in each escalation target (one search result at most): the token is accepted and the
    project or repository is visible. Returns (state, detail) per target; failures are warnings."""
    escalations = session.escalations
    if escalations is None:
        return []
    results: list[tuple[str, str]] = []
    for target in escalations.targets:
        if target.name in skip:
            continue
        where = f"{target.name}: {target.display_name} {one_line(target.project) or '(no project)'}"
        try:
            await escalations.tracker(target).similar_bugs(SEARCH_PROBE, 1)
        except FrontlineError as error:
            reason = (error.message.splitlines() or [error.title])[0]
            results.append(("warn", f"{where}: {one_line(reason)}"))
        else:
            results.append(("ok", f"{where} answers a search"))
    return results


def handoff_destination_check(
    profile: str, destination: HandoffDestination, targets: Sequence[TrackerSettings]
) -> tuple[str, str]:
    """Whether a handoff destination has what posting needs; nothing is posted (that is not a check)."""
    from frontline.credentials import get_token

    label = one_line(destination.name)
    if destination.kind == "slack":
        try:
            url = get_token(
                profile, f"slack:{destination.name}", token_env=destination.webhook_env, kind="slack"
            )
        except CredentialsError:
            return "warn", (
                f"{label}: no Slack webhook URL; store it with `frontline login {profile} --handoff {label}`"
            )
        return "ok", f"{label}: Slack webhook URL {url.note}"
    if destination.kind == "helpdesk":
        return "ok", f"{label}: an internal note on ticket {one_line(destination.ticket or '')}"
    wanted = destination.target
    found = any((t.name or t.kind) == wanted if wanted else t.kind == destination.kind for t in targets)
    where = f"{destination.kind} {one_line(destination.issue or '')}"
    if not found:
        return "warn", f"{label}: {where} needs an escalation target of kind {destination.kind} " + (
            f"named {one_line(wanted)}" if wanted else "in this profile"
        )
    return "ok", f"{label}: a comment on {where}"
