"""The JSM adapter against the embedded sandbox over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from support.sandbox_control import SleepRecorder, control_client

from frontline.connectors.jsm.client import JsmAdapter, build_jsm_adapter
from frontline.domain.models import CommentDraft, Priority, Status, TicketUpdate
from frontline.errors import AuthError, ConfigError, NotFound, RateLimited, ValidationFailed
from frontline.sandbox.server import SandboxServer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=5, tickets=400, systems=("jsm",), clock=lambda: NOW) as server:
        assert "jsm" in server.urls, server.skipped
        yield server


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(sandbox, "jsm") as client:
        yield client


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
async def adapter(
    sandbox: SandboxServer, control: httpx.Client, sleeps: SleepRecorder
) -> AsyncIterator[JsmAdapter]:
    jsm = build_jsm_adapter(sandbox.urls["jsm"], sandbox.email, sandbox.token, sleep=sleeps)
    yield jsm
    await jsm.aclose()


async def test_whoami_and_queues_as_views(adapter: JsmAdapter, sandbox: SandboxServer) -> None:
    me = await adapter.whoami()
    assert me.email == sandbox.email and me.id
    views = await adapter.list_views()
    assert {v.id for v in views} >= {"1:1", "1:2", "2:11"}
    assert all(v.count is not None for v in views)
    assert views[0].title.startswith("SUP: ")
    assert await adapter.view_count("1:1") == views[0].count


async def test_queue_pagination_over_three_pages(adapter: JsmAdapter, control: httpx.Client) -> None:
    total = await adapter.view_count("1:1")
    assert total is not None and total > 100
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await adapter.list_view_tickets("1:1", cursor=cursor, page_size=40)
        seen += [t.id for t in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages >= 3 and len(seen) == total == len(set(seen))
    starts = [
        r["query"]
        for r in control.get(
            "/requests", params={"path": "/rest/servicedeskapi/servicedesk/1/queue/1/issue"}
        ).json()["requests"]
    ]
    assert any("start=80" in str(q) for q in starts)


async def test_ticket_detail_with_sla_mapping(adapter: JsmAdapter) -> None:
    breached = await adapter.get_ticket("SUP-1")
    assert breached.key == "SUP-1" and breached.requester is not None
    assert breached.sla is not None and breached.sla.is_breached(NOW)
    at_risk = await adapter.get_ticket("SUP-2")
    left = at_risk.sla.remaining(NOW) if at_risk.sla else None
    assert left is not None and 0 < left.total_seconds() < 3600
    paused = await adapter.get_ticket("SUP-4")
    assert paused.sla is not None and paused.sla.paused and paused.status is Status.PENDING
    page = await adapter.list_view_tickets("1:1", page_size=50)
    assert any(t.sla is not None for t in page.items)


async def test_reply_and_internal_note(adapter: JsmAdapter, control: httpx.Client) -> None:
    before = len(await adapter.list_comments("SUP-3"))
    await adapter.update_ticket(
        "SUP-3", TicketUpdate(comment=CommentDraft(body="Public answer", public=True))
    )
    await adapter.update_ticket("SUP-3", TicketUpdate(comment=CommentDraft(body="Secret note", public=False)))
    comments = await adapter.list_comments("SUP-3")
    assert len(comments) == before + 2
    assert [(c.body, c.public) for c in comments[-2:]] == [("Public answer", True), ("Secret note", False)]
    posts = control.get(
        "/requests", params={"method": "POST", "path": "/rest/servicedeskapi/request/SUP-3/comment"}
    )
    bodies = [r.get("body") for r in posts.json()["requests"]]
    assert bodies == [{"body": "Public answer", "public": True}, {"body": "Secret note", "public": False}]


async def test_status_priority_labels_and_assignee(adapter: JsmAdapter) -> None:
    me = await adapter.whoami()
    ticket = await adapter.update_ticket(
        "SUP-3",
        TicketUpdate(
            status=Status.SOLVED, priority=Priority.URGENT, tags_add=("frontline",), assignee_id=me.id
        ),
    )
    assert ticket.status is Status.SOLVED and ticket.priority is Priority.URGENT
    assert "frontline" in ticket.tags and ticket.assignee is not None and ticket.assignee.id == me.id
    reopened = await adapter.update_ticket(
        "SUP-3", TicketUpdate(status=Status.OPEN, tags_remove=("frontline",))
    )
    assert reopened.status is Status.OPEN and "frontline" not in reopened.tags
    pending = await adapter.update_ticket("SUP-3", TicketUpdate(status=Status.PENDING))
    assert pending.status is Status.PENDING


async def test_status_without_a_transition_is_a_clear_error(adapter: JsmAdapter) -> None:
    await adapter.update_ticket("SUP-3", TicketUpdate(status=Status.SOLVED))
    with pytest.raises(ValidationFailed, match="no transition to pending"):
        await adapter.update_ticket("SUP-3", TicketUpdate(status=Status.PENDING))


async def test_not_found_and_bad_credentials(adapter: JsmAdapter, sandbox: SandboxServer) -> None:
    with pytest.raises(NotFound):
        await adapter.get_ticket("SUP-999999")
    with pytest.raises(NotFound):
        await adapter.list_view_tickets("1:999")
    bad = build_jsm_adapter(sandbox.urls["jsm"], sandbox.email, "not-the-token")
    with pytest.raises(AuthError):
        await bad.whoami()
    await bad.aclose()
    with pytest.raises(ConfigError):
        build_jsm_adapter("http://jira.example.com", "a@b.c", "t")


async def test_429_retry_after_is_honoured(
    adapter: JsmAdapter, control: httpx.Client, sleeps: SleepRecorder
) -> None:
    control.post("/faults", json={"spec": "429:count=1:retry_after=7"}).raise_for_status()
    views = await adapter.list_views()
    assert views and sleeps.delays == [7.0]
    control.post("/faults", json={"spec": "429:retry_after=2"}).raise_for_status()
    with pytest.raises(RateLimited) as caught:
        await adapter.whoami()
    assert caught.value.retry_after == 2.0
