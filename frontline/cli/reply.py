"""`frontline reply TICKET --public|--internal`: one write with the comment and, optionally, the status."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
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
from frontline.errors import InputError, TicketClosed, Unsupported

if TYPE_CHECKING:
    from frontline.domain.models import Ticket
    from frontline.services.desk import Desk
    from frontline.services.session import Session

SUBMIT_AS = {"open": "open", "pending": "pending", "hold": "hold", "on-hold": "hold", "solved": "solved"}
"""`--status` words and the ticket status each submits as."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)
    parser.add_argument("ticket", metavar="TICKET", help="ticket id")
    parser.add_argument(
        "stdin", nargs="?", choices=["-"], help="read the text from standard input (right after TICKET)"
    )
    visibility = parser.add_mutually_exclusive_group(required=True)
    visibility.add_argument("--public", dest="public", action="store_true", help="the customer sees it")
    visibility.add_argument("--internal", dest="public", action="store_false", help="an internal note")
    parser.add_argument("--status", choices=list(SUBMIT_AS), help="submit as this status")
    parser.add_argument("--body-file", metavar="F", help="read the text from file F (- for stdin)")
    parser.add_argument(
        "--follow-up",
        action="store_true",
        help="TICKET is closed: open a follow-up ticket for its requester with the text instead",
    )
    parser.add_argument("--json", action="store_true", help="print the updated ticket as JSON")


def run(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_profile_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Add the reply or note at the revision just read, so a concurrent change is a conflict, not lost."""
    from frontline.cli.linked import linked_bugs
    from frontline.cli.output import ticket_json
    from frontline.domain.models import CommentDraft, TicketUpdate
    from frontline.domain.models import Status as TicketStatus

    async def work(session: Session) -> int:
        desk = session.desk
        body = read_body(args, stdin or sys.stdin)
        if not args.public and not desk.capabilities.internal_notes:
            raise Unsupported(f"{desk.helpdesk_name} does not support internal notes.")
        thread = await desk.open_ticket(args.ticket)
        if getattr(args, "follow_up", False):
            return await follow_up(desk, thread.ticket, body, args, out)
        update = TicketUpdate(
            comment=CommentDraft(body=body, public=args.public),
            status=TicketStatus(SUBMIT_AS[args.status]) if args.status else None,
            revision=thread.ticket.stamp,
        )
        known = [comment.id for comment in thread.comments]
        try:
            ticket = await desk.submit(thread.ticket.id, update, known_comment_ids=known)
        except TicketClosed as closed:
            raise TicketClosed(
                f"{closed.message}\nTo open one with this text, run the same command with --follow-up.",
                closed.ticket_id,
                details=closed.details,
            ) from None
        if args.json:
            bugs = linked_bugs(session, ticket, thread.comments)
            print_json({"ticket": ticket_json(ticket, bugs), "comment": {"public": args.public}}, out)
        else:
            kind = "a public reply" if args.public else "an internal note"
            key = one_line(ticket.display_key)
            print_text(f"Added {kind} to {key}; status is now {one_line(ticket.status_text)}.", out)
        return ExitCode.OK

    return guard(lambda: with_session(args, session_factory, work), err)


async def follow_up(
    desk: Desk, closed: Ticket, body: str, args: argparse.Namespace, out: TextIO | None
) -> int:
    """`--follow-up`: a new ticket linked to closed ticket `closed`, opened with the text.

    Raises:
        InputError: `closed` is not closed (Zendesk would open an unlinked ticket), or `--status` was given.
        Unsupported: the helpdesk has no follow-up tickets.
    """
    from frontline.cli.output import ticket_json
    from frontline.domain.models import Status as TicketStatus

    key = one_line(closed.display_key)
    if not desk.capabilities.followups:
        raise Unsupported(f"{desk.helpdesk_name} has no follow-up tickets.")
    if closed.status is not TicketStatus.CLOSED:
        raise InputError(f"{key} is not closed ({closed.status_text}): reply to it without --follow-up.")
    if args.status:
        raise InputError("--status does not apply to a follow-up; set it on the new ticket afterwards.")
    ticket = await desk.create_followup(closed.id, body, public=args.public)
    if args.json:
        print_json(
            {"ticket": ticket_json(ticket), "comment": {"public": args.public}, "followup_to": closed.id}, out
        )
    else:
        kind = "a public reply" if args.public else "an internal note"
        print_text(f"Opened follow-up {one_line(ticket.display_key)} to {key} with {kind}.", out)
    return ExitCode.OK


def read_body(args: argparse.Namespace, stdin: TextIO) -> str:
    """The text from `--body-file`, `-` or piped stdin; refuses an empty text rather than send it."""
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
