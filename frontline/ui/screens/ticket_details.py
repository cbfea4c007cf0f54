"""`i` on the ticket screen: every header field in full, scrollable, as plain text.

The header clamps fields to a line or two so a hostile 20,000-character subject cannot push the
conversation away; this is where the full text is, one key away. Invisible characters are marked.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from frontline.domain.models import Person, Ticket
from frontline.ui.visible_text import visible_content


def _person(person: Person | None, nobody: str) -> str:
    if person is None:
        return nobody
    return f"{person.name} <{person.email}>" if person.email else person.name


def details_fields(ticket: Ticket, linked_bugs: str) -> list[tuple[str, str]]:
    """(label, full text) for each field the header shows, and a few it has no room for."""

    def when(moment: datetime) -> str:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")

    return [
        ("Ticket", ticket.display_key),
        ("Subject", ticket.subject or "(no subject)"),
        ("Requester", _person(ticket.requester, "unknown requester")),
        ("Organization", ticket.organization.name if ticket.organization else "no organization"),
        ("Assignee", _person(ticket.assignee, "unassigned")),
        ("Group", ticket.group or "none"),
        ("Status", ticket.status_text),
        ("Priority", ticket.priority.value if ticket.priority else "none"),
        ("Tags", " · ".join(ticket.tags) or "no tags"),
        ("Linked bugs", linked_bugs),
        ("Created", when(ticket.created_at)),
        ("Updated", when(ticket.updated_at)),
        ("Link", ticket.url or "none"),
    ]


class TicketDetailsScreen(ModalScreen[None]):
    """The ticket's fields in full; escape, `i` or `q` closes, j/k scroll."""

    DEFAULT_CSS = """
    TicketDetailsScreen { align: center middle; }
    TicketDetailsScreen > Vertical {
        width: 90%;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    TicketDetailsScreen .dialog-title { text-style: bold; }
    TicketDetailsScreen .dialog-hint { color: $text-muted; }
    TicketDetailsScreen #details-scroll { height: 1fr; }
    TicketDetailsScreen .details-label { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape,i,q", "close", "Close", id="details.close"),
        Binding("j", "scroll(3)", "Down", id="details.down", show=False),
        Binding("k", "scroll(-3)", "Up", id="details.up", show=False),
    ]

    def __init__(self, ticket: Ticket, linked_bugs: str) -> None:
        super().__init__()
        self.fields = details_fields(ticket, linked_bugs)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("Ticket details"), classes="dialog-title")
            with VerticalScroll(id="details-scroll", can_focus=True):
                for label, text in self.fields:
                    yield Static(Content(label), classes="details-label")
                    yield Static(visible_content(text), classes="details-value", markup=False)
            yield Static(Content("j/k scroll · escape close"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#details-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#details-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)
