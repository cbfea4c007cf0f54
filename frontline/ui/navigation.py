"""How the ticket screen asks the queue for the next and previous ticket (`J`/`K`)."""

from __future__ import annotations

from typing import Protocol


class TicketNeighbours(Protocol):
    """The order of tickets as the queue currently shows them (sorted and filtered)."""

    def next_ticket_id(self, ticket_id: str) -> str | None:
        """The ticket after `ticket_id`, or None at the end."""
        ...

    def previous_ticket_id(self, ticket_id: str) -> str | None:
        """The ticket before `ticket_id`, or None at the start."""
        ...
