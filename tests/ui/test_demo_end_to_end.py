"""The demo end to end: the real app, the real adapters, the sandbox over HTTP on 127.0.0.1.

This is what `frontline demo` runs; only the terminal is headless.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from support.pilot import settle
from textual.widgets import TextArea

from frontline.cli.demo import demo_session
from frontline.domain.models import Status
from frontline.sandbox.server import SandboxServer
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.conversation import CommentCard
from frontline.ui.screens.pickers import ChoiceScreen
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.queue_list import QueueList


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[dict[str, httpx.Client]]:
    clients = {
        name: httpx.Client(base_url=f"{url}/__sandbox__", timeout=10) for name, url in sandbox.urls.items()
    }
    yield clients
    for client in clients.values():
        client.close()


async def make_app(sandbox: SandboxServer, helpdesk: str) -> FrontlineApp:
    """The app exactly as `frontline demo` builds it."""
    return FrontlineApp(demo_session(sandbox, helpdesk))


@pytest.fixture
async def zendesk_app(sandbox: SandboxServer) -> AsyncIterator[FrontlineApp]:
    app = await make_app(sandbox, "zendesk")
    yield app
    await app.session.aclose()


@pytest.mark.parametrize("helpdesk", ["zendesk", "jsm"])
async def test_demo_opens_queue_moves_cursor_and_reads_a_ticket(
    sandbox: SandboxServer, helpdesk: str
) -> None:
    app = await make_app(sandbox, helpdesk)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        listing = queue.query_one(QueueList)
        assert listing.model is not None and len(listing.model.visible) > 3
        first = listing.highlighted_ticket_id
        await pilot.press("j", "j")
        third = listing.highlighted_ticket_id
        assert third is not None and third != first

        await pilot.press("enter")
        await settle(pilot)
        ticket_screen = app.screen
        assert isinstance(ticket_screen, TicketScreen)
        cards = list(ticket_screen.query(CommentCard))
        assert len(cards) >= 2
        kinds = {card.comment.public for card in cards}
        assert True in kinds
        if helpdesk == "jsm":  # JSM keeps the description apart; it opens the thread
            assert cards[0].comment.id.endswith(":description")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    await app.session.aclose()


async def test_reply_and_solve_reaches_the_helpdesk_once_and_updates_the_queue(
    zendesk_app: FrontlineApp, control: dict[str, httpx.Client]
) -> None:
    async with zendesk_app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        listing = zendesk_app.screen.query_one(QueueList)
        ticket_id = listing.highlighted_ticket_id
        assert ticket_id is not None
        before = control["zendesk"].get(f"/tickets/{ticket_id}").json()

        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        composer = zendesk_app.screen
        assert isinstance(composer, ComposerScreen)
        composer.query_one(TextArea).insert("Fixed in today's release, please retry.")
        await pilot.press("ctrl+o")
        await settle(pilot)
        picker = zendesk_app.screen
        assert isinstance(picker, ChoiceScreen)
        picker.dismiss(next(key for key, _ in picker.choices if key.endswith(">solved")))
        await settle(pilot)
        assert composer.state.submit_status is Status.SOLVED
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)

        after = control["zendesk"].get(f"/tickets/{ticket_id}").json()
        assert len(after["comments"]) == len(before["comments"]) + 1
        newest = after["comments"][-1]
        assert newest["public"] is True
        assert "Fixed in today's release" in newest["body"]
        assert after["ticket"]["status"] == "solved"

        while not isinstance(zendesk_app.screen, QueueScreen):
            await pilot.press("escape")
            await settle(pilot)
        model = zendesk_app.screen.query_one(QueueList).model
        assert model is not None
        position = model.position_of(ticket_id)
        if position is not None:  # the row is updated in place until the next refresh drops it
            assert model.ticket_at(position).status is Status.SOLVED
