"""The Zendesk adapter's requests and error handling, over `httpx.MockTransport` (no network)."""

from __future__ import annotations

import base64
import json
import sys
import types
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from frontline.connectors.registry import HELPDESK_KINDS, build_helpdesk
from frontline.connectors.zendesk import client as zendesk_client
from frontline.connectors.zendesk.client import ZendeskAdapter, build_zendesk_adapter, normalise_base_url
from frontline.domain.models import CommentDraft, Status, TicketUpdate
from frontline.errors import (
    AuthError,
    ConfigError,
    ConflictError,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    RateLimited,
    TicketClosed,
    Unavailable,
    ValidationFailed,
    WriteOutcomeUnknown,
)

BASE = "https://acme.zendesk.com"
STAMP = "2026-08-20T10:15:03Z"
Handler = Callable[[httpx.Request], httpx.Response]


class FakeZendesk:
    """Routes `(method, path)` to canned answers and records every request."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Handler]] = {}
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def on(self, method: str, path: str, *answers: Handler | dict[str, Any]) -> None:
        """Answer in order; the last answer repeats."""
        self.routes[(method, path)] = [a if callable(a) else _json(a) for a in answers]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self.routes.get((request.method, request.url.path))
        if route is None:
            return httpx.Response(404, json={"error": "RecordNotFound", "description": "Not found"})
        handler = route.pop(0) if len(route) > 1 else route[0]
        return handler(request)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def adapter(self, **kwargs: Any) -> ZendeskAdapter:
        return build_zendesk_adapter(
            BASE,
            "agent@acme.example",
            "s3cret",
            transport=httpx.MockTransport(self.handle),
            sleep=self.sleep,
            **kwargs,
        )

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]


def _json(body: dict[str, Any], status: int = 200) -> Handler:
    return lambda request: httpx.Response(status, json=body)


def ticket_json(ticket_id: int = 42, **fields: Any) -> dict[str, Any]:
    return {
        "id": ticket_id,
        "subject": "Printer on fire",
        "status": "open",
        "priority": "normal",
        "requester_id": 1,
        "assignee_id": 2,
        "tags": ["vip", "printer"],
        "created_at": "2026-08-19T09:00:00Z",
        "updated_at": STAMP,
        **fields,
    }


USERS = [{"id": 1, "name": "Cara Customer"}, {"id": 2, "name": "Agent Uno"}]


@pytest.fixture
def zd() -> FakeZendesk:
    return FakeZendesk()


async def test_api_token_auth_header_and_accept(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/users/me", {"user": {"id": 2, "name": "Agent Uno", "role": "agent"}})
    me = await zd.adapter().whoami()
    assert (me.id, me.name, me.role) == ("2", "Agent Uno", "agent")
    (request,) = zd.requests
    expected = base64.b64encode(b"agent@acme.example/token:s3cret").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.headers["Accept"] == "application/json"
    assert str(request.url) == f"{BASE}/api/v2/users/me"


async def test_oauth_uses_bearer(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/users/me", {"user": {"id": 2, "name": "Agent Uno"}})
    await zd.adapter(oauth=True).whoami()
    assert zd.requests[0].headers["Authorization"] == "Bearer s3cret"


async def test_anonymous_user_means_bad_credentials(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/users/me", {"user": {"id": None, "name": "Anonymous user", "role": "end-user"}})
    with pytest.raises(AuthError):
        await zd.adapter().whoami()


async def test_views_follow_offset_pages_and_count_null(zd: FakeZendesk) -> None:
    zd.on(
        "GET",
        "/api/v2/views/active",
        {"views": [{"id": 1, "title": "Mine"}], "next_page": f"{BASE}/api/v2/views/active?page=2"},
        {"views": [{"id": 2, "title": "Urgent"}], "next_page": None},
    )
    zd.on("GET", "/api/v2/views/1/count", {"view_count": {"view_id": 1, "value": None, "fresh": False}})
    adapter = zd.adapter()
    assert [v.title for v in await adapter.list_views()] == ["Mine", "Urgent"]
    assert await adapter.view_count("1") is None
    assert zd.requests[1].url.params["page"] == "2"


async def test_view_tickets_params_cursor_and_missing_users_in_one_batch(zd: FakeZendesk) -> None:
    page = {
        "tickets": [ticket_json(42), ticket_json(43, requester_id=7, assignee_id=None)],
        "users": USERS,
        "meta": {"has_more": True, "after_cursor": "xyz", "before_cursor": "abc"},
        "links": {"next": f"{BASE}/api/v2/views/9/tickets?page[after]=xyz&page[size]=2"},
    }
    zd.on("GET", "/api/v2/views/9/tickets", page)
    zd.on("GET", "/api/v2/users/show_many", {"users": [{"id": 7, "name": "Late Loaded"}]})
    adapter = zd.adapter()
    result = await adapter.list_view_tickets("9", cursor="prev", page_size=2)
    assert result.next_cursor == "xyz"
    assert [t.requester.name for t in result.items if t.requester] == ["Cara Customer", "Late Loaded"]
    (listing,) = zd.sent("GET", "/api/v2/views/9/tickets")
    assert listing.url.params["page[size]"] == "2"
    assert listing.url.params["page[after]"] == "prev"
    assert listing.url.params["include"] == "users,organizations,groups,slas"
    (batch,) = zd.sent("GET", "/api/v2/users/show_many")
    assert batch.url.params["ids"] == "7"


async def test_view_tickets_last_page_and_page_size_clamped(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/views/9/tickets", {"tickets": [], "meta": {"has_more": False}, "links": {}})
    result = await zd.adapter().list_view_tickets("9", page_size=500)
    assert result.items == [] and result.next_cursor is None
    assert zd.requests[0].url.params["page[size]"] == "100"


async def test_tickets_not_a_list_is_malformed(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/views/9/tickets", {"tickets": {"id": 1}})
    with pytest.raises(MalformedResponse, match="not a list"):
        await zd.adapter().list_view_tickets("9")


async def test_invalid_json_is_malformed(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/tickets/42", lambda r: httpx.Response(200, text="<html>oops</html>"))
    with pytest.raises(MalformedResponse, match="not valid JSON"):
        await zd.adapter().get_ticket("42")


async def test_non_numeric_ids_never_reach_the_server(zd: FakeZendesk) -> None:
    with pytest.raises(NotFound):
        await zd.adapter().get_ticket("../users/me")
    assert zd.requests == []


async def test_comments_follow_links_next_and_sideload_users(zd: FakeZendesk) -> None:
    next_url = f"{BASE}/api/v2/tickets/42/comments?page[after]=c1&page[size]=100&include=users"
    zd.on(
        "GET",
        "/api/v2/tickets/42/comments",
        {
            "comments": [{"id": 1, "author_id": 1, "body": "hi", "public": True}],
            "users": [USERS[0]],
            "meta": {"has_more": True, "after_cursor": "c1"},
            "links": {"next": next_url},
        },
        {
            "comments": [{"id": 2, "author_id": 2, "plain_body": "note", "body": "<b>", "public": False}],
            "users": [USERS[1]],
            "meta": {"has_more": False},
            "links": {"next": None},
        },
    )
    comments = await zd.adapter().list_comments("#42")
    assert [(c.body, c.public, c.author.name if c.author else None) for c in comments] == [
        ("hi", True, "Cara Customer"),
        ("note", False, "Agent Uno"),
    ]
    first, second = zd.requests
    assert first.url.params["page[size]"] == "100" and first.url.params["include"] == "users"
    assert second.url.params["page[after]"] == "c1"


async def test_cross_host_links_next_is_refused(zd: FakeZendesk) -> None:
    zd.on(
        "GET",
        "/api/v2/tickets/42/comments",
        {
            "comments": [],
            "meta": {"has_more": True},
            "links": {"next": "https://evil.example/api/v2/tickets/42/comments?page[after]=x"},
        },
    )
    with pytest.raises(MalformedResponse, match="another host"):
        await zd.adapter().list_comments("42")
    assert all(r.url.host == "acme.zendesk.com" for r in zd.requests)


def put_body(zd: FakeZendesk, ticket_id: int = 42) -> dict[str, Any]:
    (request,) = zd.sent("PUT", f"/api/v2/tickets/{ticket_id}")
    assert request.headers["Content-Type"] == "application/json"
    return json.loads(request.content)["ticket"]


@pytest.mark.parametrize("public", [True, False])
async def test_reply_or_note_with_status_in_one_safe_put(zd: FakeZendesk, public: bool) -> None:
    zd.on("PUT", "/api/v2/tickets/42", {"ticket": ticket_json(status="pending"), "audit": {"events": []}})
    zd.on("GET", "/api/v2/tickets/42", {"ticket": ticket_json(status="pending"), "users": USERS})
    update = TicketUpdate(
        comment=CommentDraft(body="We shipped a fix.", public=public), status=Status.PENDING, revision=STAMP
    )
    ticket = await zd.adapter().update_ticket("42", update)
    assert ticket.status is Status.PENDING
    assert put_body(zd) == {
        "comment": {"body": "We shipped a fix.", "public": public},
        "status": "pending",
        "safe_update": True,
        "updated_stamp": STAMP,
    }


async def test_tags_are_merged_into_the_guarded_put(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/tickets/42", {"ticket": ticket_json(tags=["vip", "printer", "old"])})
    zd.on("PUT", "/api/v2/tickets/42", {"ticket": ticket_json()})
    update = TicketUpdate(
        tags_add=("escalated", "vip"), tags_remove=("old",), assignee_id="2", group_id="5102", revision=STAMP
    )
    await zd.adapter().update_ticket("42", update)
    body = put_body(zd)
    assert body["tags"] == ["vip", "printer", "escalated"]
    assert body["assignee_id"] == 2
    assert body["group_id"] == 5102
    assert body["safe_update"] is True and body["updated_stamp"] == STAMP


async def test_tags_on_a_changed_ticket_conflict_before_writing(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/tickets/42", {"ticket": ticket_json(updated_at="2026-08-20T11:00:00Z")})
    with pytest.raises(ConflictError):
        await zd.adapter().update_ticket("42", TicketUpdate(tags_add=("x",), revision=STAMP))
    assert zd.sent("PUT", "/api/v2/tickets/42") == []


async def test_409_is_a_conflict(zd: FakeZendesk) -> None:
    zd.on("PUT", "/api/v2/tickets/42", _json({"error": "UpdateConflict"}, 409))
    update = TicketUpdate(comment=CommentDraft(body="hi", public=True), revision=STAMP)
    with pytest.raises(ConflictError, match="changed by someone else"):
        await zd.adapter().update_ticket("42", update)


async def test_422_details_are_surfaced(zd: FakeZendesk) -> None:
    error = {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {"status": [{"description": "Status: closed prevents ticket update", "error": "x"}]},
    }
    zd.on("PUT", "/api/v2/tickets/42", _json(error, 422))
    with pytest.raises(ValidationFailed) as caught:
        await zd.adapter().update_ticket("42", TicketUpdate(status=Status.OPEN, revision=STAMP))
    assert caught.value.details == {"status": ["Status: closed prevents ticket update"]}
    assert isinstance(caught.value, TicketClosed) and "follow-up ticket" in caught.value.message


async def test_429_retry_after_is_honoured_for_writes(zd: FakeZendesk) -> None:
    throttled = lambda r: httpx.Response(429, headers={"Retry-After": "7"}, text="Too many requests")  # noqa: E731
    zd.on("PUT", "/api/v2/tickets/42", throttled, _json({"ticket": ticket_json()}))
    zd.on("GET", "/api/v2/tickets/42", {"ticket": ticket_json()})
    update = TicketUpdate(comment=CommentDraft(body="hi", public=False), revision=STAMP)
    await zd.adapter().update_ticket("42", update)
    assert zd.sleeps == [7.0]
    assert len(zd.sent("PUT", "/api/v2/tickets/42")) == 2


async def test_429_without_end_raises_rate_limited(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/users/me", lambda r: httpx.Response(429, headers={"Retry-After": "2"}))
    with pytest.raises(RateLimited) as caught:
        await zd.adapter(max_retries=2).whoami()
    assert caught.value.retry_after == 2.0
    assert zd.sleeps == [2.0, 2.0]


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, {"error": "Couldn't authenticate you"}, AuthError),
        (403, {"error": "Forbidden", "description": "You do not have access"}, PermissionDenied),
        (404, {"error": "RecordNotFound", "description": "Not found"}, NotFound),
        (500, {"error": "boom"}, Unavailable),
    ],
)
async def test_status_mapping(zd: FakeZendesk, status: int, body: dict[str, Any], error: type) -> None:
    zd.on("GET", "/api/v2/tickets/42", _json(body, status))
    with pytest.raises(error) as caught:
        await zd.adapter().get_ticket("42")
    assert "s3cret" not in str(caught.value)


async def test_500_on_write_is_not_retried(zd: FakeZendesk) -> None:
    zd.on("PUT", "/api/v2/tickets/42", _json({"error": "boom"}, 500))
    with pytest.raises(Unavailable):
        await zd.adapter().update_ticket("42", TicketUpdate(comment=CommentDraft(body="x", public=True)))
    assert len(zd.sent("PUT", "/api/v2/tickets/42")) == 1


async def test_macros_and_preview_only_read(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/macros/active", {"macros": [{"id": 5, "title": "Escalate"}], "next_page": None})
    zd.on("GET", "/api/v2/tickets/42", {"ticket": ticket_json()})
    zd.on(
        "GET",
        "/api/v2/tickets/42/macros/5/apply",
        {"result": {"ticket": {"id": 42, "status": "pending", "comment": {"body": "On it", "public": True}}}},
    )
    adapter = zd.adapter()
    assert [m.title for m in await adapter.list_macros()] == ["Escalate"]
    preview = await adapter.preview_macro("42", "5")
    assert (preview.macro.title, preview.status) == ("Escalate", Status.PENDING)
    assert preview.comment_body == "On it"
    assert {r.method for r in zd.requests} == {"GET"}


async def test_preview_of_unlisted_macro_fetches_it(zd: FakeZendesk) -> None:
    zd.on("GET", "/api/v2/macros/6", {"macro": {"id": 6, "title": "Close"}})
    zd.on("GET", "/api/v2/tickets/42", {"ticket": ticket_json()})
    zd.on("GET", "/api/v2/tickets/42/macros/6/apply", {"result": {"ticket": {"id": 42}}})
    preview = await zd.adapter().preview_macro("42", "6")
    assert preview.macro.title == "Close" and preview.status is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("acme", "https://acme.zendesk.com"),
        ("acme.zendesk.com/", "https://acme.zendesk.com"),
        ("https://acme.zendesk.com/api/v2/", "https://acme.zendesk.com"),
        ("http://127.0.0.1:8123/zendesk", "http://127.0.0.1:8123/zendesk"),
    ],
)
def test_base_url_normalisation(given: str, expected: str) -> None:
    assert normalise_base_url(given) == expected


@pytest.mark.parametrize("bad", ["", "http://acme.zendesk.com", "ftp://acme.zendesk.com"])
def test_bad_base_urls(bad: str) -> None:
    with pytest.raises(ConfigError):
        normalise_base_url(bad)


def test_token_is_not_in_repr() -> None:
    adapter = build_zendesk_adapter(BASE, "a@b.example", "s3cret")
    assert "s3cret" not in repr(adapter.client._client.auth)


def test_registry_builds_zendesk_and_rejects_unknown_kinds() -> None:
    adapter = build_helpdesk("Zendesk", base_url=BASE, email="a@b.example", token="t")
    assert isinstance(adapter, ZendeskAdapter) and adapter.capabilities.macros
    assert HELPDESK_KINDS == ("zendesk", "jsm")
    with pytest.raises(ConfigError, match="zendesk, jsm"):
        build_helpdesk("freshdesk", base_url=BASE, email="a@b.example", token="t")


def test_registry_imports_jsm_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    fake = types.ModuleType("frontline.connectors.jsm.client")
    fake.build_jsm_adapter = lambda *args, **kwargs: calls.append((*args, kwargs)) or "jsm-adapter"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "frontline.connectors.jsm.client", fake)
    result = build_helpdesk("jsm", base_url="https://x.atlassian.net", email="e@x.example", token="t")
    assert result == "jsm-adapter"
    assert calls == [("https://x.atlassian.net", "e@x.example", "t", {"transport": None})]


# --- pagination that ends, answers that cannot crash, secrets that stay secret ----------------------


def comments_page(next_link: str | None, has_more: bool = True) -> dict[str, Any]:
    return {
        "comments": [{"id": 1, "author_id": 1, "body": "hi", "public": True}],
        "meta": {"has_more": has_more},
        "links": {"next": next_link},
    }


async def test_a_next_link_repeated_is_malformed_not_an_endless_loop(zd: FakeZendesk) -> None:
    same = f"{BASE}/api/v2/tickets/42/comments?page[after]=c1"
    zd.on("GET", "/api/v2/tickets/42/comments", comments_page(same))
    with pytest.raises(MalformedResponse, match=r"more pages of a ticket's comments \(same cursor twice\)"):
        await zd.adapter().list_comments("42")
    assert len(zd.requests) == 2


async def test_endless_new_links_stop_at_the_page_cap(
    zd: FakeZendesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zendesk_client, "_MAX_PAGES", 5)
    pages = iter(range(1000))
    zd.on(
        "GET",
        "/api/v2/macros/active",
        lambda r: httpx.Response(
            200, json={"macros": [], "next_page": f"{BASE}/api/v2/macros/active?page={next(pages)}"}
        ),
    )
    with pytest.raises(MalformedResponse, match="after 5 pages"):
        await zd.adapter().list_macros()
    assert len(zd.requests) == 5


@pytest.mark.parametrize(
    "link",
    [f"{BASE}/api/v2/views/active?page=2\x00", f"{BASE}/api/v2/views/active?page=\n2", "http://[::1/x"],
)
async def test_a_next_link_that_is_no_url_is_malformed(zd: FakeZendesk, link: str) -> None:
    zd.on("GET", "/api/v2/views/active", {"views": [], "next_page": link})
    with pytest.raises(MalformedResponse):
        await zd.adapter().list_views()
    assert len(zd.requests) == 1


async def test_an_absurd_view_cursor_is_refused(zd: FakeZendesk) -> None:
    page = {"tickets": [], "meta": {"has_more": True, "after_cursor": "x" * 5000}}
    zd.on("GET", "/api/v2/views/9/tickets", page)
    with pytest.raises(MalformedResponse, match="cursor longer than"):
        await zd.adapter().list_view_tickets("9")


async def test_a_garbled_link_without_a_cursor_ends_the_view(zd: FakeZendesk) -> None:
    page = {"tickets": [], "meta": {"has_more": True}, "links": {"next": "http://[x/?page[after]=a"}}
    zd.on("GET", "/api/v2/views/9/tickets", page)
    assert (await zd.adapter().list_view_tickets("9")).next_cursor is None


async def test_503_with_retry_after_on_the_put_is_not_sent_again(zd: FakeZendesk) -> None:
    busy = lambda r: httpx.Response(503, headers={"Retry-After": "1"})  # noqa: E731
    zd.on("PUT", "/api/v2/tickets/42", busy, _json({"ticket": ticket_json()}))
    update = TicketUpdate(comment=CommentDraft(body="hi", public=True), revision=STAMP)
    with pytest.raises(WriteOutcomeUnknown, match="may or may not have been applied"):
        await zd.adapter().update_ticket("42", update)
    assert len(zd.sent("PUT", "/api/v2/tickets/42")) == 1 and zd.sleeps == []


async def test_a_vanity_domain_redirect_names_the_host(zd: FakeZendesk) -> None:
    moved = lambda r: httpx.Response(301, headers={"Location": "https://support.acme.example/api/v2/x"})  # noqa: E731
    zd.on("GET", "/api/v2/users/me", moved)
    with pytest.raises(ConfigError, match=r"redirected to https://support\.acme\.example/api/v2/x \(301\)"):
        await zd.adapter().whoami()
    assert len(zd.requests) == 1


@pytest.mark.parametrize("oauth", [False, True])
async def test_an_echoed_authorization_header_never_reaches_the_message(zd: FakeZendesk, oauth: bool) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        sent = request.headers["Authorization"]
        return httpx.Response(401, json={"error": "Couldn't authenticate you", "description": f"got {sent}"})

    zd.on("GET", "/api/v2/tickets/42", echo)
    with pytest.raises(AuthError) as caught:
        await zd.adapter(oauth=oauth).get_ticket("42")
    basic = base64.b64encode(b"agent@acme.example/token:s3cret").decode()
    assert "s3cret" not in caught.value.message and basic not in caught.value.message
    assert "got [redacted]" in caught.value.message


async def test_a_comment_keeps_its_markdown_source_beside_the_rendered_text(zd: FakeZendesk) -> None:
    comment = {"id": 1, "body": "**Fixed** in `v2`", "plain_body": "Fixed in v2", "public": True}
    zd.on("GET", "/api/v2/tickets/42/comments", {"comments": [comment], "meta": {"has_more": False}})
    (mapped,) = await zd.adapter().list_comments("42")
    assert (mapped.body, mapped.source_body) == ("Fixed in v2", "**Fixed** in `v2`")
