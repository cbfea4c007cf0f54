"""A ticket shown on the ticket screen is seen, however it was opened: from the queue, `#` go-to, `J`/`K`,
the drafts list or the outbox. The ticket screen calls `mark_opened` each time it shows a ticket's thread,
so the queue's ✉/◆/● markers clear (and stay cleared after a restart) with no path left out.

The queue's sync owns the seen state; a console opened straight on a ticket (no queue) has none to mark.
A preview in the queue pane is a read only and never comes here.
"""

from __future__ import annotations

from textual.app import App

from frontline.domain.models import Ticket


def mark_opened(app: App[object], ticket: Ticket) -> None:
    """`ticket` as just shown on the ticket screen: seen in the queue's sync, its row repainted."""
    from frontline.ui.screens.queue import QueueScreen  # the queue opens ticket screens: import late

    for screen in app.screen_stack:
        if isinstance(screen, QueueScreen):
            screen.sync.mark_seen(ticket)
            listing = screen.queue_list
            position = listing.model.position_of(ticket.id)
            if position is not None:
                listing.refresh_position(position)
