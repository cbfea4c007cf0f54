"""The desk: one signed-in helpdesk session, the entry point screens and the CLI call.

It wraps a `Helpdesk` with the logic that is not vendor-specific: paging a whole view, loading a
ticket and its conversation together, and remembering who "me" is. UI code calls this, never adapters.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from frontline.domain.clock import Clock, utc_now
from frontline.domain.models import (
    Comment,
    Macro,
    MacroPreview,
    Person,
    Ticket,
    TicketThread,
    TicketUpdate,
    View,
)
from frontline.domain.ports import ConnectionState, Helpdesk, HelpdeskCapabilities
from frontline.errors import (
    FrontlineError,
    MalformedResponse,
    Unavailable,
    WriteOutcomeUnknown,
)

AUTO_REFRESH_REQUESTS_PER_MINUTE = 30
"""The share of the account's rate limit automatic refreshes may use."""

RECONCILE_SLACK = timedelta(minutes=5)
"""How far our clock and the helpdesk's may disagree when matching a comment we just sent."""

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
        adapter: Helpdesk,
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
        self.pages_per_view: dict[str, int] = {}
        """How many requests a full load of each view took last time (for the refresh budget)."""
        self._unconfirmed: dict[str, datetime] = {}
        """Tickets whose last write with a comment failed, and when it was sent."""

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
        return self.adapter.connection_state

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
        pages = 0
        while True:
            page = await self.adapter.list_view_tickets(view_id, cursor, page_size)
            pages += 1
            tickets.extend(page.items)
            if on_progress is not None:
                on_progress(len(tickets))
            cursor = page.next_cursor
            if cursor is None:
                self.pages_per_view[view_id] = pages  # a whole load: what a refresh will cost
                break
            if limit is not None and len(tickets) >= limit:
                break
        return tickets[:limit] if limit is not None else tickets

    def refresh_seconds(self, view_id: str, configured: int) -> int:
        """How long to wait between automatic refreshes of a view.

        A full reload costs one request per page, and helpdesk rate limits are per account (Zendesk's
        smallest plan allows 200 requests a minute for everyone). Automatic refreshes stay under
        `AUTO_REFRESH_REQUESTS_PER_MINUTE`, so a huge view refreshes less often than a small one.
        """
        pages = self.pages_per_view.get(view_id, 1)
        budget_seconds = math.ceil(pages * 60 / AUTO_REFRESH_REQUESTS_PER_MINUTE)
        return max(configured, budget_seconds)

    async def open_ticket(self, ticket_id: str) -> TicketThread:
        """A ticket and its whole conversation, oldest first, fetched concurrently.

        Where the helpdesk keeps the description apart from the comments (JSM), it is shown as the
        opening message from the requester, as the customer wrote it.
        """
        ticket, comments = await asyncio.gather(
            self.adapter.get_ticket(ticket_id), self.adapter.list_comments(ticket_id)
        )
        thread = list(comments)
        if not self.capabilities.description_in_comments and ticket.description.strip():
            opening = Comment(
                id=f"{ticket.id}:description",
                author=ticket.requester,
                body=ticket.description,
                public=True,
                created_at=ticket.created_at,
            )
            thread.insert(0, opening)
        return TicketThread(ticket=ticket, comments=tuple(thread))

    async def submit(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        """Send a reply or note and field changes as one write; returns the ticket as it is now.

        Exactly-once for comments: when the answer to a write is lost (dropped connection, unreadable or
        5xx answer), the desk reads the ticket back to learn whether it landed instead of guessing. After
        any failed attempt that carried a comment, the next attempt first checks whether that comment
        already arrived (multi-step helpdesks such as JSM post it before changing fields), and then sends
        only what is still missing.

        Raises:
            WriteOutcomeUnknown: it could not tell, because the read-back failed too.
            Unavailable: the read-back shows the write did not land; sending again is safe.
        """
        sent_at = self.clock()
        if update.comment is not None and ticket_id in self._unconfirmed:
            pending = await self._still_to_send(ticket_id, update)
            if isinstance(pending, Ticket):
                return self._changed(ticket_id, pending)
            update = pending
        try:
            try:
                ticket = await self.adapter.update_ticket(ticket_id, update)
            except (WriteOutcomeUnknown, MalformedResponse, Unavailable) as uncertain:
                # The write may have been applied before the answer broke: ask the helpdesk.
                ticket = await self._reconcile(ticket_id, update, sent_at, uncertain)
        except FrontlineError:
            if update.comment is not None:
                self._unconfirmed.setdefault(ticket_id, sent_at)
            raise
        return self._changed(ticket_id, ticket)

    def _changed(self, ticket_id: str, ticket: Ticket) -> Ticket:
        self._unconfirmed.pop(ticket_id, None)
        for listener in list(self._listeners):
            listener(ticket)
        return ticket

    async def _still_to_send(self, ticket_id: str, update: TicketUpdate) -> TicketUpdate | Ticket:
        """After a failed attempt: the update without its comment if that already arrived.

        Returns the ticket itself when nothing is left to send.
        """
        thread = await self.open_ticket(ticket_id)
        since = self._unconfirmed[ticket_id] - RECONCILE_SLACK
        comment_only = TicketUpdate(comment=update.comment)
        if not write_landed(thread, comment_only, since=since, me=self.me):
            return update
        remaining = update.model_copy(update={"comment": None, "revision": thread.ticket.revision})
        if remaining.is_empty() or write_landed(thread, remaining, since=since, me=self.me):
            return thread.ticket
        return remaining

    async def _reconcile(
        self, ticket_id: str, update: TicketUpdate, sent_at: datetime, uncertain: FrontlineError
    ) -> Ticket:
        """Decide from the helpdesk's own record whether an interrupted write was applied."""
        try:
            thread = await self.open_ticket(ticket_id)
        except FrontlineError:
            if not isinstance(uncertain, MalformedResponse):
                raise uncertain from None
            raise WriteOutcomeUnknown(
                f"{uncertain.message} It may or may not have been applied, and the ticket could not be "
                "read back: refresh it before sending again. Your draft is kept."
            ) from None
        if write_landed(thread, update, since=sent_at - RECONCILE_SLACK, me=self.me):
            return thread.ticket
        raise Unavailable(
            f"Sending to {self.helpdesk_name} failed ({uncertain.title.lower()}), and the ticket shows the "
            "change did not arrive. Your draft is kept; sending again is safe."
        )

    async def macros(self) -> list[Macro]:
        if not self.capabilities.macros:
            return []
        return await self.adapter.list_macros()

    async def preview_macro(self, ticket_id: str, macro_id: str) -> MacroPreview:
        return await self.adapter.preview_macro(ticket_id, macro_id)

    async def close(self) -> None:
        await self.adapter.aclose()


def write_landed(thread: TicketThread, update: TicketUpdate, *, since: datetime, me: Person | None) -> bool:
    """True when the ticket already shows `update`: its comment (by me, recent, same text) and fields."""
    ticket = thread.ticket
    if update.comment is not None:
        wanted = _words(update.comment.body)
        found = any(
            _words(comment.body) == wanted
            and comment.public == update.comment.public
            and comment.created_at >= since
            and (me is None or comment.author is None or comment.author.id == me.id)
            for comment in thread.comments
        )
        if not found:
            return False
    if update.status is not None and ticket.status is not update.status:
        return False
    if update.priority is not None and ticket.priority is not update.priority:
        return False
    assignee_id = ticket.assignee.id if ticket.assignee is not None else None
    if update.assignee_id is not None and assignee_id != update.assignee_id:
        return False
    return all(tag in ticket.tags for tag in update.tags_add) and not any(
        tag in ticket.tags for tag in update.tags_remove
    )


def _words(text: str) -> str:
    """Text compared by its words: helpdesks may re-wrap or trim what they store."""
    return " ".join(text.split())
