"""`frontline escalate TICKET`: file the ticket as a bug in one of the profile's trackers, after a preview.

The preview is exactly what the tracker will receive (title, labels, the Markdown body), and nothing is
filed without a yes: asked on a terminal, `--yes` otherwise. Safe to repeat: a ticket that already has a
bug in the target prints that bug and files nothing (finishing the link back and the note if an earlier
run stopped before them).
"""

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
from frontline.domain.text import clean_text, one_line
from frontline.errors import ConfigError, InputError

if TYPE_CHECKING:
    from frontline.domain.escalation import BugReport, EscalationFields
    from frontline.services.escalation import EscalationResult, Escalations, Target
    from frontline.services.session import Session

RULE = "─" * 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)
    parser.add_argument("ticket", metavar="TICKET", help="ticket id")
    parser.add_argument(
        "--target",
        metavar="NAME",
        help="escalation target of the profile (default: the last used, else first)",
    )
    parser.add_argument("--summary", metavar="TEXT", help="the bug's title (default: the ticket's subject)")
    parser.add_argument("--body-file", metavar="F", help="notes for the developers from file F (- for stdin)")
    parser.add_argument(
        "--yes", action="store_true", help="file without asking (required without a terminal)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON (schema: frontline.cli.scripting)")


def run(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_profile_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Preview, confirm and file the bug (or show the one already filed), then print its key and URL."""
    from frontline.cli.linked import linked_bugs
    from frontline.cli.output import bug_json, ticket_json
    from frontline.domain.escalation import EscalationFields

    source = stdin or sys.stdin
    # Human output carries the preview; with --json stdout is the JSON alone, so the preview goes to stderr.
    chatter = err if args.json else out

    async def work(session: Session) -> int:
        if args.body_file == "-" and not args.yes:
            raise InputError(
                "The notes come from standard input, so it cannot answer the confirmation: pass --yes."
            )
        escalations = escalations_of(session)
        target = escalations.target(args.target)
        notes = read_notes(args.body_file, source)
        thread = await session.desk.open_ticket(args.ticket)
        ticket_id = thread.ticket.id
        fields = EscalationFields(summary=args.summary or "", notes=notes)
        if await escalations.existing(thread, target) is None:
            if not args.yes and not source.isatty():
                raise InputError(
                    f"Not filing without a confirmation, and there is no terminal to ask on: pass --yes "
                    f"to file {one_line(thread.ticket.display_key)} in {target.name}."
                )
            report = await escalations.report(thread, target, fields)
            if not (args.yes and args.json):
                print_text(
                    preview(report, target, lost_before=_lost_before(escalations, ticket_id, target)), chatter
                )
            if not args.yes and not confirm(
                f"File this in {target.name} ({target.project})?", source, chatter
            ):
                print_text("Nothing filed.", chatter)
                return ExitCode.OK
        result = await escalate(escalations, ticket_id, fields, target)
        if args.json:
            bugs = linked_bugs(session, result.ticket, thread.comments)
            bug = {**bug_json(result.bug), "title": result.bug.title}
            print_json(
                {"bug": bug, "created": result.created, "ticket": ticket_json(result.ticket, bugs)}, out
            )
        else:
            print_text(summary(result, thread.ticket.display_key), out)
        for warning in result.warnings:
            print_text(f"warning: {one_line(warning)}", chatter)
        return ExitCode.OK

    return guard(lambda: with_session(args, session_factory, work), err)


def escalations_of(session: Session) -> Escalations:
    """The session's escalations, or why there are none."""
    if session.escalations is None:
        name = session.profile_name
        raise ConfigError(
            f"Profile {name!r} has no escalation targets: add a [[profiles.{name}.escalation]] entry "
            "(see the README)."
        )
    return session.escalations


def read_notes(source: str | None, stdin: TextIO) -> str:
    """The developers' notes from `--body-file` (`-`: standard input); none is fine, unreadable is not."""
    if source is None:
        return ""
    if source == "-":
        return stdin.read().strip()
    try:
        return Path(source).expanduser().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read {source}: {exc}.") from None


def preview(report: BugReport, target: Target, *, lost_before: bool = False) -> str:
    """Exactly what the tracker will receive, cleaned for the terminal."""
    lines = [
        f"To {target.name}: {target.display_name} {one_line(target.project)}",
        f"Title:  {one_line(report.title)}",
        f"Labels: {', '.join(one_line(label) for label in report.labels) or '-'}",
    ]
    if report.components:
        lines.append(f"Components: {', '.join(one_line(c) for c in report.components)}")
    lines += [f"{RULE} body (Markdown)", clean_text(report.body), RULE]
    if lost_before:
        lines.append(
            f"An earlier attempt may have filed this already; {target.name} shows no bug for the ticket, so "
            "this files it."
        )
    return "\n".join(lines)


def confirm(question: str, stdin: TextIO, stream: TextIO | None) -> bool:
    """Ask on the terminal; only `y` or `yes` files."""
    print(f"{question} [y/N] ", end="", file=stream or sys.stdout, flush=True)
    return stdin.readline().strip().lower() in {"y", "yes"}


async def escalate(
    escalations: Escalations, ticket_id: str, fields: EscalationFields, target: Target
) -> EscalationResult:
    """File (or find) the bug; a failure after the bug exists is a partial escalation (exit 3).

    Raises:
        PartiallyApplied: the bug is filed but linking it to the ticket failed; running again finishes it.
        WriteOutcomeUnknown: the create's answer was lost and the bug cannot be found yet (exit 4).
    """
    from frontline.errors import FrontlineError, PartiallyApplied, WriteOutcomeUnknown

    try:
        return await escalations.escalate(ticket_id, fields, target_name=target.name)
    except (PartiallyApplied, WriteOutcomeUnknown):
        raise
    except FrontlineError as error:
        record = escalations.repository.get(escalations.profile, ticket_id, target.name)
        if record is None or record.bug_key is None or record.state == "done":
            raise
        raise PartiallyApplied(
            f"{record.bug_key} is filed in {target.name} ({record.bug_url or 'no URL yet'}), but linking it "
            f"to the ticket failed: {error.message}\nRun the same command again to finish; it will not file "
            "a second bug.",
            applied=(f"bug {record.bug_key}",),
            not_applied=("link, note and tag on the ticket",),
            cause=error,
        ) from error


def summary(result: EscalationResult, ticket_key: str) -> str:
    """One line for people: what was filed (or found) and where."""
    bug = result.bug
    key, url, target = one_line(bug.key), one_line(bug.url), one_line(bug.tracker)
    if result.created:
        return f"Filed {key} in {target}: {url}"
    status = f" ({one_line(bug.status)})" if bug.status else ""
    return f"{one_line(ticket_key)} is already escalated to {key}{status} in {target}: {url}. Nothing filed."


def _lost_before(escalations: Escalations, ticket_id: str, target: Target) -> bool:
    """An earlier run sent a create whose answer was lost (and its bug is still not found)."""
    record = escalations.repository.get(escalations.profile, ticket_id, target.name)
    return record is not None and record.state == "filing" and record.bug_key is None
