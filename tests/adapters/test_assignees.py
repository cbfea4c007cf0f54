"""Who a ticket can be assigned to, and the custom statuses Zendesk offers, over real HTTP to the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from support.sandbox_control import SleepRecorder, control_client

from frontline.connectors.jsm.client import JsmAdapter, build_jsm_adapter
from frontline.connectors.zendesk.client import ZendeskAdapter, build_zendesk_adapter
from frontline.domain.assignment import AssigneeKind
from frontline.domain.models import Status, TicketUpdate
from frontline.sandbox.server import SandboxServer
from frontline.services.desk import Desk

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=7, tickets=150, systems=("zendesk", "jsm"), clock=lambda: NOW) as server:
        assert {"zendesk", "jsm"} <= set(server.urls), server.skipped
        yield server


@pytest.fixture
async def zendesk(sandbox: SandboxServer) -> AsyncIterator[ZendeskAdapter]:
    with control_client(sandbox, "zendesk"):
        adapter = build_zendesk_adapter(
            sandbox.urls["zendesk"], sandbox.email, sandbox.token, sleep=SleepRecorder()
        )
        yield adapter
        await adapter.aclose()


@pytest.fixture
async def jsm(sandbox: SandboxServer) -> AsyncIterator[JsmAdapter]:
    with control_client(sandbox, "jsm"):
        adapter = build_jsm_adapter(sandbox.urls["jsm"], sandbox.email, sandbox.token, sleep=SleepRecorder())
        yield adapter
        await adapter.aclose()


async def test_zendesk_offers_its_groups_then_its_agents_never_end_users(zendesk: ZendeskAdapter) -> None:
    ticket = (await zendesk.list_view_tickets((await zendesk.list_views())[0].id)).items[0]
    everyone = await zendesk.assignees(ticket)
    kinds = [a.kind for a in everyone]
    assert AssigneeKind.GROUP in kinds and AssigneeKind.AGENT in kinds
    assert kinds == sorted(kinds, key=[AssigneeKind.GROUP, AssigneeKind.AGENT].index)
    me = await zendesk.whoami()
    assert me.id in {a.id for a in everyone if a.kind is AssigneeKind.AGENT}
    requester = ticket.requester
    assert requester is not None and requester.id not in {a.id for a in everyone}


async def test_zendesk_filters_and_assigns_to_a_group_then_an_agent(zendesk: ZendeskAdapter) -> None:
    ticket = (await zendesk.list_view_tickets((await zendesk.list_views())[0].id)).items[0]
    groups = [a for a in await zendesk.assignees(ticket) if a.kind is AssigneeKind.GROUP]
    target = groups[-1]
    assert [a.id for a in await zendesk.assignees(ticket, target.name.upper())] == [target.id]
    after = await zendesk.update_ticket(ticket.id, target.update(ticket.stamp))
    assert after.group_id == target.id and after.group == target.name
    me = await zendesk.whoami()
    agent = next(a for a in await zendesk.assignees(after) if a.id == me.id)
    mine = await zendesk.update_ticket(after.id, agent.update(after.stamp))
    assert mine.assignee is not None and mine.assignee.id == me.id


async def test_zendesk_unassigns_with_an_empty_assignee(zendesk: ZendeskAdapter) -> None:
    ticket = next(
        t
        for t in (await zendesk.list_view_tickets((await zendesk.list_views())[0].id)).items
        if t.assignee is not None
    )
    after = await zendesk.update_ticket(ticket.id, TicketUpdate(assignee_id="", revision=ticket.stamp))
    assert after.assignee is None


async def test_zendesk_without_custom_statuses_offers_its_categories(zendesk: ZendeskAdapter) -> None:
    ticket = (await zendesk.list_view_tickets((await zendesk.list_views())[0].id)).items[0]
    choices = await zendesk.status_choices(ticket)
    assert [c.status for c in choices] == [Status.OPEN, Status.PENDING, Status.HOLD, Status.SOLVED]


async def test_jsm_offers_assignable_people_for_the_issue_not_customers(jsm: JsmAdapter) -> None:
    ticket = (await jsm.list_view_tickets("1:1", page_size=10)).items[0]
    people = await jsm.assignees(ticket)
    names = {a.name for a in people}
    assert {"Priya Raman", "Tomás Ortega"} <= names
    assert all(a.kind is AssigneeKind.AGENT for a in people)
    assert ticket.requester is not None and ticket.requester.id not in {a.id for a in people}
    assert [a.name for a in await jsm.assignees(ticket, "priya")] == ["Priya Raman"]
    priya = next(a for a in people if a.name == "Priya Raman")
    after = await jsm.update_ticket(ticket.id, priya.update(ticket.stamp))
    assert after.assignee is not None and after.assignee.id == priya.id


async def test_jsm_agents_and_customers_are_labelled(jsm: JsmAdapter) -> None:
    desk = Desk(jsm, profile_name="jsm-test", clock=lambda: NOW)
    ticket_id = (await jsm.list_view_tickets("1:1", page_size=5)).items[0].id
    thread = await desk.open_ticket(ticket_id)
    requester = thread.ticket.requester
    assert requester is not None and requester.role == "customer"
    by_requester = [c for c in thread.comments if c.author is not None and c.author.id == requester.id]
    assert by_requester and all(c.author is not None and c.author.role == "customer" for c in by_requester)
    notes = [c for c in thread.comments if not c.public]
    assert notes and all(c.author is not None and c.author.role == "agent" for c in notes)


@pytest.fixture(scope="module")
def custom_statuses() -> Iterator[SandboxServer]:
    with SandboxServer(
        seed=7, tickets=60, systems=("zendesk",), clock=lambda: NOW, modes={"zendesk": "custom-statuses"}
    ) as server:
        yield server


async def test_zendesk_custom_statuses_are_offered_and_written_exactly(
    custom_statuses: SandboxServer,
) -> None:
    zendesk = build_zendesk_adapter(
        custom_statuses.urls["zendesk"], custom_statuses.email, custom_statuses.token, sleep=SleepRecorder()
    )
    try:
        ticket = (await zendesk.list_view_tickets((await zendesk.list_views())[0].id)).items[0]
        assert ticket.status_id is not None
        choices = await zendesk.status_choices(ticket)
        assert len(choices) > 4  # more than the categories: the account's own statuses
        assert all(c.status_id for c in choices)
        target = next(c for c in choices if c.status_id != ticket.status_id and c.status is not Status.SOLVED)
        after = await zendesk.update_ticket(ticket.id, target.update(ticket.stamp))
        assert after.status_id == target.status_id and after.status is target.status
    finally:
        await zendesk.aclose()
