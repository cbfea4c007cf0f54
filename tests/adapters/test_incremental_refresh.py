"""Incremental refresh over real HTTP: requests counted with the sandbox's request log.

A cold load reads every page; a refresh reads the view by update time down to the watermark and merges
(`services.incremental`). Zendesk: one `views/{id}/tickets` page sorted by `updated`, carrying the
view's count. JSM: one project search newest-updated first, plus one search naming which changed
requests the queue still holds when some changed.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from support.sandbox_control import control_client

from frontline.connectors.jsm.client import build_jsm_adapter
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.domain.models import TICKETS, CommentDraft, Status, Ticket, TicketUpdate
from frontline.domain.ports import Helpdesk
from frontline.domain.queue import RefreshResult
from frontline.sandbox.server import SandboxServer
from frontline.services.desk import Desk
from frontline.services.incremental import IncrementalLoader
from frontline.services.queue_sync import QueueSync

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ZENDESK_VIEW = "360006"  # All unsolved tickets
JSM_VIEW = "1:1"  # SUP: All open


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=5, tickets=400, systems=("zendesk", "jsm"), clock=lambda: NOW) as server:
        assert {"zendesk", "jsm"} <= set(server.urls), server.skipped
        yield server


@pytest.fixture(params=["zendesk", "jsm"])
def system(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def control(sandbox: SandboxServer, system: str) -> Iterator[httpx.Client]:
    with control_client(sandbox, system) as client:
        yield client


@pytest.fixture
async def desk(sandbox: SandboxServer, system: str, control: httpx.Client) -> AsyncIterator[Desk]:
    build = build_zendesk_adapter if system == "zendesk" else build_jsm_adapter
    adapter: Helpdesk = build(sandbox.urls[system], sandbox.email, sandbox.token)
    desk = Desk(adapter, profile_name="incremental")
    await desk.connect()
    await desk.views()  # as the console does first: JSM learns each queue's JQL here
    yield desk
    await desk.close()


def view_of(system: str) -> str:
    return ZENDESK_VIEW if system == "zendesk" else JSM_VIEW


def take_requests(control: httpx.Client, path: str | None = None) -> list[dict[str, Any]]:
    """The requests logged since the last call (matching `path`), and an empty log after."""
    params = {"path": path} if path else {}
    logged: list[dict[str, Any]] = control.get("/requests", params=params).json()["requests"]
    control.delete("/requests")
    return logged


def rows(tickets: list[Ticket]) -> list[dict[str, Any]]:
    """Every field of every ticket, sorted by id: what a merged list and a full reload must agree on."""
    return sorted(TICKETS.dump_python(tickets, mode="json"), key=lambda row: row["id"])


async def full_reload(desk: Desk, view_id: str) -> list[Ticket]:
    return await desk.load_view(view_id)


async def cold(desk: Desk, control: httpx.Client, system: str) -> tuple[IncrementalLoader, list[Ticket]]:
    loader = IncrementalLoader(desk)
    take_requests(control)
    tickets = await loader.load(view_of(system))
    return loader, tickets


async def test_a_cold_load_reads_every_page(desk: Desk, control: httpx.Client, system: str) -> None:
    loader = IncrementalLoader(desk)
    take_requests(control)
    tickets = await loader.load(view_of(system))
    page_path = (
        f"/api/v2/views/{ZENDESK_VIEW}/tickets"
        if system == "zendesk"
        else "/rest/servicedeskapi/servicedesk/1/queue/1/issue"
    )
    pages = take_requests(control, page_path)
    per_page = desk.capabilities.max_page_size
    assert len(tickets) > per_page  # a multi-page view
    assert len(pages) == math.ceil(len(tickets) / per_page)
    assert loader.reports[view_of(system)].kind == "full"


async def test_an_unchanged_refresh_costs_one_request(desk: Desk, control: httpx.Client, system: str) -> None:
    loader, before = await cold(desk, control, system)
    take_requests(control)

    after = await loader.load(view_of(system))
    assert len(take_requests(control)) == 1
    assert loader.reports[view_of(system)].kind == "delta"
    assert rows(after) == rows(before)

    again = await loader.load(view_of(system))
    assert len(take_requests(control)) == 1
    assert rows(again) == rows(before)


async def test_three_changed_tickets_merge_to_what_a_full_reload_reads(
    desk: Desk, control: httpx.Client, system: str
) -> None:
    loader, before = await cold(desk, control, system)
    changed = [ticket.id for ticket in before[5:8]]
    for ticket_id in changed:
        note = TicketUpdate(comment=CommentDraft(body=f"Looking at {ticket_id}.", public=False))
        await desk.adapter.update_ticket(ticket_id, note)
    take_requests(control)

    merged = await loader.load(view_of(system))
    # Zendesk: the sorted page holds all three; JSM: the project search, then which the queue holds.
    assert len(take_requests(control)) == (1 if system == "zendesk" else 2)
    report = loader.reports[view_of(system)]
    assert (report.kind, report.changed) == ("delta", 3)
    assert rows(merged) == rows(await full_reload(desk, view_of(system)))
    assert {t.id: t.updated_at for t in merged if t.id in changed} != {
        t.id: t.updated_at for t in before if t.id in changed
    }


async def test_a_ticket_that_left_the_view_disappears(desk: Desk, control: httpx.Client, system: str) -> None:
    loader, before = await cold(desk, control, system)
    leaving = before[3].id
    if system == "zendesk":
        await desk.adapter.update_ticket(leaving, TicketUpdate(status=Status.SOLVED))
    else:
        choices = await desk.status_choices(before[3])
        done = next(c for c in choices if c.status in (Status.SOLVED, Status.CLOSED))
        update = TicketUpdate(status=done.status, status_id=done.status_id, transition_id=done.transition_id)
        await desk.adapter.update_ticket(leaving, update)
    take_requests(control)

    merged = await loader.load(view_of(system))
    assert leaving not in {ticket.id for ticket in merged}
    assert rows(merged) == rows(await full_reload(desk, view_of(system)))
    report = loader.reports[view_of(system)]
    if system == "zendesk":  # the delta's view count disagrees with the merged list: a full reload
        assert report.kind == "full" and report.reason is not None and "holds" in report.reason
    else:  # the queue's JQL no longer holds it: an exact departure, no reload
        assert (report.kind, report.departed) == ("delta", 1)


async def test_a_load_asked_while_the_cached_tickets_are_read_waits_for_them_and_reads_a_delta(
    desk: Desk, control: httpx.Client, system: str
) -> None:
    """A start from the cache reads its views one after another: a view's key pressed before its
    cached tickets are in must not read the whole view from the helpdesk (504 pages at 50,000)."""
    cached = await full_reload(desk, view_of(system))  # what the local cache holds
    loader = IncrementalLoader(desk)
    loader.expect_cached([view_of(system)])
    take_requests(control)

    load = asyncio.create_task(loader.load(view_of(system)))
    for _ in range(20):
        await asyncio.sleep(0.01)
    assert not load.done() and take_requests(control) == [], "it waits for the cache, asking nothing"

    loader.remember(view_of(system), cached)
    tickets = await load
    asked = take_requests(control)
    # Zendesk: one sorted page; JSM: the project search, then which changed requests the queue holds.
    assert len(asked) == (1 if system == "zendesk" else 2), [r["path"] for r in asked]
    assert loader.reports[view_of(system)].kind == "delta"
    assert rows(tickets) == rows(cached)


async def test_a_load_waiting_for_a_view_the_cache_never_gives_reads_it_in_full(
    desk: Desk, control: httpx.Client, system: str
) -> None:
    loader = IncrementalLoader(desk)
    loader.expect_cached([view_of(system)])
    take_requests(control)
    load = asyncio.create_task(loader.load(view_of(system)))
    await asyncio.sleep(0.05)
    loader.cached_done()  # the cached start is over: its pages were unreadable
    tickets = await load
    assert len(take_requests(control)) > 1 and tickets
    assert loader.reports[view_of(system)].kind == "full"


async def test_every_nth_refresh_is_a_full_reload(desk: Desk, control: httpx.Client, system: str) -> None:
    loader = IncrementalLoader(desk, full_every=3)
    await loader.load(view_of(system))
    reports = []
    for _ in range(4):
        await loader.load(view_of(system))
        reports.append(loader.reports[view_of(system)])
    assert [report.kind for report in reports] == ["delta", "delta", "full", "delta"]
    assert reports[2].reason == "every 3th refresh is a full reload"


async def test_a_refresh_reads_only_changed_conversations(
    desk: Desk, control: httpx.Client, system: str
) -> None:
    sync = QueueSync(desk, clock=lambda: NOW)
    await sync.load_views()
    assert (await sync.load_view(view_of(system))).first
    held = await sync.incremental.load(view_of(system))
    changed = [ticket.id for ticket in held[:2]]
    for ticket_id in changed:
        note = TicketUpdate(comment=CommentDraft(body="Checking.", public=False))
        await desk.adapter.update_ticket(ticket_id, note)
    take_requests(control)

    await sync.load_view(view_of(system))
    paths = [r["path"] for r in take_requests(control)]
    comment_reads = [path for path in paths if path.endswith(("/comments", "/comment"))]
    assert comment_reads, "the changed tickets' conversations are read"
    assert {path.split("/")[-2] for path in comment_reads} <= set(changed)


async def test_an_unchanged_refresh_leaves_the_queue_as_it_is_and_a_change_is_applied(
    desk: Desk, control: httpx.Client, system: str
) -> None:
    sync = QueueSync(desk, clock=lambda: NOW)
    await sync.load_views()
    view = view_of(system)
    await sync.accept_view_async(view, await sync.fetch_view(view))
    model = sync.models[view]
    generation, held = model.generation, model.tickets

    loaded = await sync.accept_view_async(view, await sync.fetch_view(view))
    assert sync.incremental.reports[view].kind == "delta" and sync.incremental.reports[view].changed == 0
    assert model.generation == generation and model.tickets is held, "nothing rebuilt for nothing changed"
    assert loaded.refresh == RefreshResult() and not loaded.first

    target = held[0].id
    await desk.adapter.update_ticket(
        target, TicketUpdate(comment=CommentDraft(body="Checking.", public=False))
    )
    loaded = await sync.accept_view_async(view, await sync.fetch_view(view))
    assert model.generation > generation, "a delta that found a change is applied"
    assert loaded.refresh is not None and target in loaded.refresh.changed_ids
