"""The desk over real HTTP: an interrupted write is reconciled, never guessed and never sent twice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest
from support.sandbox_control import control_client

from frontline.cli.demo import demo_session
from frontline.domain.models import CommentDraft, Status, TicketUpdate
from frontline.domain.outbox import WriteState
from frontline.errors import WriteOutcomeUnknown
from frontline.sandbox.server import SandboxServer
from frontline.services.desk import Desk
from frontline.services.outbox import IN_FLIGHT_ELSEWHERE


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(sandbox, "zendesk") as client:
        yield client


@pytest.fixture
async def desk(sandbox: SandboxServer) -> AsyncIterator[Desk]:
    session = demo_session(sandbox, "zendesk")
    await session.desk.connect()
    yield session.desk
    await session.aclose()


async def ticket_under_fault(desk: Desk, control: httpx.Client, fault: str) -> tuple[str, str | None, int]:
    """A ticket of the first view, its revision and comment count, with `fault` armed for the next write."""
    views = await desk.views()
    (ticket,) = await desk.load_view(views[0].id, limit=1)
    thread = await desk.open_ticket(ticket.id)
    before = comment_count(control, ticket.id)
    control.post("/faults", json={"spec": fault}).raise_for_status()
    return ticket.id, thread.ticket.stamp, before


def comment_count(control: httpx.Client, ticket_id: str) -> int:
    return len(control.get(f"/tickets/{ticket_id}").json()["comments"])


async def test_dropped_answer_after_commit_is_reconciled_as_sent(desk: Desk, control: httpx.Client) -> None:
    ticket_id, revision, before = await ticket_under_fault(
        desk, control, "drop_after_commit:count=1:method=PUT"
    )

    update = TicketUpdate(
        comment=CommentDraft(body="Deployed the fix; please retry.", public=True),
        status=Status.PENDING,
        revision=revision,
    )
    ticket = await desk.submit(ticket_id, update)

    assert ticket.status is Status.PENDING
    assert comment_count(control, ticket_id) == before + 1


async def test_a_reset_write_is_unknown_until_the_ticket_shows_it_did_not_arrive(
    desk: Desk, control: httpx.Client
) -> None:
    """A reset connection cannot tell the client whether the helpdesk is still applying the write: it
    is not called "not sent" until it has had time to land and the ticket still does not show it."""
    ticket_id, revision, before = await ticket_under_fault(desk, control, "reset:count=1:method=PUT")

    update = TicketUpdate(
        comment=CommentDraft(body="Internal: checking logs.", public=False), revision=revision
    )
    with pytest.raises(WriteOutcomeUnknown) as info:
        await desk.submit(ticket_id, update)

    assert "do not send it again" in info.value.message
    assert comment_count(control, ticket_id) == before
    control.delete("/faults")
    later = desk.clock() + IN_FLIGHT_ELSEWHERE + timedelta(seconds=1)
    desk.outbox.clock = lambda: later
    (settled,) = await desk.outbox.reconcile(ticket_id)
    assert settled.state is WriteState.FAILED
    await desk.submit(ticket_id, update)
    assert comment_count(control, ticket_id) == before + 1


async def test_unreadable_answer_after_commit_is_reconciled_as_sent(
    desk: Desk, control: httpx.Client
) -> None:
    ticket_id, revision, before = await ticket_under_fault(desk, control, "malformed:count=1:method=PUT")
    update = TicketUpdate(comment=CommentDraft(body="We found the cause.", public=True), revision=revision)

    await desk.submit(ticket_id, update)
    assert comment_count(control, ticket_id) == before + 1


async def test_server_error_on_a_write_is_checked_before_saying_it_failed(
    desk: Desk, control: httpx.Client
) -> None:
    ticket_id, revision, before = await ticket_under_fault(desk, control, "5xx:count=1:method=PUT:status=502")
    update = TicketUpdate(
        comment=CommentDraft(body="Internal: repro on staging.", public=False),
        revision=revision,
    )
    with pytest.raises(WriteOutcomeUnknown) as info:  # a 502 from a gateway says nothing of the write
        await desk.submit(ticket_id, update)
    assert "not on the ticket yet" in info.value.message
    assert comment_count(control, ticket_id) == before
