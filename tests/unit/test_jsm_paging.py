"""JSM list walks end (issue 15): a server that ignores `start` is stopped at the repeated page, an
endless one at the page cap, for comments, desks and queue pages alike."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from frontline.connectors.jsm.client import JsmAdapter, build_jsm_adapter
from frontline.connectors.jsm.paging import (
    MAX_PAGES,
    PageMark,
    PageWalk,
    next_queue_cursor,
    page_mark,
    read_queue_cursor,
)
from frontline.errors import MalformedResponse

SITE = "https://acme.atlassian.net"
COMMENTS = "/rest/servicedeskapi/request/SD-1/comment"
QUEUE = "/rest/servicedeskapi/servicedesk/1/queue/10/issue"


def comment(number: int) -> dict[str, Any]:
    return {
        "id": str(number),
        "body": f"c{number}",
        "public": True,
        "created": "2021-01-17T12:34:00.000+0000",
    }


def issue(number: int) -> dict[str, Any]:
    return {"id": str(10_000 + number), "key": f"SD-{number}", "fields": {"summary": f"s{number}"}}


LISTS = ("/comment", "/servicedesk", "/queue/10/issue")
"""The paged lists these tests serve; other calls (the site's field catalog, a row search) find nothing."""


class Server:
    """Answers list requests through `page(start, limit)` and keeps them in `requests`."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[httpx.Request] = []

    def adapter(self) -> JsmAdapter:
        def handle(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/search/jql"):
                return httpx.Response(200, json={"issues": [], "isLast": True})
            if not request.url.path.endswith(LISTS):
                return httpx.Response(404, json={"errorMessage": "not served here"})
            self.requests.append(request)
            start = int(request.url.params.get("start", "0"))
            limit = int(request.url.params.get("limit", "50"))
            return httpx.Response(200, json=self.page(start, limit))

        return build_jsm_adapter(SITE, "a@acme.test", "token", transport=httpx.MockTransport(handle))


def honest(make: Any, total: int) -> Any:
    def page(start: int, limit: int) -> dict[str, Any]:
        values = [make(n) for n in range(start, min(start + limit, total))]
        return {"start": start, "size": len(values), "isLastPage": start + limit >= total, "values": values}

    return page


def ignoring_start(make: Any) -> Any:
    """The vendor's own example: `start: 1`, one value, `isLastPage: false`, whatever was asked."""
    return lambda start, limit: {"start": 1, "size": 1, "isLastPage": False, "values": [make(1)]}


async def test_comments_of_an_honest_server_are_read_to_the_end() -> None:
    server = Server(honest(comment, 120))
    comments = await server.adapter().list_comments("SD-1")
    assert [c.id for c in comments] == [str(n) for n in range(120)]
    assert len(server.requests) == 3


async def test_comments_from_a_server_that_ignores_start_stop_at_the_repeat() -> None:
    server = Server(ignoring_start(comment))
    with pytest.raises(MalformedResponse, match=r"keeps sending the same page of .*comment"):
        await server.adapter().list_comments("SD-1")
    assert len(server.requests) == 2


async def test_the_same_answered_start_with_new_values_is_a_repeat_too() -> None:
    counter = itertools.count()
    server = Server(
        lambda start, limit: {"start": 0, "isLastPage": False, "values": [comment(next(counter))]}
    )
    with pytest.raises(MalformedResponse, match="same page"):
        await server.adapter().list_comments("SD-1")
    assert len(server.requests) == 2


async def test_an_endless_supply_of_new_pages_stops_at_the_cap() -> None:
    counter = itertools.count()
    server = Server(lambda start, limit: {"isLastPage": False, "values": [comment(next(counter))]})
    with pytest.raises(MalformedResponse, match=f"after {MAX_PAGES} pages"):
        await server.adapter().list_comments("SD-1")
    assert len(server.requests) == MAX_PAGES


async def test_desks_that_repeat_stop_doctor_and_queue_early() -> None:
    desks = {"start": 3, "isLastPage": False, "values": [{"id": "10001", "projectKey": "ITH"}]}
    server = Server(lambda start, limit: desks)
    with pytest.raises(
        MalformedResponse, match="keeps sending the same page of /rest/servicedeskapi/servicedesk"
    ):
        await server.adapter().list_views()
    assert len(server.requests) == 2


async def walk_queue(adapter: JsmAdapter, max_calls: int = 50) -> list[str]:
    """What the desk does: follow the cursor until there is none."""
    keys: list[str] = []
    cursor: str | None = None
    for _ in range(max_calls):
        page = await adapter.list_view_tickets("1:10", cursor, 50)
        keys += [t.id for t in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return keys
    raise AssertionError("the queue never ended")


async def test_a_queue_of_an_honest_server_is_read_to_the_end() -> None:
    server = Server(honest(issue, 130))
    keys = await walk_queue(server.adapter())
    assert keys == [f"SD-{n}" for n in range(130)]
    assert [r.url.params["start"] for r in server.requests] == ["0", "50", "100"]


async def test_a_queue_that_ignores_start_stops_on_its_second_page() -> None:
    server = Server(ignoring_start(issue))
    with pytest.raises(MalformedResponse, match="keeps sending the same page of queue 1:10"):
        await walk_queue(server.adapter())
    assert len(server.requests) == 2


def test_page_walk_and_marks() -> None:
    walk = PageWalk("JSM", "things", max_pages=3)
    walk.read({"start": 0}, [{"id": "1"}], more=True)
    walk.read({"start": 1}, [{"id": "2"}], more=True)
    walk.read({"start": 2}, [{"id": "3"}], more=False)  # the last page: the cap does not apply
    capped = PageWalk("JSM", "things", max_pages=2)
    capped.read({"start": 0}, [{"id": "1"}], more=True)
    with pytest.raises(MalformedResponse, match="after 2 pages"):
        capped.read({"start": 1}, [{"id": "2"}], more=True)
    repeat = PageWalk("JSM", "x")
    repeat.read({}, [{"key": "A"}], more=True)
    with pytest.raises(MalformedResponse, match="keeps sending the same page of x"):
        repeat.read({}, [{"key": "A"}], more=True)
    assert page_mark({"start": True}, [{"id": 1}]).start is None


def test_queue_cursors_round_trip_and_garbage_starts_over() -> None:
    cursor = next_queue_cursor(50, {"start": 50}, [issue(1)])
    start, previous = read_queue_cursor(cursor)
    assert start == 51 and previous == page_mark({"start": 50}, [issue(1)])
    assert read_queue_cursor("100") == (100, None)  # a bare offset, as before
    for junk in (None, "", "x.y.z", "1" * 80, "٣٤", "-5.1.ab"):
        assert read_queue_cursor(junk) == (0, None)
    assert read_queue_cursor("7.-1.ab") == (7, None)
    assert PageMark(None, "a").repeats(PageMark(None, "a")) and not PageMark(1, "a").repeats(PageMark(2, "b"))
