"""`requester_tickets` (issue 15) over real HTTP against the sandbox: the sandbox's own record decides
which tickets are the requester's other open ones, newest first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from frontline.connectors.jsm.client import build_jsm_adapter
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.domain.models import Person
from frontline.sandbox.server import SandboxServer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(
        seed=11, tickets=300, systems=("zendesk", "jsm"), faults=None, clock=lambda: NOW
    ) as server:
        assert {"zendesk", "jsm"} <= set(server.urls), server.skipped
        yield server


async def test_zendesk_lists_the_requesters_other_open_tickets_newest_first(sandbox: SandboxServer) -> None:
    tickets = sandbox.system("zendesk").store.data.tickets  # type: ignore[attr-defined]
    counts = Counter(t["requester_id"] for t in tickets.values() if t["status"] not in ("solved", "closed"))
    requester, _ = next((r, n) for r, n in counts.most_common() if n <= 100)
    mine = sorted((t for t in tickets.values() if t["requester_id"] == requester), key=lambda t: t["id"])
    current = mine[0]
    expected = sorted(
        (t for t in mine if t["id"] != current["id"] and t["status"] not in ("solved", "closed")),
        key=lambda t: t["updated"],
        reverse=True,
    )
    assert len(expected) >= 2, "the seed gives this requester several open tickets"
    adapter = build_zendesk_adapter(sandbox.urls["zendesk"], sandbox.email, sandbox.token)
    try:
        ticket = await adapter.get_ticket(str(current["id"]))
        assert ticket.requester is not None and ticket.requester.id == str(requester)
        found = await adapter.requester_tickets(ticket, limit=5)
        assert [t.id for t in found] == [str(t["id"]) for t in expected[:5]]
        assert all(t.requester is not None and t.requester.id == str(requester) for t in found)
        assert [t.id for t in await adapter.requester_tickets(ticket, limit=1)] == [str(expected[0]["id"])]
        nobody = ticket.replace(requester=None)
        assert await adapter.requester_tickets(nobody) == []
    finally:
        await adapter.aclose()


async def test_jsm_lists_the_reporters_other_open_requests_newest_first(sandbox: SandboxServer) -> None:
    site = sandbox.system("jsm").site  # type: ignore[attr-defined]
    issues = [i for i in site.issues.values() if site.visible(i) and site.indexed(i)]

    def is_open(issue: object) -> bool:
        return bool(site.status_of(issue).category != "done")

    counts = Counter(i.reporter_id for i in issues if is_open(i))
    reporter, _ = counts.most_common(1)[0]
    mine = [i for i in issues if i.reporter_id == reporter]
    current = mine[0]
    expected = sorted(
        (i for i in mine if i.key != current.key and is_open(i)), key=lambda i: i.updated, reverse=True
    )
    assert len(expected) >= 2, "the seed gives this reporter several open requests"
    adapter = build_jsm_adapter(sandbox.urls["jsm"], sandbox.email, sandbox.token)
    try:
        ticket = await adapter.get_ticket(current.key)
        assert ticket.requester is not None and ticket.requester.id == reporter
        found = await adapter.requester_tickets(ticket, limit=5)
        assert [t.key for t in found] == [i.key for i in expected[:5]]
        assert all(t.status.value not in ("solved", "closed") for t in found)
        stranger = ticket.replace(requester=Person(id='no"body\\', name="Nobody"))
        assert await adapter.requester_tickets(stranger) == []
    finally:
        await adapter.aclose()
