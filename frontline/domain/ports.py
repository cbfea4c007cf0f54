"""The contracts the domain needs from the outside world: helpdesk, bug tracker, local stores, clock.

Connectors (`frontline.connectors.*`) and stores (`frontline.store`) implement these and import only the
domain; services depend on these and never on a concrete class. Capabilities are data, not subclasses:
callers ask `helpdesk.capabilities.internal_notes`, never `isinstance(helpdesk, ZendeskAdapter)`. Optional
operations have safe defaults that raise `Unsupported`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from frontline.domain.clock import Clock, utc_now
from frontline.domain.drafts import Draft
from frontline.domain.escalation import Bug, BugReport, EscalationFields, EscalationRecord, TicketRef
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
from frontline.domain.outbox import OutboxEntry
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


class DraftRepository(Protocol):
    """Where unsent replies and notes are kept, one per profile and ticket (`frontline.store.drafts`)."""

    def put(self, draft: Draft) -> None:
        """Insert or replace the ticket's draft.

        Raises:
            StoreError: the local database failed.
        """

    def load(self, profile: str, ticket_id: str) -> Draft | None:
        """The saved draft, or None.

        Raises:
            StoreError: the local database failed.
        """

    def delete(self, profile: str, ticket_id: str) -> bool:
        """Remove a draft; True when there was one.

        Raises:
            StoreError: the local database failed.
        """

    def list(self, profile: str) -> list[Draft]:
        """Every draft of a profile, newest first.

        Raises:
            StoreError: the local database failed.
        """


class OutboxRepository(Protocol):
    """Where writes are recorded before they are sent (`frontline.store.outbox`, or memory). A write from
    a draft takes the draft's place, and gives it back if it did not land, each in one transaction."""

    def record(self, entry: OutboxEntry, *, consume_draft: bool) -> None:
        """Insert `entry`; with `consume_draft`, delete the ticket's draft in the same transaction.

        Raises:
            StoreError: the local database failed; nothing was recorded and the draft is untouched.
        """

    def update(self, entry: OutboxEntry, *, restore_draft: bool = False) -> None:
        """Replace the entry; with `restore_draft`, put its draft back unless a newer one exists.

        Raises:
            StoreError: the local database failed.
        """

    def get(self, entry_id: str) -> OutboxEntry | None:
        """One entry by its identity.

        Raises:
            StoreError: the local database failed.
        """

    def unsettled(self, profile: str, ticket_id: str | None = None) -> list[OutboxEntry]:
        """Entries still queued, sending or unknown, oldest first.

        Raises:
            StoreError: the local database failed.
        """

    def recent(self, profile: str, limit: int = 50) -> list[OutboxEntry]:
        """The newest entries in any state, newest first.

        Raises:
            StoreError: the local database failed.
        """

    def for_ticket(self, profile: str, ticket_id: str) -> list[OutboxEntry]:
        """Every entry for one ticket, oldest first (to tell this write's comment from earlier ones).

        Raises:
            StoreError: the local database failed.
        """


class EscalationRepository(Protocol):
    """Where escalations are recorded (`frontline.store.escalations`): before each step, so a crash or a
    dropped connection never files a second bug; plus the form's drafts and the last target used."""

    def get(self, profile: str, ticket_id: str, target: str) -> EscalationRecord | None:
        """The ticket's escalation to `target`, if any.

        Raises:
            StoreError: the local database failed.
        """

    def for_ticket(self, profile: str, ticket_id: str) -> list[EscalationRecord]:
        """Every escalation of one ticket, oldest first.

        Raises:
            StoreError: the local database failed.
        """

    def all(self, profile: str) -> list[EscalationRecord]:
        """Every escalation of the profile, oldest first (the queue's bug column, the handoff).

        Raises:
            StoreError: the local database failed.
        """

    def put(self, record: EscalationRecord) -> None:
        """Insert or replace a record.

        Raises:
            StoreError: the local database failed.
        """

    def save_form(
        self, profile: str, ticket_id: str, target: str, fields: EscalationFields, saved_at: datetime
    ) -> None:
        """Keep the escalation form's fields for a ticket (restored when the form opens again).

        Raises:
            StoreError: the local database failed.
        """

    def load_form(self, profile: str, ticket_id: str) -> tuple[str, EscalationFields] | None:
        """The kept form (its target and fields), if any.

        Raises:
            StoreError: the local database failed.
        """

    def delete_form(self, profile: str, ticket_id: str) -> None:
        """Forget the kept form (it was filed or discarded).

        Raises:
            StoreError: the local database failed.
        """

    def last_target(self, profile: str) -> str | None:
        """The target the last escalation went to.

        Raises:
            StoreError: the local database failed.
        """

    def remember_target(self, profile: str, target: str) -> None:
        """Remember the target used last.

        Raises:
            StoreError: the local database failed.
        """
