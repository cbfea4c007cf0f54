"""The next engineer's queue marks (⚑) the tickets the previous shift's handoff named, until each is opened,
across restarts; other tickets are not marked."""

from __future__ import annotations

import json
from pathlib import Path

from support.apps import make_app
from support.pilot import settle
from textual.pilot import Pilot

from frontline.ui.app import FrontlineApp
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.queue_list import QueueList

SIZE = (140, 40)
NOTED, UNTOUCHED = "1004", "1001"


async def previous_shift(tmp_path: Path) -> None:
    """A shift that noted one ticket for the next engineer and kept its handoff."""
    earlier = make_app(data_dir=tmp_path)
    log = earlier.session.shift
    log.note(NOTED, "Refund approved, tell the customer")
    handoff = await earlier.session.handoff.write()
    shift = log.current()
    assert shift is not None
    earlier.session.journal().save_handoff(shift.id, json.dumps(handoff.as_json()))
    log.end()
    await earlier.session.aclose()


def marker(app: FrontlineApp, ticket_id: str) -> str | None:
    model = app.screen.query_one(QueueList).model
    position = model.position_of(ticket_id)
    assert position is not None
    return model.marker_at(position)


async def open_ticket(pilot: Pilot[None], ticket_id: str) -> None:
    queue = pilot.app.screen.query_one(QueueList)
    position = queue.model.position_of(ticket_id)
    assert position is not None
    queue.move_cursor(position)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TicketScreen)
    await pilot.press("escape")
    await settle(pilot)


async def test_named_tickets_are_marked_until_opened_even_after_a_restart(tmp_path: Path) -> None:
    await previous_shift(tmp_path)
    app = make_app(data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.previous_handoff is not None and NOTED in app.previous_handoff.named
        assert marker(app, NOTED) == "handoff"
        assert marker(app, UNTOUCHED) != "handoff", "a ticket the handoff does not name"
        painted = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "⚑" in painted
        await open_ticket(pilot, NOTED)
        assert marker(app, NOTED) != "handoff"
    await app.session.aclose()

    again = make_app(data_dir=tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.previous_handoff is not None and NOTED not in again.previous_handoff.named
        assert marker(again, NOTED) != "handoff", "opened since the handoff: no longer marked"
