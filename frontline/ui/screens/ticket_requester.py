"""The ticket screen's line of the requester's other open tickets, read in the background (issue 15).

`Also from Femi Schmidt: #12 Cannot export (open) · #34 Refund (pending)`: plain text (customer words
cleaned by `one_line`, never markup), clamped to two lines so a hostile name or subject cannot push the
conversation away. The line stays hidden while it loads and when the read fails; it never holds up the
screen.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from frontline.domain.models import Ticket
from frontline.domain.text import clamp, one_line
from frontline.errors import FrontlineError
from frontline.services.desk import Desk

LIMIT = 5
GROUP = "ticket-requester"


def requester_text(ticket: Ticket, others: list[Ticket]) -> str | None:
    """The line for `others` of `ticket`'s requester, or None when there are none."""
    if not others or ticket.requester is None:
        return None
    items = " · ".join(
        f"{one_line(t.display_key)} {one_line(t.subject)} ({one_line(t.status_text)})" for t in others[:LIMIT]
    )
    return f"Also from {one_line(ticket.requester.name)}: {items}"


class RequesterLine(Static):
    """One plain line under the ticket header; hidden until there is something to show."""

    DEFAULT_CSS = """
    RequesterLine { height: auto; max-height: 2; padding: 0 1; color: $text-muted; display: none; }
    RequesterLine.-visible { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(id="ticket-requester")
        self._ticket_id: str | None = None

    def show_for(self, ticket: Ticket, desk: Desk) -> None:
        """Read `ticket`'s requester's other open tickets, once per ticket shown (not on each reload)."""
        if ticket.id == self._ticket_id:
            return
        self._ticket_id = ticket.id
        self.remove_class("-visible")
        self.run_worker(self._load(ticket, desk), group=GROUP, exclusive=True, exit_on_error=False)

    async def _load(self, ticket: Ticket, desk: Desk) -> None:
        try:
            others = await desk.requester_tickets(ticket, LIMIT)
        except FrontlineError:
            return
        text = requester_text(ticket, others)
        if text is None or self._ticket_id != ticket.id or not self.is_attached:
            return
        width = self.size.width or self.app.size.width - 2
        self.update(Content(clamp(text, width, 2)))
        self.add_class("-visible")
