"""Garbled answers end in a clear domain error, never a traceback.

Example tests pin the bounded decoding step; property tests (hypothesis) drive both real adapters, built
by their real factories over `httpx.MockTransport`, with answers shaped after the official schemas (the
Zendesk fixtures, JSM samples trimmed from the spec's examples) and then mutated: keys dropped, types
swapped, huge numbers, deep nesting, bad dates, control characters, truncation, absurd statuses and
headers. Each run must return a valid result or raise a `FrontlineError`; any other exception fails.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline.connectors import decode
from frontline.connectors.decode import decode_json, nesting_depth
from frontline.connectors.http import ApiClient
from frontline.connectors.jsm import paging as jsm_paging
from frontline.connectors.jsm.client import build_jsm_adapter
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.domain.models import CommentDraft, Status, TicketUpdate
from frontline.domain.ports import Helpdesk
from frontline.errors import FrontlineError, MalformedResponse, NotFound
from frontline.services.paging import PageGuard

FIXTURES = Path(__file__).parent / "fixtures" / "zendesk"
ZENDESK = "https://acme.zendesk.com"
STAMP = "2026-08-20T10:15:03Z"
TOKEN = "s3cr3t-T0ken-for-tests"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def client_with(*responses: httpx.Response) -> ApiClient:
    queue = list(responses)
    return ApiClient(
        "https://acme.example.com", service="Acme", transport=httpx.MockTransport(lambda r: queue.pop(0))
    )


# --- the bounded decoding step ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"[" * 5000 + b"]" * 5000, "nested deeper than 200 levels"),
        (b'{"a":' * 201 + b"1" + b"}" * 201, "nested deeper than 200 levels"),
        (b'{"id": ' + b"9" * 5000 + b"}", "a number 5000 digits long"),
        (b'{"id": ' + b"1" * 101 + b"}", "a number 101 digits long"),
        (b'{"v": NaN}', "NaN"),
        (b'{"v": -Infinity}', "-Infinity"),
        (b'{"v": 1e999}', "too large"),
        (b'{"v": "\xff\xfe"}', "not valid JSON"),
    ],
)
async def test_garbled_json_is_malformed_naming_service_and_path(body: bytes, fragment: str) -> None:
    with pytest.raises(MalformedResponse) as info:
        await client_with(httpx.Response(200, content=body)).get_json("/api/v2/views")
    assert fragment in info.value.message
    assert info.value.message.startswith("Acme sent") and "/api/v2/views" in info.value.message


def test_nesting_is_measured_without_recursion_and_ignores_brackets_in_strings() -> None:
    assert nesting_depth('{"a": [1, {"b": "[[[[{{{{\\"]]"}]}') == 3
    assert nesting_depth("[" * 100_000) == 100_000
    assert decode_json(b'{"a": "[[[[[[[[[["}', service="Acme", where="/x") == {"a": "[[[[[[[[[["}
    assert decode_json(b"[" * 200 + b"]" * 200, service="Acme", where="/x") is not None


def test_lone_surrogates_are_replaced_and_a_bom_is_accepted() -> None:
    value = decode_json(b'\xef\xbb\xbf{"name": "a\\ud800b", "ok": "\\ud83d\\ude00"}', service="A", where="/")
    assert value == {"name": "a?b", "ok": "\U0001f600"}


async def test_an_oversized_body_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode, "MAX_BODY_BYTES", 1000)
    declared = httpx.Response(200, headers={"Content-Length": "99999999999"}, stream=httpx.ByteStream(b"{}"))
    streamed = httpx.Response(200, content=b'{"a": "' + b"x" * 2000 + b'"}')
    for response in (declared, streamed):
        with pytest.raises(MalformedResponse, match="larger than"):
            await client_with(response).get_json("/x")


async def test_undecompressable_answers_are_malformed_or_just_their_status() -> None:
    def gzip_garbage(status: int) -> httpx.Response:
        return httpx.Response(status, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"nope"))

    with pytest.raises(MalformedResponse, match="could not be decompressed"):
        await client_with(gzip_garbage(200)).get_json("/x")
    with pytest.raises(NotFound):
        await client_with(gzip_garbage(404)).get_json("/x")


# --- samples shaped after the official schemas ------------------------------------------------------

_TICKET = fixture("ticket_full.json")
_USERS = _TICKET["users"]
ZENDESK_ROUTES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v2/users/me"): {"user": {"id": 235323, "name": "Agent Uno", "role": "agent"}},
    ("GET", "/api/v2/views/active"): {
        "views": [{"id": 25, "title": "Your unsolved tickets", "active": True, "position": 1}],
        "next_page": None,
        "previous_page": None,
        "count": 1,
    },
    ("GET", "/api/v2/views/25/count"): {
        "view_count": {"view_id": 25, "value": 719, "pretty": "~700", "fresh": True}
    },
    ("GET", "/api/v2/views/25/tickets"): {
        **{k: v for k, v in _TICKET.items() if k != "ticket"},
        "tickets": [_TICKET["ticket"]],
        "meta": {"has_more": False, "after_cursor": "xyz", "before_cursor": None},
        "links": {"next": f"{ZENDESK}/api/v2/views/25/tickets?page[after]=xyz", "prev": None},
    },
    ("GET", "/api/v2/tickets/35436"): _TICKET,
    ("GET", "/api/v2/tickets/35436/comments"): fixture("comments.json"),
    ("GET", "/api/v2/users/show_many"): {"users": _USERS},
    ("GET", "/api/v2/macros/active"): {
        "macros": [{"id": 5, "title": "Close and redirect", "active": True, "description": "Closes it"}],
        "next_page": None,
        "count": 1,
    },
    ("GET", "/api/v2/macros/5"): {"macro": {"id": 5, "title": "Close and redirect", "active": True}},
    ("GET", "/api/v2/tickets/35436/macros/5/apply"): fixture("macro_apply.json"),
    ("PUT", "/api/v2/tickets/35436"): {"ticket": _TICKET["ticket"], "audit": {"events": []}},
    ("GET", "/api/v2/custom_statuses"): {
        "custom_statuses": [
            {"id": 123, "status_category": "open", "agent_label": "Waiting on engineering", "active": True},
            {"id": 124, "status_category": "open", "agent_label": "Open", "active": True, "default": True},
        ]
    },
}
NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}

JSM_BASE = "https://acme.atlassian.net"
SD = "/rest/servicedeskapi"
_AGENT = {"accountId": "5b10a2844c20165700ede21g", "displayName": "Mia Krystof", "accountType": "atlassian"}
_CUSTOMER = {
    "accountId": "qm:a713c8ea-1075-4e30-9d96-891a7d181739:5ad6d3581db05e2a66fa80b",
    "emailAddress": "fred@example.com",
    "displayName": "Fred F. User",
    "active": True,
}
_SLA_CYCLE = {
    "startTime": {"epochMillis": 1444290120000, "iso8601": "2015-10-08T14:42:00+0700"},
    "breachTime": {"epochMillis": 1444304520000, "jira": "2015-10-08T18:42:00.000+0700"},
    "breached": False,
    "paused": False,
    "withinCalendarHours": True,
    "goalDuration": {"millis": 14400000, "friendly": "4h"},
    "remainingTime": {"millis": 14400000, "friendly": "4h"},
}
_ISSUE = {
    "id": "10001",
    "key": "ITH-1",
    "fields": {
        "summary": "My keyboard is broken",
        "status": {"name": "Waiting for support", "statusCategory": {"key": "new"}},
        "priority": {"name": "High"},
        "assignee": _AGENT,
        "reporter": _CUSTOMER,
        "labels": ["hardware"],
        "created": "2015-11-09T14:17:13.000+0700",
        "updated": "2015-11-10T09:00:00.000+0700",
        "description": {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Keys stick."}]}],
        },
        "customfield_10020": {"id": "1", "name": "Time to first response", "ongoingCycle": _SLA_CYCLE},
    },
}
_COMMENT = {
    "id": "1000",
    "body": "Hello there",
    "public": True,
    "author": _CUSTOMER,
    "created": {"epochMillis": 1444290120000, "iso8601": "2015-10-08T14:42:00+0700"},
}


def _paged(*values: Any) -> dict[str, Any]:
    """A JSM `PagedDTO`: `size`, `start`, `limit`, `isLastPage`, `values`, `_links`."""
    return {"size": len(values), "start": 0, "limit": 50, "isLastPage": True, "values": list(values)}


JSM_ROUTES: dict[tuple[str, str], Any] = {
    ("GET", "/rest/api/3/myself"): {**_AGENT, "emailAddress": "mia@example.com", "active": True},
    ("GET", f"{SD}/servicedesk"): _paged(
        {"id": "10001", "projectId": "11001", "projectName": "IT Help Desk", "projectKey": "ITH"}
    ),
    ("GET", f"{SD}/servicedesk/10001/queue"): _paged(
        {"id": "10", "name": "Unassigned issues", "jql": "assignee is EMPTY", "issueCount": 10}
    ),
    ("GET", f"{SD}/servicedesk/10001/queue/10"): {"id": "10", "name": "Unassigned issues", "issueCount": 10},
    ("GET", f"{SD}/servicedesk/10001/queue/10/issue"): _paged(_ISSUE),
    ("GET", "/rest/api/3/issue/ITH-1"): _ISSUE,
    ("GET", f"{SD}/request/ITH-1"): {
        "issueId": "10001",
        "issueKey": "ITH-1",
        "reporter": _CUSTOMER,
        "requestFieldValues": [{"fieldId": "description", "value": "Keys stick."}],
        "sla": {"values": [{"id": "1", "name": "Time to first response", "ongoingCycle": _SLA_CYCLE}]},
        "_links": {"agent": f"{JSM_BASE}/browse/ITH-1"},
    },
    ("GET", f"{SD}/request/ITH-1/comment"): _paged(_COMMENT),
    ("POST", f"{SD}/request/ITH-1/comment"): _COMMENT,
    ("PUT", "/rest/api/3/issue/ITH-1"): {},
    ("GET", "/rest/api/3/issue/ITH-1/transitions"): {
        "transitions": [
            {
                "id": "21",
                "name": "Wait",
                "to": {"name": "Waiting for customer", "statusCategory": {"key": "indeterminate"}},
            }
        ]
    },
    ("POST", "/rest/api/3/issue/ITH-1/transitions"): {},
    ("GET", f"{SD}/servicedesk/10001"): {"id": "10001", "projectId": "11001", "projectKey": "ITH"},
    ("GET", "/rest/api/3/status"): [
        {"id": "3", "name": "Wartet auf Kunden", "untranslatedName": "Waiting for customer"},
    ],
    ("GET", "/rest/api/3/field"): [
        {"id": "customfield_10020", "schema": {"custom": "com.atlassian.servicedesk:sd-sla-field"}},
        {
            "id": "customfield_10002",
            "schema": {"custom": "com.atlassian.servicedesk:sd-customer-organizations"},
        },
    ],
    ("GET", "/rest/api/3/search/jql"): {"issues": [_ISSUE], "isLast": True},
    ("GET", "/rest/api/3/priority/search"): {
        "isLast": True,
        "values": [{"id": "1", "name": "P1 - Critical"}, {"id": "2", "name": "High"}],
    },
}

Operation = Callable[[Any], Awaitable[object]]
UPDATE = TicketUpdate(
    comment=CommentDraft(body="We shipped a fix.", public=True),
    status=Status.PENDING,
    tags_add=("vip",),
    revision=STAMP,
)
ZENDESK_OPERATIONS: list[Operation] = [
    lambda a: a.whoami(),
    lambda a: a.list_views(),
    lambda a: a.view_count("25"),
    lambda a: a.list_view_tickets("25"),
    lambda a: a.list_view_tickets("25", "xyz", 100),
    lambda a: a.get_ticket("35436"),
    lambda a: a.list_comments("35436"),
    lambda a: a.list_macros(),
    lambda a: a.preview_macro("35436", "5"),
    lambda a: a.update_ticket("35436", UPDATE),
]
JSM_OPERATIONS: list[Operation] = [
    lambda a: a.whoami(),
    lambda a: a.list_views(),
    lambda a: a.view_count("10001:10"),
    lambda a: a.list_view_tickets("10001:10"),
    lambda a: a.list_view_tickets("10001:10", "50", 50),
    lambda a: a.get_ticket("ITH-1"),
    lambda a: a.list_comments("ITH-1"),
    lambda a: a.update_ticket("ITH-1", TicketUpdate(comment=UPDATE.comment, tags_add=("vip",))),
    lambda a: a.update_ticket("ITH-1", TicketUpdate(status=Status.PENDING)),
]

# --- how answers are garbled ------------------------------------------------------------------------

DROP = object()
NASTY: list[Any] = [
    None,
    True,
    0,
    -1,
    10**99,
    -(10**99),
    1e308,
    "",
    "\x00\x1b[2J\x1b]52;c;cHduZWQ=\x07",
    "\u202eevil",
    "\ud800",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59.000-0100",
    "not a date",
    {"epochMillis": 10**99},
    {"epochMillis": -(10**30), "iso8601": "0001-01-01T00:00:00+0100"},
    "https://evil.example/steal?page[after]=x",
    "http://[::1",
    f"{ZENDESK}/api/v2/x?\x00",
    "//evil.example/x",
    "x" * 5000,
    [[[[[[[[[[[]]]]]]]]]]],
    {"type": "doc", "content": [{"type": "paragraph", "content": "oops"}]},
]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
ACTIONS = ("keep",) * 12 + ("drop", "nasty", "random", "swap")
FORMS = ("json",) * 10 + ("truncated", "deep", "deep-object", "huge-int", "nan", "bad-utf8", "html", "empty")
STATUSES = [200] * 14 + [201, 204, 301, 302, 400, 401, 403, 404, 409, 410, 413, 422, 429, 500, 502, 503, 599]
HEADER_VALUES = {
    "Retry-After": ["0", "2", "inf", "nan", "-5", "9" * 400, "Fri, 31 Dec 9999 23:59:59 -1200", "soon"],
    "x-ratelimit-reset": ["1" * 400, "9999-12-31T23:59Z", "-1", "abc", "1700000000"],
    "ratelimit-reset": ["41", "7" * 400, "-3"],
    "x-ratelimit-remaining": ["0", "9" * 5000, "x"],
    "Location": ["https://acme.okta.com/sso", "/login", "http://[bad"],
    "Content-Encoding": ["gzip", "deflate"],
}


def garble(draw: Callable[..., Any], value: Any, depth: int = 0) -> Any:
    """`value` with each node kept, dropped (in a container), or replaced by a nasty, random or
    type-swapped value."""
    action = draw(st.sampled_from(ACTIONS))
    if action == "drop" and depth:
        return DROP
    if action == "nasty":
        return draw(st.sampled_from(NASTY))
    if action == "random":
        return draw(JSON_VALUES)
    if action == "swap":
        return _swapped(value)
    if isinstance(value, dict):
        items = ((k, garble(draw, v, depth + 1)) for k, v in value.items())
        return {k: v for k, v in items if v is not DROP}
    if isinstance(value, list):
        return [v for v in (garble(draw, item, depth + 1) for item in value) if v is not DROP]
    return value


def _swapped(value: Any) -> Any:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    if isinstance(value, str):
        return len(value)
    if value is None:
        return {}
    return str(value)


def encode(draw: Callable[..., Any], value: Any) -> bytes:
    text = json.dumps(value)
    form = draw(st.sampled_from(FORMS))
    if form == "truncated":
        return text.encode()[: draw(st.integers(0, max(0, len(text) - 1)))]
    if form == "deep":
        depth = draw(st.sampled_from([150, 199, 201, 5000, 100_000]))
        return ("[" * depth + text + "]" * depth).encode()
    if form == "deep-object":
        depth = draw(st.sampled_from([199, 201, 5000]))
        return ('{"a":' * depth + text + "}" * depth).encode()
    if form == "huge-int":
        number = draw(st.sampled_from(["9" * 101, "9" * 5000, "-" + "1" * 4301, "1" * 80 + "e99999"]))
        return re.sub(r"\d+", number, text, count=1).encode()
    if form == "nan":
        constant = draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999"]))
        return re.sub(r"-?\d+(\.\d+)?", constant, text, count=1).encode()
    if form == "bad-utf8":
        return text.encode()[:-1] + b"\xff\xfe"
    if form == "html":
        return b"<html><body>Sign in to continue</body></html>"
    if form == "empty":
        return b""
    return text.encode()


def garbled_server(data: st.DataObject, routes: dict[tuple[str, str], Any]) -> httpx.MockTransport:
    """A server that answers each request with its route's sample, garbled by `data`."""

    def answer(request: httpx.Request) -> httpx.Response:
        sample = routes.get((request.method, request.url.path), NOT_FOUND)
        if data.draw(st.booleans()):  # about half the answers are as documented
            return httpx.Response(200, json=sample)
        body = encode(data.draw, garble(data.draw, sample))
        status = data.draw(st.sampled_from(STATUSES))
        headers = {}
        for name, values in HEADER_VALUES.items():
            value = data.draw(st.sampled_from([None] * 8 + values))
            if value is not None:
                headers[name] = value
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    return httpx.MockTransport(answer)


