"""`frontline doctor`: a checklist of config, profile, credentials and connectivity.

Per profile (`--all`: every profile) and per system: the helpdesk (config, where the secret comes from,
OAuth expiry and scopes, signed in as whom, its views), each escalation target (its token, then a live
search) and each handoff destination (what posting needs; nothing is posted). A broken helpdesk stops that
profile's checks; every failure prints its fix, and the exit code is the worst failure's (0: all good).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

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
from frontline.errors import ConfigError, CredentialsError, FrontlineError, Unavailable

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from frontline.config import HandoffDestination, HelpdeskSettings, Settings, TrackerSettings
    from frontline.domain.models import Person, View
    from frontline.services.session import Session

SEARCH_PROBE = "frontline doctor"
"""What the live check searches each tracker for: a cheap read that needs the token and the project."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)
    parser.add_argument("--all", action="store_true", help="check every profile in the config file")


class Checklist:
    """Prints one line per check and remembers the worst failure (the exit code)."""

    def __init__(self, out: TextIO | None) -> None:
        self.out = out
        self.code: int = ExitCode.OK

    def line(self, state: str, label: str, detail: str) -> None:
        print_text(f"[{state:^4}] {label:<12} {detail}", self.out)

    def failed(self, label: str, error: FrontlineError, *, code: int | None = None) -> int:
        """A broken check, with the fix the error's message gives on the lines below it."""
        lines = error.message.splitlines() or [error.title]
        self.line("FAIL", label, one_line(lines[0]))
        for line in lines[1:]:
            print_text(f"{'':20}{line}", self.out)
        failure = code if code is not None else exit_code_for(error)
        self.code = max(self.code, failure)
        return failure


