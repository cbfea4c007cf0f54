"""Applying a loaded view to the queue screen without freezing it.

At 50,000 tickets building the queue's model (haystacks, sort keys, the sort, the filter) costs hundreds
of milliseconds; `QueueSync.accept_view_async` does it on a worker thread and this module makes the swap
on the UI thread: the highlighted ticket is read at that moment (not when the load began, the engineer
may have moved since), the model is installed and the list repainted in the same step, so the cursor
stays on its ticket and the filter and sort the engineer has now are the ones shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from frontline.domain.background import settle
from frontline.domain.models import Ticket
from frontline.ui.customer_replies import announce_customer_replies

if TYPE_CHECKING:
    from frontline.ui.screens.queue import QueueScreen


FRESH_BATCH = 5_000
"""Tickets new to memory in one load from which they are frozen without a collection first (`settle`)."""


def settle_loaded_tickets(fresh: int | None = None) -> None:
    """Move what is loaded so far out of the cyclic garbage collector's generations.

    A full collection walks every object: about 160 ms with 50,000 tickets loaded, a visible hitch
    while scrolling. Tickets hold no reference cycles, so reference counting still frees them when a
    refresh replaces them (a test checks it). Cyclic garbage frozen with them would never be freed, so
    it is collected first (`domain.background.settle`) unless `fresh` (tickets new to memory; None: a
    whole load's) is a batch whose walk would hold the UI thread (~120 ms at 50,000).
    """
    settle(collect=fresh is not None and fresh < FRESH_BATCH)


async def apply_loaded_tickets(screen: QueueScreen, view_id: str, tickets: list[Ticket]) -> None:
    """Put a view's fresh tickets in its queue, the heavy part off the UI thread, then repaint."""
    sync = screen.sync
    report = sync.incremental.reports.get(view_id)  # this load's: how many tickets it brought
    settle_loaded_tickets(report.changed if report is not None else len(tickets))

    def swap(install: Callable[[], bool]) -> bool:
        queue_list = screen.queue_list
        shown = sync.models.get(view_id) is queue_list.model
        keep = queue_list.highlighted_ticket_id if shown else None  # read right before the rows change
        if not install():
            return False
        if shown:
            queue_list.model_changed(keep_ticket_id=keep)
        return True

    loaded = await sync.accept_view_async(view_id, tickets, swap=swap)
    screen.run_worker(announce_customer_replies(screen, loaded), group="queue-replies", exit_on_error=False)
    settle_loaded_tickets(0)  # what the swap made (its plan was settled on its thread)
    screen._relabel(view_id)
    if view_id == sync.current_view_id:
        screen.queue_list.empty_text = "No tickets in this view."
        screen.queue_list.refresh()
    screen._update_status()
