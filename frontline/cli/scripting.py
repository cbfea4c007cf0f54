"""The scriptable commands: `queue`, `show`, `reply`, `login`, `doctor`, on the domain layer (no UI code).

Every command takes `--profile NAME` (else `FRONTLINE_PROFILE`, the config's `profile`, or the only one).
Errors go to stderr as a short message, never a traceback. Exit codes: 0 success, 1 the helpdesk failed
(unreachable, rejected, not found, conflict), 2 a configuration or credentials problem, 130 interrupted.

JSON output (`--json`) is stable: keys are only ever added, never renamed or removed. Times are ISO 8601
with a UTC offset; text fields are verbatim from the helpdesk (control characters arrive JSON-escaped).

    person        = {"id": str, "name": str, "email": str | null}
    organization  = {"id": str, "name": str}
    ticket        = {"id": str, "key": str, "subject": str,
                     "status": str,            # new | open | pending | hold | solved | closed
                     "priority": str | null,   # urgent | high | normal | low
                     "requester": person | null, "assignee": person | null,
                     "organization": organization | null, "tags": [str],
                     "sla_due_at": time | null, "sla_paused": bool,
                     "created_at": time, "updated_at": time, "url": str | null, "linked_bug": str | null}
    comment       = {"id": str, "author": person | null, "public": bool, "created_at": time, "body": str,
                     "attachments": [{"id": str, "file_name": str, "content_type": str | null,
                                      "size": int | null, "url": str | null}]}

    frontline queue --json  -> {"view": {"id": str, "title": str}, "tickets": [ticket]}
    frontline show --json   -> {"ticket": ticket, "comments": [comment]}    (oldest comment first)
    frontline reply --json  -> {"ticket": ticket, "comment": {"public": bool}} (the ticket after the write)
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO, TypeVar

from frontline import locations
from frontline.bootstrap import Session, open_session
from frontline.cli.output import comment_json, format_queue, format_thread, ticket_json
from frontline.config import Settings, load_settings
from frontline.credentials import HELPDESK, delete_token, get_token, keyring_status, set_token
from frontline.domain.models import CommentDraft, Person, Ticket, TicketUpdate, View
from frontline.domain.models import Status as TicketStatus
from frontline.domain.text import one_line
from frontline.errors import ConfigError, CredentialsError, FrontlineError, InputError, NotFound, Unsupported
from frontline.services.desk import Desk

T = TypeVar("T")
SessionFactory = Callable[[Settings, str], Session]
"""Builds a profile's session; `frontline.bootstrap.open_session`, or a test's fake."""
Handler = Callable[[argparse.Namespace], int]

EXIT_HELPDESK = 1
EXIT_CONFIG = 2
SUBMIT_AS = {"open": "open", "pending": "pending", "hold": "hold", "on-hold": "hold", "solved": "solved"}


# -- argparse wiring ------------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `queue`, `show`, `reply`, `login` and `doctor`; each sets `handler` to its `run_*` function."""
    commands: list[tuple[str, str, Callable[[argparse.ArgumentParser], None], Handler]] = [
        ("queue", "list the tickets of a view", add_queue_arguments, run_queue),
        ("show", "print a ticket and its whole conversation", add_show_arguments, run_show),
        (
            "reply",
            "add a public reply or internal note, optionally setting the status",
            add_reply_arguments,
            run_reply,
        ),
        ("login", "store a profile's API token in the system keyring", add_login_arguments, run_login),
        ("doctor", "check config, credentials and connectivity", add_doctor_arguments, run_doctor),
    ]
    for name, summary, add_arguments, handler in commands:
        parser = subparsers.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".")
        add_arguments(parser)
        parser.set_defaults(handler=handler)


