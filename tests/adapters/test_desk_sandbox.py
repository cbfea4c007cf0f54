"""The desk over real HTTP: an interrupted write is reconciled, never guessed and never sent twice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from frontline.adapters.registry import build_helpdesk
from frontline.domain.desk import Desk
from frontline.domain.models import CommentDraft, Status, TicketUpdate
from frontline.errors import Unavailable
from frontline.sandbox.server import SandboxServer


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{sandbox.urls['zendesk']}/__sandbox__", timeout=10) as client:
        yield client
        client.delete("/faults")


@pytest.fixture
async def desk(sandbox: SandboxServer) -> AsyncIterator[Desk]:
    adapter = build_helpdesk(
        "zendesk", base_url=sandbox.urls["zendesk"], email=sandbox.email, token=sandbox.token
    )
    desk = Desk(adapter, profile_name="test")
    await desk.connect()
    yield desk
    await desk.close()


async def first_ticket_id(desk: Desk) -> str:
    views = await desk.views()
    tickets = await desk.load_view(views[0].id, limit=5)
    return tickets[0].id


def comment_count(control: httpx.Client, ticket_id: str) -> int:
    return len(control.get(f"/tickets/{ticket_id}").json()["comments"])


async def test_dropped_answer_after_commit_is_reconciled_as_sent(desk: Desk, control: httpx.Client) -> None:
    ticket_id = await first_ticket_id(desk)
    thread = await desk.open_ticket(ticket_id)
    before = comment_count(control, ticket_id)
    control.post("/faults", json={"spec": "drop_after_commit:count=1:method=PUT"}).raise_for_status()

    update = TicketUpdate(
        comment=CommentDraft(body="Deployed the fix; please retry.", public=True),
        status=Status.PENDING,
        revision=thread.ticket.revision,
    )
    ticket = await desk.submit(ticket_id, update)

    assert ticket.status is Status.PENDING
    assert comment_count(control, ticket_id) == before + 1


async def test_connection_reset_before_the_write_says_it_did_not_arrive(
    desk: Desk, control: httpx.Client
) -> None:
    ticket_id = await first_ticket_id(desk)
    thread = await desk.open_ticket(ticket_id)
    before = comment_count(control, ticket_id)
    control.post("/faults", json={"spec": "reset:count=1:method=PUT"}).raise_for_status()

    update = TicketUpdate(
        comment=CommentDraft(body="Internal: checking logs.", public=False), revision=thread.ticket.revision
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
    ticket_id = await first_ticket_id(desk)
    thread = await desk.open_ticket(ticket_id)
    before = comment_count(control, ticket_id)
    control.post("/faults", json={"spec": "malformed:count=1:method=PUT"}).raise_for_status()
    update = TicketUpdate(
        comment=CommentDraft(body="We found the cause.", public=True), revision=thread.ticket.revision
    )

    await desk.submit(ticket_id, update)
    assert comment_count(control, ticket_id) == before + 1


async def test_server_error_on_a_write_is_checked_before_saying_it_failed(
    desk: Desk, control: httpx.Client
) -> None:
    ticket_id = await first_ticket_id(desk)
    thread = await desk.open_ticket(ticket_id)
    before = comment_count(control, ticket_id)
    control.post("/faults", json={"spec": "5xx:count=1:method=PUT:status=502"}).raise_for_status()
    update = TicketUpdate(
        comment=CommentDraft(body="Internal: repro on staging.", public=False),
        revision=thread.ticket.revision,
    )
    with pytest.raises(Unavailable) as info:  # the sandbox's 502 answers before applying anything
        await desk.submit(ticket_id, update)
    assert "did not arrive" in info.value.message
    assert comment_count(control, ticket_id) == before
