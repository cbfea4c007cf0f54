"""`q` goes back on inner screens (the mutt/aerc habit); only the queue, the home screen, quits with it."""

from __future__ import annotations

from support.apps import make_app
from support.pilot import settle
from support.ticket_app import TicketApp

from frontline.ui.app import bound_classes
from frontline.ui.keymap import declared_bindings
from frontline.ui.screens.base import BACK_BINDING_ID, FrontlineScreen
from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.handoff import HandoffScreen
from frontline.ui.screens.help import HelpScreen
from frontline.ui.screens.outbox import OutboxScreen
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.screens.ticket import TicketScreen


async def test_q_on_the_ticket_goes_back_to_the_queue_and_q_there_quits() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        app.screen.query_one("#conversation").focus()  # reading, not typing in the search box
        await pilot.pause()

        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.is_running

        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_q_closes_the_outbox_and_help() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        for key, screen_class in (("O", OutboxScreen), ("question_mark", HelpScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_class)
            await pilot.press("q")
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen), key
        assert app.is_running


async def test_q_closes_the_handoff_screen() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await app.push_screen(HandoffScreen("handoff text", title="Handoff"))
        await pilot.pause()
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_in_the_composer_q_is_a_typed_letter() -> None:
    app = TicketApp()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ComposerScreen)
        await pilot.press("q", "q")
        await pilot.pause()
        assert app.screen is composer and app.is_running
        assert "qq" in composer.query_one("#composer-body").text  # type: ignore[attr-defined]


def test_every_inner_frontline_screen_binds_q_to_back_and_the_queue_does_not() -> None:
    for screen_class in bound_classes():
        if not issubclass(screen_class, FrontlineScreen):
            continue
        ids = {b.id for b in declared_bindings(screen_class) if "q" in b.key.split(",")}
        if screen_class is QueueScreen:
            assert BACK_BINDING_ID not in ids
        else:
            assert BACK_BINDING_ID in ids, screen_class.__name__