def run(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_profile_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """One line per check on `out` (failures too, each with its fix); non-zero when anything is broken."""
    from frontline import locations
    from frontline.config import load_settings

    checks = Checklist(out)
    path = locations.config_file()
    try:
        settings = load_settings()
    except ConfigError as error:
        return checks.failed("config", error)
    checks.line("ok", "config", f"{path}" if path.exists() else f"no file at {path}; using defaults")
    check_keymap(settings, checks, path)
    if getattr(args, "all", False):
        names = list(settings.profiles)
        if not names:
            return checks.failed(
                "profile", ConfigError(f"No profile in {path}: add [profiles.NAME.helpdesk].")
            )
    else:
        try:
            names = [profile_name(settings, getattr(args, "profile", None))]
        except ConfigError as error:
            return checks.failed("profile", error)
    for index, name in enumerate(names):
        if len(names) > 1:
            print_text(("" if index == 0 else "\n") + f"== profile {name}", out)
        check_profile(settings, name, checks, session_factory)
    return checks.code


def check_keymap(settings: Settings, checks: Checklist, path: Path) -> None:
    """`[keymap]` as the console applies it: each entry it rejects (unknown id, a key no keyboard sends,
    a clash) is a FAIL; the console keeps the default keys for those."""
    if not settings.keymap:
        return
    from frontline.ui.keymap import keymap_problems  # Textual's key tables, only when there is a keymap

    problems = keymap_problems(settings.keymap)
    if not problems:
        checks.line("ok", "keymap", f"{len(settings.keymap)} entries apply")
        return
    for problem in problems:
        checks.failed("keymap", ConfigError(problem.removeprefix("keymap: ")), code=ExitCode.CONFIG)
    fix = (
        f"Fix or remove these lines under [keymap] in {path} (? in the console lists every binding id "
        "and its key); until then those actions keep their default keys."
    )
    print_text(f"{'':20}{fix}", checks.out)


def check_profile(settings: Settings, name: str, checks: Checklist, session_factory: SessionFactory) -> None:
    """Every system of one profile: its helpdesk (stops there when broken), trackers and destinations."""
    import asyncio

    from frontline.connectors.registry import connector
    from frontline.credentials import get_token

    try:
        profile = settings.get_profile(name)
    except ConfigError as error:
        checks.failed("profile", error)
        return
    helpdesk = profile.helpdesk
    spec = connector(helpdesk.kind, "helpdesk")
    auth = getattr(helpdesk, "auth", None)  # each connector's settings say how it signs in
    how = f", {auth.replace('_', ' ')}" if isinstance(auth, str) else ""
    where = helpdesk.base_url or "(no base_url)"
    checks.line("ok", "profile", f"{name}: {spec.display_name} at {where}{how}")
    try:
        checks.line("ok", "credentials", helpdesk_credentials(name, helpdesk))
    except (ConfigError, CredentialsError) as error:
        checks.failed("credentials", error)
        return
    not_live: set[str] = set()  # already reported unusable (no token, no connector): not tried live
    for tracker in profile.escalation:
        tracker_spec = connector(tracker.kind, "tracker")
        try:
            host = tracker.base_url or None
            token = get_token(name, tracker.kind, token_env=tracker.token_env, kind=tracker.kind, host=host)
            checks.line("ok", "credentials", f"{tracker_spec.display_name} {token}")
        except CredentialsError as error:
            checks.failed("credentials", error, code=ExitCode.CONFIG)
            not_live.add(tracker.name or tracker.kind)
        if tracker_spec.factory is None:
            checks.line(
                "warn", "escalation", f"{tracker_spec.display_name}: frontline cannot file bugs there yet"
            )
            not_live.add(tracker.name or tracker.kind)

    for destination in profile.handoff.destinations:
        state, detail = handoff_destination_check(name, destination, profile.escalation)
        if state == "ok":
            checks.line(state, "handoff", detail)
        else:
            checks.failed("handoff", ConfigError(detail), code=ExitCode.CONFIG)

    async def connect(session: Session) -> tuple[Person, list[View], list[str], list[tuple[str, str]]]:
        me, views = await session.desk.connect(), await session.desk.views()
        return me, views, session.desk.notices(), await check_targets(session, skip=not_live)

    try:
        me, views, notices, targets = asyncio.run(in_session(session_factory(settings, name), connect))
    except FrontlineError as error:
        checks.failed("helpdesk", error)
        return
    email = f" <{one_line(me.email)}>" if me.email else ""
    checks.line("ok", "helpdesk", f"signed in as {one_line(me.name)}{email}")
    titles = ", ".join(one_line(view.title) for view in views[:5]) + (", …" if len(views) > 5 else "")
    checks.line(
        "ok" if views else "warn", "views", f"{len(views)}: {titles}" if views else "no views to show"
    )
    for notice in notices:
        checks.line("warn", "views", one_line(notice))
    for state, detail in targets:
        if state == "ok":
            checks.line(state, "escalation", detail)
        else:
            checks.failed("escalation", Unavailable(detail), code=ExitCode.HELPDESK)


def helpdesk_credentials(name: str, helpdesk: HelpdeskSettings) -> str:
    """Where the helpdesk's credentials come from: the kept OAuth sign-in (Zendesk with `auth = "oauth"`)
    or the token's source.

    Raises:
        ConfigError: OAuth without client_id. CredentialsError: no token, or not signed in.
    """
    from frontline.connectors.zendesk import ZendeskSettings
    from frontline.credentials import HELPDESK, get_token

    if isinstance(helpdesk, ZendeskSettings) and helpdesk.auth == "oauth":
        from frontline.cli.login_oauth import describe_sign_in

        return describe_sign_in(name, helpdesk)
    return f"helpdesk {get_token(name, HELPDESK, token_env=helpdesk.token_env, kind=helpdesk.kind)}"


async def check_targets(session: Session, *, skip: set[str]) -> list[tuple[str, str]]:
    """A live read in each escalation target (one search result at most): the token is accepted and the
    project or repository is visible. Returns (state, detail) per target."""
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
            results.append(("FAIL", f"{where}: {one_line(reason)}"))
        else:
            results.append(("ok", f"{where} answers a search"))
    return results


def handoff_destination_check(
    profile: str, destination: HandoffDestination, targets: Sequence[TrackerSettings]
) -> tuple[str, str]:
    """Whether a handoff destination has what posting needs; nothing is posted (that is not a check)."""
    from frontline.credentials import get_webhook_url

    label = one_line(destination.name)
    if destination.kind == "slack":
        try:
            url = get_webhook_url(profile, destination.name, webhook_env=destination.webhook_env)
        except CredentialsError:
            return "FAIL", (
                f"{label}: no Slack webhook URL; store it with `frontline login {profile} --handoff {label}`"
            )
        return "ok", f"{label}: Slack webhook URL {url.note}"
    if destination.kind == "helpdesk":
        return "ok", f"{label}: an internal note on ticket {one_line(destination.ticket or '')}"
    wanted = destination.target
    found = any((t.name or t.kind) == wanted if wanted else t.kind == destination.kind for t in targets)
    where = f"{destination.kind} {one_line(destination.issue or '')}"
    if not found:
        return "FAIL", f"{label}: {where} needs an escalation target of kind {destination.kind} " + (
            f"named {one_line(wanted)}" if wanted else "in this profile"
        )
    return "ok", f"{label}: a comment on {where}"
