"""What changed, remembered: the queue's markers survive a restart on the same data dir; a customer reply
on an open ticket (no status change) over the real sandbox is notified once and marked "waiting on us"
(✉), not notified again after a restart, and cleared by opening the ticket or replying publicly."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from support.apps import make_app
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from support.pilot import settle
from support.sandbox_control import control_client

from frontline.bootstrap import session_for_helpdesk
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.domain.models import Comment, CommentDraft, Status, TicketUpdate
from frontline.sandbox.server import SandboxServer
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.widgets.queue_list import QueueList

SIZE = (140, 40)


def queue_of(app: FrontlineApp) -> QueueList:
    [screen] = [screen for screen in app.screen_stack if isinstance(screen, QueueScreen)]
    return screen.queue_list


def marker(app: FrontlineApp, ticket_id: str) -> str | None:
    model = queue_of(app).model
    position = model.position_of(ticket_id)
    assert position is not None, f"{ticket_id} is not in the view"
    return model.marker_at(position)


def replied_notices(app: FrontlineApp) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Customer replied"]


async def test_markers_survive_a_restart_on_the_same_data_dir(tmp_path: Path) -> None:
    helpdesk = FakeHelpdesk()
    later = FIXED_NOW + timedelta(minutes=2)
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for ticket_id in ("1001", "1002"):
            helpdesk.tickets[ticket_id] = helpdesk.tickets[ticket_id].replace(updated_at=later)
        helpdesk.tickets["2000"] = helpdesk.tickets["1006"].replace(id="2000", key="#2000")
        await pilot.press("R")
        await settle(pilot)
        assert (marker(app, "1001"), marker(app, "1002"), marker(app, "2000")) == (
            "changed",
            "changed",
            "new",
        )
        queue = queue_of(app)
        queue.move_cursor(queue.model.position_of("1002") or 0)
        await pilot.press("enter")  # opened: seen
        await settle(pilot)

    again = make_app(helpdesk, data_dir=tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert marker(again, "1001") == "changed", "still changed since the engineer looked"
        assert marker(again, "1002") is None, "opened before the restart"
        assert marker(again, "2000") == "new", "met on a refresh, never opened"
        assert marker(again, "1003") is None


async def test_replying_publicly_clears_waiting_on_us(tmp_path: Path) -> None:
    helpdesk = FakeHelpdesk()
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ticket = helpdesk.tickets["1001"]
        later = FIXED_NOW + timedelta(minutes=2)
        helpdesk.tickets["1001"] = ticket.replace(updated_at=later)
        helpdesk.comments["1001"].append(Comment(id="r", author=ticket.requester, body="?", created_at=later))
        await pilot.press("R")
        await settle(pilot)
        assert marker(app, "1001") == "waiting"
        await app.desk.submit("1001", TicketUpdate(comment=CommentDraft(body="On it.", public=True)))
        await settle(pilot)
        assert marker(app, "1001") is None


def sandbox_app(sandbox: SandboxServer, data_dir: Path) -> FrontlineApp:
    async def no_sleep(_: float) -> None:
        return None

    adapter = build_zendesk_adapter(sandbox.urls["zendesk"], sandbox.email, sandbox.token, sleep=no_sleep)
    return FrontlineApp(session_for_helpdesk(adapter, profile_name="sandbox", data_dir=data_dir))


async def test_a_customer_reply_on_an_open_ticket_is_notified_once_over_the_sandbox(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    app = sandbox_app(sandbox, tmp_path)
    with control_client(sandbox, "zendesk") as control:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            model = queue_of(app).model
            ticket = next(
                model.ticket_at(p) for p in range(len(model)) if model.ticket_at(p).status is Status.OPEN
            )
            assert marker(app, ticket.id) is None
            control.post(
                f"/tickets/{ticket.id}/customer-reply", json={"body": "Still broken!"}
            ).raise_for_status()
            await pilot.press("R")
            await settle(pilot)
            assert replied_notices(app) == [f"Customer replied on #{ticket.id}: {ticket.subject}"]
            assert marker(app, ticket.id) == "waiting"
            assert queue_of(app).model.ticket_at(queue_of(app).model.position_of(ticket.id) or 0).status is (
                Status.OPEN
            ), "no status change: the reply alone is detected"
            await pilot.press("R")
            await settle(pilot)
            assert len(replied_notices(app)) == 1, "once per comment"

        restarted = sandbox_app(sandbox, tmp_path)
        async with restarted.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)
            assert replied_notices(restarted) == [], "not again after a restart"
            assert marker(restarted, ticket.id) == "waiting"
            queue = queue_of(restarted)
            queue.move_cursor(queue.model.position_of(ticket.id) or 0)
            await pilot.press("enter")
            await settle(pilot)
            assert marker(restarted, ticket.id) is None, "opening the ticket clears it"
