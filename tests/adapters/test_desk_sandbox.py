"""The desk over real HTTP: an interrupted write is reconciled, never guessed and never sent twice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from support.sandbox_control import control_client

from frontline.cli.demo import demo_session
from frontline.domain.models import CommentDraft, Status, TicketUpdate
from frontline.errors import Unavailable
from frontline.sandbox.server import SandboxServer
from frontline.services.desk import Desk


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
    return ticket.id, thread.ticket.revision, before


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


async def test_connection_reset_before_the_write_says_it_did_not_arrive(
    desk: Desk, control: httpx.Client
) -> None:
    ticket_id, revision, before = await ticket_under_fault(desk, control, "reset:count=1:method=PUT")

    update = TicketUpdate(
        comment=CommentDraft(body="Internal: checking logs.", public=False), revision=revision
    )
    with pytest.raises(Unavailable) as info:
        await desk.submit(ticket_id, update)

    assert "did not arrive" in info.value.message
    assert comment_count(control, ticket_id) == before
    control.delete("/faults")
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
    with pytest.raises(Unavailable) as info:  # the sandbox's 502 answers before applying anything
        await desk.submit(ticket_id, update)
    assert "did not arrive" in info.value.message
    assert comment_count(control, ticket_id) == before
