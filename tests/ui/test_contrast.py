"""Every shipped theme reads at WCAG AA (4.5:1) on the real screens, in truecolor and in 256 colours.

The screens are rendered with the pilot and measured cell by cell as the compositor produced them (the
translucent cursor blended over its row, placeholders dimmed), so a colour that only looks right in the
theme file fails here. Each failure names the screen, the text, both colours and the ratio.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from rich.color import ColorSystem
from support.apps import make_app
from support.contrast import AA_TEXT, Cell, contrast, failing, measure
from support.fake_helpdesk import FIXED_NOW, ME, FakeHelpdesk
from support.pilot import settle
from support.ticket_app import TicketApp
from textual.app import App
from textual.pilot import Pilot

from frontline import locations
from frontline.config import Settings
from frontline.domain.models import Comment, Priority, SlaTarget, Status
from frontline.domain.ports import ConnectionState
from frontline.domain.presentation import format_sla
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.themes import load_themes
from frontline.ui.widgets.status_bar import StatusBar

THEMES = sorted(load_themes(locations.builtin_themes_dir(), None).names)
SYSTEMS = {"truecolor": None, "256-colour": ColorSystem.EIGHT_BIT}
SIZE = (150, 34)
BREACHED, AT_RISK, CHANGED, NEW, HANDOFF = "1000", "1001", "1002", "2000", "1003"


def rows_helpdesk() -> FakeHelpdesk:
    """Known rows: a breached urgent ticket, an at-risk high one, a paused one, and plenty of others."""
    helpdesk = FakeHelpdesk()
    tickets = helpdesk.tickets
    tickets[BREACHED] = tickets[BREACHED].replace(
        priority=Priority.URGENT, status=Status.OPEN, sla=SlaTarget(due_at=FIXED_NOW - timedelta(hours=2))
    )
    tickets[AT_RISK] = tickets[AT_RISK].replace(
        priority=Priority.HIGH, sla=SlaTarget(due_at=FIXED_NOW + timedelta(minutes=40))
    )
    tickets["1004"] = tickets["1004"].replace(
        sla=SlaTarget(due_at=FIXED_NOW + timedelta(hours=5), paused=True)
    )
    return helpdesk


async def measure_queue(app: App[Any], pilot: Pilot[Any], helpdesk: FakeHelpdesk, system: Any) -> list[Cell]:
    """The queue with the cursor on each kind of row, focused and (filter open) unfocused."""
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, QueueScreen)
    changed = helpdesk.tickets[CHANGED]
    helpdesk.tickets[CHANGED] = changed.replace(updated_at=FIXED_NOW - timedelta(minutes=1))
    helpdesk.tickets[NEW] = helpdesk.tickets["1005"].replace(id=NEW, key=f"#{NEW}")
    await pilot.press("R")
    await settle(pilot)
    queue = screen.queue_list
    queue.model.seen.name_in_handoff([HANDOFF])
    markers = {queue.model.ticket_at(p).id: queue.model.marker_at(p) for p in range(len(queue.model))}
    assert (markers[CHANGED], markers[NEW], markers[HANDOFF]) == ("changed", "new", "handoff")
    cells: list[Cell] = []
    for ticket_id in (BREACHED, AT_RISK, CHANGED, NEW, HANDOFF):
        position = queue.model.position_of(ticket_id)
        assert position is not None
        queue.move_cursor(position)
        queue.refresh()
        await pilot.pause()
        cells += measure(app, f"queue (cursor on #{ticket_id})", system=system)
    await pilot.press("slash")  # the filter's placeholder, and the cursor of a list without focus
    await pilot.pause()
    cells += measure(app, "queue (filter open)", system=system)
    helpdesk.state = ConnectionState.OFFLINE  # the status bar's alarm colours
    status_bar = screen.query_one(StatusBar)
    status_bar.tick()
    await pilot.pause()
    assert status_bar.has_class("-offline")
    cells += measure(app, "queue (offline)", system=system)
    return cells


async def measure_ticket(app: App[Any], pilot: Pilot[Any], system: Any) -> list[Cell]:
    """The ticket (customer message, public reply, internal note), then the reply and note composers."""
    await settle(pilot)
    cells = measure(app, "ticket", system=system)
    for key, kind, name in (("r", "-public", "composer (reply)"), ("n", "-internal", "composer (note)")):
        await pilot.press(key)
        await settle(pilot)
        assert type(app.screen).__name__ == "ComposerScreen" and app.screen.has_class(kind), name
        cells += measure(app, name, system=system)
        await pilot.press("escape")
        await settle(pilot)
    return cells


def ticket_helpdesk() -> FakeHelpdesk:
    helpdesk = FakeHelpdesk()
    thread = helpdesk.comments["1000"]
    thread.append(
        Comment(
            id="1000-3",
            author=ME,
            body="Thanks for the details, we are on it.",
            public=True,
            created_at=thread[-1].created_at + timedelta(minutes=5),
        )
    )
    return helpdesk


def report(cells: list[Cell]) -> str:
    lines = [str(cell) for cell in failing(cells)]
    return f"{len(lines)} runs of text under {AA_TEXT}:1\n" + "\n".join(lines)


Scenario = Callable[[str, Any], Awaitable[list[Cell]]]


async def queue_scenario(theme: str, system: Any) -> list[Cell]:
    helpdesk = rows_helpdesk()
    app = make_app(helpdesk, settings=Settings(ui={"theme": theme}))
    async with app.run_test(size=SIZE) as pilot:
        return await measure_queue(app, pilot, helpdesk, system)


async def ticket_scenario(theme: str, system: Any) -> list[Cell]:
    app = TicketApp(ticket_helpdesk(), settings=Settings(ui={"theme": theme}))
    async with app.run_test(size=SIZE) as pilot:
        return await measure_ticket(app, pilot, system)


@pytest.mark.parametrize("system", list(SYSTEMS), ids=list(SYSTEMS))
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("scenario", [queue_scenario, ticket_scenario], ids=["queue", "ticket"])
async def test_every_text_cell_meets_wcag_aa(scenario: Scenario, theme: str, system: str) -> None:
    cells = await scenario(theme, SYSTEMS[system])

    assert len(cells) > 50, "the screens rendered text"
    assert not failing(cells), f"{theme}, {system}: {report(cells)}"


async def test_the_measurement_sees_the_cursor_row_and_its_markers() -> None:
    """The queue pass really measures the cursor row's SLA and marker cells, not just the plain rows."""
    cells = await queue_scenario("frontline-dark", None)
    sla_text, _ = format_sla(SlaTarget(due_at=FIXED_NOW - timedelta(hours=2)), FIXED_NOW)
    on_breached = {cell.text for cell in cells if cell.screen == f"queue (cursor on #{BREACHED})"}
    assert any(sla_text in text for text in on_breached)
    on_changed = [
        cell for cell in cells if cell.screen == f"queue (cursor on #{CHANGED})" and "◆" in cell.text
    ]
    assert on_changed, "the changed marker was measured"


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    assert contrast((0x77, 0x77, 0x77), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
