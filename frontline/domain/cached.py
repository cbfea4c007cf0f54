"""What the local cache keeps of a helpdesk, per profile: views, their tickets, conversations already read.

Plain values: the store (`frontline.store.cache`) writes and reads them, the cache service
(`frontline.services.cache`) hands them to the console, which paints them before the network answers.
Every value carries the time it was in step with the helpdesk, so the console can say how old it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from frontline.domain.models import Person, Ticket, TicketThread, View

__all__ = ["CachedQueue", "CachedThread", "CachedView", "CachedViewTickets"]


@dataclass(frozen=True)
class CachedView:
    """One view as last listed: its place in the tab bar, its count, when its tickets last synced."""

    view: View
    count: int | None
    synced_at: datetime | None
    """When its tickets were last loaded whole (None: listed, tickets never cached)."""


@dataclass(frozen=True)
class CachedViewTickets:
    """A view's tickets in the order the console last showed them (its sort), as they were at `synced_at`."""

    view_id: str
    tickets: list[Ticket]
    synced_at: datetime


@dataclass(frozen=True)
class CachedThread:
    """A conversation as it was when last read."""

    thread: TicketThread
    read_at: datetime


@dataclass(frozen=True)
class CachedQueue:
    """What the console paints at start: the views, the tickets of the view shown last (else of the first
    cached one) and who "me" was."""

    views: list[CachedView]
    first: CachedViewTickets | None
    me: Person | None
