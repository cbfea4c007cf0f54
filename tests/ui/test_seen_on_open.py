"""Opening a ticket marks it seen however it was opened: `#` go-to and `J` on the ticket screen clear the
queue's marker as the queue's own enter does (the ticket screen marks what it shows)."""

from __future__ import annotations

from datetime import timedelta

from support.apps import make_app
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from support.pilot import settle
from textual.pilot import Pilot

from frontline.ui.app import FrontlineApp
from frontline.ui.screens.goto import LookupScreen
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.queue_list import QueueList

SIZE = (140, 40)


def queue_of(app: FrontlineApp) -> QueueList:
    [screen] = [screen for screen in app.screen_stack if isinstance(screen, QueueScreen)]
    return screen.queue_list


def marker(app: FrontlineApp, ticket_id: str) -> str | None:
    model = queue_of(app).model
    position = model.position_of(ticket_id)
    assert position is not None, f"{ticket_id} is not in the view"
    return model.marker_at(position)


async def change_on_the_helpdesk(app: FrontlineApp, pilot: Pilot[None], *ticket_ids: str) -> None:
    """The tickets change elsewhere; a refresh shows them marked ◆ changed."""
    helpdesk = app.desk.adapter
    assert isinstance(helpdesk, FakeHelpdesk)
    later = FIXED_NOW + timedelta(minutes=2)
    for ticket_id in ticket_ids:
        helpdesk.tickets[ticket_id] = helpdesk.tickets[ticket_id].replace(updated_at=later)
    await pilot.press("R")
    await settle(pilot)
    for ticket_id in ticket_ids:
        assert marker(app, ticket_id) == "changed"


async def test_go_to_a_marked_ticket_clears_its_marker_in_the_queue() -> None:
    app = make_app(FakeHelpdesk())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await change_on_the_helpdesk(app, pilot, "1003", "1004")
        await pilot.press("number_sign")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        await pilot.press(*"1003", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.ticket_id == "1003"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert marker(app, "1003") is None, "seen by going to it"
        assert marker(app, "1004") == "changed", "only the ticket opened"


async def test_j_to_the_next_ticket_clears_its_marker() -> None:
    app = make_app(FakeHelpdesk())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = queue_of(app)
        first, second = (queue.model.ticket_at(p).id for p in (0, 1))
        await change_on_the_helpdesk(app, pilot, second)
        queue.move_cursor(0)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.ticket_id == first
        assert marker(app, second) == "changed", "not seen before J shows it"
        await pilot.press("J")
        await settle(pilot)
        assert app.screen.ticket_id == second
        assert marker(app, second) is None, "J showed it: seen"