async def _no_sleep(seconds: float) -> None:
    assert 0 <= seconds <= decode.LONGEST_WAIT


def run(adapter: Helpdesk, operation: Operation) -> object | None:
    """The operation's result, or None when it raised a `FrontlineError` (anything else propagates)."""

    async def go() -> object | None:
        try:
            return await operation(adapter)
        except FrontlineError as error:
            assert error.message and error.title
            return None
        finally:
            await adapter.aclose()

    return asyncio.run(go())


def assert_sane(result: object) -> None:
    """Times the rest of frontline can do arithmetic on, everywhere in a result."""
    items = result if isinstance(result, list) else getattr(result, "items", [result])
    for item in items if isinstance(items, list) else [result]:
        for name in ("created_at", "updated_at"):
            moment = getattr(item, name, None)
            if isinstance(moment, datetime):
                assert moment.tzinfo is not None and 1900 <= moment.year <= 2999


PROPERTY = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@PROPERTY
@given(data=st.data(), operation=st.sampled_from(ZENDESK_OPERATIONS))
def test_zendesk_survives_garbled_answers(data: st.DataObject, operation: Operation) -> None:
    adapter = build_zendesk_adapter(
        ZENDESK, "agent@acme.example", TOKEN, transport=garbled_server(data, ZENDESK_ROUTES), sleep=_no_sleep
    )
    assert_sane(run(adapter, operation))


