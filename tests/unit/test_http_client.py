"""The shared HTTP policy: retries, rate limits and error translation, over httpx.MockTransport.

Vendor error bodies are read by the connector's parser (passed in); the client alone reads only a
JSON `message` or a plain-text body.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from frontline.connectors import decode, jira, zendesk
from frontline.connectors.http import ApiClient
from frontline.connectors.spec import ErrorBody, ErrorParser
from frontline.domain.ports import ConnectionState
from frontline.errors import (
    AuthError,
    ConfigError,
    ConflictError,
    InputError,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unavailable,
    ValidationFailed,
    WriteOutcomeUnknown,
)
from frontline.redaction import known_secrets

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    def __init__(self, responses: list[httpx.Response | Exception]) -> None:
        self.responses = responses
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.responses.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def client(self, **kwargs: object) -> ApiClient:
        return ApiClient(
            "https://acme.example.com",
            service="Acme",
            transport=httpx.MockTransport(self.handler),
            sleep=self.sleep,
            **kwargs,  # type: ignore[arg-type]
        )


async def test_429_waits_retry_after_then_succeeds() -> None:
    rec = Recorder(
        [httpx.Response(429, headers={"Retry-After": "7"}, text="slow down"), httpx.Response(200, json={})]
    )
    client = rec.client()
    assert await client.get_json("/x") == {}
    assert rec.sleeps == [7.0]
    assert client.state is ConnectionState.ONLINE


async def test_429_without_retry_after_backs_off_exponentially() -> None:
    rec = Recorder([httpx.Response(429), httpx.Response(429), httpx.Response(200, json=[])])
    await rec.client().get_json("/x")
    assert rec.sleeps == [1.0, 2.0]


async def test_retry_after_longer_than_allowed_raises_rate_limited() -> None:
    rec = Recorder([httpx.Response(429, headers={"Retry-After": "600"})])
    client = rec.client(max_retry_wait=60)
    with pytest.raises(RateLimited) as info:
        await client.get_json("/x")
    assert info.value.retry_after == 600
    assert "10 min" in info.value.message
    assert client.state is ConnectionState.RATE_LIMITED


async def test_write_throttled_is_retried_because_it_was_not_processed() -> None:
    rec = Recorder([httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(200, json={"ok": 1})])
    assert await rec.client().send_json("PUT", "/t", {"a": 1}) == {"ok": 1}
    assert len(rec.requests) == 2


async def test_github_403_with_exhausted_budget_is_a_rate_limit() -> None:
    rec = Recorder(
        [
            httpx.Response(403, headers={"x-ratelimit-remaining": "0", "retry-after": "3"}),
            httpx.Response(200, json={}),
        ]
    )
    await rec.client().get_json("/repos/a/b/issues")
    assert rec.sleeps == [3.0]


async def test_read_is_retried_after_5xx_and_network_errors() -> None:
    request = httpx.Request("GET", "https://acme.example.com/x")
    rec = Recorder(
        [httpx.Response(502), httpx.ReadTimeout("slow", request=request), httpx.Response(200, json={"v": 1})]
    )
    assert await rec.client().get_json("/x") == {"v": 1}
    assert len(rec.requests) == 3


async def test_read_gives_up_with_unavailable() -> None:
    rec = Recorder([httpx.Response(500)] * 4)
    with pytest.raises(Unavailable):
        await rec.client().get_json("/x")


async def test_write_cut_after_sending_is_not_retried() -> None:
    request = httpx.Request("PUT", "https://acme.example.com/t")
    rec = Recorder([httpx.RemoteProtocolError("closed", request=request)])
    with pytest.raises(WriteOutcomeUnknown) as info:
        await rec.client().send_json("PUT", "/t", {})
    assert len(rec.requests) == 1
    assert "may or may not" in info.value.message


async def test_write_that_never_connected_is_retried() -> None:
    request = httpx.Request("PUT", "https://acme.example.com/t")
    rec = Recorder([httpx.ConnectError("refused", request=request), httpx.Response(200, json={})])
    await rec.client().send_json("PUT", "/t", {})
    assert len(rec.requests) == 2


async def test_write_5xx_is_not_retried() -> None:
    rec = Recorder([httpx.Response(500)])
    with pytest.raises(Unavailable):
        await rec.client().send_json("PUT", "/t", {})
    assert len(rec.requests) == 1


@pytest.mark.parametrize(
    ("parser", "response", "error", "fragment"),
    [
        (
            zendesk.parse_error,
            httpx.Response(401, json={"error": "Couldn't authenticate you"}),
            AuthError,
            "Couldn't authenticate",
        ),
        (
            zendesk.parse_error,
            httpx.Response(404, json={"error": "RecordNotFound", "description": "Not found"}),
            NotFound,
            "RecordNotFound",
        ),
        (zendesk.parse_error, httpx.Response(409, json={}), ConflictError, "changed by someone else"),
        (
            jira.parse_error,
            httpx.Response(
                400, json={"errorMessages": [], "errors": {"description": "Operation value must be an ADF"}}
            ),
            ValidationFailed,
            "description: ['Operation value must be an ADF']",
        ),
        (
            jira.parse_error,
            httpx.Response(410, json={"errorMessages": ["The requested API has been removed."]}),
            NotFound,
            "removed",
        ),
        (None, httpx.Response(400, text="Bad request: page too deep"), ValidationFailed, "page too deep"),
        (
            None,
            httpx.Response(403, json={"message": "Resource not accessible"}),
            PermissionDenied,
            "accessible",
        ),
    ],
)
async def test_status_errors_are_translated(
    parser: ErrorParser | None, response: httpx.Response, error: type[Exception], fragment: str
) -> None:
    rec = Recorder([response])
    client = rec.client(parse_error=parser) if parser else rec.client()
    with pytest.raises(error) as info:
        await client.get_json("/x")
    assert fragment in str(info.value)


async def test_without_a_parser_vendor_shapes_are_not_read() -> None:
    rec = Recorder([httpx.Response(404, json={"error": "RecordNotFound", "description": "Not found"})])
    with pytest.raises(NotFound) as info:
        await rec.client().get_json("/x")
    assert info.value.message == "Acme has no such record, or it is not visible to you (404)."


async def test_the_connector_parser_gets_status_and_decoded_body() -> None:
    seen: list[tuple[int, Any]] = []

    def parse(status: int, body: Any) -> ErrorBody:
        seen.append((status, body))
        return ErrorBody("Title is required", {"title": ["missing"]})

    rec = Recorder([httpx.Response(422, json={"oops": 1})])
    with pytest.raises(ValidationFailed) as info:
        await rec.client(parse_error=parse).send_json("POST", "/t", {})
    assert seen == [(422, {"oops": 1})]
    assert info.value.details == {"title": ["missing"]}
    assert "refused the request (422): Title is required." in info.value.message


async def test_html_error_pages_are_not_shown() -> None:
    rec = Recorder([httpx.Response(400, text="<html><body>Bad</body></html>")])
    with pytest.raises(ValidationFailed) as info:
        await rec.client().get_json("/x")
    assert info.value.message == "Acme refused the request (400)."


async def test_validation_details_per_field() -> None:
    body = {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {"status": [{"description": "Status: closed is not valid", "error": "InvalidValue"}]},
    }
    rec = Recorder([httpx.Response(422, json=body)])
    with pytest.raises(ValidationFailed) as info:
        await rec.client(parse_error=zendesk.parse_error).send_json("PUT", "/t", {})
    assert info.value.details == {"status": ["Status: closed is not valid"]}


async def test_malformed_json_is_reported_not_raised_raw() -> None:
    rec = Recorder([httpx.Response(200, text='{"tickets": [')])
    with pytest.raises(MalformedResponse) as info:
        await rec.client().get_json("/api/v2/views")
    assert "/api/v2/views" in info.value.message


async def test_absolute_url_to_another_host_is_refused() -> None:
    rec = Recorder([])
    with pytest.raises(MalformedResponse):
        await rec.client().get_json("https://evil.example.net/steal")
    assert rec.requests == []


async def test_absolute_url_on_same_host_is_followed() -> None:
    rec = Recorder([httpx.Response(200, json={"page": 2})])
    assert await rec.client().get_json("https://acme.example.com/api?page[after]=x") == {"page": 2}


async def test_errors_never_contain_the_credentials() -> None:
    rec = Recorder([httpx.Response(401, text="nope")])
    client = ApiClient(
        "https://acme.example.com",
        service="Acme",
        auth=httpx.BasicAuth("me@acme.example/token", "s3cr3t-token-value"),
        transport=httpx.MockTransport(rec.handler),
        sleep=rec.sleep,
    )
    with pytest.raises(AuthError) as info:
        await client.get_json("/x")
    assert "s3cr3t" not in str(info.value)
    assert info.value.__cause__ is None


async def test_401_marks_the_connection_signed_out() -> None:
    rec = Recorder([httpx.Response(401, json={"error": "Couldn't authenticate you"})])
    client = rec.client(parse_error=zendesk.parse_error)
    with pytest.raises(AuthError) as info:
        await client.get_json("/x")
    assert client.state is ConnectionState.SIGNED_OUT
    assert "Couldn't authenticate you. Check the token" in info.value.message


async def test_5xx_marks_a_failing_helpdesk_not_a_network_outage() -> None:
    rec = Recorder([httpx.Response(503, text="down for maintenance")] * 4)
    client = rec.client()
    with pytest.raises(Unavailable):
        await client.get_json("/x")
    assert client.state is ConnectionState.SERVER_ERROR


async def test_network_failure_marks_offline() -> None:
    request = httpx.Request("GET", "https://acme.example.com/x")
    rec = Recorder([httpx.ConnectError("refused", request=request)] * 4)
    client = rec.client()
    with pytest.raises(Unavailable):
        await client.get_json("/x")
    assert client.state is ConnectionState.OFFLINE


# --- retry hints ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "inf"},
        {"Retry-After": "nan"},
        {"Retry-After": "-5"},
        {"Retry-After": "Mon, 01 Jan 0001 00:00:00 +1400"},
        {"Retry-After": "Fri, 31 Dec 99999999999999999999 23:59:59 GMT"},
        {"x-ratelimit-reset": "abc"},
        {"ratelimit-reset": "-3"},
    ],
)
async def test_unreadable_retry_hints_back_off_instead_of_crashing(headers: dict[str, str]) -> None:
    rec = Recorder([httpx.Response(429, headers=headers), httpx.Response(200, json={})])
    assert await rec.client().get_json("/x") == {}
    assert len(rec.sleeps) == 1 and 0 <= rec.sleeps[0] <= 60


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "9" * 400},
        {"x-ratelimit-reset": "1" * 400},
        {"ratelimit-reset": "7" * 400},
        {"x-ratelimit-reset": "9999-12-31T23:59Z"},
        {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"},
        {"Retry-After": "Fri, 31 Dec 9999 23:59:59 -1200"},
    ],
)
async def test_absurd_waits_are_clamped_and_raise_rate_limited(headers: dict[str, str]) -> None:
    rec = Recorder([httpx.Response(429, headers=headers)])
    with pytest.raises(RateLimited) as info:
        await rec.client().get_json("/x")
    assert info.value.retry_after == decode.LONGEST_WAIT
    assert "try again in 24 h" in info.value.message
    assert rec.sleeps == []


async def test_reset_headers_are_read_per_vendor() -> None:
    now = time.time()
    epoch = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(now) + 30)}
    assert 28 <= (decode.reset_seconds(httpx.Headers(epoch), now) or 0) <= 30
    jira = datetime.fromtimestamp(now + 600, UTC).strftime("%Y-%m-%dT%H:%MZ")
    assert 500 <= (decode.reset_seconds(httpx.Headers({"X-RateLimit-Reset": jira}), now) or 0) <= 600
    assert decode.reset_seconds(httpx.Headers({"ratelimit-reset": "41"}), now) == 41.0
    assert decode.reset_seconds(httpx.Headers({"x-ratelimit-reset": "12"}), now) == 12.0


async def test_503_retry_after_is_waited_for_reads_only() -> None:
    read = Recorder([httpx.Response(503, headers={"Retry-After": "4"}), httpx.Response(200, json={})])
    assert await read.client().get_json("/x") == {}
    assert read.sleeps == [4.0]
    write = Recorder([httpx.Response(503, headers={"Retry-After": "4"}), httpx.Response(201, json={})])
    with pytest.raises(WriteOutcomeUnknown, match="may or may not have been applied"):
        await write.client().send_json("POST", "/comment", {"body": "hi"})
    assert len(write.requests) == 1 and write.sleeps == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_a_5xx_answer_to_a_write_is_never_resent(method: str) -> None:
    rec = Recorder([httpx.Response(502), httpx.Response(200, json={})])
    client = rec.client()
    with pytest.raises(WriteOutcomeUnknown):
        await client.send_json(method, "/t", {})
    assert len(rec.requests) == 1
    assert client.state is ConnectionState.SERVER_ERROR


async def test_github_secondary_rate_limit_is_rate_limited_not_forbidden() -> None:
    body = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}
    rec = Recorder([httpx.Response(403, json=body)])
    with pytest.raises(RateLimited) as info:
        await rec.client(max_retry_wait=30).send_json("POST", "/repos/a/b/issues", {})
    assert info.value.retry_after == 60.0
    spent = Recorder(
        [httpx.Response(403, headers={"x-ratelimit-remaining": "0"}), httpx.Response(200, json=[])]
    )
    assert await spent.client().get_json("/x") == []
    assert spent.sleeps == [1.0]


async def test_a_plain_403_is_still_not_allowed() -> None:
    with pytest.raises(PermissionDenied):
        await Recorder([httpx.Response(403, json={"message": "Forbidden"})]).client().get_json("/x")


async def test_absurd_rate_limit_remaining_is_ignored() -> None:
    rec = Recorder([httpx.Response(200, headers={"x-rate-limit-remaining": "9" * 5000}, json={})])
    client = rec.client()
    await client.get_json("/x")
    assert client.rate_limit_remaining is None


# --- redirects and links --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "where"),
    [
        ("https://acme.okta.com/sso/saml?x=1", "redirected to https://acme.okta.com/sso/saml (302):"),
        ("/access/login", "redirected to https://acme.example.com/access/login (302):"),
        ("", "answered 302, a redirect to nowhere usable:"),
    ],
)
async def test_redirects_are_never_followed_and_name_where_they_point(location: str, where: str) -> None:
    rec = Recorder([httpx.Response(302, headers={"Location": location})])
    with pytest.raises(ConfigError) as info:
        await rec.client().send_json("PUT", "/t", {})
    assert info.value.message.startswith(f"https://acme.example.com {where} set base_url to the address")
    assert "x=1" not in info.value.message  # a query may carry a sign-in request
    assert len(rec.requests) == 1


@pytest.mark.parametrize(
    ("link", "fragment"),
    [
        ("https://acme.example.com/api?page=2\x00", "not a valid URL"),
        ("https://acme.example.com/api\n?page=2", "not a valid URL"),
        ("//evil.example.net/api", "another host"),
        ("ftp://acme.example.com/api", "non-web address"),
        ("http://acme.example.com/api", "another host"),
    ],
)
async def test_hostile_links_are_malformed_not_httpx_errors(link: str, fragment: str) -> None:
    rec = Recorder([])
    with pytest.raises(MalformedResponse, match=fragment):
        await rec.client().get_json(link)
    assert rec.requests == []


async def test_a_path_from_user_input_that_is_no_url_is_an_input_error() -> None:
    with pytest.raises(InputError):
        await Recorder([]).client().get_json("/rest/api/3/issue/SUP-1\x07")


async def test_credentials_sent_are_known_to_the_process_logs_even_after_a_renewal() -> None:
    """The debug and error logs cannot see the connectors; they redact with what the clients registered."""
    rec = Recorder([httpx.Response(200, json={}), httpx.Response(200, json={})])
    client = rec.client(auth=httpx.BasicAuth("me@acme.example/token", "first-token-9d8c"))
    await client.get_json("/x")
    client.set_auth(httpx.BasicAuth("me@acme.example/token", "second-token-7e6f"))
    await client.get_json("/x")
    sent = [request.headers["authorization"] for request in rec.requests]
    assert sent[0] != sent[1]
    known = set(known_secrets())
    for value in sent:
        assert {value, value.removeprefix("Basic ")} <= known
    assert {"first-token-9d8c", "me@acme.example/token:first-token-9d8c", "second-token-7e6f"} <= known
