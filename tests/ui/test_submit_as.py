"""The composer's submit-as (ctrl+o) over the sandbox: the same status picker as the ticket screen's `s`,
the choice kept in the draft across a restart and sent with the reply by id (a JSM workflow transition, a
Zendesk custom status)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from support.pilot import settle
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList, Static, TextArea

from frontline.cli.demo import demo_session
from frontline.domain.assignment import StatusChoice
from frontline.errors import Unavailable
from frontline.sandbox.server import SandboxServer
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.composer import ComposerScreen
from frontline.ui.screens.pickers import ChoiceScreen
from frontline.ui.screens.review import ReviewScreen
from frontline.ui.screens.submit_as import KEEP_STATUS
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.queue_list import QueueList

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SIZE = (140, 40)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    modes = {"zendesk": "custom-statuses"}
    with SandboxServer(seed=7, tickets=40, systems=("zendesk", "jsm"), clock=lambda: NOW, modes=modes) as s:
        assert {"zendesk", "jsm"} <= set(s.urls), s.skipped
        yield s


@pytest.fixture
def control(server: SandboxServer) -> Iterator[dict[str, httpx.Client]]:
    clients = {name: httpx.Client(base_url=f"{server.urls[name]}/__sandbox__") for name in ("zendesk", "jsm")}
    for client in clients.values():
        client.delete("/requests")
    yield clients
    for client in clients.values():
        client.post("/reset").raise_for_status()
        client.close()


async def wait_for(pilot: Pilot[Any], screen_type: type[Screen[Any]], rounds: int = 500) -> Any:
    """The screen of `screen_type` once it is on top (a picker waits for the helpdesk's choices)."""
    for _ in range(rounds):
        if isinstance(pilot.app.screen, screen_type):
            return pilot.app.screen
        await pilot.pause()
    raise AssertionError(f"{screen_type.__name__} did not open; on {pilot.app.screen!r}")


async def open_reply(app: FrontlineApp, pilot: Pilot[Any]) -> tuple[TicketScreen, ComposerScreen]:
    """The queue's first ticket, its public reply open."""
    await settle(pilot)
    assert app.screen.query_one(QueueList).highlighted_ticket_id is not None
    await pilot.press("enter")
    await settle(pilot)
    ticket_screen = app.screen
    assert isinstance(ticket_screen, TicketScreen) and ticket_screen.thread is not None
    await pilot.press("r")
    composer = await wait_for(pilot, ComposerScreen)
    return ticket_screen, composer


async def pick(pilot: Pilot[Any], choice: StatusChoice) -> None:
    picker = await wait_for(pilot, ChoiceScreen)
    options = picker.query_one(OptionList)
    options.highlighted = options.get_option_index(choice.key)
    await pilot.press("enter")
    await pilot.pause()


def fields_line(composer: ComposerScreen) -> str:
    return str(composer.query_one("#composer-fields", Static).render())


async def test_jsm_submit_as_offers_the_transitions_survives_a_restart_and_moves_the_issue_by_id(
    server: SandboxServer, control: dict[str, httpx.Client]
) -> None:
    first = FrontlineApp(demo_session(server, "jsm"))
    async with first.run_test(size=SIZE) as pilot:
        ticket_screen, composer = await open_reply(first, pilot)
        assert ticket_screen.thread is not None
        ticket = ticket_screen.thread.ticket
        choices = await first.desk.status_choices(ticket)
        target = next(c for c in choices if c.transition_id is not None and not c.is_current(ticket))
        composer.query_one(TextArea).insert("Could you send us the log from this morning?")
        await pilot.press("ctrl+o")
        picker = await wait_for(pilot, ChoiceScreen)
        offered = [key for key, _ in picker.choices]
        assert offered == [KEEP_STATUS, *(c.key for c in choices)], (
            "the workflow's transitions, not categories"
        )
        assert picker.groups is not None and "Done" in picker.groups
        await pick(pilot, target)
        assert composer.state.submit_transition_id == target.transition_id
        assert f"Submit as: {target.label}" in fields_line(composer)
        # The app goes away with the composer open: the draft, choice included, is kept.
    await first.session.aclose()

    second = FrontlineApp(demo_session(server, "jsm"))
    async with second.run_test(size=SIZE) as pilot:
        _, composer = await open_reply(second, pilot)
        assert composer.state.submit_transition_id == target.transition_id
        assert f"Submit as: {target.label}" in fields_line(composer)
        await pilot.press("ctrl+s")
        review = await wait_for(pilot, ReviewScreen)
        changes = str(review.query_one("#review-changes", Static).render())
        assert changes == f"Status: {ticket.status_text} → {target.label}"
        await pilot.press("y")
        await settle(pilot)

        after = await second.desk.open_ticket(ticket.id)
        assert after.ticket.status_id == target.status_id
        assert any("send us the log" in c.body for c in after.comments), "the reply landed"
    await second.session.aclose()
    moves = control["jsm"].get("/requests", params={"method": "POST"}).json()["requests"]
    transitions = [r["body"] for r in moves if r["path"].endswith("/transitions")]
    assert transitions and transitions[-1]["transition"]["id"] == target.transition_id


async def test_zendesk_submit_as_a_custom_status_is_sent_by_its_id(
    server: SandboxServer, control: dict[str, httpx.Client]
) -> None:
    app = FrontlineApp(demo_session(server, "zendesk"))
    async with app.run_test(size=SIZE) as pilot:
        ticket_screen, composer = await open_reply(app, pilot)
        assert ticket_screen.thread is not None
        ticket = ticket_screen.thread.ticket
        assert ticket.status_id is not None
        choices = await app.desk.status_choices(ticket)
        target = next(c for c in choices if c.status_id is not None and not c.is_current(ticket))
        assert target.label not in {status.label for status in type(target.status)}, "a custom status"
        composer.query_one(TextArea).insert("Engineering is on it.")
        await pilot.press("ctrl+o")
        await pick(pilot, target)
        assert f"Submit as: {target.label}" in fields_line(composer)
        await pilot.press("ctrl+s")
        review = await wait_for(pilot, ReviewScreen)
        assert target.label in str(review.query_one("#review-changes", Static).render())
        await pilot.press("y")
        await settle(pilot)
    await app.session.aclose()
    after = control["zendesk"].get(f"/tickets/{ticket.id}").json()
    assert str(after["ticket"]["custom_status_id"]) == target.status_id
    assert after["ticket"]["status"] == target.status.value
    assert "Engineering is on it." in after["comments"][-1]["body"]


async def test_when_the_choices_cannot_be_read_it_says_so_and_keeps_the_draft(
    server: SandboxServer, control: dict[str, httpx.Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = FrontlineApp(demo_session(server, "jsm"))
    async with app.run_test(size=SIZE) as pilot:
        _, composer = await open_reply(app, pilot)
        composer.query_one(TextArea).insert("Still here.")

        async def unreachable(ticket: object) -> list[StatusChoice]:
            raise Unavailable("The helpdesk did not answer.")

        monkeypatch.setattr(app.desk, "status_choices", unreachable)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.pause()
        assert app.screen is composer, "no picker without choices"
        messages = [n.message for n in app._notifications]
        assert any("did not answer" in m and "draft is kept" in m for m in messages)
        assert composer.query_one(TextArea).text == "Still here."
        assert composer.state.submit_status is None
    await app.session.aclose()
