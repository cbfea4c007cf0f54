"""The queue's preview pane after this console writes: a reply, a note or a field change shows in the pane
without moving the cursor (the kept thread is forgotten and read again); and shift+down/shift+up page the
pane's messages while the cursor stays on the list."""

from __future__ import annotations

import pytest
from support.apps import make_app
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Static

from frontline.domain.models import Comment, CommentDraft, Status, TicketUpdate
from frontline.ui.screens.conversation import CommentCard
from frontline.ui.widgets import preview_pane
from frontline.ui.widgets.preview_pane import PreviewPane
from frontline.ui.widgets.queue_list import QueueList

SIZE = (160, 45)


@pytest.fixture(autouse=True)
def slow_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cursor never rests long enough by itself: reads happen only on `flush` (no timing in tests)."""
    monkeypatch.setattr(preview_pane, "DEBOUNCE_SECONDS", 3600.0)


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def rest(pilot: Pilot[None]) -> PreviewPane:
    """As if the cursor had rested: read the pending conversation and let its cards mount."""
    await pilot.pause()
    pane = pilot.app.screen.query_one(PreviewPane)
    pane.flush()
    await settle(pilot)
    return pane


def newest_card(pane: PreviewPane) -> CommentCard:
    return pane.query(CommentCard).first()


async def test_a_note_and_a_status_change_from_this_console_show_in_the_pane_at_once() -> None:
    app = make_app(FakeHelpdesk())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await rest(pilot)
        listing = app.screen.query_one(QueueList)
        ticket_id = listing.highlighted_ticket_id
        assert ticket_id is not None and pane.ticket is not None and pane.ticket.id == ticket_id
        assert "Reproduced on staging" not in newest_card(pane).comment.body
        reads = pane.reads

        note = CommentDraft(body="Reproduced on staging: cache again.", public=False)
        await app.desk.submit(ticket_id, TicketUpdate(comment=note, status=Status.PENDING))
        await settle(pilot)

        assert listing.highlighted_ticket_id == ticket_id, "the cursor did not move"
        assert pane.reads == reads + 1, "read again after the write"
        assert newest_card(pane).comment.body == "Reproduced on staging: cache again."
        assert "pending" in str(pane.query_one("#preview-header", Static).render())


async def test_shift_down_and_up_page_the_pane_while_the_list_keeps_the_cursor() -> None:
    helpdesk = FakeHelpdesk()
    ticket_id = sorted(helpdesk.tickets)[0]
    long_body = "\n".join(f"line {n} of a long log" for n in range(80))
    helpdesk.comments[ticket_id] = [
        Comment(id=f"long-{n}", body=long_body, public=True, created_at=FIXED_NOW) for n in range(3)
    ]
    app = make_app(helpdesk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(QueueList)
        listing.move_cursor(listing.model.position_of(ticket_id) or 0)
        pane = await rest(pilot)
        assert pane.ticket is not None and pane.ticket.id == ticket_id
        messages = pane.query_one("#preview-messages", VerticalScroll)
        assert messages.scroll_y == 0 and messages.max_scroll_y > 0
        cursor = listing.cursor

        await pilot.press("shift+down")
        await pilot.pause()
        assert messages.scroll_y > 0, "paged down"
        assert app.focused is listing and listing.cursor == cursor, "the list keeps focus and its cursor"
        await pilot.press("shift+down")
        await pilot.pause()
        further = messages.scroll_y
        await pilot.press("shift+up")
        await pilot.pause()
        assert 0 <= messages.scroll_y < further
        await pilot.press("shift+up", "shift+up")
        await pilot.pause()
        assert messages.scroll_y == 0
