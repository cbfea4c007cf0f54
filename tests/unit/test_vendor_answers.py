"""Vendor answers issue 15 found misread: a junk Zendesk `next_page`, JSM's error bodies, and GitHub's
secondary rate limit answered as a 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from frontline.connectors.github import GitHubSettings
from frontline.connectors.github.client import build_github_tracker
from frontline.connectors.jsm.client import build_jsm_adapter
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.connectors.zendesk.links import checked_next_page
from frontline.errors import MalformedResponse, NotFound, PermissionDenied, RateLimited, ValidationFailed

ZENDESK = "https://acme.zendesk.com"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A transport answering with `handler` and keeping every request."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return self.handler(request)

        return httpx.MockTransport(handle)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


# --- Zendesk next_page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        f"{ZENDESK}/api/v2/macros/active.json?page=2",
        f"{ZENDESK}/api/v2/tickets/1/comments?page[after]=abc&page[size]=100",
        "/api/v2/macros/active.json?page=2",
    ],
)
def test_a_next_page_on_the_api_is_followed(link: str) -> None:
    assert checked_next_page(link, ZENDESK, "active macros") == link


@pytest.mark.parametrize(
    "link",
    [
        "string",
        "2",
        "api/v2/macros?page=2",
        "/agent/tickets/1",
        "/api/v1/macros",
        "https://other.zendesk.com/api/v2/macros?page=2",
        "http://acme.zendesk.com/api/v2/macros?page=2",
        "https://acme.zendesk.com:8443/api/v2/macros?page=2",
        "//acme.zendesk.com.evil.example/api/v2/macros",
        "javascript:alert(1)",
        "https://acme.zendesk.com/api/v2/\x00",
        "http://[bad",
    ],
)
def test_a_next_page_anywhere_else_is_malformed_and_named(link: str) -> None:
    with pytest.raises(MalformedResponse, match="next-page link for active macros") as info:
        checked_next_page(link, ZENDESK, "active macros")
    assert link[:20].replace("\x00", "?") in info.value.message or "\x00" in link
    assert "\x00" not in info.value.message


async def test_a_junk_next_page_is_not_followed_as_a_path() -> None:
    """Before: `GET /string` answered 404 and the user read "no such record"."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/macros/active":
            return httpx.Response(200, json={"macros": [{"id": 1, "title": "A"}], "next_page": "string"})
        return httpx.Response(404, json={"error": "RecordNotFound"})

    zendesk = Recorder(handler)
    adapter = build_zendesk_adapter(ZENDESK, "a@acme.test", "t", transport=zendesk.transport())
    with pytest.raises(MalformedResponse, match=r"is not a page of its API \('string'"):
        await adapter.list_macros()
    assert [r.url.path for r in zendesk.requests] == ["/api/v2/macros/active"]


async def test_a_next_page_on_the_api_is_read() -> None:
    pages = {
        "1": {
            "macros": [{"id": 1, "title": "A"}],
            "next_page": f"{ZENDESK}/api/v2/macros/active.json?page=2",
        },
        "2": {"macros": [{"id": 2, "title": "B"}], "next_page": None},
    }
    zendesk = Recorder(lambda r: httpx.Response(200, json=pages[r.url.params.get("page", "1")]))
    adapter = build_zendesk_adapter(ZENDESK, "a@acme.test", "t", transport=zendesk.transport())
    assert [m.title for m in await adapter.list_macros()] == ["A", "B"]


# --- JSM error bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "error", "words"),
    [
        (403, {"errorMessage": "You are not an agent of this service desk", "i18nErrorMessage": {}},
         PermissionDenied, ["(403): You are not an agent of this service desk."]),
        (404, {"errorMessage": "Request SD-9 does not exist"}, NotFound, ["Request SD-9 does not exist"]),
        (400, {"errorMessages": ["Field 'x' cannot be set."], "errors": {"priority": "Unknown priority"}},
         ValidationFailed, ["Field 'x' cannot be set.", "priority: ", "Unknown priority"]),
    ],
)  # fmt: skip
async def test_jsm_error_bodies_are_in_the_message(
    status: int, body: dict[str, Any], error: type[Exception], words: list[str]
) -> None:
    jsm = Recorder(lambda request: httpx.Response(status, json=body))
    adapter = build_jsm_adapter("https://acme.atlassian.net", "a@acme.test", "t", transport=jsm.transport())
    with pytest.raises(error) as info:
        await adapter.list_comments("SD-9")
    message = getattr(info.value, "message", "")
    for word in words:
        assert word in message, message


# --- GitHub's secondary rate limit ---------------------------------------------------------------


SECONDARY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
}


def github(recorder: Recorder, **options: Any) -> Any:
    settings = GitHubSettings(name="gh", project="acme/app")
    return build_github_tracker(
        settings, "ghp_token", transport=recorder.transport(), sleep=recorder.sleep, **options
    )


async def test_a_secondary_limit_403_without_headers_is_rate_limited_for_a_minute() -> None:
    gh = Recorder(lambda request: httpx.Response(403, json=SECONDARY))
    with pytest.raises(RateLimited) as info:
        await github(gh, max_retry_wait=30).get_bug("acme/app#7")
    assert info.value.retry_after is not None and info.value.retry_after >= 60
    assert "not allowed" not in info.value.message and len(gh.requests) == 1


async def test_a_secondary_limit_is_waited_out_at_least_a_minute_then_retried() -> None:
    issue = {"number": 7, "title": "Bug", "state": "open", "html_url": "https://github.com/acme/app/issues/7"}
    answers = iter([httpx.Response(403, json=SECONDARY), httpx.Response(200, json=issue)])
    gh = Recorder(lambda request: next(answers))
    bug = await github(gh).get_bug("acme/app#7")
    assert bug.key.endswith("#7") and gh.sleeps == [60.0]


async def test_a_403_with_retry_after_waits_what_it_says() -> None:
    gh = Recorder(lambda request: httpx.Response(403, headers={"retry-after": "120"}, json={"message": "x"}))
    with pytest.raises(RateLimited) as info:
        await github(gh).get_bug("acme/app#7")
    assert info.value.retry_after == 120.0


async def test_a_plain_403_is_still_not_allowed() -> None:
    gh = Recorder(
        lambda request: httpx.Response(403, json={"message": "Resource not accessible by integration"})
    )
    with pytest.raises(PermissionDenied, match="Resource not accessible"):
        await github(gh).get_bug("acme/app#7")
