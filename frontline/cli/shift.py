"""`frontline shift start|end|status|note`: the shift and its journal from the command line.

A shift also starts by itself at the day's first action; `start` only makes the moment explicit.
`status --json` prints

    {"shift": {"id": str, "started_at": time, "ended_at": time | null, "engineer": str,
               "started_by": "command" | "auto"} | null,
     "lines": [{"at": time, "kind": str, "ticket": str | null, "subject": str, "what": str}]}

(the running shift, else the last one; `kind` is a `JournalKind`, `what` the line in words).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from frontline.cli.common import (
    SessionFactory,
    add_profile_argument,
    open_profile_session,
    print_json,
    print_text,
    with_session,
)
from frontline.cli.errors import ExitCode, guard
from frontline.domain.text import one_line
from frontline.errors import FrontlineError, NotFound, Unsupported

if TYPE_CHECKING:
    from frontline.domain.models import TicketThread
    from frontline.domain.shift import JournalEntry, Shift
    from frontline.services.journal import ShiftStatus
    from frontline.services.session import Session

ACTIONS = ("start", "end", "status", "note")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)
    actions = parser.add_subparsers(dest="shift_action", metavar="ACTION", required=True)
    start = actions.add_parser("start", help="start a shift now (or say since when one runs)")
    end = actions.add_parser("end", help="end the running shift")
    status = actions.add_parser("status", help="since when, who, and what was done so far")
    status.add_argument("--json", action="store_true", help="print JSON (schema: frontline.cli.shift)")
    note = actions.add_parser("note", help="attach a note for the next engineer to a ticket")
    note.add_argument("ticket", metavar="TICKET", help="ticket id")
    note.add_argument("text", metavar="TEXT", nargs="+", help="the note (words are joined with spaces)")
    note.add_argument("--post", action="store_true", help="also post it as an internal note on the ticket")
    for action in (start, end, status, note):
        add_profile_argument(action)
        # `frontline shift start --debug`, as `frontline queue --debug` works.
        action.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="write a debug log, as `frontline --debug`",
        )


def run(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_profile_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the shift action on the profile's session."""

    async def work(session: Session) -> int:
        if args.shift_action == "start":
            return await start(session, out)
        if args.shift_action == "end":
            return end(session, out)
        if args.shift_action == "status":
            return status(session, out, as_json=args.json)
        return await note(session, args.ticket, " ".join(args.text), post=args.post, out=out, err=err)

    return guard(lambda: with_session(args, session_factory, work), err)


async def start(session: Session, out: TextIO | None) -> int:
    """Start a shift, or say since when the running one runs (naming the engineer if still unknown)."""
    log = session.shift
    running = log.current()
    if running is not None:
        await log.name_engineer(running)
        shift = log.journal.get_shift(running.id) or running
        print_text(f"A shift is already running since {_since(shift, session.clock())}{_who(shift)}.", out)
        return ExitCode.OK
    shift = await log.start()
    print_text(f"Started a shift at {_local(shift.started_at)}{_who(shift)}.", out)
    return ExitCode.OK


def end(session: Session, out: TextIO | None) -> int:
    """End the running shift; none running is not an error."""
    if session.shift.current() is None:
        print_text("No shift running.", out)
        return ExitCode.OK
    ended = session.shift.end()
    if ended is None:
        print_text("No shift running.", out)
        return ExitCode.OK
    from frontline.domain.presentation import format_duration

    length = format_duration(ended.until(session.clock()) - ended.started_at)
    print_text(
        f"Ended the shift started at {_local(ended.started_at)} ({length}). "
        "Write its handoff with `frontline handoff`.",
        out,
    )
    return ExitCode.OK


def status(session: Session, out: TextIO | None, *, as_json: bool) -> int:
    """The running (else last) shift and its journal, read from the local database only."""
    shift_status = session.shift.status()
    if as_json:
        print_json(status_json(shift_status), out)
    else:
        print_text(format_status(shift_status, session.clock()), out)
    return ExitCode.OK


