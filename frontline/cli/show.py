"""`frontline show TICKET`: the ticket's header and its whole conversation."""

from __future__ import annotations

import argparse
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

if TYPE_CHECKING:
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
