"""The queue's split layout: the preview pane follows the cursor (debounced, threads kept), shows the
newest message first, toggles with `v` for the session, adapts to the width, fails politely, renders
hostile text literally and never marks a ticket as seen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from support.apps import make_app
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from textual.pilot import Pilot
from textual.widgets import Footer, Static

from frontline.domain.models import Comment, Status, Ticket
from frontline.errors import FrontlineError, Unavailable
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.conversation import CommentCard
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets import preview_pane
from frontline.ui.widgets.preview_pane import PreviewPane
from frontline.ui.widgets.queue_list import QueueList
from frontline.ui.widgets.queue_split import QueueSplit


@dataclass
class CountingHelpdesk(FakeHelpdesk):
    """Records every conversation read; fails them while `failure` is set."""

    reads: list[str] = field(default_factory=list)
    failure: FrontlineError | None = None

    async def list_comments(self, ticket_id: str) -> list[Comment]:
        self.reads.append(ticket_id)
        if self.failure is not None:
            raise self.failure
        return await super().list_comments(ticket_id)


@pytest.fixture
def slow_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cursor never rests long enough by itself: reads happen only on `flush` (no timing in tests)."""
    monkeypatch.setattr(preview_pane, "DEBOUNCE_SECONDS", 3600.0)


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def rest(pilot: Pilot[None]) -> PreviewPane:
    """As if the cursor had rested: read the pending conversation and let its cards mount."""
    await pilot.pause()  # the cursor's last move reaches the pane first
    pane = pilot.app.screen.query_one(PreviewPane)
    pane.flush()
    await settle(pilot)
    return pane


def queue_screen(app: FrontlineApp) -> QueueScreen:
    screen = app.screen
    assert isinstance(screen, QueueScreen)
    return screen


def text_of(widget: Static) -> str:
    return str(widget.render())


def header_text(pane: PreviewPane) -> str:
    return text_of(pane.query_one("#preview-header", Static))


def state_text(pane: PreviewPane) -> str:
    return text_of(pane.query_one("#preview-state", Static))


def cards(pane: PreviewPane) -> list[CommentCard]:
    return list(pane.query(CommentCard))


def highlighted(app: FrontlineApp) -> Ticket:
    queue = queue_screen(app).queue_list
    return queue.model.ticket_at(queue.cursor)


async def test_pane_beside_the_list_follows_the_cursor_newest_message_first(slow_debounce: None) -> None:
    helpdesk = CountingHelpdesk()
    for ticket_id, ticket in helpdesk.tickets.items():
        helpdesk.tickets[ticket_id] = ticket.replace(linked_bug="ENG-9")
    app = make_app(helpdesk)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        split = app.screen.query_one(QueueSplit)
        pane = await rest(pilot)
        queue = app.screen.query_one(QueueList)
        assert split.has_class("-beside") and pane.active
        assert pane.region.x >= queue.region.right  # on the right of the list
        assert pane.region.width >= 60
        first = highlighted(app)
        assert first.display_key in header_text(pane)
        assert "Bug ENG-9" in header_text(pane)  # the list's bug column made way for the pane
        await pilot.press("j")
        second = highlighted(app)
        assert second.id != first.id
        assert second.display_key in header_text(pane)  # the header follows at once
        pane = await rest(pilot)
        shown = cards(pane)
        thread = helpdesk.comments[second.id]
        assert [card.comment.id for card in shown] == [c.id for c in reversed(thread)]
        assert "INTERNAL NOTE" in shown[0].title_text  # the newest: the agent's note
        assert shown[1].title_text.startswith("CUSTOMER")
        assert "2 messages, newest first" in state_text(pane)
        assert helpdesk.reads == [first.id, second.id]


async def test_moving_fast_reads_only_where_the_cursor_rests_and_keeps_threads(slow_debounce: None) -> None:
    helpdesk = CountingHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(PreviewPane)
        await pilot.press(*"jjjjjjjj")
        await settle(pilot)
        assert helpdesk.reads == []  # eight rows crossed, nothing asked yet
        assert "Loading the conversation" in state_text(pane)
        resting = highlighted(app)
        await rest(pilot)
        assert helpdesk.reads == [resting.id]
        assert cards(pane)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("j")  # back on a thread already read: shown at once, not read again
        await settle(pilot)
        assert helpdesk.reads == [resting.id]
        assert [card.comment.id for card in cards(pane)][-1] == f"{resting.id}-1"


async def test_a_changed_ticket_is_read_again(slow_debounce: None) -> None:
    helpdesk = CountingHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        pane = await rest(pilot)
        assert pane.reads == 1
        ticket = highlighted(app)
        helpdesk.tickets[ticket.id] = ticket.replace(updated_at=FIXED_NOW - timedelta(minutes=1))
        await pilot.press("R")
        await settle(pilot)
        assert highlighted(app).id == ticket.id
        pane = await rest(pilot)
        assert pane.reads == 2  # the kept thread was older than the row: read again
        assert pane.thread is not None and pane.thread.ticket.updated_at == FIXED_NOW - timedelta(minutes=1)


