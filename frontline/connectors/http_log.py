"""The debug log of HTTP traffic: what was asked, what came back, how long it took, what was decided.

Everything goes to the `frontline.http` logger at DEBUG, which only `frontline --debug` listens to
(`frontline.debug_log`); without it each call costs one cached level check and nothing is formatted.
Credentials never reach a record: sensitive headers are hidden, every other header, the URL and any
error text are redacted with the client's known secrets, query parameters that name a credential lose
their value, and request bodies (customers' words, on writes) are counted, never written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import httpx

from frontline.redaction import REDACTED, redact, redact_headers

log = logging.getLogger("frontline.http")

SECRET_PARAMS = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "client_secret",
        "code",
        "jwt",
        "key",
        "password",
        "refresh_token",
        "secret",
        "sig",
        "signature",
        "token",
    }
)
"""Query parameters whose value is never logged: they carry a credential when present."""


def enabled() -> bool:
    """True when someone listens (a `--debug` run); callers skip building what would be logged."""
    return log.isEnabledFor(logging.DEBUG)


def exchange(response: httpx.Response, body_bytes: int, started: float, secrets: Iterable[str]) -> None:
    """One request and its answer: method, URL, status, time taken and both sets of headers."""
    if not enabled():
        return
    request = response.request
    known = tuple(secrets)
    log.debug(
        "%s %s -> %d %s in %d ms (%d bytes)",
        request.method,
        safe_url(request.url, known),
        response.status_code,
        redact(response.reason_phrase, known),
        _elapsed_ms(started),
        body_bytes,
    )
    log.debug("  request headers: %s", redact_headers(request.headers, known))
    if request.content:
        log.debug("  request body: %d bytes (not logged)", len(request.content))
    log.debug("  response headers: %s", redact_headers(response.headers, known))


def failed(request: httpx.Request, error: BaseException, started: float, secrets: Iterable[str]) -> None:
    """A request that got no answer (refused, timed out, cut)."""
    if not enabled():
        return
    known = tuple(secrets)
    log.debug(
        "%s %s -> no answer after %d ms: %s (%s)",
        request.method,
        safe_url(request.url, known),
        _elapsed_ms(started),
        describe_transport_error(error),
        type(error).__name__,
    )


def decision(method: str, target: str, what: str, secrets: Iterable[str]) -> None:
    """A retry, a rate-limit wait or giving up, and why (`what`, written by the client)."""
    if not enabled():
        return
    known = tuple(secrets)
    log.debug("%s %s: %s", method, safe_target(target, known), redact(what, known))


def describe_transport_error(error: BaseException) -> str:
    """A network failure in a few words, for messages and the log (httpx's text may hold the URL)."""
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    if isinstance(error, httpx.ConnectError):
        return "connection refused or DNS failure"
    if isinstance(error, httpx.RemoteProtocolError):
        return "connection closed by the server"
    if isinstance(error, httpx.DecodingError):
        return "an answer that could not be decoded"
    return "network error"


def safe_target(target: str, secrets: Iterable[str]) -> str:
    """A path or URL as passed to the client, fit for the log."""
    try:
        return safe_url(httpx.URL(target), secrets)
    except httpx.InvalidURL:
        return redact(target[:200], secrets)


def safe_url(url: httpx.URL, secrets: Iterable[str]) -> str:
    """The URL without user info or fragment, credential-bearing query values hidden, then redacted."""
    bare = url.copy_with(query=None, fragment=None, username=None, password=None)
    pairs = [
        f"{name}={REDACTED if name.lower() in SECRET_PARAMS else value}"
        for name, value in url.params.multi_items()
    ]
    return redact(str(bare) + ("?" + "&".join(pairs) if pairs else ""), secrets)


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
