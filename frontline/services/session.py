"""A profile's object graph as one value: what the console and the CLI work with.

Built only by `frontline.bootstrap` (the composition root), which knows the concrete connectors and stores;
everything here is typed by the domain's ports, so the UI depends on this module and never on bootstrap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from frontline.config import Settings
from frontline.domain.clock import Clock
from frontline.domain.journal_ports import PublicationRepository, ShiftJournal
from frontline.domain.ports import DraftRepository, EscalationRepository, Helpdesk, OutboxRepository
from frontline.domain.repositories import CacheRepository, SeenRepository
from frontline.domain.shift import write_entry
from frontline.errors import StoreError
from frontline.services.cache import QueueCache
from frontline.services.desk import Desk
from frontline.services.escalation import Escalations, MemoryEscalations
from frontline.services.journal import MemoryJournal, ShiftLog
from frontline.services.outbox import MemoryOutbox

if TYPE_CHECKING:  # the handoff and publishing stacks load when a handoff is first written or posted
    from frontline.services.handoff import HandoffWriter
    from frontline.services.publishing import Publisher

DEFAULT_SLA_HORIZON = timedelta(hours=4)
"""The handoff's default look-ahead for SLAs at risk (`frontline.domain.handoff` has the same value)."""


class Closable(Protocol):
    """A local resource (the SQLite store) the session closes on exit."""

    def close(self) -> None: ...


@dataclass(frozen=True)
class LocalStores:
    """The local database's repositories, opened together (one SQLite file, shared transactions)."""

    drafts: DraftRepository
    outbox: OutboxRepository
    escalations: EscalationRepository = field(default_factory=lambda: MemoryEscalations())
    journal: ShiftJournal | None = None
    """The shift journal (None: kept in memory with the session's in-memory outbox)."""
    publications: PublicationRepository | None = None
    closable: Closable | None = None
    seen: SeenRepository | None = None
    """What the engineer has seen of each ticket (None: kept in memory, lost at exit)."""
    cache: CacheRepository | None = None
    """The views, tickets and conversations last read (None: nothing is cached)."""


@dataclass
class Session:
    """One profile's object graph: the helpdesk and its desk, escalations, local stores and clock.

    The local database is opened on first use (`drafts`, or the first write through the outbox), so a
    command that never needs it (`queue`, `show`) never touches the disk, and a database that cannot be
    opened is reported once (`store_error`) while the rest keeps working: writes then go through an
    outbox in memory.
    """

    profile_name: str
    settings: Settings
    helpdesk: Helpdesk
    desk: Desk
    clock: Clock
    data_dir: Path
    open_stores: Callable[[], LocalStores]
    """Opens the local repositories; called once, on first use."""
    escalations: Escalations | None = None
    """Filing bugs in the profile's trackers; None until the composition root wires it."""
    renew_token: Callable[[str], str] | None = None
    """Signs in again mid-shift with a new token: keeps it where the profile's tokens live (the keyring)
    and hands it to the helpdesk connection; returns a sentence saying where it went. Blocking (keyring):
    call it from a thread. None when this session cannot (the demo needs no sign-in)."""
    publisher_factory: Callable[[], Publisher] | None = None
    """Builds the handoff publisher on first use (`publisher`); None until the composition root wires it."""
    sla_horizon: timedelta = DEFAULT_SLA_HORIZON
    """How far ahead the handoff looks for SLAs at risk (the profile's `handoff.sla_horizon_hours`)."""
    store_error: StoreError | None = None
    _stores: LocalStores | None = None
    _stores_opened: bool = False
    _memory_outbox: MemoryOutbox = field(default_factory=MemoryOutbox)
    _memory_escalations: MemoryEscalations = field(default_factory=MemoryEscalations)
    _memory_journal: MemoryJournal | None = None
    _closables: list[Closable] = field(default_factory=list)
    _shift: ShiftLog | None = None
    _cache: QueueCache | None = None
    _publisher: Publisher | None = None
    _opening: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        memory = MemoryJournal(outbox_entry=self._memory_outbox.get)
        self._memory_journal = memory
        self._memory_outbox.journal = lambda entry: memory.append(write_entry(entry))

    def _local(self) -> LocalStores | None:
        with self._opening:  # the console's first read may open it in a thread while the UI asks too
            if not self._stores_opened:
                self._stores_opened = True
                try:
                    self._stores = self.open_stores()
                except StoreError as error:
                    self.store_error = error
                    return None
                if self._stores.closable is not None:
                    self._closables.append(self._stores.closable)
        return self._stores

    @property
    def drafts(self) -> DraftRepository | None:
        """The draft store, or None when the local database is unusable (see `store_error`)."""
        stores = self._local()
        return stores.drafts if stores is not None else None

    def outbox(self) -> OutboxRepository:
        """Where writes are recorded: the local database, or memory when it is unusable."""
        stores = self._local()
        return stores.outbox if stores is not None else self._memory_outbox

    def seen_state(self) -> SeenRepository | None:
        """Where the queue's seen state is kept: the local database, or None (memory) when unusable."""
        stores = self._local()
        return stores.seen if stores is not None else None

    @property
    def cache(self) -> QueueCache:
        """The local cache of views, tickets and conversations; it follows the desk's own writes."""
        if self._cache is None:

            def repository() -> CacheRepository | None:
                stores = self._local()
                return stores.cache if stores is not None else None

            self._cache = QueueCache(repository, profile=self.profile_name, clock=self.clock)
            self.desk.subscribe(self._cache.local_write)
        return self._cache

    def escalation_records(self) -> EscalationRepository:
        """Where escalations are recorded: the local database, or memory when it is unusable."""
        stores = self._local()
        return stores.escalations if stores is not None else self._memory_escalations

    def journal(self) -> ShiftJournal:
        """The shift journal: the local database, or memory when it is unusable (or not given)."""
        stores = self._local()
        if stores is not None and stores.journal is not None:
            return stores.journal
        assert self._memory_journal is not None
        return self._memory_journal

    def publications(self) -> PublicationRepository:
        """Where handoff posts are recorded before they are sent."""
        stores = self._local()
        if stores is not None and stores.publications is not None:
            return stores.publications
        assert self._memory_journal is not None
        return self._memory_journal

    @property
    def shift(self) -> ShiftLog:
        """The profile's shift: start, end, status, and the lines that are not writes."""
        if self._shift is None:
            self._shift = ShiftLog(
                self.journal, profile=self.profile_name, clock=self.clock, whoami=self.desk.whoami
            )
        return self._shift

    @property
    def publisher(self) -> Publisher | None:
        """Posts handoffs to the profile's destinations (built on first use); None when not wired."""
        if self._publisher is None and self.publisher_factory is not None:
            self._publisher = self.publisher_factory()
        return self._publisher

    @publisher.setter
    def publisher(self, publisher: Publisher | None) -> None:
        self._publisher = publisher

    @property
    def handoff(self) -> HandoffWriter:
        """Writes the shift's handoff from the journal and the tickets as they are now."""
        from frontline.services.handoff import HandoffWriter

        return HandoffWriter(
            self.desk,
            self.shift,
            self.escalation_records,
            escalations=self.escalations,
            clock=self.clock,
        )

    async def aclose(self) -> None:
        """Close HTTP clients and the database (after the cache's pending writes); safe to call twice."""
        if self._cache is not None:
            await self._cache.settle()
        await self.desk.close()
        if self.escalations is not None:
            await self.escalations.aclose()
        if self._publisher is not None:
            await self._publisher.aclose()
        while self._closables:
            self._closables.pop().close()
