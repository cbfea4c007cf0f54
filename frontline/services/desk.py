"""The desk: one signed-in helpdesk session, the entry point screens and the CLI call.

It wraps a `Helpdesk` with the logic that is not vendor-specific: paging a whole view, loading a
ticket and its conversation together, remembering who "me" is, and sending writes through the outbox
(`services.outbox`). UI code calls this, never adapters.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Iterable, Sequence

from frontline.domain.assignment import Assignee, StatusChoice, label_authors
from frontline.domain.clock import Clock, utc_now
from frontline.domain.drafts import Draft
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
from frontline.domain.ports import ConnectionState, Helpdesk, HelpdeskCapabilities, OutboxRepository
from frontline.domain.priority import interactive_work
from frontline.domain.shift import WritePurpose
from frontline.domain.ticket_reference import ticket_reference
from frontline.errors import FrontlineError, NotFound, PartiallyApplied, Unsupported, ValidationFailed
from frontline.services.outbox import MemoryOutbox, Outbox
from frontline.services.paging import PageGuard
from frontline.services.refresh_budget import DEFAULT_REFRESH_BUDGET, RefreshBudget

_SUBJECTS_KEPT = 1_000

ProgressCallback = Callable[[int], None]
TicketListener = Callable[[Ticket], None]


class Desk:
    """A helpdesk session for one profile.

    Args:
        adapter: the connected helpdesk.
        profile_name: shown in the status bar and used to key local state (drafts).
        view_ids: the profile's chosen views, in order; empty means every view the helpdesk lists.
        clock: the source of "now" for SLA and age.
        outbox: where writes are recorded before they are sent (opened on the first write); in memory
            when not given.
        refresh_budget: requests a minute automatic refreshes may use (the profile's
            `refresh_budget_per_minute`); lowered by itself while the helpdesk rate limits.
    """

    def __init__(
        self,
        adapter: Helpdesk,
        *,
        profile_name: str,
        view_ids: Sequence[str] = (),
        clock: Clock = utc_now,
        outbox: Callable[[], OutboxRepository] | None = None,
        refresh_budget: int = DEFAULT_REFRESH_BUDGET,
    ) -> None:
        self.adapter = adapter
        self.profile_name = profile_name
        self.view_ids = tuple(view_ids)
        self.clock = clock
        self.refresh_budget = RefreshBudget(refresh_budget, clock=clock)
        self.me: Person | None = None
        self._listeners: list[TicketListener] = []
        self._subjects: dict[str, str] = {}
        """Subjects of the tickets opened lately, for the journal line of a write to them."""
        self.pages_per_view: dict[str, int] = {}
        """How many requests a full load of each view took last time (for the refresh budget)."""
        memory = MemoryOutbox()
        self.outbox = Outbox(
            adapter,
            outbox or (lambda: memory),
            profile=profile_name,
            clock=clock,
            whoami=self.whoami,
            read_thread=self.open_ticket,
        )

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
        if self.view_ids:
            by_id = {view.id: view for view in views}
            views = [by_id[view_id] for view_id in self.view_ids if view_id in by_id]
        return _single_group_titles(views)

    def notices(self) -> list[str]:
        """What the last `views()` left out and why (a desk without agent rights), for the CLI and UI."""
        return list(self.adapter.notices())

    async def load_view(
        self, view_id: str, *, on_progress: ProgressCallback | None = None, limit: int | None = None
    ) -> list[Ticket]:
        """Every ticket of a view, following the helpdesk's pagination to the end (or `limit`).

        Raises:
            MalformedResponse: the helpdesk repeats a cursor or never stops saying there are more pages.
        """
        tickets: list[Ticket] = []
        cursor: str | None = None
        page_size = self.capabilities.max_page_size
        pages = 0
        guard = PageGuard(self.helpdesk_name)
        while True:
            page = await self.adapter.list_view_tickets(view_id, cursor, page_size)
            pages += 1
            tickets.extend(page.items)
            if on_progress is not None:
                on_progress(len(tickets))
            cursor = guard.next(page.next_cursor)  # ends a helpdesk that keeps saying "more"
            if cursor is None:
                self.pages_per_view[view_id] = pages  # a whole load: what a refresh will cost
                break
            if limit is not None and len(tickets) >= limit:
                break
        return tickets[:limit] if limit is not None else tickets

    def refresh_seconds(self, view_id: str, configured: int) -> int:
        """How long to wait between automatic refreshes of a view.

        A full reload costs one request per page, and helpdesk rate limits are per account (Zendesk Team
        allows 200 requests a minute for everyone). Automatic refreshes stay within `refresh_budget`,
        which halves when the helpdesk answers 429, so a huge view refreshes less often than a small one.
        """
        pages = self.pages_per_view.get(view_id, 1)
        per_minute = self.refresh_budget.current(self.adapter.rate_limit_hits)
        budget_seconds = math.ceil(pages * 60 / per_minute)
        return max(configured, budget_seconds)

    @interactive_work
    async def open_ticket(self, ticket_id: str) -> TicketThread:
        """A ticket and its whole conversation, oldest first, fetched concurrently.

        Where the helpdesk keeps the description apart from the comments (JSM), it is shown as the
        opening message from the requester, as the customer wrote it.
        """
        ticket, comments = await asyncio.gather(
            self.adapter.get_ticket(ticket_id), self.adapter.list_comments(ticket_id)
        )
        thread = label_authors(ticket, list(comments))
        if not self.capabilities.description_in_comments and ticket.description.strip():
            opening = Comment(
                id=f"{ticket.id}:description",
                author=ticket.requester,
                body=ticket.description,
                public=True,
                created_at=ticket.created_at,
            )
            thread.insert(0, opening)
        self._remember_subject(ticket)
        return TicketThread(ticket=ticket, comments=tuple(thread))

    def _remember_subject(self, ticket: Ticket) -> None:
        self._subjects.pop(ticket.id, None)
        self._subjects[ticket.id] = ticket.subject
        while len(self._subjects) > _SUBJECTS_KEPT:
            self._subjects.pop(next(iter(self._subjects)))

    async def whoami(self) -> Person:
        """The signed-in agent, asked of the helpdesk once."""
        return self.me if self.me is not None else await self.connect()

    @interactive_work
    async def submit(
        self,
        ticket_id: str,
        update: TicketUpdate,
        *,
        draft: Draft | None = None,
        known_comment_ids: Iterable[str] = (),
        queue_if_unreachable: bool = False,
        purpose: WritePurpose = WritePurpose.REPLY,
        entry_id: str | None = None,
    ) -> Ticket:
        """Send a reply or note and field changes as one write, through the outbox; returns the ticket.

        The write is on disk before it is sent, and settled from the helpdesk's answer or, when the answer
        is lost or garbled, from a read-back of the ticket (its author, visibility, time and text), so a
        reply is sent once. `draft` is the draft it came from: it leaves the drafts in the same transaction
        and comes back if the write did not land. `known_comment_ids` are the comments already on the
        ticket when the engineer wrote (none of them can be this write). With `queue_if_unreachable` (the
        console) a write made while the helpdesk cannot be reached waits in the outbox (`outbox.flush`).
        `purpose` goes to the write's shift journal line; `entry_id` names the outbox entry (a handoff
        post keeps it to find the write again).

        Raises:
            WriteQueued: it waits in the outbox and goes out once when the helpdesk is back.
            PartiallyApplied: part of it landed (the reply) and the rest did not (the status change).
            WriteOutcomeUnknown: nobody can tell yet; it stays in the outbox and is checked later.
            NotSent: a read-back shows it did not arrive; sending again is safe.
            FrontlineError: the helpdesk refused it (conflict, validation, auth ...); it did not land.
        """
        try:
            ticket = await self.outbox.submit(
                ticket_id,
                update,
                draft=draft,
                known_comment_ids=known_comment_ids,
                queue_if_unreachable=queue_if_unreachable,
                subject=self._subjects.get(ticket_id, ""),
                purpose=purpose.value,
                entry_id=entry_id,
            )
        except PartiallyApplied:
            await self._announce_fresh(ticket_id)
            raise
        return self._changed(ticket)

    async def _announce_fresh(self, ticket_id: str) -> None:
        """After a partial write, tell listeners how the ticket looks now (if it can be read)."""
        try:
            thread = await self.open_ticket(ticket_id)
        except FrontlineError:
            return
        self._changed(thread.ticket)

    def _changed(self, ticket: Ticket) -> Ticket:
        for listener in list(self._listeners):
            listener(ticket)
        return ticket

    @interactive_work
    async def create_followup(self, ticket_id: str, body: str, *, public: bool) -> Ticket:
        """Open a follow-up to closed ticket `ticket_id` carrying `body` (what a closed ticket refused).

        Raises:
            Unsupported: the helpdesk has no follow-up tickets.
            WriteOutcomeUnknown: the answer was lost; look for the follow-up before creating another.
        """
        ticket = await self.adapter.create_followup(ticket_id, body, public)
        self._remember_subject(ticket)
        return ticket

    async def macros(self) -> list[Macro]:
        if not self.capabilities.macros:
            return []
        return await self.adapter.list_macros()

    @interactive_work
    async def preview_macro(self, ticket_id: str, macro_id: str) -> MacroPreview:
        return await self.adapter.preview_macro(ticket_id, macro_id)

    async def requester_tickets(self, ticket: Ticket, limit: int = 5) -> list[Ticket]:
        """The requester's other open tickets, newest first (`Helpdesk.requester_tickets`)."""
        return await self.adapter.requester_tickets(ticket, limit)

    @interactive_work
    async def status_choices(self, ticket: Ticket) -> list[StatusChoice]:
        """The statuses the ticket can go to now, in the helpdesk's words (`Helpdesk.status_choices`)."""
        return await self.adapter.status_choices(ticket)

    @interactive_work
    async def assignees(self, ticket: Ticket, query: str = "") -> list[Assignee]:
        """Agents and groups the ticket can be assigned to (`Helpdesk.assignees`)."""
        if not self.capabilities.assign:
            return []
        return await self.adapter.assignees(ticket, query)

    @interactive_work
    async def search(self, query: str, limit: int = 100) -> list[Ticket]:
        """The helpdesk's search for `query` (`Helpdesk.search_tickets`); refused when it has none.

        Raises:
            Unsupported: the helpdesk cannot search.
            ValidationFailed: the helpdesk refused the query.
        """
        if not self.capabilities.search:
            raise Unsupported(f"{self.helpdesk_name} cannot search tickets from frontline.")
        return await self.adapter.search_tickets(query, limit)

    @interactive_work
    async def find_ticket(self, reference: str) -> Ticket:
        """The ticket `reference` names (`4521`, `#4521`, `CS-12`, a ticket URL), from the helpdesk even
        when no loaded view holds it.

        Raises:
            NotFound: `reference` names no ticket, or the helpdesk has none by that id.
        """
        ticket_id = ticket_reference(reference)
        if ticket_id is None:
            raise NotFound(f'"{reference.strip()}" is not a ticket number, key or link.', "No such ticket")
        try:
            return await self.adapter.get_ticket(ticket_id)
        except (NotFound, ValidationFailed):
            message = f"{self.helpdesk_name} has no ticket {ticket_id} that you can see."
            raise NotFound(message, "No such ticket") from None

    async def close(self) -> None:
        await self.adapter.aclose()


def _single_group_titles(views: list[View]) -> list[View]:
    """Views all from one group (one JSM service desk) go by their short titles: the prefix says nothing
    and would push queues off the tab bar."""
    groups = {view.group for view in views}
    if len(groups) != 1 or None in groups:
        return views
    return [
        view.model_copy(update={"title": view.short_title}) if view.short_title else view for view in views
    ]
