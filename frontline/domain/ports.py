"""The contracts the domain needs from the outside world: helpdesk, bug tracker, local stores, clock.

Connectors (`frontline.connectors.*`) and stores (`frontline.store`) implement these and import only the
domain; services depend on these and never on a concrete class. Capabilities are data, not subclasses:
callers ask `helpdesk.capabilities.internal_notes`, never `isinstance(helpdesk, ZendeskAdapter)`. Optional
operations have safe defaults that raise `Unsupported`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from frontline.domain.assignment import Assignee, StatusChoice, category_choices
from frontline.domain.clock import Clock, utc_now
from frontline.domain.escalation import Bug, BugReport, TicketRef
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
from frontline.domain.repositories import DraftRepository, EscalationRepository, OutboxRepository
from frontline.domain.watermark import ViewChanges
from frontline.errors import Unsupported

__all__ = [
    "Clock",
    "ConnectionState",
    "DraftRepository",
    "EscalationRepository",
    "Helpdesk",
    "HelpdeskCapabilities",
    "OutboxRepository",
    "Tracker",
    "TrackerCapabilities",
    "utc_now",
]


class ConnectionState(StrEnum):
    """What the last request said about the connection, for the status bar."""

    UNKNOWN = "unknown"
    ONLINE = "online"
    OFFLINE = "offline"
    RATE_LIMITED = "rate-limited"
    SIGNED_OUT = "not signed in"
    SERVER_ERROR = "helpdesk error"
    """The server answered, with a 5xx: up but failing, not a network problem."""


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
    delta_after_full: bool = False
    """A full load is followed by one `view_changes` at once: the delta reads beyond the view (JSM reads
    its project's changes), and learns here which newer requests are outside it, not on the next refresh."""
    followups: bool = False
    """A closed ticket takes no more writes, but a follow-up ticket linked to it can (`create_followup`)."""


class Helpdesk(ABC):
    """A connection to one helpdesk account. Every method may raise the `frontline.errors` classes
    (`AuthError`, `PermissionDenied`, `NotFound`, `ConflictError`, `ValidationFailed`, `RateLimited`,
    `Unavailable`, `WriteOutcomeUnknown` for writes, `MalformedResponse`); `Raises:` names the ones a
    caller is expected to handle specially."""

    kind: ClassVar[str]
    display_name: ClassVar[str]
    capabilities: ClassVar[HelpdeskCapabilities]

    @property
    @abstractmethod
    def connection_state(self) -> ConnectionState:
        """What the last request said about the connection (online, offline, rate-limited ...)."""

    @property
    def rate_limit_hits(self) -> int:
        """How many times the helpdesk has answered "too many requests" (429) since the start; refresh
        budgets shrink when it grows."""
        return 0

    def notices(self) -> list[str]:
        """What the last `list_views` left out that the agent should know, one sentence each (a JSM desk
        where the account is only a customer); empty when nothing was left out."""
        return []

    @abstractmethod
    async def whoami(self) -> Person:
        """The signed-in agent; used to validate credentials and to resolve "assign to me".

        Raises:
            AuthError: the credentials were refused.
            Unavailable: the helpdesk could not be reached.
        """

    @abstractmethod
    async def list_views(self) -> list[View]:
        """The views (or queues) the agent can work from, in the helpdesk's own order.

        Raises:
            PermissionDenied: the account may not list views.
        """

    @abstractmethod
    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        """One page of the tickets in a view; pass the returned `next_cursor` to continue.

        Raises:
            NotFound: the view does not exist or is not visible.
        """

    async def view_changes(self, view_id: str, since: datetime, known: Mapping[str, datetime]) -> ViewChanges:
        """The view's tickets updated since `since`, newest first (`domain.watermark`); `known` holds the
        id and `updated_at` of each ticket the caller has, so unchanged ones cost nothing.

        Raises:
            Unsupported: the helpdesk cannot list a view by update time (the caller reloads in full).
            NotFound: the view does not exist or is not visible.
        """
        raise Unsupported(f"{self.display_name} cannot list a view by update time.")

    @abstractmethod
    async def get_ticket(self, ticket_id: str) -> Ticket:
        """One ticket with its people resolved.

        Raises:
            NotFound: no such ticket.
        """

    @abstractmethod
    async def list_comments(self, ticket_id: str) -> list[Comment]:
        """The whole conversation, oldest first, public replies and internal notes alike.

        Raises:
            NotFound: no such ticket.
        """

    @abstractmethod
    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        """Apply a comment and field changes in one write and return the ticket as it is now.

        Raises:
            ConflictError: the ticket changed since `update.revision` (the caller keeps its draft).
            ValidationFailed: the helpdesk refused a field value.
            WriteOutcomeUnknown: the connection failed after sending; the write may have landed.
        """

    async def status_choices(self, ticket: Ticket) -> list[StatusChoice]:
        """The statuses `ticket` can be put in now, in the helpdesk's words and order (Zendesk: its
        statuses, custom ones included; JSM: the issue's workflow transitions). By default the
        capability's categories.

        Raises:
            NotFound: no such ticket.
        """
        return category_choices(self.capabilities.statuses)

    async def assignees(self, ticket: Ticket, query: str = "") -> list[Assignee]:
        """Agents (and groups, where the helpdesk has them) `ticket` can be assigned to, matching `query`
        when one is given; empty when the helpdesk cannot say.

        Raises:
            PermissionDenied: the account may not list agents.
        """
        return []

    async def view_count(self, view_id: str) -> int | None:
        """How many tickets a view holds, or None when unknown or still being computed.

        Raises:
            NotFound: the view does not exist or is not visible.
        """
        return None

    async def list_macros(self) -> list[Macro]:
        """Active macros usable by the agent; empty when the helpdesk has none.

        Raises:
            PermissionDenied: the account may not read macros.
        """
        return []

    async def preview_macro(self, ticket_id: str, macro_id: str) -> MacroPreview:
        """What a macro would change on a ticket, without changing anything.

        Raises:
            Unsupported: this helpdesk has no macros.
        """
        raise Unsupported(f"{self.display_name} has no macros.")

    async def create_followup(self, ticket_id: str, body: str, public: bool) -> Ticket:
        """A new ticket following up closed ticket `ticket_id` (same requester), opened with `body` as a
        public reply or an internal note; returns the new ticket.

        Raises:
            Unsupported: this helpdesk has no follow-up tickets (`capabilities.followups`).
            WriteOutcomeUnknown: the answer was lost; the follow-up may exist.
        """
        raise Unsupported(f"{self.display_name} has no follow-up tickets.")

    async def requester_tickets(self, ticket: Ticket, limit: int = 5) -> list[Ticket]:
        """The requester's other open tickets (not solved or closed, not `ticket`), newest first.

        Raises:
            PermissionDenied: the account may not list the requester's tickets.
        """
        return []

    async def search_tickets(self, query: str, limit: int = 100) -> list[Ticket]:
        """Tickets matching `query` in the helpdesk's own search language (Zendesk search syntax, JQL
        for Jira Service Management), in the helpdesk's order, at most `limit`. Search indexes lag
        writes by a little; the results are for finding, not for deciding.

        Raises:
            Unsupported: this helpdesk cannot search (`capabilities.search`).
            ValidationFailed: the helpdesk refused the query (the message is the helpdesk's own).
        """
        raise Unsupported(f"{self.display_name} cannot search tickets from frontline.")

    def use_token(self, token: str) -> None:
        """Sign in again mid-shift with a new token, keeping the connection, caches and queued writes.

        Raises:
            Unsupported: this connector cannot change its credentials in place.
        """
        raise Unsupported(f"{self.display_name} cannot sign in again without a restart.")

    async def aclose(self) -> None:
        """Release the HTTP connection pool.

        Raises:
            Nothing: closing twice or after a failure is safe.
        """
        return None


@dataclass(frozen=True)
class TrackerCapabilities:
    """What a connected bug tracker can do; the escalation form offers only these fields."""

    labels: bool = True
    """Labels stick (GitHub drops them without push access: the connector says so here once it knows)."""
    components: bool = False
    priority: bool = False
    remote_links: bool = False
    """Jira: a link object on the issue pointing back at the ticket (upserted by `globalId`)."""
    comments: bool = True
    similar: bool = True
    """`similar_bugs` searches the tracker."""


class Tracker(ABC):
    """One bug tracker project or repository (Jira, GitHub); raises `frontline.errors` like `Helpdesk`."""

    kind: ClassVar[str]
    display_name: ClassVar[str]
    capabilities: ClassVar[TrackerCapabilities]

    @property
    @abstractmethod
    def connection_state(self) -> ConnectionState:
        """What the last request said about the connection."""

    @abstractmethod
    async def find_bug_for_ticket(
        self, ticket: TicketRef, *, known: Sequence[str] = (), settle: bool | None = None
    ) -> Bug | None:
        """The issue already filed for `ticket`, found through consistent reads (its label, a remote link's
        globalId, a body marker), never a search index alone. `known`: issue keys the caller has for the
        ticket (checked directly); `settle`: a create may have been sent moments ago, so a lagging index
        is given time to settle before saying there is none.

        Raises:
            Unavailable: the tracker could not be asked; the caller must not create blindly.
        """

    @abstractmethod
    async def create_bug(self, report: BugReport) -> Bug:
        """File `report` as a new issue and return it (with the labels the tracker kept).

        Raises:
            ValidationFailed: the tracker refused a field (a required field is missing, say).
            WriteOutcomeUnknown: the connection failed after sending; the issue may exist: look again
                with `find_bug_for_ticket` before creating another.
        """

    @abstractmethod
    async def link_ticket(self, bug: Bug, ticket: TicketRef) -> None:
        """Link `bug` back to the ticket (Jira: a remote link upserted by globalId, plus an issue link when
        the helpdesk is JSM on the same site). Safe to repeat.

        Raises:
            NotFound: the issue no longer exists.
        """

    @abstractmethod
    async def get_bug(self, key: str) -> Bug:
        """An issue's current state (for the queue's bug column and the handoff).

        Raises:
            NotFound: no such issue, or it is not visible.
        """

    async def similar_bugs(self, text: str, limit: int = 10) -> list[Bug]:
        """Open issues that look like `text`, best first (a search index: may lag; for suggestions only).

        Raises:
            Unavailable: the tracker could not be searched.
        """
        return []

    async def add_comment(self, key: str, body: str, *, document: dict[str, Any] | None = None) -> str | None:
        """Add Markdown `body` as a comment on issue `key`; return its browser URL when the tracker
        gives one. A tracker speaking ADF (Jira) sends `document` as it is instead of converting `body`.

        Raises:
            Unsupported: this tracker takes no comments from frontline.
            WriteOutcomeUnknown: the answer was lost; look with `find_comment` before posting again.
        """
        raise Unsupported(f"{self.display_name} cannot take comments from frontline.")

    async def find_comment(self, key: str, needle: str) -> str | None:
        """The URL (else the id) of the newest comment on `key` whose text contains `needle`, or None.

        Raises:
            Unsupported: this tracker cannot read comments from frontline.
            NotFound: no such issue.
        """
        raise Unsupported(f"{self.display_name} cannot read comments from frontline.")

    def use_token(self, token: str) -> None:
        """Sign in again with a new token; the next request uses it.

        Raises:
            Unsupported: this connector cannot change its credentials in place.
        """
        raise Unsupported(f"{self.display_name} cannot sign in again without a restart.")

    async def aclose(self) -> None:
        """Release the HTTP connection pool.

        Raises:
            Nothing: closing twice is safe.
        """
        return None