async def test_v_hides_and_shows_the_pane_for_the_session(slow_debounce: None) -> None:
    helpdesk = CountingHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        split = app.screen.query_one(QueueSplit)
        pane = app.screen.query_one(PreviewPane)
        queue = app.screen.query_one(QueueList)
        await pilot.press("v")
        await pilot.pause()
        assert not pane.active and not pane.display
        assert queue.region.width == 160
        await pilot.press("j", "j")
        await rest(pilot)
        assert helpdesk.reads == []  # hidden: nothing is read
        await pilot.resize_terminal(240, 60)
        await settle(pilot)
        assert not split.preview_shown  # the choice holds at any width
        await pilot.press("v")
        await settle(pilot)
        assert pane.active and split.has_class("-beside") and split.has_class("-roomy")
        assert helpdesk.reads == [highlighted(app).id]  # shown: read at once, no rest needed
        assert pane.region.width == 108  # 45% of a very wide terminal: over 100 columns to read
        assert queue.has_focus


async def test_80x24_hides_the_pane_and_v_puts_it_under_the_list(slow_debounce: None) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        split = app.screen.query_one(QueueSplit)
        pane = app.screen.query_one(PreviewPane)
        queue = app.screen.query_one(QueueList)
        assert not split.preview_shown and not pane.display
        await pilot.press("v")
        await rest(pilot)
        assert split.has_class("-below") and pane.display
        assert pane.region.y >= queue.region.bottom  # under the list
        assert queue.region.height - 1 >= 8  # a useful number of rows besides the header line
        footer = app.screen.query_one(Footer)
        assert footer.region.bottom == 24 and footer.region.height == 1  # the footer is whole
        assert cards(pane)  # and the pane has the conversation


async def test_a_failed_read_says_so_in_the_pane(slow_debounce: None) -> None:
    helpdesk = CountingHelpdesk(failure=Unavailable("The helpdesk did not answer (timed out)."))
    app = make_app(helpdesk)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        pane = await rest(pilot)
        state = state_text(pane)
        assert "Could not load the conversation" in state
        assert "timed out" in state
        assert pane.query_one("#preview-state").has_class("-error")
        assert not cards(pane)
        assert app.return_code is None and app.is_running  # no exception took the app down
        helpdesk.failure = None
        await pilot.press("j", "k")  # back on the row: tried again
        await rest(pilot)
        assert "Could not load" not in state_text(pane)
        assert cards(pane)


async def test_hostile_subject_is_shown_literally_and_clamped(slow_debounce: None) -> None:
    helpdesk = CountingHelpdesk()
    hostile = helpdesk.tickets["1004"]
    assert hostile.subject.startswith("[bold red]URGENT[/]")
    helpdesk.tickets["1005"] = helpdesk.tickets["1005"].replace(subject="Ω" * 20_000)
    app = make_app(helpdesk)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one(QueueList)
        position = queue.model.position_of("1004")
        assert position is not None
        queue.move_cursor(position)
        pane = await rest(pilot)
        header = header_text(pane)
        assert "[bold red]URGENT[/]" in header  # literal, not markup
        assert "\x1b" not in header
        huge = queue.model.position_of("1005")
        assert huge is not None
        queue.move_cursor(huge)
        pane = await rest(pilot)
        header_widget = pane.query_one("#preview-header", Static)
        assert header_widget.region.height <= 4
        assert "…" in header_text(pane)
        assert cards(pane)  # the conversation still has room


async def test_preview_does_not_mark_the_ticket_seen_but_opening_does(slow_debounce: None) -> None:
    helpdesk = CountingHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        newcomer = helpdesk.tickets["1000"].replace(
            id="2000", key="#2000", subject="Brand new", status=Status.NEW
        )
        helpdesk.tickets["2000"] = newcomer
        helpdesk.comments["2000"] = helpdesk.comments["1000"]
        await pilot.press("R")
        await settle(pilot)
        screen = queue_screen(app)
        queue = screen.queue_list
        position = queue.model.position_of("2000")
        assert position is not None
        queue.move_cursor(position)
        pane = await rest(pilot)
        assert pane.thread is not None and pane.thread.ticket.id == "2000"
        assert screen.sync.seen.marker(newcomer) == "new"  # previewed, still new
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert screen.sync.seen.marker(newcomer) is None  # opened: seen


async def test_a_highlight_posted_before_a_filter_narrowed_the_rows_follows_the_row_highlighted_now(
    slow_debounce: None,
) -> None:
    """A message for row 5, handled once a filter keystroke has left one row: the pane follows that row
    (it used to read row 5 of the narrowed list and crash the console with an IndexError)."""
    app = make_app(FakeHelpdesk())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one(QueueList)
        split = app.screen.query_one(QueueSplit)
        await pilot.press(*"jjjjj")
        stale = QueueList.Highlighted(queue, queue.highlighted_ticket_id, queue.cursor)
        assert stale.position == 5
        kept = queue.model.ticket_at(0)
        await pilot.press("slash", *kept.display_key)
        await settle(pilot)
        assert len(queue.model) == 1 and highlighted(app).id == kept.id
        split.on_queue_list_highlighted(stale)
        assert split.pane.ticket is not None and split.pane.ticket.id == kept.id
