"""Escalation: a ticket's identity in a bug tracker, and the bug report built from the ticket.

The identity is chosen once per ticket and never changes, so every lookup agrees on it: a Jira remote
link's `globalId`, a label, and a hidden marker in a GitHub issue body. Search indexes lag writes on every
vendor, so a tracker finds an existing bug through these strongly consistent handles, never search alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from frontline.domain.models import Comment, Ticket, TicketThread
from frontline.domain.text import clean_text, one_line

MAX_QUOTE_CHARS = 2_000
"""How much of the customer's first message and of each internal note goes into a bug report."""

ESCALATED_TAG = "frontline_escalated"
"""Added to every escalated ticket, beside a tag naming the bug."""

_LABEL_UNSAFE = re.compile(r"[^a-z0-9]+")


class TicketRef(BaseModel):
    """One helpdesk ticket as trackers know it: stable handles derived from the helpdesk and the ticket.

    Args:
        helpdesk: the helpdesk kind (`zendesk`, `jsm`).
        site: the account: Zendesk's subdomain (`acme`), or the JSM site's host.
        ticket_id: the ticket's id or key (`35436`, `SD-12`).
        url: where an agent opens the ticket, for the link back.
        title: the ticket's subject, for the link back.
    """

    model_config = ConfigDict(frozen=True)

    helpdesk: str
    site: str
    ticket_id: str
    url: str | None = None
    title: str = ""

    @classmethod
    def of(cls, helpdesk: str, base_url: str, ticket: Ticket) -> TicketRef:
        """The reference for `ticket` on the helpdesk at `base_url`."""
        host = (urlsplit(base_url).hostname or base_url).lower()
        site = host.split(".")[0] if host.endswith(".zendesk.com") else host
        return cls(
            helpdesk=helpdesk, site=site, ticket_id=ticket.id, url=ticket.url, title=one_line(ticket.subject)
        )

    @property
    def global_id(self) -> str:
        """The Jira remote link's `globalId` (an upsert key, at most 255 characters)."""
        return f"frontline:{self.helpdesk}:{self.site}:ticket:{self.ticket_id}"[:255]

    @property
    def label(self) -> str:
        """A tracker label naming the ticket (`zd-acme-35436`); labels take no spaces."""
        prefix = "zd" if self.helpdesk == "zendesk" else self.helpdesk
        return _LABEL_UNSAFE.sub("-", f"{prefix}-{self.site}-{self.ticket_id}".lower()).strip("-")[:255]

    @property
    def marker(self) -> str:
        """A hidden marker for issue bodies (`<!-- frontline:zendesk:acme:35436 -->`)."""
        return f"<!-- frontline:{self.helpdesk}:{self.site}:{self.ticket_id} -->"

    @property
    def display(self) -> str:
        """How the ticket is named in a bug title: "ZD #35436", "SD-12"."""
        return f"ZD #{self.ticket_id}" if self.helpdesk == "zendesk" else self.ticket_id


class BugReport(BaseModel):
    """What an escalation files in a bug tracker, built from a ticket and the engineer's additions."""

    model_config = ConfigDict(frozen=True)

    title: str
    body: str
    """Markdown; connectors whose tracker wants another format (Jira's ADF) convert it."""
    ticket: TicketRef
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    priority: str | None = None


class Bug(BaseModel):
    """An issue in a bug tracker as last read."""

    model_config = ConfigDict(frozen=True)

    key: str
    """`ENG-42` (Jira) or `owner/repo#17` (GitHub)."""
    url: str
    title: str = ""
    status: str = ""
    labels: tuple[str, ...] = ()
    tracker: str = ""
    """The escalation target's name in the profile (`eng-jira`)."""


class EscalationRecord(BaseModel):
    """What frontline knows locally about one ticket's escalation to one target, written before each step.

    `state`: `filing` (the create may have been sent: look before filing again), `filed` (the bug exists),
    `done` (linked back, noted and tagged on the ticket).
    """

    model_config = ConfigDict(frozen=True)

    profile: str
    ticket_id: str
    target: str
    state: str
    started_at: datetime
    updated_at: datetime
    bug_key: str | None = None
    bug_url: str | None = None
    bug_title: str = ""
    bug_status: str = ""
    created: bool = False
    ticket_subject: str = ""
    """The ticket's subject when escalated, for the shift journal."""

    def bug(self) -> Bug | None:
        """The bug as last seen, or None before it is known."""
        if self.bug_key is None:
            return None
        return Bug(
            key=self.bug_key,
            url=self.bug_url or "",
            title=self.bug_title,
            status=self.bug_status,
            tracker=self.target,
        )


