"""A helpdesk that answers only when let through, and the steps of a start from the local cache."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from textual.pilot import Pilot

from frontline.domain.models import Comment, Page, Person, Ticket, TicketUpdate, View
from frontline.domain.ports import ConnectionState
from frontline.errors import NotDelivered
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.screens.ticket import TicketScreen
from support.apps import make_app
from support.fake_helpdesk import FakeHelpdesk


@dataclass
class GatedHelpdesk(FakeHelpdesk):
    """Every request waits for `gate`; while `down`, each then fails as an unreachable network does."""

    down: bool = False
    answered: int = 0
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    async def _wait(self) -> None:
        await self.gate.wait()
        if self.down:
            self.state = ConnectionState.OFFLINE
            raise NotDelivered("Cannot reach the helpdesk: connection refused.")
        self.state = ConnectionState.ONLINE
        self.answered += 1

    async def whoami(self) -> Person:
        await self._wait()
        return await super().whoami()

    async def list_views(self) -> list[View]:
        await self._wait()
        return await super().list_views()

    async def view_count(self, view_id: str) -> int | None:
        await self._wait()
        return await super().view_count(view_id)

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        await self._wait()
        return await super().list_view_tickets(view_id, cursor, page_size)

    async def get_ticket(self, ticket_id: str) -> Ticket:
        await self._wait()
        return await super().get_ticket(ticket_id)

    async def list_comments(self, ticket_id: str) -> list[Comment]:
        await self._wait()
        return await super().list_comments(ticket_id)

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        await self._wait()
        return await super().update_ticket(ticket_id, update)


async def until(pilot: Pilot[None], condition: Callable[[], bool], rounds: int = 60) -> None:
    """Let the app run until `condition` holds (workers and threads take turns), or fail."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), "the app never got there"


def queue_of(app: FrontlineApp) -> QueueScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, QueueScreen))
    return screen


async def first_run(
    helpdesk: FakeHelpdesk, *, open_ticket: str | None = None, show_view: str | None = None
) -> FrontlineApp:
    """Start once online: the queue loads (and is cached); optionally open a ticket (its thread too), or
    go to another view by its number key and leave it shown (the next start opens on it)."""
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        await until(
            pilot, lambda: queue_of(app).sync.is_loaded("all") and len(queue_of(app).queue_list.model) > 0
        )
        if show_view is not None:
            views = [view.id for view in queue_of(app).views]
            await pilot.press(str(views.index(show_view) + 1))
            await until(pilot, lambda: queue_of(app).sync.is_loaded(show_view))
        if open_ticket is not None:
            queue = queue_of(app).queue_list
            queue.move_cursor(queue.model.position_of(open_ticket) or 0)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.thread is not None)
        await app.workers.wait_for_complete()
        await app.session.cache.settle()
    return app
