"""At 80x24 every main screen keeps its footer on screen and its main content usable."""

from __future__ import annotations

from typing import Any

from support.apps import make_app
from support.pilot import settle
from textual.app import App
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer

SIZE = (80, 24)
WHOLE = Region(0, 0, *SIZE)
MIN_ROWS = 3
"""Enough rows of list, conversation or editor to work in."""


def check(app: App[Any], screen_name: str, content: str, found: list[str]) -> None:
    """The footer (when the screen has one) lies inside the terminal; `content` shows MIN_ROWS rows."""
    screen: Screen[Any] = app.screen
    assert type(screen).__name__ == screen_name, f"on {type(screen).__name__}, expected {screen_name}"
    footers = list(screen.query(Footer))
    if screen_name != "HelpScreen":  # a modal over the queue, which keeps its own footer
        assert footers, f"{screen_name} has a footer"
    for footer in footers:
        assert footer.region.height == 1 and WHOLE.contains_region(footer.region), (
            f"{screen_name}: footer at {footer.region}"
        )
    main = screen.query_one(content, Widget)
    visible = main.region.intersection(WHOLE)
    for footer in footers:
        assert not visible.overlaps(footer.region), f"{screen_name}: {content} under the footer"
    assert visible.height >= MIN_ROWS, f"{screen_name}: {content} has {visible.height} rows ({main.region})"
    found.append(screen_name)


async def test_every_main_screen_fits_80x24_with_its_footer() -> None:
    app = make_app()
    found: list[str] = []
    async with app.run_test(size=SIZE) as pilot:

        async def press(*keys: str) -> None:
            for key in keys:
                await pilot.press(key)
            await settle(pilot)

        await settle(pilot)
        check(app, "QueueScreen", "QueueList", found)
        await press("question_mark")
        check(app, "HelpScreen", "DataTable", found)
        assert app.screen.query_one(DataTable).row_count >= MIN_ROWS
        await press("escape", "enter")
        check(app, "TicketScreen", "#conversation", found)
        await press("r", *"On its way.")
        check(app, "ComposerScreen", "TextArea", found)
        await press("ctrl+s")
        check(app, "ReviewScreen", "#review-body", found)
        await press("escape", "escape", "n", *"Checked.")
        assert app.screen.has_class("-internal"), "the note composer"
        check(app, "ComposerScreen", "TextArea", found)
        await press("escape", "escape")
        await press("D")
        check(app, "DraftsScreen", "DataTable", found)
        await press("escape", "O")
        check(app, "OutboxScreen", "DataTable", found)
        await press("escape", "H")
        check(app, "HandoffScreen", "#handoff-preview", found)
        await press("escape")

    assert found == [
        "QueueScreen",
        "HelpScreen",
        "TicketScreen",
        "ComposerScreen",
        "ReviewScreen",
        "ComposerScreen",
        "DraftsScreen",
        "OutboxScreen",
        "HandoffScreen",
    ]
