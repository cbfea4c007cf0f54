"""The queue's `bug` column: the escalation links drawn in the rows, and their statuses kept fresh.

The rows ask `BugLinks.cell` (local records and cited keys, no request per row); the statuses are read in
the background, a round at most every few minutes (see `frontline.ui.bug_links`), for the tickets with a
local record and the rows near the top of the view on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from frontline.domain.models import Ticket

if TYPE_CHECKING:
    from frontline.ui.screens.queue import QueueScreen

CHECK_SECONDS = 10.0
"""How often the queue asks whether a status round is due (a comparison, no I/O)."""
CITED_SCAN_ROWS = 500
"""Rows from the top of the view whose tags are searched for cited bug keys in a round."""


class QueueBugColumn:
    """Connects the queue screen's rows to the app's `BugLinks`; does nothing when nothing escalates."""

    def __init__(self, screen: QueueScreen) -> None:
        self.screen = screen
        self._unsubscribe: Callable[[], None] | None = None

    def attach(self) -> None:
        """Draw the links in the rows, repaint when they change, and check for status rounds."""
        links = self.screen.frontline.bug_links
        if not links.enabled:
            return
        self.screen.queue_list.rows.bug_cell = links.cell
        self._unsubscribe = links.follow(self.repaint)
        self.screen.set_interval(CHECK_SECONDS, self.refresh_when_due)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def repaint(self) -> None:
        """A link or status changed: every cached row may show it."""
        queue_list = self.screen.queue_list
        queue_list.rows.forget()
        queue_list.refresh()

    def refresh_when_due(self) -> None:
        """Start a status round for the view on screen when one is due (and the view has tickets)."""
        links = self.screen.frontline.bug_links
        if not links.round_due():
            return
        tickets = self.candidates()
        if tickets:
            self.screen.run_worker(
                links.refresh_round(tickets), group="queue-bugs", exclusive=True, exit_on_error=False
            )

    def candidates(self) -> list[Ticket]:
        """Tickets of the view with a local record, then the top rows (whose tags may cite a bug)."""
        model = self.screen.queue_list.model
        recorded = self.screen.frontline.bug_links.recorded_ids()
        chosen = [ticket for ticket in model.tickets if ticket.id in recorded] if recorded else []
        seen = {ticket.id for ticket in chosen}
        for position in range(min(len(model), CITED_SCAN_ROWS)):
            ticket = model.ticket_at(position)
            if ticket.id not in seen and ticket.tags:
                seen.add(ticket.id)
                chosen.append(ticket)
        return chosen