@PROPERTY
@given(data=st.data(), operation=st.sampled_from(JSM_OPERATIONS))
def test_jsm_survives_garbled_answers(data: st.DataObject, operation: Operation) -> None:
    adapter = build_jsm_adapter(
        JSM_BASE, "agent@acme.example", TOKEN, transport=garbled_server(data, JSM_ROUTES), sleep=_no_sleep
    )
    assert_sane(run(adapter, operation))


@pytest.mark.parametrize("connector", ["zendesk", "jsm"])
def test_the_samples_themselves_map_cleanly(connector: str) -> None:
    """Ungarbled, every operation succeeds: the property tests start from valid answers."""

    def server(request: httpx.Request) -> httpx.Response:
        routes = ZENDESK_ROUTES if connector == "zendesk" else JSM_ROUTES
        return httpx.Response(200, json=routes[(request.method, request.url.path)])

    transport = httpx.MockTransport(server)
    for operation in ZENDESK_OPERATIONS if connector == "zendesk" else JSM_OPERATIONS:
        adapter = (
            build_zendesk_adapter(ZENDESK, "agent@acme.example", TOKEN, transport=transport)
            if connector == "zendesk"
            else build_jsm_adapter(JSM_BASE, "agent@acme.example", TOKEN, transport=transport)
        )

        async def go(operation: Operation = operation, adapter: Helpdesk = adapter) -> object:
            try:
                return await operation(adapter)
            finally:
                await adapter.aclose()

        assert_sane(asyncio.run(go()))