def _add_profile(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS keeps a top-level `frontline --profile X queue` from being reset by this subparser.
    parser.add_argument("--profile", default=argparse.SUPPRESS, help="profile from the config file")


def add_queue_arguments(parser: argparse.ArgumentParser) -> None:
    _add_profile(parser)
    parser.add_argument("--view", metavar="ID", help="view id or title (default: the profile's first view)")
    parser.add_argument("--limit", type=int, metavar="N", help="at most N tickets (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON (schema: frontline.cli.scripting)")


def add_show_arguments(parser: argparse.ArgumentParser) -> None:
    _add_profile(parser)
    parser.add_argument("ticket", metavar="TICKET", help="ticket id, e.g. 1234 or SD-12")
    parser.add_argument("--json", action="store_true", help="print JSON")


def add_reply_arguments(parser: argparse.ArgumentParser) -> None:
    _add_profile(parser)
    parser.add_argument("ticket", metavar="TICKET", help="ticket id")
    parser.add_argument(
        "stdin", nargs="?", choices=["-"], help="read the text from standard input (right after TICKET)"
    )
    visibility = parser.add_mutually_exclusive_group(required=True)
    visibility.add_argument("--public", dest="public", action="store_true", help="the customer sees it")
    visibility.add_argument("--internal", dest="public", action="store_false", help="an internal note")
    parser.add_argument("--status", choices=list(SUBMIT_AS), help="submit as this status")
    parser.add_argument("--body-file", metavar="F", help="read the text from file F (- for stdin)")
    parser.add_argument("--json", action="store_true", help="print the updated ticket as JSON")


def add_login_arguments(parser: argparse.ArgumentParser) -> None:
    _add_profile(parser)
    parser.add_argument("name", nargs="?", metavar="PROFILE", help="the profile (default: --profile)")
    parser.add_argument(
        "--system", default=HELPDESK, help="helpdesk (default) or a tracker kind of the profile: jira, github"
    )
    parser.add_argument("--delete", action="store_true", help="remove the stored token instead")


def add_doctor_arguments(parser: argparse.ArgumentParser) -> None:
    _add_profile(parser)


# -- commands ---------------------------------------------------------------------------------------------


def run_queue(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`frontline queue`: the tickets of one view, as aligned columns or JSON."""

    async def work(desk: Desk) -> int:
        view, tickets = await _fetch_queue(desk, args.view, args.limit)
        if args.json:
            _print_json(
                {"view": {"id": view.id, "title": view.title}, "tickets": [ticket_json(t) for t in tickets]},
                out,
            )
        else:
            _print(format_queue(view, tickets, desk.clock()), out)
        return 0

    return _guard(lambda: _with_session(args, session_factory, work), err)


def run_show(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`frontline show TICKET`: the header and the whole conversation."""

    async def work(desk: Desk) -> int:
        thread = await desk.open_ticket(args.ticket)
        if args.json:
            payload = {
                "ticket": ticket_json(thread.ticket),
                "comments": [comment_json(c) for c in thread.comments],
            }
            _print_json(payload, out)
        else:
            _print(format_thread(thread.ticket, thread.comments, desk.clock()), out)
        return 0

    return _guard(lambda: _with_session(args, session_factory, work), err)


def run_reply(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """`frontline reply TICKET --public|--internal`: one write with the comment and the status."""

    async def work(desk: Desk) -> int:
        body = _read_body(args, stdin or sys.stdin)
        if not args.public and not desk.capabilities.internal_notes:
            raise Unsupported(f"{desk.helpdesk_name} does not support internal notes.")
        thread = await desk.open_ticket(args.ticket)
        update = TicketUpdate(
            comment=CommentDraft(body=body, public=args.public),
            status=TicketStatus(SUBMIT_AS[args.status]) if args.status else None,
            revision=thread.ticket.revision,
        )
        ticket = await desk.submit(args.ticket, update)
        if args.json:
            _print_json({"ticket": ticket_json(ticket), "comment": {"public": args.public}}, out)
        else:
            kind = "a public reply" if args.public else "an internal note"
            key = one_line(ticket.display_key)
            _print(f"Added {kind} to {key}; status is now {ticket.status.label}.", out)
        return 0

    return _guard(lambda: _with_session(args, session_factory, work), err)


def run_login(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`frontline login PROFILE`: prompt for the token (hidden) and keep it in the keyring."""

    def work() -> int:
        settings = load_settings()
        name = _profile_name(settings, args.name or getattr(args, "profile", None))
        profile = settings.get_profile(name)
        system = args.system.strip().lower()
        trackers = {tracker.kind: tracker for tracker in profile.escalation}
        if system != HELPDESK and system not in trackers:
            known = ", ".join([HELPDESK, *trackers])
            raise ConfigError(f"Profile {name!r} has no system {system!r} (it has: {known}).")
        target = profile.helpdesk if system == HELPDESK else trackers[system]
        if args.delete:
            removed = delete_token(name, system)
            _print(f"Removed the {system} token of {name!r}." if removed else "No token was stored.", out)
            return 0
        status = keyring_status()
        if not status.usable:
            variable = target.token_env or f"{'ZENDESK' if system == HELPDESK else system.upper()}_TOKEN"
            where = "helpdesk" if system == HELPDESK else "escalation"
            raise CredentialsError(
                f"Cannot store the token: {status.description}.\n"
                "frontline reads the token from an environment variable instead:\n"
                + (
                    ""
                    if target.token_env
                    else f'  1. add token_env = "{variable}" to [profiles.{name}.{where}]\n'
                )
                + f"  {'2' if not target.token_env else '1'}. export {variable}=<your API token>\n"
                f"Then check with `frontline doctor --profile {name}`."
            )
        who = f"{target.email} at {target.base_url}" if target.email else target.base_url or system
        token = getpass.getpass(f"API token for {name} ({system}: {who}): ")
        _print(set_token(name, system, token), out)
        _print(f"Check the connection with `frontline doctor --profile {name}`.", out)
        return 0

    return _guard(work, err)


def run_doctor(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """`frontline doctor`: a checklist of config, profile, credentials and connectivity."""
    checks: list[tuple[str, str, str]] = []

    def check(state: str, label: str, detail: str) -> None:
        checks.append((state, label, detail))
        _print(f"[{state:^4}] {label:<12} {detail}", out)

    def failed(label: str, error: FrontlineError, code: int) -> int:
        lines = error.message.splitlines() or [error.title]
        check("FAIL", label, lines[0])
        for line in lines[1:]:
            _print(f"{'':20}{line}", out)
        return code

    path = locations.config_file()
    try:
        settings = load_settings()
    except ConfigError as error:
        return failed("config", error, EXIT_CONFIG)
    check("ok", "config", f"{path}" if path.exists() else f"no file at {path}; using defaults")
    try:
        name = _profile_name(settings, getattr(args, "profile", None))
        profile = settings.get_profile(name)
    except ConfigError as error:
        return failed("profile", error, EXIT_CONFIG)
    helpdesk = profile.helpdesk
    check("ok", "profile", f"{name}: {helpdesk.kind} at {helpdesk.base_url or '(no base_url)'}")
    try:
        credential = get_token(name, HELPDESK, token_env=helpdesk.token_env)
    except CredentialsError as error:
        return failed("credentials", error, EXIT_CONFIG)
    check("ok", "credentials", f"helpdesk {credential}")
    for tracker in profile.escalation:
        try:
            check(
                "ok",
                "credentials",
                f"{tracker.kind} {get_token(name, tracker.kind, token_env=tracker.token_env)}",
            )
        except CredentialsError as error:
            check("warn", "credentials", f"{tracker.kind}: {error.message.splitlines()[0]}")

    async def connect(desk: Desk) -> tuple[Person, list[View]]:
        return await desk.connect(), await desk.views()

    try:
        me, views = asyncio.run(_in_session(session_factory(settings, name), connect))
    except (ConfigError, CredentialsError) as error:
        return failed("helpdesk", error, EXIT_CONFIG)
    except FrontlineError as error:
        return failed("helpdesk", error, EXIT_HELPDESK)
    email = f" <{one_line(me.email)}>" if me.email else ""
    check("ok", "helpdesk", f"signed in as {one_line(me.name)}{email}")
    titles = ", ".join(one_line(view.title) for view in views[:5]) + (", …" if len(views) > 5 else "")
    check("ok" if views else "warn", "views", f"{len(views)}: {titles}" if views else "no views to show")
    return 0


# -- plumbing ---------------------------------------------------------------------------------------------


def _guard(work: Callable[[], int], err: TextIO | None) -> int:
    """Run a command; every failure becomes a message on stderr and an exit code."""
    try:
        return work()
    except (ConfigError, CredentialsError, InputError) as error:
        _print_error(error, err)
        return EXIT_CONFIG
    except FrontlineError as error:
        _print_error(error, err)
        return EXIT_HELPDESK
    except KeyboardInterrupt:
        return 130


def _print_error(error: FrontlineError, err: TextIO | None) -> None:
    stream = err or sys.stderr
    print(f"frontline: {error.title}", file=stream)
    for line in error.message.splitlines():
        print(f"  {line}", file=stream)


def _print(text: str, out: TextIO | None) -> None:
    print(text, file=out or sys.stdout)


def _print_json(payload: object, out: TextIO | None) -> None:
    # ensure_ascii keeps escape sequences from hostile ticket text out of the terminal.
    _print(json.dumps(payload, indent=2, ensure_ascii=True), out)


def _profile_name(settings: Settings, requested: str | None) -> str:
    name = settings.active_profile_name(requested)
    if name is None:
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


def _with_session(
    args: argparse.Namespace, factory: SessionFactory, work: Callable[[Desk], Awaitable[int]]
) -> int:
    settings = load_settings()
    name = _profile_name(settings, getattr(args, "profile", None))
    return asyncio.run(_in_session(factory(settings, name), work))


async def _in_session(session: Session, work: Callable[[Desk], Awaitable[T]]) -> T:
    try:
        return await work(session.desk)
    finally:
        await session.aclose()


async def _fetch_queue(desk: Desk, wanted: str | None, limit: int | None) -> tuple[View, list[Ticket]]:
    views = await desk.views()
    if wanted is None:
        if not views:
            raise NotFound("This helpdesk lists no views for you; give one with --view ID.")
        view = views[0]
    else:
        matches = [v for v in views if v.id == wanted or v.title.casefold() == wanted.casefold()]
        view = matches[0] if matches else View(id=wanted, title=wanted)
    try:
        return view, await desk.load_view(view.id, limit=limit)
    except NotFound:
        listing = ", ".join(f"{v.id} ({one_line(v.title)})" for v in views) or "none"
        raise NotFound(f"There is no view {wanted!r}. Views: {listing}.") from None


def _read_body(args: argparse.Namespace, stdin: TextIO) -> str:
    source = args.body_file or args.stdin
    if source is None and not stdin.isatty():
        source = "-"  # `echo text | frontline reply 12 --public`
    if source is None:
        raise InputError("Give the text with --body-file FILE, or - to read it from standard input.")
    if source == "-":
        body = stdin.read()
    else:
        try:
            body = Path(source).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"Cannot read {source}: {exc}.") from None
    if not body.strip():
        raise InputError("The text is empty; nothing was sent.")
    return body.rstrip("\n")
