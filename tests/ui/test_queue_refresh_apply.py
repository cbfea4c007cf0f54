"""A refresh applied through the off-thread path keeps the cursor's ticket, the filter and the sort."""

from __future__ import annotations

from datetime import timedelta

from support.apps import make_app
from support.fake_helpdesk import FakeHelpdesk

from tests.ui.test_queue_screen import FIXED_NOW, queue_screen, settle


async def test_a_refresh_keeps_the_cursor_on_its_ticket_and_the_filter() -> None:
    helpdesk = FakeHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        queue = screen.queue_list
        queue.move_cursor(3)
        await pilot.pause()
        kept = queue.highlighted_ticket_id
        assert kept is not None
        model = queue.model
        for ticket_id, ticket in list(helpdesk.tickets.items())[:5]:  # updates that reorder the view
            later = FIXED_NOW - timedelta(seconds=int(ticket_id) % 50)
            helpdesk.tickets[ticket_id] = ticket.replace(updated_at=later)
        await pilot.press("R")
        await settle(pilot)
        assert queue.model is model  # swapped in place: the same model object, new contents
        assert queue.highlighted_ticket_id == kept
        assert screen.sort_mode == model.sort_mode
