"""Bulk actions on marked tickets: space marks, B asks for the change, one review lists every ticket, and
each change goes through the outbox once; the failed ones stay marked."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from support.apps import make_app
from support.fake_helpdesk import FakeHelpdesk
from support.pilot import settle

from frontline.cli.demo import demo_session
from frontline.domain.models import Status, Ticket, TicketUpdate
from frontline.errors import ValidationFailed
from frontline.sandbox.server import SandboxServer
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.bulk import BulkScreen
from frontline.ui.screens.pickers import ChoiceScreen
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.widgets.queue_list import QueueList
from frontline.ui.widgets.queue_rows import MARK


@dataclass
class RecordingHelpdesk(FakeHelpdesk):
    """Records every update; refuses the tickets in `refuse`."""

    refuse: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        super().__post_init__()
        self.writes: list[tuple[str, TicketUpdate]] = []

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        self.writes.append((ticket_id, update))
        if ticket_id in self.refuse:
            raise ValidationFailed("Status cannot change on this ticket.")
        return await super().update_ticket(ticket_id, update)


async def pick(pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    assert isinstance(screen, ChoiceScreen)
    index = [v for v, _ in screen.choices].index(value)
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def test_marked_tickets_get_one_review_and_each_change_once() -> None:
    helpdesk = RecordingHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        queue_list = app.screen.query_one(QueueList)
        shown = [t.id for t in queue_list.shown_tickets()]
        await pilot.press("space", "down", "space")
        await pilot.pause()
        assert queue_list.marked == {shown[0], shown[2]}
        assert MARK in "".join(s.text for s in queue_list.render_line(1))  # the first row shows its mark

        await pilot.press("B")
        await settle(pilot)
        await pick(pilot, "status")
        await pick(pilot, next(v for v, _ in app.screen.choices if v.endswith(Status.PENDING.value)))
        review = app.screen
        assert isinstance(review, BulkScreen)
        assert [change.ticket.id for change in review.plan] == [shown[0], shown[2]], [
            (c.ticket.id, c.what) for c in review.plan
        ]
        assert helpdesk.writes == [], "nothing is sent before the review says yes"

        await pilot.press("y", "y")
        await settle(pilot)
        changing = [c.ticket.id for c in review.plan if c.update is not None]
        assert changing, "at least one marked ticket is not pending yet"
        assert [ticket_id for ticket_id, _ in helpdesk.writes] == changing, "each once, none twice"
        assert all(update.status is Status.PENDING for _, update in helpdesk.writes)
        assert all(result.done for result in review.results.values())
        assert queue_list.marked == set()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_failed_tickets_stay_marked_with_the_reason() -> None:
    helpdesk = RecordingHelpdesk()
    app = make_app(helpdesk)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        queue_list = app.screen.query_one(QueueList)
        shown = [t.id for t in queue_list.shown_tickets()]
        helpdesk.refuse = frozenset({shown[1]})
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert queue_list.marked == set(shown)

        await pilot.press("B")
        await settle(pilot)
        await pick(pilot, "tags-add")
        await pilot.press(*"vip", "enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, BulkScreen)
        await pilot.press("y")
        await settle(pilot)
        failed = [r for r in review.results.values() if not r.done]
        assert [r.ticket_id for r in failed] == [shown[1]]
        assert "Status cannot change" in failed[0].outcome
        assert queue_list.marked == {shown[1]}


async def test_over_the_sandbox_each_marked_ticket_changes_exactly_once(sandbox: SandboxServer) -> None:
    app = FrontlineApp(demo_session(sandbox, "zendesk"))
    control = httpx.Client(base_url=f"{sandbox.urls['zendesk']}/__sandbox__", timeout=10)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            queue_list = app.screen.query_one(QueueList)
            await pilot.press("space", "space", "space")
            await pilot.pause()
            marked = [t.id for t in queue_list.marked_tickets()]
            assert len(marked) == 3
            control.delete("/requests")

            await pilot.press("B")
            await settle(pilot)
            await pick(pilot, "tags-add")
            await pilot.press(*"bulk-checked", "enter")
            await settle(pilot)
            assert isinstance(app.screen, BulkScreen)
            await pilot.press("y", "y")
            await settle(pilot)

            writes = control.get("/requests", params={"method": "PUT"}).json()["requests"]
            for ticket_id in marked:
                assert sum(1 for w in writes if f"/tickets/{ticket_id}" in w["path"]) == 1, ticket_id
                ticket = control.get(f"/tickets/{ticket_id}").json()["ticket"]
                assert "bulk-checked" in ticket["tags"]
            assert queue_list.marked == set()
    finally:
        control.close()
        await app.session.aclose()
