"""The preview pane's reads go through the local cache: kept when read, answered from it when offline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontline.domain.cached import CachedThread
from frontline.domain.models import Ticket, TicketThread
from frontline.errors import FrontlineError, Unavailable
from frontline.services.previews import ThreadPreviews, kept_in

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def thread(ticket_id: str, subject: str) -> TicketThread:
    return TicketThread(ticket=Ticket(id=ticket_id, subject=subject, created_at=NOW, updated_at=NOW))


class MemoryCache:
    def __init__(self) -> None:
        self.threads: dict[str, TicketThread] = {}

    def may_have_thread(self, ticket_id: str) -> bool:
        return ticket_id in self.threads

    async def thread(self, ticket_id: str) -> CachedThread | None:
        kept = self.threads.get(ticket_id)
        return CachedThread(thread=kept, read_at=NOW) if kept else None

    def remember_thread(self, thread: TicketThread) -> None:
        self.threads[thread.ticket.id] = thread


class Helpdesk:
    def __init__(self) -> None:
        self.online = True
        self.reads: list[str] = []

    async def open_ticket(self, ticket_id: str) -> TicketThread:
        self.reads.append(ticket_id)
        if not self.online:
            raise Unavailable("Cannot reach Zendesk.", "Helpdesk unreachable")
        return thread(ticket_id, f"Ticket {ticket_id} as the helpdesk has it")


async def test_a_preview_read_online_is_kept_and_answers_offline() -> None:
    cache, helpdesk = MemoryCache(), Helpdesk()
    read = kept_in(cache, helpdesk.open_ticket)
    online = await read("7")
    assert cache.threads["7"] == online
    helpdesk.online = False
    offline = await read("7")
    assert offline == online and helpdesk.reads == ["7", "7"]  # the helpdesk was asked first


async def test_offline_without_a_kept_conversation_the_failure_is_reported() -> None:
    cache, helpdesk = MemoryCache(), Helpdesk()
    helpdesk.online = False
    with pytest.raises(FrontlineError, match="Cannot reach"):
        await kept_in(cache, helpdesk.open_ticket)("8")
    assert cache.threads == {}


async def test_the_pane_reads_through_the_cache() -> None:
    cache, helpdesk = MemoryCache(), Helpdesk()
    previews = ThreadPreviews(kept_in(cache, helpdesk.open_ticket))
    ticket = Ticket(id="9", subject="x", created_at=NOW, updated_at=NOW)
    shown = await previews.read(ticket)
    assert cache.threads["9"] == shown
