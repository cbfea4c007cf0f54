"""What the engineer has looked at, shared by every view: the source of the "new" and "changed" markers,
and of the mark on tickets the previous shift's handoff named until they are opened."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from frontline.domain.models import Ticket

Marker = Literal["new", "changed", "handoff"]


class SeenTickets:
    """When the engineer last looked at each ticket (its `updated_at` then), shared by every view.

    A ticket never seen is "new"; one whose `updated_at` moved since is "changed since you looked".
    """

    def __init__(self) -> None:
        self._seen: dict[str, datetime] = {}
        self._named: set[str] = set()
        """Tickets the previous shift's handoff named, not opened since: marked until they are."""

    def name_in_handoff(self, ticket_ids: Iterable[str]) -> None:
        """Mark these tickets as named by the previous shift's handoff until the engineer opens them."""
        self._named.update(ticket_ids)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._seen

    def mark(self, ticket: Ticket) -> None:
        """The engineer looked at `ticket` as it is now (opened it, or changed it themselves)."""
        self._seen[ticket.id] = ticket.updated_at
        self._named.discard(ticket.id)

    def baseline(self, tickets: Iterable[Ticket]) -> None:
        """Treat tickets met for the first time on a view's first load as seen: nothing is new yet."""
        seen = self._seen
        for ticket in tickets:
            seen.setdefault(ticket.id, ticket.updated_at)

    def marker(self, ticket: Ticket) -> Marker | None:
        if ticket.id in self._named:
            return "handoff"
        looked = self._seen.get(ticket.id)
        if looked is None:
            return "new"
        return "changed" if ticket.updated_at > looked else None