class EscalationFields(BaseModel):
    """What the engineer adds to a bug report; everything else comes from the ticket."""

    model_config = ConfigDict(frozen=True)

    summary: str = ""
    """The bug's title without the ticket reference; empty means the ticket's subject."""
    steps: str = ""
    expected: str = ""
    actual: str = ""
    severity: str = ""
    notes: str = ""
    """Anything else the engineer wants the developers to read."""


def bug_tag(tracker_kind: str, key: str) -> str:
    """The helpdesk tag naming a bug (`jira_eng_42`, `github_acme_app_17`): tags take no spaces."""
    return _LABEL_UNSAFE.sub("_", f"{tracker_kind}_{key}".lower()).strip("_")


def first_customer_message(thread: TicketThread) -> Comment | None:
    """The opening message from the requester (or the first public one)."""
    requester_id = thread.ticket.requester.id if thread.ticket.requester else None
    for comment in thread.comments:
        if comment.public and (
            requester_id is None or (comment.author and comment.author.id == requester_id)
        ):
            return comment
    return next((c for c in thread.comments if c.public), None)


def latest_internal_notes(thread: TicketThread, author_id: str | None, limit: int = 2) -> list[Comment]:
    """The engineer's own latest internal notes, oldest first (theirs, or anyone's when unknown)."""
    notes = [
        c
        for c in thread.comments
        if not c.public and (author_id is None or (c.author is not None and c.author.id == author_id))
    ]
    return notes[-limit:]


def build_report_body(
    thread: TicketThread, ref: TicketRef, fields: EscalationFields, *, me_id: str | None
) -> str:
    """The bug's Markdown body: the engineer's fields, then what the ticket says, then the marker."""
    ticket = thread.ticket
    lines = [f"Escalated from {ref.display}" + (f": {ref.url}" if ref.url else "")]
    people = []
    if ticket.requester is not None:
        people.append(f"Requester: {one_line(ticket.requester.name)}")
    if ticket.organization is not None:
        people.append(f"Organization: {one_line(ticket.organization.name)}")
    if ticket.priority is not None:
        people.append(f"Priority: {ticket.priority.value}")
    if people:
        lines.append(" · ".join(people))
    for title, text in (
        ("Steps to reproduce", fields.steps),
        ("Expected", fields.expected),
        ("Actual", fields.actual),
        ("Severity", fields.severity),
        ("Notes", fields.notes),
    ):
        if text.strip():
            lines += ["", f"## {title}", "", clean_text(text).strip()]
    opening = first_customer_message(thread)
    if opening is not None:
        lines += ["", "## The customer wrote", "", _quote(opening.body)]
    for note in latest_internal_notes(thread, me_id):
        lines += ["", "## Internal note", "", _quote(note.body)]
    attachments = _attachment_names(thread.comments)
    if attachments:
        lines += ["", "## Attachments on the ticket", "", *(f"- {name}" for name in attachments)]
    lines += ["", ref.marker]
    return "\n".join(lines)


def bug_title(ticket: Ticket, ref: TicketRef, fields: EscalationFields) -> str:
    """The bug's title: the engineer's summary or the subject, with the ticket named ("… (ZD #35436)")."""
    summary = one_line(fields.summary) or one_line(ticket.subject) or "Escalated ticket"
    return f"{summary[:200]} ({ref.display})"


def _quote(text: str) -> str:
    body = clean_text(text).strip()
    if len(body) > MAX_QUOTE_CHARS:
        body = body[:MAX_QUOTE_CHARS].rstrip() + " …"
    return "\n".join(f"> {line}" if line else ">" for line in body.splitlines()) or ">"


def _attachment_names(comments: Sequence[Comment]) -> list[str]:
    names: list[str] = []
    for comment in comments:
        names += [one_line(a.file_name) for a in comment.attachments if one_line(a.file_name) not in names]
    return names[:20]


_BUG_KEY = re.compile(r"\b([A-Z][A-Z0-9_]{1,9}-[1-9][0-9]{0,8})\b")


def cited_bug_keys(texts: Iterable[str], projects: Iterable[str]) -> list[str]:
    """Bug keys of the given Jira projects cited in `texts` (notes, tags), in order of first mention."""
    wanted = {p.upper() for p in projects if p}
    found: list[str] = []
    for text in texts:
        for key in _BUG_KEY.findall(text.upper().replace("_", "-")):
            if key.split("-")[0] in wanted and key not in found:
                found.append(key)
    return found
