"""Ticket threads read for the queue's preview pane, kept so moving back over a row costs no request.

A preview is a read only: it never marks a ticket as seen or opened (that is the ticket screen's job).
A kept thread is reused while the queue's copy of the ticket is no newer than it; once a refresh shows
the ticket changed, the next preview reads it again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Protocol

from frontline.domain.cached import CachedThread
from frontline.domain.models import Ticket, TicketThread
from frontline.errors import FrontlineError

ThreadReader = Callable[[str], Awaitable[TicketThread]]


class ThreadCache(Protocol):
    """The local cache's conversations (`services.cache.Cache`)."""

    def may_have_thread(self, ticket_id: str) -> bool: ...

    async def thread(self, ticket_id: str) -> CachedThread | None: ...

    def remember_thread(self, thread: TicketThread) -> None: ...


def kept_in(cache: ThreadCache, read_thread: ThreadReader) -> ThreadReader:
    """`read_thread` that keeps each conversation it reads in the local cache, and answers from there when
    the helpdesk cannot be read: a ticket previewed online can still be read offline."""

    async def read(ticket_id: str) -> TicketThread:
        try:
            thread = await read_thread(ticket_id)
        except FrontlineError:
            cached = await cache.thread(ticket_id) if cache.may_have_thread(ticket_id) else None
            if cached is None or cached.thread.ticket.id != ticket_id:
                raise
            return cached.thread
        cache.remember_thread(thread)
        return thread

    return read


PREVIEWS_KEPT = 200
"""Threads kept in memory: a few hundred rows walked over in a shift, each a few kilobytes."""


class ThreadPreviews:
    """Reads threads through `read_thread` (the desk's `open_ticket`) and keeps the latest ones.

    Args:
        read_thread: fetches a ticket and its conversation; raises `FrontlineError` on failure.
        kept: how many threads to keep, least recently used dropped first.
    """

    def __init__(self, read_thread: ThreadReader, *, kept: int = PREVIEWS_KEPT) -> None:
        self._read_thread = read_thread
        self._kept = kept
        self._threads: OrderedDict[str, TicketThread] = OrderedDict()

    def cached(self, ticket: Ticket) -> TicketThread | None:
        """The kept thread of `ticket` if it is as fresh as the queue's row, else None."""
        thread = self._threads.get(ticket.id)
        if thread is None or thread.ticket.updated_at < ticket.updated_at:
            return None
        self._threads.move_to_end(ticket.id)
        return thread

    async def read(self, ticket: Ticket) -> TicketThread:
        """The thread of `ticket`, kept or fetched.

        Raises:
            FrontlineError: the helpdesk could not be read (nothing is kept then).
        """
        thread = self.cached(ticket)
        if thread is not None:
            return thread
        thread = await self._read_thread(ticket.id)
        self._threads[ticket.id] = thread
        self._threads.move_to_end(ticket.id)
        while len(self._threads) > self._kept:
            self._threads.popitem(last=False)
        return thread

    def forget(self, ticket_id: str) -> None:
        """Drop a kept thread (the ticket was written to from this console)."""
        self._threads.pop(ticket_id, None)
