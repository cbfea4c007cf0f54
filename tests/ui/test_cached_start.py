"""Starting from the local cache: a second start on the same data dir paints the cached queue before the
helpdesk answers, marks it stale until a refresh confirms it, stays usable offline behind a banner (a
reply typed offline waits in the outbox and goes when the helpdesk is back), and keeps local writes."""

from __future__ import annotations

from support.apps import make_app
from support.cached_start import GatedHelpdesk, first_run, queue_of, until
from support.fake_helpdesk import FakeHelpdesk
from textual.widgets import Tabs

from frontline.domain.models import Status, TicketUpdate
from frontline.domain.outbox import WriteState
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.offline_banner import OfflineBanner


async def test_a_second_start_paints_the_cached_queue_before_the_helpdesk_answers() -> None:
    await first_run(FakeHelpdesk())
    helpdesk = GatedHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: len(queue_of(app).queue_list.model) == 40)
        screen = queue_of(app)
        assert helpdesk.answered == 0, "painted from the cache, before any answer"
        assert [v.id for v in screen.views] == ["all", "mine", "urgent"]
        assert screen.current_view_id == "all"
        await until(pilot, lambda: "cached" in screen.status_bar.text)
        assert "cached just now · refreshing…" in screen.status_bar.text
        helpdesk.gate.set()
        await until(pilot, lambda: "synced just now" in screen.status_bar.text)
        assert helpdesk.answered > 0 and "cached" not in screen.status_bar.text
        assert len(screen.queue_list.model) == 40


async def test_a_second_start_opens_on_the_view_shown_last() -> None:
    helpdesk = FakeHelpdesk()
    await first_run(helpdesk, show_view="urgent")  # "Urgent & high", the third tab
    urgent = len((await helpdesk.list_view_tickets("urgent", page_size=1_000)).items)

    gated = GatedHelpdesk()
    again = make_app(gated)
    async with again.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: queue_of(again).current_view_id == "urgent")
        screen = queue_of(again)
        await until(pilot, lambda: len(screen.queue_list.model) == urgent)
        assert gated.answered == 0, "painted from the cache"
        assert [v.id for v in screen.views] == ["all", "mine", "urgent"]


async def test_offline_start_shows_the_banner_and_a_reply_waits_in_the_outbox() -> None:
    ticket_id = "1001"
    await first_run(FakeHelpdesk(), open_ticket=ticket_id)
    helpdesk = GatedHelpdesk(down=True)
    helpdesk.gate.set()
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = queue_of(app)
        banner = screen.query_one(OfflineBanner)
        await until(pilot, lambda: banner.has_class("-shown") and len(screen.queue_list.model) == 40)
        assert "Offline: showing what was cached at" in str(banner.render())
        assert "replies wait in the outbox" in str(banner.render())
        await until(pilot, lambda: "refresh failed" in screen.status_bar.text)

        screen.queue_list.move_cursor(screen.queue_list.model.position_of(ticket_id) or 0)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen) and app.screen.thread is not None)
        ticket_screen = app.screen
        assert isinstance(ticket_screen, TicketScreen)
        assert ticket_screen.thread is not None and ticket_screen.thread.ticket.id == ticket_id
        assert len(ticket_screen.thread.comments) == 2, "the cached conversation"

        await pilot.press("r")
        await until(pilot, lambda: type(app.screen).__name__ == "ComposerScreen")
        await pilot.press(*"Back soon.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "ReviewScreen")
        await pilot.press("y")
        await until(pilot, lambda: bool(app.outbox_watch.refresh()))
        [entry] = app.desk.outbox.repository.unsettled("test", ticket_id)
        assert entry.state is WriteState.QUEUED and helpdesk.updates == []
        await until(pilot, lambda: isinstance(app.screen, TicketScreen))
        await until(pilot, lambda: "queued" in str(app.screen.query_one("#ticket-outbox").render()).lower())

        helpdesk.down = False  # the helpdesk is back: a refresh succeeds, the outbox goes out
        await pilot.press("escape")
        await pilot.press("R")
        await until(pilot, lambda: bool(helpdesk.updates), rounds=120)
        [(sent_to, update)] = helpdesk.updates
        assert sent_to == ticket_id and update.comment is not None and update.comment.body == "Back soon."
        await until(pilot, lambda: not banner.has_class("-shown"))


async def test_a_local_write_is_in_the_cache_after_a_restart() -> None:
    helpdesk = FakeHelpdesk()
    mine = next(t for t in helpdesk.tickets.values() if t.status is Status.OPEN and t.assignee is not None)
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: queue_of(app).sync.is_loaded("all"))
        await pilot.press("2")  # "Your tickets" loads (and is cached) too
        await until(pilot, lambda: queue_of(app).sync.is_loaded("mine"))
        await pilot.press("1")
        await app.workers.wait_for_complete()
        await app.desk.submit(mine.id, TicketUpdate(status=Status.SOLVED))
        await app.session.cache.settle()

    gated = GatedHelpdesk()
    again = make_app(gated)
    async with again.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: len(queue_of(again).queue_list.model) > 0)
        model = queue_of(again).queue_list.model
        assert gated.answered == 0
        assert model.position_of(mine.id) is None, "solved: it left 'All unsolved' in the cache too"
        assert len(model) == 39
        await until(pilot, lambda: queue_of(again).sync.is_loaded("mine"))
        yours = queue_of(again).sync.models["mine"]
        position = yours.position_of(mine.id)
        assert position is not None, "still the engineer's: kept there"
        assert yours.ticket_at(position).status is Status.SOLVED, "as the write left it"


async def test_offline_a_ticket_never_read_shows_its_queue_row_and_says_so() -> None:
    await first_run(FakeHelpdesk())
    helpdesk = GatedHelpdesk(down=True)
    helpdesk.gate.set()
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = queue_of(app)
        await until(pilot, lambda: len(screen.queue_list.model) == 40)
        row = screen.queue_list.model.ticket_at(3)
        screen.queue_list.move_cursor(3)
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.screen.query("#ticket-message")))
        ticket_screen = app.screen
        assert isinstance(ticket_screen, TicketScreen)
        assert ticket_screen.thread is not None and ticket_screen.thread.ticket == row
        header = str(ticket_screen.query_one("#ticket-header").render())
        assert row.subject in header, "the header, from what the queue holds"
        message = str(ticket_screen.query_one("#ticket-message").render())
        assert "The conversation was not read on this machine yet." in message
        assert "Cannot reach the helpdesk" in message and "Press R to try again" in message


async def test_a_start_on_a_view_far_right_in_a_narrow_terminal_shows_its_whole_tab() -> None:
    """The tabs scrolled to the view shown last before they had widths: its label was cut at the edge."""
    await first_run(FakeHelpdesk(), show_view="urgent")

    again = make_app(GatedHelpdesk())
    async with again.run_test(size=(44, 30)) as pilot:
        screen = queue_of(again)
        await until(pilot, lambda: screen.current_view_id == "urgent")
        await pilot.pause(0.2)
        tabs = screen.query_one(Tabs)
        tab, scroller = tabs.active_tab, tabs.query_one("#tabs-scroll")
        assert tab is not None and tab.id == "view-2"
        left, right = scroller.scroll_offset.x, scroller.scroll_offset.x + scroller.size.width
        start, end = tab.virtual_region.column_span
        assert left <= start and end <= right, (left, right, start, end)
