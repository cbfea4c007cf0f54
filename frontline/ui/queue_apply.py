"""Applying a loaded view to the queue screen without freezing it.

At 50,000 tickets building the queue's model (haystacks, sort keys, the sort, the filter) costs hundreds
of milliseconds; `QueueSync.accept_view_async` does it on a worker thread and this module makes the swap
on the UI thread: the highlighted ticket is read at that moment (not when the load began, the engineer
may have moved since), the model is installed and the list repainted in the same step, so the cursor
stays on its ticket and the filter and sort the engineer has now are the ones shown.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING

from frontline.domain.models import Ticket
from frontline.ui.customer_replies import announce_customer_replies

if TYPE_CHECKING:
    from frontline.ui.screens.queue import QueueScreen


def settle_loaded_tickets() -> None:
    """Move what is loaded so far out of the cyclic garbage collector's generations.

    A full collection walks every object: about 160 ms with 50,000 tickets loaded, a visible hitch
    while scrolling. Tickets hold no reference cycles, so reference counting still frees them when a
    refresh replaces them (a test checks it). The cost of this process-wide switch: cyclic garbage
    that exists at the moment of freezing is never collected, so it is called only right after
    tickets arrive, where the garbage so far is a load's worth of short-lived parsing objects.
    """
    gc.freeze()


async def apply_loaded_tickets(screen: QueueScreen, view_id: str, tickets: list[Ticket]) -> None:
    """Put a view's fresh tickets in its queue, the heavy part off the UI thread, then repaint."""
    settle_loaded_tickets()
    sync = screen.sync

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
    settle_loaded_tickets()
    screen._relabel(view_id)
    if view_id == sync.current_view_id:
        screen.queue_list.empty_text = "No tickets in this view."
        screen.queue_list.refresh()
    screen._update_status()
