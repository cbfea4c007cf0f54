"""The local stores' contracts: drafts, the outbox, escalations, seen state, the cache (`frontline.store`).

Re-exported by `frontline.domain.ports`, where services import them from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from frontline.domain.drafts import Draft, DraftKind
from frontline.domain.escalation import EscalationFields, EscalationRecord
from frontline.domain.models import Person, Ticket, TicketThread, View
from frontline.domain.outbox import OutboxEntry
from frontline.domain.seen import SeenState

if TYPE_CHECKING:  # annotations only: the cached values load with the store
    from frontline.domain.cached import CachedQueue, CachedThread, CachedViewTickets

__all__ = [
    "CacheRepository",
    "DraftRepository",
    "EscalationRepository",
    "OutboxRepository",
    "SeenRepository",
]


class DraftRepository(Protocol):
    """Where unsent replies and notes are kept, one of each kind per profile and ticket
    (`frontline.store.drafts`)."""

    def put(self, draft: Draft) -> None:
        """Insert or replace the ticket's draft of `draft.kind`.

        Raises:
            StoreError: the local database failed.
        """

    def load(self, profile: str, ticket_id: str, kind: DraftKind | None = None) -> Draft | None:
        """The saved draft of `kind` (without one, the newest of either), or None.

        Raises:
            StoreError: the local database failed.
        """

    def delete(self, profile: str, ticket_id: str, kind: DraftKind | None = None) -> bool:
        """Remove the draft of `kind` (without one, both); True when there was one.

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


class SeenRepository(Protocol):
    """What the engineer has seen of each ticket, per profile (`frontline.store.seen`): the queue's markers
    and the customer replies already announced survive a restart."""

    def load(self, profile: str) -> list[SeenState]:
        """Every ticket's stored state (read once, off the UI thread, when the console starts).

        Raises:
            StoreError: the local database failed.
        """

    def put_many(self, profile: str, states: Sequence[SeenState]) -> None:
        """Insert or replace these states in one transaction (a 50,000-ticket baseline is one write).

        Raises:
            StoreError: the local database failed; nothing was written.
        """


class CacheRepository(Protocol):
    """The local copy of a profile's views, their tickets and the conversations read
    (`frontline.store.cache`): what the console paints before the network answers, and offline."""

    def load_queue(self, profile: str) -> CachedQueue | None:
        """The views, the tickets of the view last shown (else the first cached) and "me"; None when
        nothing is cached for the profile.

        Raises:
            StoreError: the local database failed.
        """

    def load_view(self, profile: str, view_id: str) -> CachedViewTickets | None:
        """One view's cached tickets in the helpdesk's order, or None.

        Raises:
            StoreError: the local database failed.
        """

    def save_views(self, profile: str, views: Sequence[View], counts: dict[str, int]) -> None:
        """Replace the view list (tickets of views no longer listed are dropped), in one transaction.

        Raises:
            StoreError: the local database failed; nothing was written.
        """

    def save_view(self, profile: str, view_id: str, tickets: Sequence[Ticket], synced_at: datetime) -> None:
        """Replace a view's tickets and its sync time in one transaction (50,000 tickets: one commit).

        Raises:
            StoreError: the local database failed; the previous copy is kept.
        """

    def save_view_time(self, profile: str, view_id: str, synced_at: datetime) -> None:
        """A load brought the tickets already cached: only the time they were confirmed moves.

        Raises:
            StoreError: the local database failed.
        """

    def load_thread(self, profile: str, ticket_id: str) -> CachedThread | None:
        """The conversation as last read, or None.

        Raises:
            StoreError: the local database failed.
        """

    def thread_ids(self, profile: str) -> set[str]:
        """The tickets whose conversation is cached (a small read: at most the kept cap of ids).

        Raises:
            StoreError: the local database failed.
        """

    def save_thread(self, profile: str, thread: TicketThread, read_at: datetime) -> None:
        """Keep a conversation just read (the oldest beyond the cap are forgotten).

        Raises:
            StoreError: the local database failed.
        """

    def save_me(self, profile: str, me: Person) -> None:
        """Remember the signed-in agent, so writes can be queued offline from the start.

        Raises:
            StoreError: the local database failed.
        """

    def save_shown_view(self, profile: str, view_id: str) -> None:
        """Remember the view on screen: the next start paints it first (`load_queue`'s `first`).

        Raises:
            StoreError: the local database failed.
        """

    def apply_write(self, profile: str, ticket: Ticket, left_views: Sequence[str]) -> None:
        """A local write changed `ticket`: replace it in every cached view and thread, and drop it from
        `left_views`, in one transaction.

        Raises:
            StoreError: the local database failed.
        """
