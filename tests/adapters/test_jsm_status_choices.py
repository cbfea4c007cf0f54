"""JSM status choices come from the issue's workflow transitions, over real HTTP against the sandbox.

The German-named workflow (`--jsm-mode german`) shows that nothing is matched by English names: the labels
are the site's own words and the write names the transition id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from support.sandbox_control import SleepRecorder, control_client

from frontline.connectors.jsm.client import JsmAdapter, build_jsm_adapter
from frontline.connectors.jsm.statuses import transition_choices
from frontline.domain.models import Status, TicketUpdate
from frontline.sandbox.jsm.seed import IN_PROGRESS, PENDING, WAITING_CUSTOMER, WAITING_SUPPORT
from frontline.sandbox.server import SandboxServer
from frontline.services.desk import Desk

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=5, tickets=120, systems=("jsm",), clock=lambda: NOW) as server:
        assert "jsm" in server.urls, server.skipped
        yield server


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(sandbox, "jsm") as client:
        yield client


@pytest.fixture
async def adapter(sandbox: SandboxServer, control: httpx.Client) -> AsyncIterator[JsmAdapter]:
    jsm = build_jsm_adapter(sandbox.urls["jsm"], sandbox.email, sandbox.token, sleep=SleepRecorder())
    yield jsm
    await jsm.aclose()


async def _ticket_in(adapter: JsmAdapter, status_id: str) -> str:
    for view in ("1:1",):
        page = await adapter.list_view_tickets(view, page_size=50)
        for ticket in page.items:
            if ticket.status_id == status_id:
                return ticket.id
    raise AssertionError(f"no seeded request in status {status_id}")


async def test_choices_are_the_workflow_transitions_grouped_by_category(adapter: JsmAdapter) -> None:
    key = await _ticket_in(adapter, WAITING_SUPPORT)
    ticket = await adapter.get_ticket(key)
    choices = await adapter.status_choices(ticket)
    assert {c.transition_id for c in choices} == {"11", "21", "31", "41", "51", "91"}
    assert all(c.status_id != WAITING_SUPPORT for c in choices)  # never "to where it is"
    groups = [c.group for c in choices]
    assert groups == sorted(groups, key=["In Progress", "Done"].index)  # categories in order, not mixed
    by_id = {c.transition_id: c for c in choices}
    assert by_id["21"].label == "Respond to customer → Waiting for customer"
    assert by_id["21"].status is Status.PENDING
    assert by_id["51"].group == "Done" and by_id["51"].status is Status.SOLVED


async def test_submitting_a_chosen_transition_moves_the_issue(adapter: JsmAdapter) -> None:
    key = await _ticket_in(adapter, WAITING_SUPPORT)
    ticket = await adapter.get_ticket(key)
    chosen = next(c for c in await adapter.status_choices(ticket) if c.transition_id == "31")
    after = await adapter.update_ticket(key, chosen.update(ticket.stamp))
    assert after.status_id == PENDING and after.status is Status.HOLD
    # from Pending the workflow offers other steps; the choices follow it
    again = {c.transition_id for c in await adapter.status_choices(after)}
    assert "31" not in again and "11" in again


async def test_the_status_shown_is_the_sites_own_name_not_the_category(adapter: JsmAdapter) -> None:
    key = await _ticket_in(adapter, WAITING_SUPPORT)
    ticket = await adapter.get_ticket(key)
    assert ticket.status is Status.OPEN and ticket.status_text == "Waiting for support"
    chosen = next(c for c in await adapter.status_choices(ticket) if c.status_id == WAITING_CUSTOMER)
    moved = await adapter.update_ticket(key, chosen.update(ticket.stamp))
    assert moved.status is Status.PENDING and moved.status_text == "Waiting for customer"
    rows = (await adapter.list_view_tickets("1:1", page_size=50)).items
    assert {row.status_text for row in rows} - {"open", "pending", "on-hold", "solved"}  # queue rows too


async def test_desk_submits_a_choice_through_the_outbox(adapter: JsmAdapter) -> None:
    desk = Desk(adapter, profile_name="jsm-test", clock=lambda: NOW)
    key = await _ticket_in(adapter, WAITING_SUPPORT)
    ticket = await adapter.get_ticket(key)
    choice = next(c for c in await desk.status_choices(ticket) if c.status_id == IN_PROGRESS)
    after = await desk.submit(key, choice.update(ticket.stamp))
    assert after.status_id == IN_PROGRESS


async def test_a_status_id_alone_finds_a_transition_there_for_an_undo(adapter: JsmAdapter) -> None:
    key = await _ticket_in(adapter, WAITING_SUPPORT)
    ticket = await adapter.get_ticket(key)
    chosen = next(c for c in await adapter.status_choices(ticket) if c.status_id == WAITING_CUSTOMER)
    moved = await adapter.update_ticket(key, chosen.update(ticket.stamp))
    assert moved.status_id == WAITING_CUSTOMER
    undo = TicketUpdate(status=Status.OPEN, status_id=WAITING_SUPPORT)  # no transition id: find one
    back = await adapter.update_ticket(key, undo)
    assert back.status_id == WAITING_SUPPORT


def test_labels_are_the_sites_words_and_nothing_is_matched_by_english_names() -> None:
    transitions = [
        {
            "id": "701",
            "name": "Auf Kunden warten",
            "to": {
                "id": "9",
                "name": "Warten auf Kunden",
                "statusCategory": {"key": "indeterminate", "name": "In Arbeit"},
            },
        },
        {
            "id": "702",
            "name": "Erledigen",
            "to": {"id": "10", "name": "Gereed", "statusCategory": {"key": "done", "name": "Fertig"}},
        },
        {
            "id": "703",
            "name": "Neu",
            "to": {"id": "11", "name": "Neu", "statusCategory": {"key": "new", "name": "Aufgaben"}},
        },
    ]
    choices = transition_choices(transitions)
    assert [c.transition_id for c in choices] == ["703", "701", "702"]  # by category: new, in progress, done
    assert [c.group for c in choices] == ["Aufgaben", "In Arbeit", "Fertig"]
    assert choices[0].label == "Neu"
    assert choices[1].label == "Auf Kunden warten → Warten auf Kunden"
    assert choices[2].status is Status.SOLVED  # by category, without knowing any English name


@pytest.fixture(scope="module")
def localized() -> Iterator[SandboxServer]:
    with SandboxServer(
        seed=5, tickets=120, systems=("jsm",), clock=lambda: NOW, modes={"jsm": "localized"}
    ) as server:
        yield server


async def test_german_site_choices_write_by_transition_id(localized: SandboxServer) -> None:
    jsm = build_jsm_adapter(localized.urls["jsm"], localized.email, localized.token, sleep=SleepRecorder())
    try:
        key = await _ticket_in(jsm, WAITING_SUPPORT)
        ticket = await jsm.get_ticket(key)
        choices = await jsm.status_choices(ticket)
        assert choices and all(c.transition_id for c in choices)
        labels = " ".join(c.label for c in choices)
        assert "Respond to customer" not in labels  # the site's German names, as shown
        target = next(c for c in choices if c.status_id == PENDING)
        after = await jsm.update_ticket(key, target.update(ticket.stamp))
        assert after.status_id == PENDING
    finally:
        await jsm.aclose()
