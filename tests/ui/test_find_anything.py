"""Finding things from anywhere: go to a ticket by id (`#`), helpdesk search as a temporary tab (`S`),
the sort picker (`s`) with ▲/▼ in the header, and field tokens in the `/` filter with their hints."""

from __future__ import annotations

from support.apps import make_app
from support.fake_helpdesk import FakeHelpdesk
from textual.pilot import Pilot
from textual.widgets import Input, Tabs

from frontline.domain.models import Status
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.goto import LookupScreen
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.screens.search_view import SEARCH_TAB, FilterHint
from frontline.ui.screens.ticket import TicketScreen


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def queue_screen(app: FrontlineApp) -> QueueScreen:
    screen = app.screen_stack[1] if len(app.screen_stack) > 1 else app.screen
    assert isinstance(screen, QueueScreen)
    return screen


def ids(screen: QueueScreen) -> list[str]:
    model = screen.queue_list.model
    return [model.ticket_at(p).id for p in range(len(model))]


async def type_text(pilot: Pilot[None], text: str) -> None:
    for character in text:
        await pilot.press(character)


async def test_hash_opens_any_ticket_by_id_key_or_link() -> None:
    helpdesk = FakeHelpdesk()
    solved = helpdesk.tickets["1005"] = helpdesk.tickets["1005"].replace(status=Status.SOLVED)
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert solved.id not in ids(queue_screen(app))  # in no loaded view
        await pilot.press("#")
        assert isinstance(app.screen, LookupScreen)
        await type_text(pilot, "https://fake.example/agent/tickets/1005")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.ticket_id == "1005"


async def test_an_unknown_ticket_says_so_and_keeps_the_input() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("number_sign")
        await type_text(pilot, "#99999")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LookupScreen)
        assert screen.problem is not None and "99999" in screen.problem
        assert screen.query_one(Input).value == "#99999"
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


async def test_go_to_ticket_is_in_the_palette() -> None:
    from frontline.ui.commands import action_commands

    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        titles = [command.title for command in action_commands(app, app.screen)]
        assert "app: go to ticket…" in titles
        assert "queue: search helpdesk" in titles


async def test_search_shows_a_temporary_tab_that_closes_back_to_the_view() -> None:
    helpdesk = FakeHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        view_rows = ids(screen)
        await pilot.press("S")
        await type_text(pilot, "status:pending invoice")
        await pilot.press("enter")
        await settle(pilot)
        assert helpdesk.searches == ["status:pending invoice"]
        assert isinstance(app.screen, QueueScreen) and screen.showing_search
        found = ids(screen)
        assert found and all(helpdesk.tickets[i].status is Status.PENDING for i in found)
        assert all("invoice" in helpdesk.tickets[i].subject.lower() for i in found)
        tabs = screen.query_one(Tabs)
        assert tabs.active == SEARCH_TAB
        assert "Search: status:pending invoice" in str(tabs.active_tab.label if tabs.active_tab else "")
        assert "Search: status:pending invoice" in screen.status_bar.text
        await pilot.press("x")
        await settle(pilot)
        assert not screen.showing_search and ids(screen) == view_rows
        assert not screen.query(f"#{SEARCH_TAB}")
        assert tabs.active == "view-0"


async def test_a_refused_query_shows_the_helpdesks_message_in_the_search_box() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await type_text(pilot, "status =")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LookupScreen)
        assert screen.problem is not None and "expecting a value" in screen.problem
        await pilot.press("escape")
        assert not queue_screen(app).query(f"#{SEARCH_TAB}")


async def test_escape_leaves_the_search_tab_once_the_filter_is_clear() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        await pilot.press("S")
        await type_text(pilot, "login")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.showing_search
        await pilot.press("escape")
        await settle(pilot)
        assert screen.search_model is None and not screen.showing_search


async def test_sort_picker_reverses_the_current_column_and_the_header_shows_it() -> None:
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        await pilot.press("s")
        for _ in range(3):  # from sla (4th) up to id (1st)
            await pilot.press("up")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.sort_mode == "id" and not screen.sync.sort_reverse
        assert ids(screen) == sorted(ids(screen), key=int)
        header = screen.queue_list.rows.header(screen.queue_list.model, 160).text
        assert "id ▲" in header
        assert "sort: id ▲" in screen.status_bar.text
        await pilot.press("s", "enter")
        await pilot.pause()
        assert screen.sync.sort_reverse
        assert ids(screen) == sorted(ids(screen), key=int, reverse=True)
        assert "id ▼" in screen.queue_list.rows.header(screen.queue_list.model, 160).text


async def test_field_filter_narrows_and_explains_unknown_fields() -> None:
    helpdesk = FakeHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        await pilot.press("slash")
        await type_text(pilot, "status:pending tag:billing")
        await pilot.pause()
        shown = ids(screen)
        assert shown
        assert all(
            helpdesk.tickets[i].status is Status.PENDING and "billing" in helpdesk.tickets[i].tags
            for i in shown
        )
        assert not screen.query(FilterHint) or not screen.query_one(FilterHint).display
        await type_text(pilot, " colour:red")
        await pilot.pause()
        hint = screen.query_one(FilterHint)
        assert hint.display and 'Unknown field "colour:"' in str(hint.render())
        field = screen.query_one("#queue-filter", Input)
        field.value = "assignee:me"
        await settle(pilot)
        mine = ids(screen)
        assert mine and all(helpdesk.tickets[i].assignee is not None for i in mine)
        assert not hint.display
