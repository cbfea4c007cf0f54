"""`frontline show TICKET`: the ticket's header and its whole conversation."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

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

if TYPE_CHECKING:
    from frontline.domain.models import Ticket
    from frontline.services.session import Session


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)
    parser.add_argument("ticket", metavar="TICKET", help="ticket id, e.g. 1234 or SD-12")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_profile_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the ticket and its comments, oldest first; public replies and internal notes told apart.

    The linked bugs' status is read from their trackers first (best effort: the last seen one otherwise).
    """
    from frontline.cli.linked import linked_bugs, refresh_linked
    from frontline.cli.output import comment_json, format_thread, ticket_json

    async def work(session: Session) -> int:
        desk = session.desk
        thread = await desk.open_ticket(args.ticket)
        journal_opened(session, thread.ticket, err)
        await refresh_linked(session, thread.ticket.id)
        bugs = linked_bugs(session, thread.ticket, thread.comments)
        if args.json:
            payload = {
                "ticket": ticket_json(thread.ticket, bugs),
                "comments": [comment_json(c) for c in thread.comments],
            }
            print_json(payload, out)
        else:
            print_text(format_thread(thread.ticket, thread.comments, desk.clock(), bugs), out)
        return ExitCode.OK

    return guard(lambda: with_session(args, session_factory, work), err)


def journal_opened(session: Session, ticket: Ticket, err: TextIO | None) -> None:
    """Record the read in the shift journal; the journal failing must not fail the read, so it only warns."""
    from frontline.errors import StoreError

    try:
        session.shift.opened(ticket)
    except StoreError as error:
        problem: StoreError | None = error
    else:
        problem = session.store_error  # the database could not be opened: the line went to memory
    if problem is not None:
        first = one_line(problem.message.splitlines()[0]) if problem.message else problem.title
        print_text(f"warning: not recorded in the shift journal: {first}", err or sys.stderr)