# --- a server that echoes the credentials -----------------------------------------------------------


def build(connector: str, token: str, transport: httpx.MockTransport) -> Helpdesk:
    if connector == "zendesk":
        return build_zendesk_adapter(ZENDESK, "agent@acme.example", token, transport=transport)
    return build_jsm_adapter(JSM_BASE, "agent@acme.example", token, transport=transport)


@settings(max_examples=60, deadline=None, database=None)
@given(
    connector=st.sampled_from(["zendesk", "jsm"]),
    token=st.text(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=8, max_size=40
    ),
    status=st.sampled_from([400, 401, 403, 404, 422]),
    as_text=st.booleans(),
)
def test_a_401_echoing_the_authorization_header_never_shows_the_token(
    connector: str, token: str, status: int, as_text: bool
) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        sent = request.headers["Authorization"]
        decoded = base64.b64decode(sent.partition(" ")[2]).decode()
        if as_text:
            return httpx.Response(status, text=f"Denied. You sent Authorization: {sent} ({decoded}) {token}")
        body = {
            "error": f"Couldn't authenticate you ({decoded})",
            "errorMessage": f"headers: {{'Authorization': '{sent}'}}",
            "errorMessages": [token],
            "message": f"api_token={token}",
        }
        return httpx.Response(status, json=body)

    adapter = build(connector, token, httpx.MockTransport(echo))
    with pytest.raises(FrontlineError) as info:
        asyncio.run(adapter.whoami())
    shown = f"{info.value.message} {info.value!r} {getattr(info.value, 'details', '')}"
    basic = base64.b64encode(
        (
            f"agent@acme.example/token:{token}" if connector == "zendesk" else f"agent@acme.example:{token}"
        ).encode()
    ).decode()
    assert token not in shown and basic not in shown, shown


