"""The Zendesk adapter against the embedded sandbox over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from support.sandbox_control import SleepRecorder, control_client

from frontline.connectors.zendesk.client import ZendeskAdapter, build_zendesk_adapter
from frontline.domain.models import CommentDraft, Status, Ticket, TicketUpdate
from frontline.errors import AuthError, ConflictError
from frontline.sandbox.server import SandboxServer

SEED_TICKETS = 60


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=7, tickets=SEED_TICKETS, systems=("zendesk",), faults=None) as server:
        assert "zendesk" in server.urls, server.skipped
        yield server


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(sandbox, "zendesk") as client:
        yield client


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
async def adapter(
    sandbox: SandboxServer, control: httpx.Client, sleeps: SleepRecorder
) -> AsyncIterator[ZendeskAdapter]:
    zendesk = build_zendesk_adapter(sandbox.urls["zendesk"], sandbox.email, sandbox.token, sleep=sleeps)
    yield zendesk
    await zendesk.aclose()


def recorded_puts(control: httpx.Client, ticket_id: str) -> list[dict[str, Any]]:
    answer = control.get("/requests", params={"method": "PUT", "path": f"/api/v2/tickets/{ticket_id}"})
    answer.raise_for_status()
    return answer.json()["requests"]


async def open_ticket(adapter: ZendeskAdapter) -> Ticket:
    """A ticket that can still be written to (not closed), from the first view."""
    views = await adapter.list_views()
    for view in views:
        page = await adapter.list_view_tickets(view.id, page_size=50)
        for ticket in page.items:
            if ticket.status not in (Status.CLOSED, Status.SOLVED):
                return await adapter.get_ticket(ticket.id)
    raise AssertionError("the sandbox has no open ticket")


async def test_whoami_and_views(adapter: ZendeskAdapter, sandbox: SandboxServer) -> None:
    me = await adapter.whoami()
    assert me.email == sandbox.email
    views = await adapter.list_views()
    assert len(views) >= 2
    assert all(view.title for view in views)


async def test_view_pagination_across_three_pages(adapter: ZendeskAdapter) -> None:
    views = await adapter.list_views()
    counts = {view.id: await adapter.view_count(view.id) for view in views}
    view_id = max(counts, key=lambda vid: counts[vid] or 0)
    page_size = 5
    assert (counts[view_id] or 0) > 2 * page_size, counts
    seen: list[str] = []
    with_sla = 0
    pages = 0
    cursor: str | None = None
    while True:
        page = await adapter.list_view_tickets(view_id, cursor=cursor, page_size=page_size)
        pages += 1
        assert len(page.items) <= page_size
        seen += [ticket.id for ticket in page.items]
        with_sla += sum(ticket.sla is not None for ticket in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages >= 3
    assert len(seen) == len(set(seen)), "a ticket was listed twice across pages"
    assert with_sla > 0, "no SLA came through the `slas` sideload"
    if counts[view_id] is not None:
        assert len(seen) == counts[view_id]
    ticket = await adapter.get_ticket(seen[0])
    assert ticket.requester is not None and not ticket.requester.name.startswith("User ")
    assert ticket.url is not None and ticket.url.endswith(f"/agent/tickets/{ticket.id}")


async def test_listed_tickets_leave_the_description_out_and_the_ticket_read_alone_has_it(
    adapter: ZendeskAdapter,
) -> None:
    """A view's tickets come with each one's whole first comment; the queue never shows it, so lists drop
    it (it was most of a 50,000-ticket view's memory). The ticket read when it is opened keeps it."""
    views = await adapter.list_views()
    listed = (await adapter.list_view_tickets(views[0].id, page_size=20)).items
    found = await adapter.search_tickets("status<solved", limit=20)
    read = [await adapter.get_ticket(ticket.id) for ticket in listed[:5]]

    assert listed and found and read
    assert all(ticket.description == "" for ticket in [*listed, *found])
    assert all(ticket.description.strip() for ticket in read)


async def test_thread_has_public_and_internal_comments(adapter: ZendeskAdapter) -> None:
    views = await adapter.list_views()
    page = await adapter.list_view_tickets(views[0].id, page_size=20)
    visibilities: set[bool] = set()
    for ticket in page.items:
        comments = await adapter.list_comments(ticket.id)
        assert comments, f"ticket {ticket.id} has no conversation"
        assert all(c.author is not None for c in comments)
        assert [c.created_at for c in comments] == sorted(c.created_at for c in comments)
        visibilities |= {c.public for c in comments}
    assert visibilities == {True, False}


@pytest.mark.parametrize("public", [True, False], ids=["reply", "note"])
async def test_reply_or_note_with_status_change_in_one_put(
    adapter: ZendeskAdapter, control: httpx.Client, public: bool
) -> None:
    ticket = await open_ticket(adapter)
    body = f"frontline test {'reply' if public else 'note'}"
    update = TicketUpdate(
        comment=CommentDraft(body=body, public=public), status=Status.PENDING, revision=ticket.stamp
    )
    updated = await adapter.update_ticket(ticket.id, update)
    assert updated.status is Status.PENDING
    assert updated.stamp != ticket.stamp
    (put,) = recorded_puts(control, ticket.id)
    sent = put["body"]["ticket"]
    assert sent["comment"] == {"body": body, "public": public}
    assert sent["status"] == "pending"
    assert sent["safe_update"] is True and sent["updated_stamp"] == ticket.stamp
    state = control.get(f"/tickets/{ticket.id}").json()
    stored = _last_comment(state)
    assert stored["public"] is public
    last = (await adapter.list_comments(ticket.id))[-1]
    assert (last.body, last.public) == (body, public)


async def test_tags_added_and_removed_without_clobbering(
    adapter: ZendeskAdapter, control: httpx.Client
) -> None:
    ticket = await open_ticket(adapter)
    keep = set(ticket.tags[1:])
    removed = ticket.tags[:1]
    update = TicketUpdate(tags_add=("frontline_escalated",), tags_remove=removed, revision=ticket.stamp)
    updated = await adapter.update_ticket(ticket.id, update)
    assert "frontline_escalated" in updated.tags
    assert keep <= set(updated.tags)
    assert not set(removed) & set(updated.tags)


async def test_conflict_after_someone_else_touches_the_ticket(
    adapter: ZendeskAdapter, control: httpx.Client
) -> None:
    ticket = await open_ticket(adapter)
    control.post(f"/tickets/{ticket.id}/touch").raise_for_status()
    update = TicketUpdate(comment=CommentDraft(body="stale", public=True), revision=ticket.stamp)
    with pytest.raises(ConflictError):
        await adapter.update_ticket(ticket.id, update)
    comments = await adapter.list_comments(ticket.id)
    assert all(comment.body != "stale" for comment in comments)


async def test_429_retry_after_is_honoured(
    adapter: ZendeskAdapter, control: httpx.Client, sleeps: SleepRecorder
) -> None:
    control.post("/faults", json={"spec": "429:count=1:retry_after=3"}).raise_for_status()
    me = await adapter.whoami()
    assert me.id
    assert sleeps.delays == [3.0]


async def test_wrong_token_is_an_auth_error(sandbox: SandboxServer, control: httpx.Client) -> None:
    wrong = build_zendesk_adapter(sandbox.urls["zendesk"], sandbox.email, "not-the-token")
    try:
        with pytest.raises(AuthError):
            await wrong.whoami()
    finally:
        await wrong.aclose()


async def test_macro_preview_changes_nothing(adapter: ZendeskAdapter, control: httpx.Client) -> None:
    macros = await adapter.list_macros()
    assert macros
    ticket = await open_ticket(adapter)
    before = control.get(f"/tickets/{ticket.id}").json()
    previews = [await adapter.preview_macro(ticket.id, macro.id) for macro in macros]
    assert any(p.comment_body or p.status or p.tags or p.other_changes for p in previews)
    assert control.get(f"/tickets/{ticket.id}").json() == before
    assert (await adapter.get_ticket(ticket.id)).stamp == ticket.stamp
    assert recorded_puts(control, ticket.id) == []


def _last_comment(state: dict[str, Any]) -> dict[str, Any]:
    """The newest comment in the sandbox's internal view of a ticket."""
    comments = state.get("comments")
    if comments is None and isinstance(state.get("ticket"), dict):
        comments = state["ticket"].get("comments")
    assert isinstance(comments, list) and comments, state
    return comments[-1]
