"""The shift journal's and the handoff publications' stores: contracts the services depend on.

Kept beside `ports.py` (which holds the helpdesk, tracker, draft, outbox and escalation contracts) so
each file stays one screenful of contracts; `frontline.store.journal` and the in-memory versions in
`frontline.services.journal` implement them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from frontline.domain.publication import Publication
from frontline.domain.shift import JournalEntry, Shift


class ShiftJournal(Protocol):
    """Where shifts and their journal live. A write's journal line is recorded by the outbox repository in
    the same transaction as the write (`OutboxRepository.record`); everything else comes through here."""

    def current(self, profile: str) -> Shift | None:
        """The open shift, if any (one idle for `SHIFT_IDLE_GAP` is still returned; `append` ends it).

        Raises:
            StoreError: the local database failed.
        """

    def latest(self, profile: str, limit: int = 10) -> list[Shift]:
        """The newest shifts, open or ended, newest first.

        Raises:
            StoreError: the local database failed.
        """

    def get_shift(self, shift_id: str) -> Shift | None:
        """One shift by its identity.

        Raises:
            StoreError: the local database failed.
        """

    def start(self, profile: str, at: datetime, *, engineer: str = "", by: str = "command") -> Shift:
        """Start a shift at `at`, or return the one already open (ending it first when it went stale).

        Raises:
            StoreError: the local database failed.
        """

    def end(self, profile: str, at: datetime) -> Shift | None:
        """End the open shift at `at`; returns it ended, or None when none was open.

        Raises:
            StoreError: the local database failed.
        """

    def set_engineer(self, shift_id: str, engineer: str) -> None:
        """Name who is on the shift ("Ada Lovelace <ada@example.com>") once the helpdesk says.

        Raises:
            StoreError: the local database failed.
        """

    def last_activity(self, shift_id: str) -> datetime | None:
        """When the shift's newest line was recorded (None: no line yet).

        Raises:
            StoreError: the local database failed.
        """

    def append(self, entry: JournalEntry) -> JournalEntry:
        """Record one line in the open shift, starting one (the first action of the day) when none is
        open or the open one went stale; returns the line with its shift and id.

        Raises:
            StoreError: the local database failed; nothing was recorded.
        """

    def entries(
        self, profile: str, *, shift_id: str | None = None, since: datetime | None = None
    ) -> list[JournalEntry]:
        """The lines of one shift (or every line since `since`), oldest first, writes with their outbox
        state as it is now.

        Raises:
            StoreError: the local database failed.
        """

    def save_handoff(self, shift_id: str, document: str) -> None:
        """Keep the handoff written for a shift (JSON), for the next engineer's console.

        Raises:
            StoreError: the local database failed.
        """

    def handoff(self, shift_id: str) -> str | None:
        """The handoff kept for a shift, if one was written.

        Raises:
            StoreError: the local database failed.
        """


class PublicationRepository(Protocol):
    """Handoffs posted to destinations: recorded before each post, one per shift and destination."""

    def get(self, profile: str, shift_id: str, destination: str) -> Publication | None:
        """The shift's publication to `destination`, if one was attempted.

        Raises:
            StoreError: the local database failed.
        """

    def put(self, publication: Publication, *, journal: JournalEntry | None = None) -> None:
        """Insert or replace a publication; `journal` (the "published" line) goes in the same transaction.

        Raises:
            StoreError: the local database failed.
        """

    def for_shift(self, profile: str, shift_id: str) -> list[Publication]:
        """Every publication of a shift, oldest first.

        Raises:
            StoreError: the local database failed.
        """
