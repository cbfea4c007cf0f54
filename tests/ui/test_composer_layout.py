"""The composer keeps the thread in view, fits 80x24 with its footer, and survives hostile header fields."""

from __future__ import annotations

import dataclasses

from support.fake_helpdesk import FakeHelpdesk
from support.pilot import settle
from support.ticket_app import TicketApp
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Footer, TextArea

from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.composer_editor import ComposerThread
from frontline.ui.screens.conversation import CommentCard
from frontline.ui.screens.review import ReviewScreen

HUGE = "x" * 20_000


def fully_visible(widget: Widget, height: int, width: int) -> bool:
    region = widget.region
    return region.height > 0 and region.y >= 0 and region.bottom <= height and region.right <= width


async def open_composer(app: TicketApp, pilot: Pilot[None]) -> ComposerScreen:
    await settle(pilot)
    await pilot.press("r")
    await pilot.pause()
    assert isinstance(app.screen, ComposerScreen)
    return app.screen


async def test_at_80x24_the_footer_editor_and_thread_are_on_screen_thread_above() -> None:
    app = TicketApp()
    async with app.run_test(size=(80, 24)) as pilot:
        composer = await open_composer(app, pilot)
        await pilot.press(*"typed reply")
        await pilot.pause()
        footer, editor = composer.query_one(Footer), composer.query_one(TextArea)
        thread = composer.query_one(ComposerThread)
        assert fully_visible(footer, 24, 80) and footer.region.bottom == 24
        assert fully_visible(editor, 24, 80) and editor.region.height >= 4
        assert thread.region.height >= 3 and thread.region.bottom <= editor.region.y, "above the editor"
        assert thread.query(CommentCard), "the conversation is shown"


async def test_on_a_wide_terminal_the_thread_stands_beside_the_editor() -> None:
    app = TicketApp()
    async with app.run_test(size=(160, 45)) as pilot:
        composer = await open_composer(app, pilot)
        await pilot.pause()
        thread, editor = composer.query_one(ComposerThread), composer.query_one(TextArea)
        assert thread.region.right <= editor.region.x, "beside, on the left"
        assert thread.region.y < editor.region.bottom and editor.region.y < thread.region.bottom
        latest = app.helpdesk.comments["1000"][-1]
        assert thread.query(CommentCard).last().comment.id == latest.id


async def test_a_20000_character_subject_and_name_leave_the_editor_and_review_on_screen() -> None:
    helpdesk = FakeHelpdesk()
    ticket = helpdesk.tickets["1000"]
    assert ticket.requester is not None
    requester = dataclasses.replace(ticket.requester, name=HUGE)
    helpdesk.tickets["1000"] = ticket.replace(subject=HUGE, requester=requester)
    app = TicketApp(helpdesk)
    async with app.run_test(size=(80, 24)) as pilot:
        composer = await open_composer(app, pilot)
        await pilot.press(*"still here")
        await pilot.pause()
        context = composer.query_one("#composer-context")
        assert context.region.height <= 2
        editor = composer.query_one(TextArea)
        assert fully_visible(editor, 24, 80) and editor.text == "still here"
        assert fully_visible(composer.query_one(Footer), 24, 80)
        await pilot.press("ctrl+s")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.query_one("#review-audience").region.height <= 2
        assert review.query_one("#review-ticket").region.height <= 2
        body = review.query_one("#review-body")
        assert fully_visible(body, 24, 80) and body.region.height >= 3
        assert fully_visible(review.query_one(Footer), 24, 80)