async def note(
    session: Session, ticket: str, text: str, *, post: bool, out: TextIO | None, err: TextIO | None
) -> int:
    """Keep a handoff note on `ticket` (its subject read when the helpdesk answers), optionally posted.

    Raises:
        Unsupported: `post` on a helpdesk without internal notes.
        NotFound: the helpdesk has no such ticket (nothing is kept).
        FrontlineError: `post` and the ticket cannot be read, or the post failed (the note is kept).
    """
    from frontline.domain.shift import WritePurpose
    from frontline.services.journal import note_update

    desk = session.desk
    if post and not desk.capabilities.internal_notes:
        raise Unsupported(f"{desk.helpdesk_name} does not support internal notes: the note was not kept.")
    thread: TicketThread | None = None
    try:
        thread = await desk.open_ticket(ticket)
    except NotFound:
        raise  # a mistyped id: a note on no ticket would mislead the next engineer
    except FrontlineError as error:
        if post:
            raise
        print_text(
            f"warning: could not read ticket {one_line(ticket)}: {one_line(error.title)}.", err or sys.stderr
        )
    ticket_id = thread.ticket.id if thread is not None else ticket
    subject = thread.ticket.subject if thread is not None else ""
    line = session.shift.note(ticket_id, text, subject=subject)
    key = one_line(thread.ticket.display_key) if thread is not None else f"#{one_line(ticket)}"
    about = (
        f" ({one_line(line.subject)})" if line.subject else " (subject unknown: the helpdesk was not read)"
    )
    print_text(f"Kept a handoff note on {key}{about} for the handoff.", out)
    if post and thread is not None:
        await desk.submit(
            ticket_id,
            note_update(line.text, thread.ticket),
            purpose=WritePurpose.HANDOFF_NOTE,
            known_comment_ids=[comment.id for comment in thread.comments],
        )
        print_text(f"Posted it as an internal note on {key}.", out)
    return ExitCode.OK


def status_json(shift_status: ShiftStatus) -> dict[str, Any]:
    """The documented JSON of `shift status` (see the module docstring)."""
    shift = shift_status.shift
    return {
        "shift": None
        if shift is None
        else {
            "id": shift.id,
            "started_at": shift.started_at.isoformat(),
            "ended_at": shift.ended_at.isoformat() if shift.ended_at is not None else None,
            "engineer": shift.engineer,
            "started_by": shift.started_by,
        },
        "lines": [_line_json(line) for line in shift_status.lines],
    }


def _line_json(line: JournalEntry) -> dict[str, Any]:
    return {
        "at": line.at.isoformat(),
        "kind": line.kind.value,
        "ticket": line.ticket_id,
        "subject": line.subject,
        "what": line.describe(),
    }


def format_status(shift_status: ShiftStatus, now: datetime) -> str:
    """For people: the shift's window and engineer, the counts, then one line per journal line."""
    from frontline.domain.shift import JournalKind

    shift = shift_status.shift
    if shift is None:
        return "No shift yet on this profile. Start one with `frontline shift start`."
    if shift.is_open():
        head = f"Shift running since {_since(shift, now)}"
    else:
        assert shift.ended_at is not None
        head = f"Last shift: {_local(shift.started_at)} to {_local(shift.ended_at)} (ended)"
    actions = sum(1 for line in shift_status.lines if line.kind is not JournalKind.OPENED)
    lines = [
        f"{head}{_who(shift)}.",
        f"{_plural(shift_status.tickets, 'ticket')}, {_plural(actions, 'action')}.",
    ]
    for line in shift_status.lines:
        ticket = f"#{one_line(line.ticket_id)}" if line.ticket_id is not None else "-"
        subject = one_line(line.subject) or "-"
        lines.append(f"  {_local(line.at, '%H:%M')}  {ticket}  {subject}  {one_line(line.describe())}")
    return "\n".join(lines)


def _since(shift: Shift, now: datetime) -> str:
    """`2026-12-02 08:00 (3h05m ago)` in this machine's time zone."""
    from frontline.domain.presentation import format_duration

    return f"{_local(shift.started_at)} ({format_duration(now - shift.started_at)} ago)"


def _who(shift: Shift) -> str:
    return f", engineer {one_line(shift.engineer)}" if shift.engineer else ""


def _local(moment: datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A time in this machine's zone, as the person on shift reads their clock."""
    return moment.astimezone().strftime(pattern)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
