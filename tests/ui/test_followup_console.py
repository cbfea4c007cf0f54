"""A reply to a closed Zendesk ticket, in the console over real HTTP against the sandbox: refused, then
offered as a follow-up ticket; yes opens one linked to the closed ticket and drops the draft, no keeps it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.pilot import settle
from textual.pilot import Pilot

from frontline.bootstrap import session_for_helpdesk
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.sandbox.server import SandboxServer
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.pickers import ConfirmScreen
from frontline.ui.screens.review import ReviewScreen
from frontline.ui.screens.ticket import TicketScreen


@pytest.fixture(scope="module")
def zendesk() -> Iterator[SandboxServer]:
    with SandboxServer(systems=("zendesk",)) as server:
        yield server


def tickets(server: SandboxServer) -> dict[int, dict[str, Any]]:
    return server.system("zendesk").store.data.tickets  # type: ignore[attr-defined,no-any-return]


def closed_id(server: SandboxServer) -> str:
    return str(next(t["id"] for t in tickets(server).values() if t["status"] == "closed"))


class ClosedTicketApp(FrontlineApp):
    def __init__(self, server: SandboxServer, ticket_id: str) -> None:
        async def no_sleep(_: float) -> None:
            return None

        adapter = build_zendesk_adapter(server.urls["zendesk"], server.email, server.token, sleep=no_sleep)
        super().__init__(session_for_helpdesk(adapter, profile_name="closed"))
        self.ticket_id = ticket_id

    def first_screen(self) -> TicketScreen:
        return TicketScreen(self.ticket_id)


async def reply_refused(app: ClosedTicketApp, pilot: Pilot[None], text: str) -> None:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(app.screen, ComposerScreen)
    await pilot.press(*text)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, ReviewScreen)
    await pilot.press("y")
    await app.workers.wait_for_complete()
    await settle(pilot)
    assert isinstance(app.screen, ConfirmScreen), "the refusal offers a follow-up"


def followups_of(server: SandboxServer, ticket_id: str) -> list[dict[str, Any]]:
    return [t for t in tickets(server).values() if t.get("followup_source_id") == int(ticket_id)]


async def test_yes_opens_one_follow_up_and_drops_the_draft(zendesk: SandboxServer) -> None:
    ticket_id = closed_id(zendesk)
    before = len(followups_of(zendesk, ticket_id))
    app = ClosedTicketApp(zendesk, ticket_id)
    async with app.run_test(size=(140, 40)) as pilot:
        await reply_refused(app, pilot, "The fix is live now.")
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert len(followups_of(zendesk, ticket_id)) == before + 1
        drafts = app.session.drafts
        assert drafts is not None and drafts.load("closed", ticket_id) is None, "carried by the follow-up"
    await app.session.aclose()


async def test_no_keeps_the_draft_and_opens_nothing(zendesk: SandboxServer) -> None:
    ticket_id = closed_id(zendesk)
    before = len(followups_of(zendesk, ticket_id))
    app = ClosedTicketApp(zendesk, ticket_id)
    async with app.run_test(size=(140, 40)) as pilot:
        await reply_refused(app, pilot, "Second thoughts.")
        await pilot.press("n")
        await settle(pilot)
        assert len(followups_of(zendesk, ticket_id)) == before
        drafts = app.session.drafts
        kept = drafts.load("closed", ticket_id) if drafts is not None else None
        assert kept is not None and kept.body == "Second thoughts."
    await app.session.aclose()
