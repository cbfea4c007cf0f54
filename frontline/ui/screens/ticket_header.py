"""The ticket header: subject, people, state, tags, SLA and linked bugs, each clamped to a line or two.

A hostile 20,000-character subject or requester name must not push the conversation off the screen, so
every field from the ticket is cut to fit (ending "…") and the header says `i` shows the full text
(`ticket_details`). Everything is plain text with styled labels, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from textual.content import Content

from frontline.domain.escalation import Bug
from frontline.domain.models import Priority, Ticket
from frontline.domain.text import cell_width
from frontline.ui.bug_links import bug_label
from frontline.ui.visible_text import clamped_content

LABEL_STYLE = "$text-muted"
_PRIORITY_STYLE = {
    Priority.URGENT: "bold $error",
    Priority.HIGH: "bold $warning",
    Priority.NORMAL: "",
    Priority.LOW: "$text-muted",
}


def short_duration(delta: timedelta) -> str:
    """`1d 2h`, `3h 5m`, `12m`: enough precision for a countdown."""
    minutes = int(abs(delta.total_seconds()) // 60)
    days, minutes = divmod(minutes, 60 * 24)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


def sla_content(ticket: Ticket, now: datetime) -> Content:
    """The SLA badge: red when breached, amber under an hour, dim when paused."""
    sla = ticket.sla
    if sla is None:
        return Content.styled("no SLA", "$text-muted")
    if sla.paused:
        return Content.styled(f"{sla.metric.replace('_', ' ')} paused", "$text-muted italic")
    metric = sla.metric.replace("_", " ")
    left = sla.remaining(now)
    if sla.is_breached(now):
        since = (now - sla.breached_at) if sla.breached_at else (-left if left is not None else None)
        label = f"BREACHED {short_duration(since)} ago" if since is not None else "BREACHED"
        return Content.styled(f"{label} ({metric})", "bold $error")
    if left is None:
        return Content.styled(metric, "$text-muted")
    style = "bold $warning" if left < timedelta(hours=1) else "$success"
    return Content.styled(f"{short_duration(left)} left ({metric})", style)


def linked_bugs_text(ticket: Ticket, bugs: Sequence[Bug]) -> str:
    """The header's bugs, `ENG-42 · In Progress, acme/app#17 · open`; else the helpdesk's own link."""
    if bugs:
        return ", ".join(bug_label(bug) for bug in bugs)
    return ticket.linked_bug or "none"


class _Clamper:
    """Clamps fields to a share of the header's width, remembering whether anything was cut."""

    def __init__(self, width: int) -> None:
        self.width = max(width, 20)
        self.cut = False

    def __call__(self, text: str, share: float, lines: int = 1, label: str = "", style: str = "") -> Content:
        width = max(int(self.width * share), 12)
        content, cut = clamped_content(text, width, lines, first_line_used=cell_width(label), style=style)
        self.cut = self.cut or cut
        return content


def header_content(ticket: Ticket, now: datetime, bugs: Sequence[Bug] = (), width: int = 120) -> Content:
    """The header for a header `width` cells wide: at most two lines for the subject, two for the people,
    one each for state and tags; "i: full details" when a field was cut."""
    fit = _Clamper(width)
    requester = "unknown requester"
    if ticket.requester is not None:
        requester = ticket.requester.name
        if ticket.requester.email:
            requester += f" <{ticket.requester.email}>"
    organization = ticket.organization.name if ticket.organization else "no organization"
    assignee = ticket.assignee.name if ticket.assignee else "unassigned"
    priority = ticket.priority.value if ticket.priority else "none"
    tags = " · ".join(ticket.tags) or "no tags"
    key = fit(ticket.display_key, 0.3, style="bold $accent")
    subject = fit(ticket.subject or "(no subject)", 1.0, 2, label=f"{key.plain}  ", style="bold")
    people = Content.assemble(
        ("Requester ", LABEL_STYLE),
        fit(requester, 0.62, label="Requester "),
        ("  Organization ", LABEL_STYLE),
        fit(organization, 0.38, label="  Organization "),
    )
    state = Content.assemble(
        ("Status ", LABEL_STYLE),
        fit(ticket.status_text, 0.3, label="Status ", style="bold"),
        ("  Priority ", LABEL_STYLE),
        (priority, _PRIORITY_STYLE.get(ticket.priority, "") if ticket.priority else ""),
        ("  Assignee ", LABEL_STYLE),
        fit(assignee, 0.3, label="  Assignee "),
        ("  SLA ", LABEL_STYLE),
        sla_content(ticket, now),
    )
    bugs_label = "  Linked bugs " if len(bugs) > 1 else "  Linked bug "
    extras = Content.assemble(
        ("Tags ", LABEL_STYLE),
        fit(tags, 0.5, label="Tags "),
        (bugs_label, LABEL_STYLE),
        fit(linked_bugs_text(ticket, bugs), 0.45, label=bugs_label),
    )
    first = Content.assemble(key, "  ", subject)
    if fit.cut:
        first = Content.assemble(first, ("  (i: full details)", LABEL_STYLE))
    return Content("\n").join((first, people, state, extras))
