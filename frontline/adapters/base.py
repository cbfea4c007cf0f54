"""The contract every helpdesk adapter fulfils.

Capabilities are data, not subclasses: the UI asks `adapter.capabilities.internal_notes`, never
`isinstance(adapter, ZendeskAdapter)`. Optional operations have safe defaults that raise `Unsupported`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from frontline.domain.models import (
    Comment,
    Macro,
    MacroPreview,
    Page,
    Person,
    Priority,
    Status,
    Ticket,
    TicketUpdate,
    View,
)
from frontline.errors import Unsupported


@dataclass(frozen=True)
class HelpdeskCapabilities:
    """What a connected helpdesk can do; the UI hides actions that are not listed here."""

    internal_notes: bool = True
    macros: bool = False
    assign: bool = True
    tags: bool = True
    priorities: bool = True
    sla: bool = False
    safe_update: bool = False
    search: bool = False
    description_in_comments: bool = True
    """Zendesk's first comment is the description; JSM keeps it apart, so the desk shows it first."""
    statuses: tuple[Status, ...] = field(
        default=(Status.OPEN, Status.PENDING, Status.HOLD, Status.SOLVED),
    )
    priority_values: tuple[Priority, ...] = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)
    max_page_size: int = 100


class HelpdeskAdapter(ABC):
    """A connection to one helpdesk account, speaking its REST API over one `httpx.AsyncClient`.

    Every method may raise the `frontline.errors` classes produced by `frontline.adapters.http`:
    `AuthError`, `PermissionDenied`, `NotFound`, `ConflictError`, `ValidationFailed`, `RateLimited`,
    `Unavailable` (`WriteOutcomeUnknown` for writes), `MalformedResponse`.
    """

    kind: ClassVar[str]
    display_name: ClassVar[str]
    capabilities: ClassVar[HelpdeskCapabilities]

    @abstractmethod
    async def whoami(self) -> Person:
        """The signed-in agent; used to validate credentials and to resolve "assign to me"."""

    @abstractmethod
    async def list_views(self) -> list[View]:
        """The views (or queues) the agent can work from, in the helpdesk's own order."""

    @abstractmethod
    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        """One page of the tickets in a view; pass the returned `next_cursor` to continue.

        Raises:
            NotFound: the view does not exist or is not visible.
        """

    @abstractmethod
    async def get_ticket(self, ticket_id: str) -> Ticket:
        """One ticket with its people resolved.

        Raises:
            NotFound: no such ticket.
        """

    @abstractmethod
    async def list_comments(self, ticket_id: str) -> list[Comment]:
        """The whole conversation, oldest first, public replies and internal notes alike."""

    @abstractmethod
    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        """Apply a comment and field changes in one write and return the ticket as it is now.

        Raises:
            ConflictError: the ticket changed since `update.revision` (the caller keeps its draft).
            ValidationFailed: the helpdesk refused a field value.
            WriteOutcomeUnknown: the connection failed after sending; the write may have landed.
        """

    async def view_count(self, view_id: str) -> int | None:
        """How many tickets a view holds, or None when unknown or still being computed."""
        return None

    async def list_macros(self) -> list[Macro]:
        """Active macros usable by the agent; empty when the helpdesk has none."""
        return []

    async def preview_macro(self, ticket_id: str, macro_id: str) -> MacroPreview:
        """What a macro would change on a ticket, without changing anything.

        Raises:
            Unsupported: this helpdesk has no macros.
        """
        raise Unsupported(f"{self.display_name} has no macros.")

    async def aclose(self) -> None:
        """Release the HTTP connection pool."""
        return None