# --- JSM lists that would never end -----------------------------------------------------------------


def jsm_answering(answer: Callable[[httpx.Request], httpx.Response]) -> tuple[Helpdesk, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    return build_jsm_adapter(
        JSM_BASE, "agent@acme.example", TOKEN, transport=httpx.MockTransport(record)
    ), seen


async def test_jsm_list_that_ignores_start_is_malformed_after_two_pages() -> None:
    page = {**_paged(_COMMENT), "isLastPage": False}
    adapter, requests = jsm_answering(lambda r: httpx.Response(200, json=page))
    with pytest.raises(MalformedResponse, match="keeps sending the same page"):
        await adapter.list_comments("ITH-1")
    assert len(requests) == 2


async def test_jsm_list_with_endless_new_pages_stops_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsm_paging, "MAX_PAGES", 4)
    counter = iter(range(10_000))

    def fresh(request: httpx.Request) -> httpx.Response:
        number = next(counter)
        comment = {**_COMMENT, "id": str(number)}
        return httpx.Response(200, json={**_paged(comment), "isLastPage": False, "start": number})

    adapter, requests = jsm_answering(fresh)
    with pytest.raises(MalformedResponse, match="more pages"):
        await adapter.list_comments("ITH-1")
    assert len(requests) <= 4


async def test_jsm_queue_cursor_follows_the_values_not_a_garbled_size() -> None:
    page = {**_paged(_ISSUE, _ISSUE), "isLastPage": False, "size": -40}
    adapter, _ = jsm_answering(lambda r: httpx.Response(200, json=page))
    first = await adapter.list_view_tickets("10001:10")
    assert jsm_paging.read_queue_cursor(first.next_cursor).start == 2
    second = await adapter.list_view_tickets("10001:10", "²", 50)  # not an ASCII number: start over
    assert jsm_paging.read_queue_cursor(second.next_cursor).start == 2
    empty = {**_paged(), "isLastPage": False}
    adapter, _ = jsm_answering(lambda r: httpx.Response(200, json=empty))
    assert (await adapter.list_view_tickets("10001:10", "2", 50)).next_cursor is None


