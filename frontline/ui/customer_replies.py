"""Telling the engineer about customer replies, after a load's rows are painted.

The queue screen runs `announce_customer_replies` as a worker once a view is accepted: the conversations
of changed tickets are read (`QueueSync.check_replies`: a few, bounded), each new customer reply is
notified once ("Customer replied on #123: subject", plain text, never markup) and the rows repaint with
the "waiting on us" marker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontline.services.queue_sync import ViewLoaded, reply_notices

if TYPE_CHECKING:
    from frontline.ui.screens.queue import QueueScreen


async def announce_customer_replies(screen: QueueScreen, loaded: ViewLoaded) -> None:
    """Find the customer replies among `loaded`'s changed tickets, notify them, ring the bell if asked."""
    replies = (await screen.sync.check_replies(loaded)).customer_replies
    app = screen.frontline
    for notice in reply_notices(replies):
        app.notify(notice.message, title=notice.title, markup=False)
    if replies and app.settings.ui.bell:
        app.bell()
    if replies and screen.is_mounted:
        screen.queue_list.refresh()
