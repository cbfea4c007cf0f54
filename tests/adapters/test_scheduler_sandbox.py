"""The request scheduler over real HTTP: two clients share a `Retry-After`, and opening a ticket during a
full load of the queue is served before the load's remaining pages (checked in the sandbox's request log)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.sandbox_control import control_client

from frontline.connectors.scheduler import RequestScheduler, scheduler_for
from frontline.connectors.zendesk.client import ZendeskAdapter, build_zendesk_adapter
from frontline.sandbox.server import SandboxServer
from frontline.services.desk import Desk

TICKETS_PATH = "/api/v2/views/*/tickets"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=11, tickets=400, systems=("zendesk",), faults=None) as server:
        assert "zendesk" in server.urls, server.skipped
        yield server


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(sandbox, "zendesk") as client:
        yield client


def adapter(sandbox: SandboxServer, scheduler: RequestScheduler) -> ZendeskAdapter:
    return build_zendesk_adapter(sandbox.urls["zendesk"], sandbox.email, sandbox.token, scheduler=scheduler)


def recorded(control: httpx.Client) -> list[dict[str, Any]]:
    answer = control.get("/requests")
    answer.raise_for_status()
    return sorted(answer.json()["requests"], key=lambda record: record["seq"])


async def test_no_client_sends_inside_a_retry_after_window(
    sandbox: SandboxServer, control: httpx.Client, tmp_path: Path
) -> None:
    """A console and a CLI on one profile: the console's 429 holds the CLI back for the whole window."""
    shared: dict[str, Any] = {"per_minute": 600, "adopt_server_limit": True}
    console = adapter(sandbox, scheduler_for(tmp_path, "work", "helpdesk", **shared))
    cli = adapter(sandbox, scheduler_for(tmp_path, "work", "helpdesk", **shared))
    try:
        views = await console.list_views()
        control.delete("/requests")
        control.post("/faults", json={"spec": "429:count=1:retry_after=1"}).raise_for_status()
        first = asyncio.create_task(Desk(console, profile_name="work").load_view(views[0].id))
        deadline = time.monotonic() + 10
        while console.rate_limit_hits == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.005)  # until the console has been told to slow down
        loads = await asyncio.gather(
            first, *(Desk(cli, profile_name="work").load_view(view.id) for view in views[1:3])
        )
    finally:
        await console.aclose()
        await cli.aclose()
    log = recorded(control)
    (throttled,) = [record for record in log if record["status"] == 429]
    later = [record for record in log if record["seq"] > throttled["seq"]]
    assert len(later) >= 3 and all(load for load in loads)
    inside = [r["path"] for r in later if r["at"] < throttled["at"] + 1.0]
    assert inside == [], f"sent inside the Retry-After window: {inside}"


async def test_opening_a_ticket_goes_ahead_of_a_background_full_load(
    sandbox: SandboxServer, control: httpx.Client, tmp_path: Path
) -> None:
    """Twenty requests a second, no burst: every request waits its turn, and the engineer's go first."""
    scheduler = scheduler_for(tmp_path, "work", "helpdesk", per_minute=1200, burst=1)
    zendesk = adapter(sandbox, scheduler)
    desk = Desk(zendesk, profile_name="work")
    try:
        views = await desk.views()
        ticket_id = (await zendesk.list_view_tickets(views[0].id, page_size=1)).items[0].id
        control.delete("/requests")
        loads = [views[n % len(views)].id for n in range(6)]  # six full loads, five tickets a page
        background = [asyncio.create_task(_walk(zendesk, view_id)) for view_id in loads]
        while len([r for r in recorded(control) if _is_page(r)]) < 4:
            await asyncio.sleep(0.02)
        asked_at = time.time()
        thread = await desk.open_ticket(ticket_id)
        answered_at = time.time()
        pages = sum(await asyncio.gather(*background))
    finally:
        await zendesk.aclose()
    assert thread.ticket.id == ticket_id
    log = [r for r in recorded(control) if r["at"] >= asked_at]
    opening = [r for r in log if r["path"].startswith(f"/api/v2/tickets/{ticket_id}")]
    assert len(opening) >= 2  # the ticket and its comments
    before_last = [r for r in log if r["seq"] < opening[-1]["seq"] and _is_page(r)]
    # At most the page that already held the one token when the engineer asked.
    assert len(before_last) <= 1, [r["path"] for r in before_last]
    after = [r for r in log if r["at"] > answered_at and _is_page(r)]
    assert after and pages > len(before_last) + 4  # the load was still going, and went on after


async def _walk(zendesk: ZendeskAdapter, view_id: str) -> int:
    """A background full load in small pages; returns how many pages it took."""
    cursor: str | None = None
    pages = 0
    while True:
        page = await zendesk.list_view_tickets(view_id, cursor, page_size=5)
        pages += 1
        cursor = page.next_cursor
        if cursor is None or pages >= 15:
            return pages


def _is_page(record: dict[str, Any]) -> bool:
    return record["path"].startswith("/api/v2/views/") and record["path"].endswith("/tickets")
