"""The pieces of the ticket screen: the header and one card per comment.

Everything that came from a ticket is cleaned with `clean_text`/`one_line` and wrapped in `Content(str)`,
so a subject like "[bold red]URGENT[/]" or an escape sequence is shown literally, never interpreted.
Internal notes sit on an amber panel with a dashed border and an "INTERNAL NOTE" label; public replies
carry "PUBLIC REPLY · customer sees this", so the two cannot be confused even without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Static

from frontline.domain.escalation import Bug
from frontline.domain.models import Attachment, Comment, Priority, Ticket
from frontline.domain.moments import is_known
from frontline.domain.text import clean_text, one_line
from frontline.ui.bug_links import bug_label

BODY_CHUNK_CHARS = 20_000
"""A body longer than this is shown a chunk at a time, so a 1 MB message never freezes the screen."""
BODY_CHUNK_LINES = 400


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


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


def format_size(size: int | None) -> str:
    if size is None:
        return "size unknown"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


_PRIORITY_STYLE = {
    Priority.URGENT: "bold $error",
    Priority.HIGH: "bold $warning",
    Priority.NORMAL: "",
    Priority.LOW: "$text-muted",
}


def linked_bugs_text(ticket: Ticket, bugs: Sequence[Bug]) -> str:
    """The header's bugs, `ENG-42 · In Progress, acme/app#17 · open`; else the helpdesk's own link."""
    if bugs:
        return ", ".join(bug_label(bug) for bug in bugs)
    return one_line(ticket.linked_bug) if ticket.linked_bug else "none"


def header_content(ticket: Ticket, now: datetime, bugs: Sequence[Bug] = ()) -> Content:
    """Subject, people, state, tags, SLA and linked bugs (with their status), as plain text with styled
    labels."""
    label = "$text-muted"
    requester = "unknown requester"
    if ticket.requester is not None:
        requester = one_line(ticket.requester.name)
        if ticket.requester.email:
            requester += f" <{one_line(ticket.requester.email)}>"
    organization = one_line(ticket.organization.name) if ticket.organization else "no organization"
    assignee = one_line(ticket.assignee.name) if ticket.assignee else "unassigned"
    priority = ticket.priority.value if ticket.priority else "none"
    tags = " · ".join(one_line(tag) for tag in ticket.tags) or "no tags"
    return Content.assemble(
        (ticket.display_key, "bold $accent"),
        "  ",
        (one_line(ticket.subject) or "(no subject)", "bold"),
        "\n",
        ("Requester ", label),
        requester,
        ("  Organization ", label),
        organization,
        "\n",
        ("Status ", label),
        (one_line(ticket.status_text), "bold"),
        ("  Priority ", label),
        (priority, _PRIORITY_STYLE.get(ticket.priority, "") if ticket.priority else ""),
        ("  Assignee ", label),
        assignee,
        ("  SLA ", label),
        sla_content(ticket, now),
        "\n",
        ("Tags ", label),
        tags,
        ("  Linked bugs " if len(bugs) > 1 else "  Linked bug ", label),
        linked_bugs_text(ticket, bugs),
    )


class ShowMore(Button):
    """Reveals the next chunk of a long comment body."""


class CommentCard(Vertical):
    """One comment: a loud public/internal label, author and time, the body, attachments."""

    DEFAULT_CSS = """
    CommentCard {
        height: auto;
        margin: 0 1 1 0;
        padding: 0 1;
    }
    CommentCard.-public {
        border: round $primary;
        border-title-color: $primary;
        border-title-style: bold;
    }
    CommentCard.-internal {
        border: dashed $warning;
        background: $warning 12%;
        border-title-color: $warning;
        border-title-style: bold reverse;
    }
    CommentCard .comment-meta { color: $text-muted; height: auto; }
    CommentCard .comment-body { height: auto; }
    CommentCard .comment-attachments { height: auto; color: $text-muted; }
    CommentCard .comment-warning { height: auto; color: $warning; text-style: bold; }
    CommentCard ShowMore { margin-top: 1; }
    """

    def __init__(self, comment: Comment, now: datetime) -> None:
        kind = "-public" if comment.public else "-internal"
        super().__init__(classes=f"comment {kind}")
        self.comment = comment
        self.now = now
        self.full_body = clean_text(comment.body)
        self.shown_chars = _first_chunk_end(self.full_body, 0)
        self.border_title = (
            "PUBLIC REPLY · customer sees this" if comment.public else "INTERNAL NOTE · agents only"
        )

    def compose(self) -> ComposeResult:
        author = one_line(self.comment.author.name) if self.comment.author else "unknown author"
        role = (
            f" ({one_line(self.comment.author.role)})"
            if self.comment.author and self.comment.author.role
            else ""
        )
        created = self.comment.created_at
        when = (
            f"{local_time(created)} ({short_duration(self.now - created)} ago)"
            if is_known(created)
            else "time unknown"
        )
        yield Static(
            Content(f"{author}{role} · {when}"),
            classes="comment-meta",
        )
        if self.comment.warnings:
            warnings = " · ".join(one_line(warning) for warning in self.comment.warnings)
            yield Static(Content(f"⚠ {warnings}"), classes="comment-warning")
        yield Static(Content(self._visible_body()), classes="comment-body")
        if self.comment.attachments:
            yield Static(attachments_content(self.comment.attachments), classes="comment-attachments")
        if self.shown_chars < len(self.full_body):
            yield ShowMore(self._show_more_label(), compact=True)

    def _visible_body(self) -> str:
        body = self.full_body[: self.shown_chars]
        if self.shown_chars < len(self.full_body):
            body += "\n[…]"
        return body or "(empty)"

    def _show_more_label(self) -> Content:
        hidden = len(self.full_body) - self.shown_chars
        return Content(f"Show more ({format_size(hidden)} hidden)")

    def show_more(self) -> None:
        """Reveal the next chunk; the button goes away when everything is shown."""
        self.shown_chars = _first_chunk_end(self.full_body, self.shown_chars)
        self.query_one(".comment-body", Static).update(Content(self._visible_body()))
        button = self.query_one(ShowMore)
        if self.shown_chars >= len(self.full_body):
            button.remove()
        else:
            button.label = self._show_more_label()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if isinstance(event.button, ShowMore):
            event.stop()
            self.show_more()


def attachments_content(attachments: tuple[Attachment, ...]) -> Content:
    lines = [
        " · ".join(
            (
                f"{'Inline image' if a.inline else 'Attachment'}: {one_line(a.file_name)}",
                one_line(a.content_type or "unknown type"),
                format_size(a.size),
            )
        )
        for a in attachments
    ]
    return Content("\n".join(lines))


def _first_chunk_end(text: str, start: int) -> int:
    """Where the chunk that starts at `start` ends: at most BODY_CHUNK_CHARS and BODY_CHUNK_LINES."""
    end = min(len(text), start + BODY_CHUNK_CHARS)
    newline_at = start
    for _ in range(BODY_CHUNK_LINES):
        newline_at = text.find("\n", newline_at + 1, end)
        if newline_at == -1:
            return end
    return newline_at
