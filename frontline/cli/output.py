"""What `frontline queue/show/reply/escalate` print: the documented JSON shapes and aligned, cleaned text.

The JSON schema is written out in `frontline.cli.scripting`'s docstring. Human output passes every piece of
ticket text through `clean_text`/`one_line`, so hostile ticket text cannot drive the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from frontline.domain.escalation import Bug
from frontline.domain.messages import MessageKind, message_kind
from frontline.domain.models import Comment, Organization, Person, Ticket, View
from frontline.domain.moments import known
from frontline.domain.presentation import cell_width, fit_cell, format_sla, format_stamp
from frontline.domain.text import one_line, visible_line, visible_text


def _time(value: datetime | None) -> str | None:
    """ISO 8601, or null when the helpdesk did not say (never the 1970 stand-in)."""
    moment = known(value)
    return moment.isoformat() if moment is not None else None


def person_json(person: Person | None) -> dict[str, Any] | None:
    return None if person is None else {"id": person.id, "name": person.name, "email": person.email}


def _organization_json(organization: Organization | None) -> dict[str, Any] | None:
    return None if organization is None else {"id": organization.id, "name": organization.name}


def _known(value: str) -> str | None:
    return value or None


def bug_json(bug: Bug) -> dict[str, Any]:
    """A linked bug: `url` and `status` are null when not known (a key cited in a note or tag)."""
    return {"key": bug.key, "url": _known(bug.url), "status": _known(bug.status), "tracker": bug.tracker}


def ticket_json(ticket: Ticket, linked_bugs: Sequence[Bug] = ()) -> dict[str, Any]:
    """A ticket in the documented, stable JSON shape.

    `linked_bug` is the helpdesk's own link when it has one, else the first of `linked_bugs`.
    """
    first_linked = linked_bugs[0].key if linked_bugs else None
    return {
        "id": ticket.id,
        "key": ticket.display_key,
        "subject": ticket.subject,
        "status": ticket.status.value,
        "status_label": ticket.status_label,
        "priority": ticket.priority.value if ticket.priority else None,
        "requester": person_json(ticket.requester),
        "assignee": person_json(ticket.assignee),
        "organization": _organization_json(ticket.organization),
        "tags": list(ticket.tags),
        "sla_due_at": _time(ticket.sla.due_at) if ticket.sla else None,
        "sla_paused": bool(ticket.sla and ticket.sla.paused),
        "created_at": _time(ticket.created_at),
        "updated_at": _time(ticket.updated_at),
        "url": ticket.url,
        "linked_bug": ticket.linked_bug or first_linked,
        "linked_bugs": [bug_json(bug) for bug in linked_bugs],
    }


def comment_json(comment: Comment) -> dict[str, Any]:
    attachments = [
        {
            "id": a.id,
            "file_name": a.file_name,
            "content_type": a.content_type,
            "size": a.size,
            "url": a.url,
            "inline": a.inline,
        }
        for a in comment.attachments
    ]
    return {
        "id": comment.id,
        "author": person_json(comment.author),
        "public": comment.public,
        "created_at": _time(comment.created_at),
        "body": comment.body,
        "attachments": attachments,
        "warnings": list(comment.warnings),
    }


def format_queue(view: View, tickets: Sequence[Ticket], now: datetime) -> str:
    """Aligned columns; every cell is cleaned, folded onto one line and cut to its column."""
    header = ("TICKET", "PRIORITY", "STATUS", "SLA", "UPDATED", "REQUESTER", "SUBJECT")
    rows = [
        (
            one_line(ticket.display_key),
            ticket.priority.value if ticket.priority else "-",
            one_line(ticket.status_text),
            format_sla(ticket.sla, now)[0],
            format_stamp(ticket.updated_at),
            visible_line(ticket.requester.name) if ticket.requester else "-",
            visible_line(ticket.subject),
        )
        for ticket in tickets
    ]
    widths = [min(max(cell_width(row[i]) for row in [header, *rows]), 24) for i in range(len(header) - 1)]
    lines = [f"{one_line(view.title)} ({view.id}): {len(rows)} tickets"]
    for row in [header, *rows]:
        lines.append("  ".join([*(fit_cell(cell, w) for cell, w in zip(row, widths, strict=False)), row[-1]]))
    return "\n".join(lines)


def format_thread(
    ticket: Ticket, comments: Sequence[Comment], now: datetime, linked_bugs: Sequence[Bug] = ()
) -> str:
    """The ticket header (with its linked bugs), then each comment, the customer's messages, public replies
    and notes told apart; invisible characters in ticket text shown as markers (`pay⟨ZWSP⟩pal`)."""

    def name(person: Person | None) -> str:
        return visible_line(person.name) if person else "-"

    organization = visible_line(ticket.organization.name) if ticket.organization else "-"
    priority = ticket.priority.value if ticket.priority else "-"
    sla = format_sla(ticket.sla, now)[0]
    lines = [
        f"{one_line(ticket.display_key)}  {visible_line(ticket.subject)}",
        f"Status: {one_line(ticket.status_text)}   Priority: {priority}   SLA: {sla}",
        f"Requester: {name(ticket.requester)}   Organization: {organization}"
        f"   Assignee: {name(ticket.assignee)}",
    ]
    if ticket.tags:
        lines.append(f"Tags: {', '.join(visible_line(tag) for tag in ticket.tags)}")
    if ticket.url:
        lines.append(f"URL: {one_line(ticket.url)}")
    if linked_bugs:
        lines.append(f"Bugs: {', '.join(format_bug(bug) for bug in linked_bugs)}")
    for comment in comments:
        kind = _KIND_WORDS[message_kind(comment, ticket)]
        stamp = format_stamp(comment.created_at, "%Y-%m-%d %H:%M %Z")
        lines += ["", f"── {name(comment.author)} · {kind} · {stamp}"]
        prefix = "  " if comment.public else "  ┃ "
        lines += [f"{prefix}[warning] {one_line(warning)}" for warning in comment.warnings]
        lines += [f"{prefix}{line}".rstrip() for line in visible_text(comment.body).splitlines() or [""]]
        lines += [
            f"{prefix}[{'inline image' if a.inline else 'attachment'}] {visible_line(a.file_name)}"
            for a in comment.attachments
        ]
    return "\n".join(lines)


_KIND_WORDS = {
    MessageKind.CUSTOMER: "customer",
    MessageKind.REPLY: "public reply",
    MessageKind.NOTE: "INTERNAL NOTE",
}


def format_bug(bug: Bug) -> str:
    """`ENG-42 (In Progress)`, or the bare key while its status is not known."""
    key = one_line(bug.key)
    return f"{key} ({one_line(bug.status)})" if bug.status else key
