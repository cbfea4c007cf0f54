"""The queue screen with the in-memory helpdesk: load, cursor, filter, sort, views, refresh, errors."""

from __future__ import annotations

import gc
from datetime import timedelta

from rich.cells import cell_len
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from textual.pilot import Pilot
from textual.widgets import Input

from frontline.config import Settings
from frontline.domain.clock import fixed_clock
from frontline.domain.desk import Desk
from frontline.domain.models import CommentDraft, Status, TicketUpdate
from frontline.domain.queue import QueueModel
from frontline.errors import Unavailable
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.queue import QueueScreen, settle_loaded_tickets
from frontline.ui.widgets.queue_list import QueueList, fit, layout_columns
from frontline.ui.widgets.status_bar import StatusBar


def make_app(helpdesk: FakeHelpdesk | None = None, settings: Settings | None = None) -> FrontlineApp:
    desk = Desk(helpdesk or FakeHelpdesk(), profile_name="test", clock=fixed_clock(FIXED_NOW))
    return FrontlineApp(desk, settings, clock=fixed_clock(FIXED_NOW))


async def settle(pilot: Pilot[None]) -> None:
    """Let the view list, tab activation and ticket load workers (which start one another) finish."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def queue_screen(app: FrontlineApp) -> QueueScreen:
    screen = app.screen
    assert isinstance(screen, QueueScreen)
    return screen


def visible_ids(queue: QueueList) -> list[str]:
    return [queue.model.ticket_at(p).id for p in range(len(queue.model))]


def screen_text(app: FrontlineApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_loads_first_view_and_moves_the_cursor() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        queue = screen.queue_list
        assert screen.current_view_id == "all"
        assert len(queue.model) == 40
        assert queue.has_focus
        first = queue.highlighted_ticket_id
        await pilot.press("j", "j", "down")
        assert queue.cursor == 3
        await pilot.press("k")
        assert queue.cursor == 2
        await pilot.press("G")
        assert queue.cursor == 39
        await pilot.press("g")
        assert queue.cursor == 0 and queue.highlighted_ticket_id == first
        await pilot.press("ctrl+d")
        assert queue.cursor > 10
        await pilot.press("ctrl+u")
        assert queue.cursor == 0
        text = screen_text(app)
        assert "All unsolved 40" in text
        assert "test · Fake Helpdesk · All unsolved · 40 tickets" in screen.status_bar.text
        assert "online" in screen.status_bar.text


async def test_filter_narrows_as_you_type_and_escape_clears_it() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        queue = screen.queue_list
        await pilot.press("slash")
        field = screen.query_one("#queue-filter", Input)
        assert field.has_focus
        await pilot.press("i", "n", "v")
        assert 0 < len(queue.model) < 40
        assert all("Invoice" in queue.model.ticket_at(p).subject for p in range(len(queue.model)))
        assert "filter: inv" in screen.status_bar.text
        await pilot.press("enter")
        assert queue.has_focus and field.value == "inv"
        await pilot.press("j")  # keys go to the list again, not the filter
        assert field.value == "inv"
        await pilot.press("escape")
        assert len(queue.model) == 40 and field.value == ""
        assert not field.has_class("-shown")


async def test_sort_cycles_and_keeps_the_cursor_on_its_ticket() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        queue = screen.queue_list
        await pilot.press("j", "j", "j")
        chosen = queue.highlighted_ticket_id
        order_before = visible_ids(queue)
        await pilot.press("s")
        assert screen.sort_mode == "priority"
        assert queue.highlighted_ticket_id == chosen
        assert visible_ids(queue) != order_before
        assert "sort: priority" in screen.status_bar.text
        ranks = [queue.model.ticket_at(p).priority.rank for p in range(len(queue.model))]  # type: ignore[union-attr]
        assert ranks == sorted(ranks)
        await pilot.press("s", "s", "s")
        assert screen.sort_mode == "sla"


async def test_switching_views_by_number_and_brackets() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        await pilot.press("2")
        await settle(pilot)
        assert screen.current_view_id == "mine"
        assert len(screen.queue_list.model) == 14
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.current_view_id == "urgent"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert screen.current_view_id == "all"
        assert "Your tickets 14" in screen_text(app)


async def test_refresh_marks_new_and_changed_and_notifies_customer_replies() -> None:
    helpdesk = FakeHelpdesk()
    app = make_app(helpdesk, Settings(ui={"bell": True}))
    bells: list[bool] = []
    app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        queue = screen.queue_list
        pending = next(t for t in helpdesk.tickets.values() if t.status is Status.PENDING)
        helpdesk.tickets[pending.id] = pending.model_copy(
            update={"status": Status.OPEN, "updated_at": FIXED_NOW - timedelta(minutes=1)}
        )
        newcomer = helpdesk.tickets["1001"].model_copy(update={"id": "2000", "key": "#2000"})
        helpdesk.tickets["2000"] = newcomer
        await pilot.press("R")
        await settle(pilot)
        model = queue.model
        markers = {model.ticket_at(p).id: model.marker_at(p) for p in range(len(model))}
        assert markers[pending.id] == "changed"
        assert markers["2000"] == "new"
        assert sum(1 for marker in markers.values() if marker) == 2
        notices = [n for n in app._notifications if n.title == "Customer replied"]
        assert len(notices) == 1 and pending.display_key in notices[0].message
        assert bells == [True]
        queue.move_cursor(model.position_of(pending.id) or 0)
        await pilot.pause()
        assert "◆ " in screen_text(app)
        queue.move_cursor(model.position_of("2000") or 0)
        await pilot.pause()
        assert "● " in screen_text(app)
        await pilot.press("enter")  # opening a ticket marks it seen
        await pilot.pause()
        assert model.marker_at(model.position_of("2000") or 0) is None
        assert type(app.screen).__name__ == "TicketScreen"


async def test_submit_elsewhere_updates_the_row_in_place() -> None:
    helpdesk = FakeHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        queue = queue_screen(app).queue_list
        target = queue.model.ticket_at(5)
        await app.desk.submit(
            target.id, TicketUpdate(comment=CommentDraft(body="Fixed", public=True), status=Status.SOLVED)
        )
        await pilot.pause()
        assert queue.model.ticket_at(5).id == target.id
        assert queue.model.ticket_at(5).status is Status.SOLVED
        assert queue.model.marker_at(5) is None  # our own change is not "changed since you looked"


async def test_hostile_subject_is_rendered_as_literal_text() -> None:
    helpdesk = FakeHelpdesk()
    helpdesk.tickets["1003"] = helpdesk.tickets["1003"].model_copy(
        update={"subject": "\x1b]0;pwned\x07[link=http://evil]click[/link] \u202eabc 李雷🔥 end"}
    )
    app = make_app(helpdesk)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "[bold red]URGENT[/] red please help" in text
        assert "[link=http://evil]click[/link] abc 李雷🔥 end" in text
        assert "pwned" not in text and "\x1b" not in text
        lines = [line for line in text.splitlines() if "#10" in line]
        assert lines and all(cell_len(line) == 160 for line in lines)
        assert any("李雷🔥" in line for line in lines)


async def test_load_error_is_reported_and_old_rows_are_kept() -> None:
    helpdesk = FakeHelpdesk()
    app = make_app(helpdesk)
    reported: list[Exception] = []
    async with app.run_test(size=(140, 30)) as pilot:
        app.report_error = reported.append  # type: ignore[method-assign]
        await settle(pilot)
        queue = queue_screen(app).queue_list
        assert len(queue.model) == 40

        async def down(*args: object, **kwargs: object) -> object:
            raise Unavailable("The helpdesk did not answer. Retrying on the next refresh.")

        helpdesk.list_view_tickets = down  # type: ignore[method-assign]
        await pilot.press("R")
        await settle(pilot)
        assert len(reported) == 1 and isinstance(reported[0], Unavailable)
        assert len(queue.model) == 40


async def test_first_load_error_says_how_to_retry() -> None:
    helpdesk = FakeHelpdesk()

    async def broken() -> object:
        raise Unavailable("Connection refused.")

    helpdesk.list_views = broken  # type: ignore[method-assign]
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 20)) as pilot:
        await settle(pilot)
        assert "Could not load views: Connection refused. Press R to retry." in screen_text(app)
        assert isinstance(app.screen.query_one(StatusBar), StatusBar)


async def test_mouse_click_selects_a_row() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        queue = queue_screen(app).queue_list
        await pilot.click(QueueList, offset=(10, 4))
        assert queue.cursor == 3


def test_fit_pads_and_cuts_by_terminal_cells() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abcdef", 4) == "abc…"
    assert fit("李雷李雷", 5) == "李雷…"
    assert fit("李雷", 6) == "李雷  "
    assert fit("x", 0) == ""


def test_columns_drop_optional_ones_when_narrow() -> None:
    wide = [name for name, _ in layout_columns(160, 6)]
    narrow = [name for name, _ in layout_columns(70, 6)]
    assert "linked_bug" in wide and "organization" in wide
    assert {"key", "status", "sla", "subject"} <= set(narrow)
    assert "linked_bug" not in narrow
    assert sum(width + 1 for _, width in layout_columns(70, 6)) + 2 <= 70


def lines_as_data(queue: QueueList) -> list[list[tuple[str, object]]]:
    return [[(seg.text, seg.style) for seg in strip] for strip in queue.render_lines(queue.size.region)]


async def test_rows_render_exactly_as_through_textuals_generic_line_path() -> None:
    app = make_app(FakeHelpdesk(ticket_count=120))
    async with app.run_test(size=(150, 24)) as pilot:
        await settle(pilot)
        queue = queue_screen(app).queue_list
        queue.model.seen.mark(queue.model.ticket_at(3))  # a mix of markers
        for keys in ((), ("j", "j"), ("ctrl+d",), ("G", "k")):
            await pilot.press(*keys)
            fast = lines_as_data(queue)
            queue.border_title = "generic"  # no border to draw it in: only forces Textual's own path
            generic = lines_as_data(queue)
            queue.border_title = None
            assert fast == generic
            assert {sum(cell_len(text) for text, _ in line) for line in fast} == {queue.size.width}


def test_settled_tickets_are_still_freed_when_a_refresh_replaces_them() -> None:
    """`gc.freeze` only exempts tickets from cyclic collection; reference counting still frees them."""
    helpdesk = FakeHelpdesk(ticket_count=300)
    model = QueueModel(list(helpdesk.tickets.values()))
    del helpdesk
    try:
        settle_loaded_tickets()
        frozen = gc.get_freeze_count()
        model.apply_refresh(list(FakeHelpdesk(ticket_count=300, seed=8).tickets.values()))
        assert gc.get_freeze_count() < frozen - 300  # each ticket is several frozen objects
    finally:
        gc.unfreeze()
