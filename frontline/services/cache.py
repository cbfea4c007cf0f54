"""The local cache seen from the console: paint what was cached at once, keep it in step as data arrives.

Reads and writes of the cache run in a thread (`asyncio.to_thread`), writes one at a time in the order
they were asked for, so a 50,000-ticket view is written off the UI thread in one transaction. The cache is
best effort: when the local database fails, the console works as if nothing were cached (the failure is
kept in `error`, once). A write from this app (`Desk.subscribe`) updates the cached ticket and thread and
drops the ticket from cached views it has left, so a restart shows what the engineer just did.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import datetime
from typing import TYPE_CHECKING, Any

from frontline.domain.clock import Clock
from frontline.domain.models import Person, Ticket, TicketThread, View
from frontline.domain.queue_rules import no_longer_belongs
from frontline.domain.repositories import CacheRepository
from frontline.domain.sharing import reusing
from frontline.errors import StoreError

if TYPE_CHECKING:  # annotations only: the cached values load with the store
    from frontline.domain.cached import CachedQueue, CachedThread, CachedViewTickets

__all__ = ["QueueCache"]


class QueueCache:
    """One profile's cache of views, tickets and conversations.

    Args:
        repository: opens the cache store (the session's local database); None when it cannot be opened.
        profile: the profile the cached data belongs to.
        clock: stamps conversations as they are read.
    """

    def __init__(
        self, repository: Callable[[], CacheRepository | None], *, profile: str, clock: Clock
    ) -> None:
        self._open = repository
        self.profile = profile
        self.clock = clock
        self.views: list[View] = []
        """The views as last listed (to tell which ones a locally changed ticket has left)."""
        self.shown_at: datetime | None = None
        """When the cached queue painted at start was in step with the helpdesk (the offline banner)."""
        self.error: StoreError | None = None
        self._writes = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._signatures: dict[str, int] = {}
        self._read_back: dict[str, Sequence[Ticket]] = {}
        """Views' tickets as read from the cache, signed (`_signature`) by the first write after."""
        self._thread_ids: set[str] | None = None
        self._early_queue: Future[CachedQueue | None] | None = None
        self._shown: str | None = None

    def _repository(self) -> CacheRepository | None:
        if self.error is not None:
            return None
        try:
            return self._open()
        except StoreError as error:
            self.error = error
            return None

    async def _read(self, read: Callable[[CacheRepository], Any]) -> Any:
        repository = self._repository()
        if repository is None:
            return None
        try:
            return await asyncio.to_thread(read, repository)
        except StoreError as error:
            self.error = error
            return None

    # -- reading ---------------------------------------------------------------------------------------

    def read_queue_early(self) -> None:
        """Start reading the cached queue in a thread now, for `queue()`: the console asks before its UI
        starts, so the rows are read while Textual imports and mounts instead of after."""
        if self._early_queue is not None:
            return
        early: Future[CachedQueue | None] = Future()

        def read() -> None:
            try:
                repository = self._repository()
                early.set_result(repository.load_queue(self.profile) if repository is not None else None)
            except StoreError as error:
                self.error = error
                early.set_result(None)
            except BaseException as error:  # raised by `queue()`, as an ordinary read's would be
                early.set_exception(error)

        self._early_queue = early
        threading.Thread(target=read, name="frontline-cache-read", daemon=True).start()

    async def queue(self) -> CachedQueue | None:
        """The cached views and the first view's tickets; None when nothing is cached."""
        cached: CachedQueue | None
        if self._early_queue is not None:
            early, self._early_queue = self._early_queue, None
            # Read already (the usual case): no hop through the event loop, which may be painting.
            cached = early.result() if early.done() else await asyncio.wrap_future(early)
        else:
            cached = await self._read(lambda r: r.load_queue(self.profile))
        if cached is not None:
            self.views = [entry.view for entry in cached.views]
            if cached.first is not None:
                self._read_back[cached.first.view_id] = cached.first.tickets
                self.shown_at = cached.first.synced_at
        return cached

    async def view(
        self, view_id: str, *, share_with: Sequence[Sequence[Ticket]] = ()
    ) -> CachedViewTickets | None:
        """One view's cached tickets, or None. A ticket equal to one in `share_with` (the lists of views
        held already) is that one: a ticket in two views is held once (`domain.sharing.reusing`)."""
        held = list(share_with)

        def read(repository: CacheRepository) -> CachedViewTickets | None:
            with reusing(held):
                return repository.load_view(self.profile, view_id)

        cached: CachedViewTickets | None = await self._read(read)
        if cached is not None:
            self._read_back[view_id] = cached.tickets
        return cached

    def may_have_thread(self, ticket_id: str) -> bool:
        """Whether a conversation may be cached for the ticket: opening one that is not costs no thread
        hop. The ids (at most the store's cap) are read once, on the first call."""
        if self._thread_ids is None:
            repository = self._repository()
            try:
                self._thread_ids = repository.thread_ids(self.profile) if repository is not None else set()
            except StoreError as error:
                self.error, self._thread_ids = error, set()
        return ticket_id in self._thread_ids

    async def thread(self, ticket_id: str) -> CachedThread | None:
        """A conversation as last read, or None."""
        cached: CachedThread | None = await self._read(lambda r: r.load_thread(self.profile, ticket_id))
        return cached

    # -- writing (in the background, in order) ---------------------------------------------------------

    def remember_views(self, views: Sequence[View], counts: dict[str, int]) -> None:
        """Keep the view list and counts."""
        self.views = list(views)
        listed, known = list(views), dict(counts)
        self._write(lambda r: r.save_views(self.profile, listed, known))

    def remember_view(self, view_id: str, tickets: Sequence[Ticket], synced_at: datetime) -> None:
        """Keep a view's tickets as just loaded; skipped when they are what was last kept."""
        kept = list(tickets)
        read_back = self._read_back.pop(view_id, None)

        def save(repository: CacheRepository) -> None:
            if read_back is not None:  # the pages as read at start: a load finding the same writes none
                self._signatures[view_id] = _signature(read_back)
            signature = _signature(kept)
            if self._signatures.get(view_id) != signature:
                repository.save_view(self.profile, view_id, kept, synced_at)
                self._signatures[view_id] = signature
            else:  # the same tickets: only the time they were confirmed moves
                repository.save_view_time(self.profile, view_id, synced_at)

        self._write(save)

    def remember_thread(self, thread: TicketThread) -> None:
        """Keep a conversation just read."""
        read_at = self.clock()
        if self._thread_ids is not None:
            self._thread_ids.add(thread.ticket.id)
        self._write(lambda r: r.save_thread(self.profile, thread, read_at))

    def remember_shown(self, view_id: str) -> None:
        """Keep which view is on screen: the next start opens on it, not on the first tab."""
        if view_id != self._shown:
            self._shown = view_id
            self._write(lambda r: r.save_shown_view(self.profile, view_id))

    def remember_me(self, me: Person) -> None:
        """Keep who is signed in: writes made offline from the start need an author."""
        self._write(lambda r: r.save_me(self.profile, me))

    def local_write(self, ticket: Ticket) -> None:
        """A write from this app changed `ticket` (a `Desk` listener): update the cache to match."""
        left = [view.id for view in self.views if no_longer_belongs(ticket, view)]
        self._signatures.clear()  # the rows changed under them: the next load is written whole
        self._read_back.clear()
        self._write(lambda r: r.apply_write(self.profile, ticket, left))

    def _write(self, write: Callable[[CacheRepository], None]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a CLI command): nothing is cached
        task = loop.create_task(self._run(write))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, write: Callable[[CacheRepository], None]) -> None:
        async with self._writes:
            repository = self._repository()
            if repository is None:
                return
            try:
                await asyncio.to_thread(write, repository)
            except StoreError as error:
                self.error = error

    async def settle(self) -> None:
        """Wait for the writes asked for so far (before closing the database, and in tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _signature(tickets: Sequence[Ticket]) -> int:
    """What a view's pages hold as far as a write goes: each ticket's id and version, in order."""
    return hash(tuple((t.id, t.updated_at, t.revision) for t in tickets))
