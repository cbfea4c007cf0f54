"""A public reply and an internal note are separate drafts on one ticket: `n` never opens the reply."""

from __future__ import annotations

from support.pilot import settle
from support.ticket_app import TicketApp
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from frontline import locations
from frontline.domain.drafts import DraftKind
from frontline.store.db import Store
from frontline.store.drafts import DraftStore
from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.review import ReviewScreen
from frontline.ui.screens.ticket import TicketScreen


def saved_drafts() -> DraftStore:
    return DraftStore(Store.open(locations.data_dir()))


async def open_composer(app: TicketApp, pilot: Pilot[None], key: str) -> ComposerScreen:
    await settle(pilot)
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, ComposerScreen)
    return app.screen


async def write_and_close(app: TicketApp, pilot: Pilot[None], key: str, text: str) -> None:
    await open_composer(app, pilot, key)
    await pilot.press(*text)
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, TicketScreen)


async def test_n_opens_an_empty_note_beside_a_public_draft_and_both_survive_a_restart() -> None:
    first = TicketApp()
    async with first.run_test(size=(120, 40)) as pilot:
        await write_and_close(first, pilot, "r", "Dear customer")
        note = await open_composer(first, pilot, "n")
        assert note.query_one(TextArea).text == "", "the public draft is not offered as a note"
        assert note.state.public is False and note.has_class("-internal")
        await pilot.press(*"candid remark")
        await pilot.press("escape")
        await pilot.pause()

    reply = saved_drafts().load("test", "1000", DraftKind.REPLY)
    note_draft = saved_drafts().load("test", "1000", DraftKind.NOTE)
    assert reply is not None and reply.body == "Dear customer" and reply.public
    assert note_draft is not None and note_draft.body == "candid remark" and not note_draft.public

    second = TicketApp()
    async with second.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        banner = str(second.screen.query_one("#ticket-draft", Static).render())
        assert "Unsent public reply" in banner and "Unsent internal note" in banner
        composer = await open_composer(second, pilot, "n")
        assert composer.query_one(TextArea).text == "candid remark" and composer.state.public is False
        await pilot.press("escape")
        await pilot.pause()
        composer = await open_composer(second, pilot, "r")
        assert composer.query_one(TextArea).text == "Dear customer" and composer.state.public is True


async def test_sending_the_note_keeps_the_reply_draft() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await write_and_close(app, pilot, "r", "Reply for later")
        await open_composer(app, pilot, "n")
        await pilot.press(*"Note now")
        await pilot.press("ctrl+s")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen) and not review.public
        await pilot.press("y")
        await settle(pilot)
        [(_ticket_id, update)] = app.helpdesk.updates
        assert update.comment is not None and update.comment.body == "Note now" and not update.comment.public
    assert saved_drafts().load("test", "1000", DraftKind.NOTE) is None
    kept = saved_drafts().load("test", "1000", DraftKind.REPLY)
    assert kept is not None and kept.body == "Reply for later"


async def test_tab_is_refused_when_the_other_kind_has_a_draft() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await write_and_close(app, pilot, "r", "Public words")
        composer = await open_composer(app, pilot, "n")
        await pilot.press(*"private words")
        await pilot.press("tab")
        await pilot.pause()
        assert composer.state.public is False and composer.has_class("-internal"), "still a note"
        assert any("already has an unsent public reply" in n.message for n in app._notifications)
    reply = saved_drafts().load("test", "1000", DraftKind.REPLY)
    assert reply is not None and reply.body == "Public words", "the public draft is not overwritten"


async def test_tab_moves_the_text_to_the_other_kind_and_says_it_is_public() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "n")
        await pilot.press(*"now for the customer")
        await pilot.press("tab")
        await pilot.pause()
        assert composer.state.public is True and composer.has_class("-public")
        assert any("PUBLIC REPLY" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
    assert saved_drafts().load("test", "1000", DraftKind.NOTE) is None
    moved = saved_drafts().load("test", "1000", DraftKind.REPLY)
    assert moved is not None and moved.body == "now for the customer"
