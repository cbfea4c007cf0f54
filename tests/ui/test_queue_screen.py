"""The queue screen with the in-memory helpdesk: load, cursor, filter, sort, views, refresh, errors."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rich.cells import cell_len
from support.apps import make_app
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from frontline.config import Settings
from frontline.domain.models import Comment, CommentDraft, Page, Status, Ticket, TicketUpdate
from frontline.domain.ports import ConnectionState
from frontline.domain.queue import QueueModel
from frontline.errors import AuthError, FrontlineError, Unavailable
from frontline.ui.app import FrontlineApp
from frontline.ui.keymap import live_bindings
from frontline.ui.screens.queue import QueueScreen, settle_loaded_tickets
from frontline.ui.widgets.queue_list import QueueList, fit, layout_columns
from frontline.ui.widgets.status_bar import StatusBar


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


async def test_sort_picker_sorts_and_keeps_the_cursor_on_its_ticket() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        queue = screen.queue_list
        await pilot.press("j", "j", "j")
        chosen = queue.highlighted_ticket_id
        order_before = visible_ids(queue)
        await pilot.press("s")  # the sort picker opens on the current column (sla); priority is 2 up
        await pilot.press("up", "up", "enter")
        await pilot.pause()
        assert screen.sort_mode == "priority"
        assert queue.highlighted_ticket_id == chosen
        assert visible_ids(queue) != order_before
        assert "sort: priority" in screen.status_bar.text
        ranks = [queue.model.ticket_at(p).priority.rank for p in range(len(queue.model))]  # type: ignore[union-attr]
        assert ranks == sorted(ranks)
        await pilot.press("s", "enter")  # the same column again: reversed
        await pilot.pause()
        assert screen.sort_mode == "priority" and screen.sync.sort_reverse
        assert queue.highlighted_ticket_id == chosen


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


async def test_a_view_key_pressed_before_its_tab_is_mounted_is_early_not_an_error() -> None:
    """After a start from the cache the views can be known a moment before their tabs exist."""
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        screen.sync.views.append(screen.views[0].model_copy(update={"id": "not-yet", "title": "Later"}))
        await pilot.press(str(len(screen.views)))
        await settle(pilot)
        assert screen.current_view_id == "all"
        assert app.return_code is None and app.is_running


async def test_refresh_marks_new_and_changed_and_notifies_customer_replies() -> None:
    helpdesk = FakeHelpdesk()
    app = make_app(helpdesk, settings=Settings(ui={"bell": True}))
    bells: list[bool] = []
    app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        queue = screen.queue_list
        pending = next(t for t in helpdesk.tickets.values() if t.status is Status.PENDING)
        later = FIXED_NOW - timedelta(minutes=1)
        helpdesk.tickets[pending.id] = pending.replace(status=Status.OPEN, updated_at=later)
        reply = Comment(id="reply", author=pending.requester, body="Any news?", created_at=later)
        helpdesk.comments[pending.id].append(reply)
        helpdesk.tickets["1001"] = helpdesk.tickets["1001"].replace(updated_at=later)
        newcomer = helpdesk.tickets["1001"].replace(id="2000", key="#2000")
        helpdesk.tickets["2000"] = newcomer
        helpdesk.comments["2000"] = []  # a ticket the ticket screen can show
        await pilot.press("R")
        await settle(pilot)
        model = queue.model
        markers = {model.ticket_at(p).id: model.marker_at(p) for p in range(len(model))}
        assert markers[pending.id] == "waiting"  # a customer reply: waiting on us, not merely changed
        assert markers["1001"] == "changed"
        assert markers["2000"] == "new"
        assert sum(1 for marker in markers.values() if marker) == 3
        notices = [n for n in app._notifications if n.title == "Customer replied"]
        assert len(notices) == 1 and pending.display_key in notices[0].message
        assert bells == [True]
        queue.move_cursor(model.position_of(pending.id) or 0)
        await pilot.pause()
        assert "✉ " in screen_text(app)
        queue.move_cursor(model.position_of("1001") or 0)
        await pilot.pause()
        assert "◆ " in screen_text(app)
        queue.move_cursor(model.position_of("2000") or 0)
        await pilot.pause()
        assert "● " in screen_text(app)
        await pilot.press("enter")  # opening a ticket marks it seen, once the ticket screen shows it
        await app.workers.wait_for_complete()
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
    helpdesk.tickets["1003"] = helpdesk.tickets["1003"].replace(
        subject="\x1b]0;pwned\x07[link=http://evil]click[/link] \u202eabc 李雷🔥 end"
    )
    app = make_app(helpdesk)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")  # the list alone, its subject column at full width
        await pilot.pause()
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


class MovingClock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class CountingHelpdesk(FakeHelpdesk):
    """Counts view loads per view; `fail_with` makes the next loads fail (and sets the connection state)."""

    loads: dict[str, int] = field(default_factory=dict)
    fail_with: FrontlineError | None = None

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        if self.fail_with is not None:
            if isinstance(self.fail_with, AuthError):
                self.state = ConnectionState.SIGNED_OUT
            raise self.fail_with
        self.state = ConnectionState.ONLINE
        self.loads[view_id] = self.loads.get(view_id, 0) + 1
        return await super().list_view_tickets(view_id, cursor, page_size)


def moving_app(helpdesk: FakeHelpdesk, clock: MovingClock, settings: Settings | None = None) -> FrontlineApp:
    return make_app(helpdesk, settings=settings, clock=clock)


async def test_keys_typed_in_the_same_burst_as_slash_land_in_the_filter() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        driver = app._driver
        assert driver is not None
        for key, character in (("slash", "/"), ("i", "i"), ("n", "n"), ("v", "v")):
            event = events.Key(key, character)
            event.set_sender(app)
            driver.send_message(event)  # as the terminal delivers a burst: no pause between keys
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#queue-filter", Input).value == "inv"
        assert "filter: inv" in screen.status_bar.text
        await pilot.press("slash")  # in the filter, "/" is text
        assert screen.query_one("#queue-filter", Input).value == "inv/"


async def test_rebinding_the_vim_key_keeps_the_arrow_key() -> None:
    app = make_app(settings=Settings(keymap={"queue.down": "n"}))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        queue = queue_screen(app).queue_list
        await pilot.press("down")
        assert queue.cursor == 1
        await pilot.press("n")
        assert queue.cursor == 2
        await pilot.press("j")  # rebound away
        assert queue.cursor == 2
        await pilot.press("pagedown", "home")
        assert queue.cursor == 0


async def test_ctrl_d_moves_half_a_page_and_pagedown_a_whole_one() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        queue = queue_screen(app).queue_list
        page = queue.scrollable_content_region.height - 1
        await pilot.press("ctrl+d")
        assert queue.cursor == page // 2
        await pilot.press("ctrl+u")
        assert queue.cursor == 0
        await pilot.press("pagedown")
        assert queue.cursor == page
        await pilot.press("pageup")
        assert queue.cursor == 0


async def test_view_keys_beyond_the_last_view_are_hidden() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        ids = {live.active.binding.id for live in live_bindings(screen)}
        assert {"queue.view-1", "queue.view-3"} <= ids
        assert not ids & {"queue.view-4", "queue.view-7", "queue.view-9"}


async def test_updated_column_is_named_for_what_it_shows_and_its_sort_arrow_fits() -> None:
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        header = next(line for line in screen_text(app).splitlines() if " subject " in line)
        assert " updated " in header and " age" not in header
        await pilot.press("s", "end", "enter")  # the sort picker's last column: recently updated
        await pilot.pause()
        header = next(line for line in screen_text(app).splitlines() if " subject " in line)
        assert "updated ▼" in header


async def test_escape_after_walking_with_j_leaves_the_cursor_on_the_last_ticket_viewed() -> None:
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        queue = queue_screen(app).queue_list
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("J", "J")
        await settle(pilot)
        viewed = app.screen.ticket_id  # type: ignore[attr-defined]
        assert viewed == queue.model.ticket_at(3).id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert queue.highlighted_ticket_id == viewed


async def test_a_local_write_updates_other_views_and_switching_reloads_a_dirty_one() -> None:
    helpdesk = CountingHelpdesk()
    clock = MovingClock()
    app = moving_app(helpdesk, clock)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        await pilot.press("2")  # "Your tickets" (mine): load it too
        await settle(pilot)
        target = next(t for t in screen.queue_list.model.tickets if t.status is not Status.SOLVED)
        assert screen.sync.models["all"].position_of(target.id) is not None
        loads_before = dict(helpdesk.loads)
        await app.desk.submit(target.id, TicketUpdate(status=Status.SOLVED))
        await pilot.pause()
        # The current view keeps the row (no jumping), updated; an "unsolved" view drops it at once.
        mine = screen.sync.models["mine"]
        assert mine.tickets[mine._positions()[target.id]].status is Status.SOLVED
        assert screen.sync.models["all"].position_of(target.id) is None
        await pilot.press("1")
        await settle(pilot)
        assert helpdesk.loads["all"] == loads_before["all"] + 1  # marked dirty by the write: reloaded
        assert "All unsolved 39" in screen_text(app)


async def test_switching_to_a_view_shows_its_own_sync_age_and_reloads_it_when_stale() -> None:
    helpdesk = CountingHelpdesk()
    clock = MovingClock()
    app = moving_app(helpdesk, clock, Settings(ui={"refresh_seconds": 600}))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        clock.now += timedelta(minutes=3)
        await pilot.press("2")
        await settle(pilot)
        assert "synced just now" in screen.status_bar.text
        await pilot.press("1")  # loaded 3 minutes ago, within the refresh interval: shown as cached
        await settle(pilot)
        assert helpdesk.loads["all"] == 1
        assert "synced 3m ago" in screen.status_bar.text
        clock.now += timedelta(minutes=10)
        await pilot.press("2")  # now older than the interval: reloaded on the way in
        await settle(pilot)
        assert helpdesk.loads["mine"] == 2
        assert "synced just now" in screen.status_bar.text


async def test_auto_refresh_follows_the_desks_rate_limit_budget() -> None:
    helpdesk = CountingHelpdesk()
    clock = MovingClock()
    app = moving_app(helpdesk, clock, Settings(ui={"refresh_seconds": 60}))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        app.desk.pages_per_view["all"] = 100  # a huge view: 100 requests a load
        budget = app.desk.refresh_seconds("all", 60)
        assert budget > 60
        clock.now += timedelta(seconds=61)
        screen.refresh_when_due()
        await settle(pilot)
        assert helpdesk.loads["all"] == 1
        clock.now += timedelta(seconds=budget)
        screen.refresh_when_due()
        await settle(pilot)
        assert helpdesk.loads["all"] == 2


async def test_failed_refresh_shows_the_connection_state_and_the_last_good_sync() -> None:
    helpdesk = CountingHelpdesk()
    clock = MovingClock()
    app = moving_app(helpdesk, clock)
    app.report_error = lambda error: None  # type: ignore[method-assign]
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = queue_screen(app)
        assert "synced just now · online" in screen.status_bar.text
        clock.now += timedelta(minutes=5)
        helpdesk.fail_with = AuthError("Fake Helpdesk rejected the credentials (401).")
        await pilot.press("R")
        await settle(pilot)
        await pilot.pause(1.1)  # the bar ticks once a second
        text = screen.status_bar.text
        assert "refresh failed" in text and "synced 5m ago" in text and "not signed in" in text
        assert "online" not in text and "just now" not in text


async def test_narrow_status_bar_keeps_the_connection_state_and_shift_clock() -> None:
    helpdesk = CountingHelpdesk()
    clock = MovingClock()
    app = moving_app(helpdesk, clock)
    app.session.journal().start("test", FIXED_NOW, by="command")  # the clock counts from the shift's start
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"billing")
        await pilot.pause()
        clock.now += timedelta(minutes=75)
        await pilot.pause(1.1)
        bar = screen_text(app).splitlines()[-2]
        assert "online" in bar and "shift 1h15m" in bar
        assert "billing" in bar  # the filter is kept, shortened parts go first
        assert cell_len(bar.rstrip()) <= 80
