"""A send in flight belongs to the app: leaving the composer, reopening it or quitting never cancels it,
never sends it twice, and its outcome is told wherever the person is."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from support.fake_helpdesk import FakeHelpdesk
from support.ticket_app import TicketApp
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from frontline import locations
from frontline.domain.compose import build_update
from frontline.domain.models import Ticket, TicketUpdate
from frontline.store.db import Store
from frontline.store.drafts import DraftStore
from frontline.ui import writes
from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.review import ReviewScreen
from frontline.ui.screens.ticket import TicketScreen


@dataclass
class SlowHelpdesk(FakeHelpdesk):
    """Holds every update until the test opens `gate`, like a server still applying the write."""

    gate: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    requests: int = 0

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        self.requests += 1
        self.arrived.set()
        await self.gate.wait()
        return await super().update_ticket(ticket_id, update)


def saved_body() -> str | None:
    draft = DraftStore(Store.open(locations.data_dir())).load("test", "1000")
    return draft.body if draft is not None else None


def notifications(app: TicketApp) -> list[str]:
    return [n.message for n in app._notifications]


async def send_and_hold(app: TicketApp, pilot: Pilot[None], text: str = "On its way.") -> ComposerScreen:
    """Write `text` in a new reply, review it, press `y`, and wait until the helpdesk holds the request."""
    helpdesk = app.helpdesk
    assert isinstance(helpdesk, SlowHelpdesk)
    await app.workers.wait_for_complete()
    await pilot.press("r")
    await pilot.pause()
    composer = app.screen
    assert isinstance(composer, ComposerScreen)
    await pilot.press(*text)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    await pilot.press("y")
    await asyncio.wait_for(helpdesk.arrived.wait(), 5)
    await pilot.pause()
    return composer


async def until_exited(app: TicketApp) -> None:
    for _ in range(250):
        if app.return_code is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the app did not quit")


async def test_escape_while_sending_lets_the_send_finish_once() -> None:
    helpdesk = SlowHelpdesk()
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await send_and_hold(app, pilot)
        assert composer.sending and composer.query_one(TextArea).read_only
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is composer, "no second review while the first send is in flight"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen)
        assert any("finishes in the background" in m for m in notifications(app))
        assert app.writes.in_flight(), "leaving the composer did not cancel the send"
        helpdesk.gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert helpdesk.requests == 1
        [(ticket_id, update)] = helpdesk.updates
        assert ticket_id == "1000" and update.comment is not None and update.comment.body == "On its way."
        assert saved_body() is None
        assert any("Reply sent to #1000" in m for m in notifications(app))
        ticket_screen = app.screen
        assert isinstance(ticket_screen, TicketScreen)
        assert ticket_screen.thread is not None and len(ticket_screen.thread.comments) == 3, "reloaded"
        assert not ticket_screen.query_one("#ticket-draft", Static).has_class("-visible")


async def test_a_composer_opened_during_the_send_shows_it_and_cannot_send_it_again() -> None:
    helpdesk = SlowHelpdesk()
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        first = await send_and_hold(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        second = app.screen
        assert isinstance(second, ComposerScreen) and second is not first
        assert second.sending and second.query_one(TextArea).text == "On its way."
        assert "Sending" in str(second.query_one("#composer-notice", Static).render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is second, "review is disabled while this draft is on its way"
        update = build_update(second.state, second.thread.ticket)
        assert app.writes.send_draft(second.keeper, second.thread, second.state, update) is None
        helpdesk.gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen), "the composer closes once its send landed"
        assert helpdesk.requests == 1 and len(helpdesk.updates) == 1
        assert saved_body() is None


async def test_y_twice_in_review_sends_once() -> None:
    helpdesk = FakeHelpdesk()
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"Once only.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        review.action_choose("send")
        review.action_choose("send")
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(helpdesk.updates) == 1


async def test_a_failure_after_leaving_is_told_and_the_draft_kept() -> None:
    helpdesk = SlowHelpdesk(conflict_next_update=True)
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_hold(app, pilot, "Maybe later.")
        await pilot.press("escape")
        await pilot.pause()
        helpdesk.gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert helpdesk.updates == []
        [told] = [m for m in notifications(app) if "not sent" in m]
        assert "Reply to #1000 not sent" in told and "draft is kept" in told
        assert saved_body() == "Maybe later."
        assert app.screen.query_one("#ticket-draft", Static).has_class("-visible")


async def test_quitting_waits_for_the_send_in_flight() -> None:
    helpdesk = SlowHelpdesk()
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_hold(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code is None, "still running while the reply is on its way"
        assert any("before quitting" in m for m in notifications(app))
        helpdesk.gate.set()
        await until_exited(app)
    assert len(helpdesk.updates) == 1
    assert saved_body() is None


async def test_quitting_again_quits_at_once() -> None:
    helpdesk = SlowHelpdesk()
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_hold(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await until_exited(app)
    assert helpdesk.updates == []


async def test_quitting_waits_only_so_long(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writes, "QUIT_WAIT_SECONDS", 0.2)
    helpdesk = SlowHelpdesk()
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_hold(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await until_exited(app)
    assert helpdesk.updates == []
