"""`frontline queue`: the tickets of one view, as aligned columns or JSON."""

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
from frontline.errors import NotFound

if TYPE_CHECKING:
    from frontline.domain.models import Ticket, View
    from frontline.services.desk import Desk
    from frontline.services.session import Session


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)
    parser.add_argument("--view", metavar="ID", help="view id or title (default: the profile's first view)")
    parser.add_argument("--limit", type=int, metavar="N", help="at most N tickets (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON (schema: frontline.cli.scripting)")


def run(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_profile_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """List the view's tickets; JSON for scripts (linked bugs from the local records and the tags, no
    tracker requests), cleaned columns for people. What the view listing left out (a desk without agent
    rights) is a warning on stderr and in the JSON's `warnings`."""
    from frontline.cli.linked import linked_bugs
    from frontline.cli.output import format_queue, ticket_json

    async def work(session: Session) -> int:
        desk = session.desk
        view, tickets = await fetch_queue(desk, args.view, args.limit)
        notices = desk.notices()
        for notice in notices:
            print_text(f"warning: {one_line(notice)}", err or sys.stderr)
        if args.json:
            payload = {
                "view": {"id": view.id, "title": view.title},
                "tickets": [ticket_json(t, linked_bugs(session, t)) for t in tickets],
                "warnings": notices,
            }
            print_json(payload, out)
        else:
            print_text(format_queue(view, tickets, desk.clock()), out)
        return ExitCode.OK

    return guard(lambda: with_session(args, session_factory, work), err)


async def fetch_queue(desk: Desk, wanted: str | None, limit: int | None) -> tuple[View, list[Ticket]]:
    """The view named by id or title (default: the first listed) and its tickets.

    An id that is not listed is still tried; only the helpdesk's NotFound turns into the list of views.
    """
    from frontline.domain.models import View

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