async def test_desks_and_queues_with_unusable_ids_are_skipped() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"{SD}/servicedesk":
            desks = [{"id": "../x", "projectKey": ["ITH"]}, {"id": 10001, "projectKey": {"k": 1}}]
            return httpx.Response(200, json=_paged(*desks))
        queues = [{"id": "a\nb", "name": "Bad"}, {"id": 10, "name": ["x"], "issueCount": True}]
        return httpx.Response(200, json=_paged(*queues))

    adapter, requests = jsm_answering(server)
    views = await adapter.list_views()
    assert [(v.id, v.title, v.count) for v in views] == [("10001:10", "10", None)]
    assert {r.url.path for r in requests} == {f"{SD}/servicedesk", f"{SD}/servicedesk/10001/queue"}


async def test_a_desk_loop_guarded_by_page_guard_ends() -> None:
    """How `Desk.load_view` bounds a queue whose pages never end (cursors that always grow)."""
    counter = iter(range(10_000))

    def fresh(request: httpx.Request) -> httpx.Response:
        number = next(counter)  # a new issue each time: not the same page again, which the adapter stops
        issue = {**_ISSUE, "id": str(20_000 + number), "key": f"ITH-{number}"}
        return httpx.Response(200, json={**_paged(issue), "isLastPage": False, "start": number})

    adapter, requests = jsm_answering(fresh)
    guard = PageGuard("Jira Service Management", max_pages=5)
    cursor: str | None = None
    with pytest.raises(MalformedResponse, match="after 5 pages"):
        while True:
            cursor = guard.next((await adapter.list_view_tickets("10001:10", cursor, 50)).next_cursor)
            if cursor is None:
                break
    assert len([r for r in requests if r.url.path.endswith("/queue/10/issue")]) == 5
