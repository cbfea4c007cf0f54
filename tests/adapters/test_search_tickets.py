"""`search_tickets` over real HTTP against the sandbox: Zendesk search syntax and JQL, checked against
the sandbox's own records; a query the helpdesk refuses comes back in the helpdesk's words."""

from __future__ import annotations

from collections import Counter

import pytest

from frontline.connectors.jsm.client import build_jsm_adapter
from frontline.connectors.jsm.reading import scoped_jql
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.connectors.zendesk.search import ticket_query
from frontline.errors import ValidationFailed
from frontline.sandbox.server import SandboxServer


def test_zendesk_queries_are_limited_to_tickets_unless_they_name_a_type() -> None:
    assert ticket_query("  refund   status:open ") == "type:ticket refund status:open"
    assert ticket_query("type:user ana") == "type:user ana"
    assert ticket_query("status:open -type:user") == "status:open -type:user"


def test_jql_is_scoped_to_the_desks_projects_and_plain_words_search_the_text() -> None:
    assert scoped_jql("status = Open", ["CS"]) == "project in (CS) AND (status = Open) ORDER BY updated DESC"
    assert scoped_jql("login fails", ["CS", "IT"]) == (
        'project in (CS, IT) AND (text ~ "login fails") ORDER BY updated DESC'
    )
    assert scoped_jql("assignee = currentUser() order by created", ["CS"]) == (
        "project in (CS) AND (assignee = currentUser()) order by created"
    )
    assert scoped_jql("", ["bad key", "CS"]) == "project in (CS) ORDER BY updated DESC"


async def test_zendesk_search_finds_by_status_tag_requester_and_text(sandbox: SandboxServer) -> None:
    tickets = sandbox.system("zendesk").store.data.tickets  # type: ignore[attr-defined]
    users = sandbox.system("zendesk").store.data.users  # type: ignore[attr-defined]
    adapter = build_zendesk_adapter(sandbox.urls["zendesk"], sandbox.email, sandbox.token)
    try:
        pending = await adapter.search_tickets("status:pending", limit=100)
        expected = {str(t["id"]) for t in tickets.values() if t["status"] == "pending"}
        assert pending and {t.id for t in pending} <= expected
        assert all(t.status.value == "pending" for t in pending)

        tag, _ = Counter(tag for t in tickets.values() for tag in t["tags"]).most_common(1)[0]
        tagged = await adapter.search_tickets(f"tags:{tag} status:open")
        assert tagged and all(tag in t.tags and t.status.value == "open" for t in tagged)

        requester_id, _ = Counter(t["requester_id"] for t in tickets.values()).most_common(1)[0]
        first_name = users[requester_id]["name"].split()[0]
        by_name = await adapter.search_tickets(f"requester:{first_name.lower()}")
        assert any(t.requester is not None and t.requester.id == str(requester_id) for t in by_name)

        some = next(iter(tickets.values()))
        word = max(some["subject"].split(), key=len).lower()
        found = await adapter.search_tickets(word, limit=5)
        assert 1 <= len(found) <= 5 and all(word in t.subject.lower() for t in found)
    finally:
        await adapter.aclose()


async def test_jsm_search_runs_jql_in_the_desks_projects(sandbox: SandboxServer) -> None:
    site = sandbox.system("jsm").site  # type: ignore[attr-defined]
    issues = [i for i in site.issues.values() if site.visible(i) and site.indexed(i)]
    adapter = build_jsm_adapter(sandbox.urls["jsm"], sandbox.email, sandbox.token)
    try:
        done = await adapter.search_tickets("statusCategory = Done", limit=50)
        expected = {i.key for i in issues if site.status_of(i).category == "done"}
        assert done and {t.key for t in done} <= expected
        assert len(done) == min(50, len(expected))
        word = max(issues[0].summary.split(), key=len)
        by_text = await adapter.search_tickets(word, limit=10)
        assert issues[0].key in {t.key for t in by_text} or len(by_text) == 10
        assert all(word.lower() in t.subject.lower() for t in by_text)
    finally:
        await adapter.aclose()


async def test_bad_jql_comes_back_in_jiras_words(sandbox: SandboxServer) -> None:
    adapter = build_jsm_adapter(sandbox.urls["jsm"], sandbox.email, sandbox.token)
    try:
        with pytest.raises(ValidationFailed) as refused:
            await adapter.search_tickets("status = ")
        assert "JQL" in refused.value.message
    finally:
        await adapter.aclose()
