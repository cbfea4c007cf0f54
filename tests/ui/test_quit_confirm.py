"""Quitting with unsent drafts asks first, and the answer defaults to staying."""

from __future__ import annotations

import asyncio

from support.pilot import settle
from support.ticket_app import TicketApp

from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.drafts_list import QuitConfirmScreen


async def until_exited(app: TicketApp) -> None:
    for _ in range(250):
        if app.return_code is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the app did not quit")


async def test_quitting_with_drafts_asks_and_enter_stays() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, text in (("r", "reply text"), ("n", "note text")):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ComposerScreen)
            await pilot.press(*text)
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, QuitConfirmScreen)
        assert question.question == "2 drafts not sent — quit anyway?"
        await pilot.press("enter")
        await pilot.pause()
        assert app.return_code is None and not isinstance(app.screen, QuitConfirmScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitConfirmScreen)
        await pilot.press("y")
        await until_exited(app)


async def test_quitting_with_nothing_unsent_does_not_ask() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await until_exited(app)
