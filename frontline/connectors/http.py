"""The shared, vendor-neutral HTTP client: retries, rate limits and failures translated in one place.

Every adapter talks through `ApiClient`. It turns httpx exceptions and HTTP error statuses into the
`frontline.errors` tree, so nothing above the adapters imports httpx. It knows no vendor's error body:
each connector passes its own `parse_error` (see `frontline.connectors.spec.ErrorParser`); without one,
only a JSON `message` or a plain-text body is shown. Retry rules:

- 429 (and GitHub's 403 with `x-ratelimit-remaining: 0`) waits `Retry-After` (or backs off
  exponentially when the header is missing) and retries, for reads and writes alike: a throttled
  request was not processed.
- Network failures and 5xx are retried for reads only. A write whose connection broke after it was sent
  raises `WriteOutcomeUnknown`: the caller reconciles instead of sending twice.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from frontline.connectors.spec import ErrorBody, ErrorParser, parse_message_error
from frontline.domain.ports import ConnectionState
from frontline.errors import (
    AuthError,
    ConflictError,
    FrontlineError,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unavailable,
    ValidationFailed,
    WriteOutcomeUnknown,
)

Sleep = Callable[[float], Awaitable[None]]
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
_USER_AGENT = "frontline/0.1 (+https://github.com/frontline)"


class ApiClient:
    """An `httpx.AsyncClient` with frontline's retry, rate-limit and error policy.

    Args:
        base_url: the vendor's base URL (`https://acme.zendesk.com`).
        service: a name for messages ("Zendesk").
        auth: httpx auth built from the keyring-backed secret; only sent to `base_url`'s host.
        parse_error: the connector's reader of its JSON error bodies (detail and per-field messages).
        transport: an httpx transport for tests (`httpx.MockTransport`), else the default.
        max_retries: retries after the first attempt for 429s and for failed reads.
        max_retry_wait: longest `Retry-After` honoured in place; longer ones raise `RateLimited`.
        sleep: injected so tests do not wait for real.
    """

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        auth: httpx.Auth | None = None,
        parse_error: ErrorParser = parse_message_error,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 20.0,
        max_retries: int = 3,
        max_retry_wait: float = 60.0,
        sleep: Sleep = asyncio.sleep,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self._parse_error = parse_error
        self.state = ConnectionState.UNKNOWN
        self.rate_limit_remaining: int | None = None
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"Accept": "application/json", "User-Agent": _USER_AGENT, **(headers or {})},
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET a JSON document; `path` may be absolute (a `links.next` URL on the same host)."""
        response = await self.request("GET", path, params=params)
        return self.decode(response)

    async def send_json(
        self, method: str, path: str, body: Any, params: Mapping[str, Any] | None = None
    ) -> Any:
        """Send a JSON body and decode the JSON answer (None for an empty 204)."""
        response = await self.request(method, path, json=body, params=params)
        if response.status_code == 204 or not response.content:
            return None
        return self.decode(response)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """Send one request under the retry policy and return a 2xx response.

        Raises:
            AuthError, PermissionDenied, NotFound, ConflictError, ValidationFailed, RateLimited,
            Unavailable, WriteOutcomeUnknown: see the module docstring.
        """
        method = method.upper()
        is_read = method in _IDEMPOTENT
        self._check_same_host(path)
        attempt = 0
        while True:
            try:
                response = await self._client.request(method, path, params=params, json=json)
            except httpx.TransportError as exc:
                self.state = ConnectionState.OFFLINE
                never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
                if (is_read or never_sent) and attempt < self.max_retries:
                    attempt += 1
                    await self._sleep(_backoff(attempt))
                    continue
                raise self._transport_error(exc, is_read or never_sent) from None
            self._note_rate_limit(response)
            wait = self._rate_limit_wait(response)
            if wait is not None:
                self.state = ConnectionState.RATE_LIMITED
                delay = wait if wait >= 0 else _backoff(attempt + 1)
                if attempt >= self.max_retries or delay > self.max_retry_wait:
                    raise RateLimited(
                        f"{self.service} is rate limiting requests; try again in {_seconds(delay)}.",
                        retry_after=delay,
                    )
                attempt += 1
                await self._sleep(delay)
                continue
            if response.status_code >= 500:
                self.state = ConnectionState.SERVER_ERROR
                if is_read and attempt < self.max_retries:
                    attempt += 1
                    await self._sleep(_backoff(attempt))
                    continue
                raise Unavailable(
                    f"{self.service} answered {response.status_code} ({_reason(response)}). "
                    "Nothing was lost; try again in a moment."
                )
            self.state = ConnectionState.ONLINE
            if response.status_code >= 400:
                raise self._status_error(response)
            return response

    def decode(self, response: httpx.Response) -> Any:
        """Parse a JSON body or raise `MalformedResponse` naming the service and path."""
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise MalformedResponse(
                f"{self.service} sent a response that is not valid JSON for {response.request.url.path}."
            ) from None

    def _check_same_host(self, path: str) -> None:
        """Refuse to send credentials to another host (a hostile `links.next` or attachment URL)."""
        if path.startswith(("http://", "https://")):
            target = httpx.URL(path)
            base = httpx.URL(self.base_url)
            if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
                raise MalformedResponse(
                    f"{self.service} pointed to another host ({target.host}); not followed."
                )

    def _note_rate_limit(self, response: httpx.Response) -> None:
        for header in ("x-rate-limit-remaining", "ratelimit-remaining", "x-ratelimit-remaining"):
            value = response.headers.get(header)
            if value is not None and value.strip().isdigit():
                self.rate_limit_remaining = int(value)
                return

    def _rate_limit_wait(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying, -1 for "back off", or None when not rate limited."""
        status = response.status_code
        github_exhausted = status == 403 and (
            response.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in response.headers
        )
        if status != 429 and status != 503 and not github_exhausted:
            return None
        retry_after = _parse_retry_after(response.headers.get("retry-after"))
        if retry_after is not None:
            return retry_after
        reset = response.headers.get("x-ratelimit-reset")
        if reset and reset.strip().isdigit():
            return max(0.0, float(reset) - time.time())
        return -1.0 if status != 503 else None

    def _transport_error(self, exc: httpx.TransportError, retried: bool) -> Unavailable:
        what = _describe_transport_error(exc)
        if not retried:
            return WriteOutcomeUnknown(
                f"The connection to {self.service} failed after the change was sent ({what}). "
                "It may or may not have been applied: refresh the ticket before sending again."
            )
        return Unavailable(f"Cannot reach {self.service} ({what}). Check the network; nothing was lost.")

    def _error_body(self, response: httpx.Response) -> ErrorBody:
        """The connector's reading of a JSON error body; a short plain-text body (not HTML) as is."""
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            text = response.text.strip() if response.content else ""
            return ErrorBody(text[:200] if not text.startswith("<") else "", {})
        return self._parse_error(response.status_code, body)

    def _status_error(self, response: httpx.Response) -> FrontlineError:
        status = response.status_code
        detail, fields = self._error_body(response)
        suffix = f": {detail}" if detail else "."
        if detail and not detail.endswith((".", "!", "?")):
            suffix += "."
        if status == 401:
            self.state = ConnectionState.SIGNED_OUT
            return AuthError(
                f"{self.service} rejected the credentials (401){suffix} "
                "Check the token with `frontline login` or `frontline doctor`."
            )
        if status == 403:
            return PermissionDenied(f"{self.service} does not allow this for your account (403){suffix}")
        if status == 404:
            return NotFound(f"{self.service} has no such record, or it is not visible to you (404){suffix}")
        if status == 409:
            return ConflictError(
                f"{self.service} says the record was changed by someone else since you loaded it (409). "
                "Your draft is kept; refresh and send again."
            )
        if status == 410:
            return NotFound(f"{self.service} has retired this API (410){suffix}")
        if status in (400, 422):
            return ValidationFailed(f"{self.service} refused the request ({status}){suffix}", details=fields)
        return FrontlineError(f"{self.service} answered {status}{suffix}")


def _backoff(attempt: int) -> float:
    return float(min(2 ** (attempt - 1), 30))


def _seconds(delay: float) -> str:
    return f"{round(delay)} s" if delay < 120 else f"{round(delay / 60)} min"


def _parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _reason(response: httpx.Response) -> str:
    return response.reason_phrase or "server error"


def _describe_transport_error(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or DNS failure"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "connection closed by the server"
    return "network error"


class OverApiClient:
    """Mixin for connectors that talk through one `ApiClient`: the port's connection state and close."""

    client: ApiClient

    @property
    def connection_state(self) -> ConnectionState:
        return self.client.state

    async def aclose(self) -> None:
        await self.client.aclose()
