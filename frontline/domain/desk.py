"""The desk: one signed-in helpdesk session, the entry point screens and the CLI call.

It wraps a `HelpdeskAdapter` with the logic that is not vendor-specific: paging a whole view, loading a
ticket and its conversation together, and remembering who "me" is. UI code calls this, never adapters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from frontline.adapters.base import HelpdeskAdapter, HelpdeskCapabilities
from frontline.adapters.http import ConnectionState
from frontline.domain.clock import Clock, utc_now
from frontline.domain.models import (
    Macro,
    MacroPreview,
    Person,
    Ticket,
    TicketThread,
    TicketUpdate,
    View,
)

ProgressCallback = Callable[[int], None]
TicketListener = Callable[[Ticket], None]


class Desk:
    """A helpdesk session for one profile.

    Args:
        adapter: the connected helpdesk.
        profile_name: shown in the status bar and used to key local state (drafts).
        view_ids: the profile's chosen views, in order; empty means every view the helpdesk lists.
        clock: the source of "now" for SLA and age.
    """

    def __init__(
        self,
        adapter: HelpdeskAdapter,
        *,
        profile_name: str,
        view_ids: Sequence[str] = (),
        clock: Clock = utc_now,
    ) -> None:
        self.adapter = adapter
        self.profile_name = profile_name
        self.view_ids = tuple(view_ids)
        self.clock = clock
        self.me: Person | None = None
        self._listeners: list[TicketListener] = []

    def subscribe(self, listener: TicketListener) -> Callable[[], None]:
        """Call `listener` with every ticket this desk changes; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    @property
    def capabilities(self) -> HelpdeskCapabilities:
        return self.adapter.capabilities

    @property
    def helpdesk_name(self) -> str:
        return self.adapter.display_name

    @property
    def connection_state(self) -> ConnectionState:
        client = getattr(self.adapter, "client", None)
        return getattr(client, "state", ConnectionState.UNKNOWN)

    async def connect(self) -> Person:
        """Check the credentials and learn who "me" is."""
        self.me = await self.adapter.whoami()
        return self.me

    async def views(self) -> list[View]:
        """The profile's views in its order, or all of the helpdesk's views."""
        views = await self.adapter.list_views()
        if not self.view_ids:
            return views
        by_id = {view.id: view for view in views}
        return [by_id[view_id] for view_id in self.view_ids if view_id in by_id]

    async def load_view(
        self, view_id: str, *, on_progress: ProgressCallback | None = None, limit: int | None = None
    ) -> list[Ticket]:
        """Every ticket of a view, following the helpdesk's pagination to the end (or `limit`)."""
        tickets: list[Ticket] = []
        cursor: str | None = None
        page_size = self.capabilities.max_page_size
        while True:
            page = await self.adapter.list_view_tickets(view_id, cursor, page_size)
            tickets.extend(page.items)
            if on_progress is not None:
                on_progress(len(tickets))
            cursor = page.next_cursor
            if cursor is None or (limit is not None and len(tickets) >= limit):
                break
        return tickets[:limit] if limit is not None else tickets

    async def open_ticket(self, ticket_id: str) -> TicketThread:
        """A ticket and its whole conversation, fetched concurrently."""
        ticket, comments = await asyncio.gather(
            self.adapter.get_ticket(ticket_id), self.adapter.list_comments(ticket_id)
        )
        return TicketThread(ticket=ticket, comments=tuple(comments))

    async def submit(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        """Send a reply or note and field changes as one write; returns the ticket as it is now."""
        ticket = await self.adapter.update_ticket(ticket_id, update)
        for listener in list(self._listeners):
            listener(ticket)
        return ticket

    async def macros(self) -> list[Macro]:
        if not self.capabilities.macros:
            return []
        return await self.adapter.list_macros()

    async def preview_macro(self, ticket_id: str, macro_id: str) -> MacroPreview:
        return await self.adapter.preview_macro(ticket_id, macro_id)

    async def close(self) -> None:
        await self.adapter.aclose()
