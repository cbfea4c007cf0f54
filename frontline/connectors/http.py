"""The shared, vendor-neutral HTTP client: retries, rate limits and failures translated in one place.

Every adapter talks through `ApiClient`. It turns httpx exceptions and HTTP statuses into the
`frontline.errors` tree, so nothing above the adapters imports httpx, and every answer goes through
one bounded reading step (`frontline.connectors.decode`). It knows no vendor's error body: each
connector passes its own `parse_error` (see `frontline.connectors.spec.ErrorParser`); without one,
only a JSON `message` or a plain-text body is shown, with credentials redacted. Retry rules:

- 429 (and GitHub's 403 with `x-ratelimit-remaining: 0`, a `retry-after`, or a "secondary rate limit"
  body) waits the server's hint, clamped, or backs off, and retries, for reads and writes alike: a
  throttled request was not processed. A wait longer than `max_retry_wait` raises `RateLimited`.
- Network failures and 5xx (a 503 with `Retry-After` included) are retried for reads only. A write is
  never sent twice by this client: a broken connection after sending, or a 5xx answer, raises
  `WriteOutcomeUnknown` and the caller reads the ticket back instead.
- 3xx is never followed: it names where it pointed, since it means a wrong base URL or a sign-in page.
- A server certificate that is not trusted is a `ConfigError` at once (the `[network]` trust settings).

Credentials go only to `base_url`'s origin, over https (plain http on loopback only, for the sandbox),
with TLS always verified (`verify`: `frontline.connectors.tls.verify_option`). A connector whose API
address is only known after asking (Atlassian's gateway needs the site's cloud id) passes
`resolve_base`, run once before the first request; it may read public documents with `get_public_json`.

Every exchange and every retry decision goes to the `frontline.http` debug log (`http_log`), redacted.

With a `scheduler` (`frontline.connectors.scheduler`), each attempt waits for its turn in the system's
shared token bucket (interactive work first), and every answer's rate-limit headers and `Retry-After`
are shared with the other requests and processes of the profile's system.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import cached_property
from typing import Any

import httpx

from frontline.connectors import http_errors, http_log
from frontline.connectors.auth import secure_url
from frontline.connectors.decode import ERROR_BODY_BYTES, decode_json, read_body, throttle_wait
from frontline.connectors.scheduler import RequestScheduler
from frontline.connectors.spec import ErrorBody, ErrorParser, parse_message_error
from frontline.domain.ports import ConnectionState
from frontline.errors import (
    AuthError,
    ConfigError,
    FrontlineError,
    InputError,
    MalformedResponse,
    Unavailable,
    Unsupported,
)
from frontline.redaction import authorization_secrets, redact, redact_json, remember_secrets

Sleep = Callable[[float], Awaitable[None]]
SignIn = Callable[[str], tuple[httpx.Auth, Iterable[str]]]
"""Turns a fresh token into the auth to send and the secrets to redact (see `ApiClient.use_token`)."""
BaseResolver = Callable[["ApiClient"], Awaitable[str]]
"""Finds the API's address on first use, on `base_url`'s origin (`https://api.atlassian.com/ex/jira/<id>`)."""
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
_USER_AGENT = "frontline/0.1 (+https://github.com/frontline)"
_BODY_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


class ApiClient:
    """An `httpx.AsyncClient` with frontline's retry, rate-limit, bounds and error policy.

    Args:
        base_url: the vendor's base URL (`https://acme.zendesk.com`); https, or http on loopback.
        service: a name for messages ("Zendesk").
        auth: httpx auth built from the keyring-backed secret; only sent to `base_url`'s host.
        parse_error: the connector's reader of its JSON error bodies (detail and per-field messages).
        transport: an httpx transport for tests (`httpx.MockTransport`), else the default.
        max_retries: retries after the first attempt for 429s and for failed reads.
        max_retry_wait: longest wait honoured in place; longer ones raise `RateLimited`.
        sleep: injected so tests do not wait for real.
        secrets: credentials to redact from any server text shown (the token, its Basic forms). The
            `Authorization` value actually sent is added on its own.
        sign_in: how the connector signs in with a token, so `use_token` can renew it in place.
        verify: the TLS trust (`frontline.connectors.tls.verify_option`); never False.
        resolve_base: called once before the first request to find the full API address, when
            `base_url` is only its origin; a failure is raised to that request and retried by the next.
        address_setting: the config key holding the address, named when it redirects.
        scheduler: the system's request scheduler (bounded concurrency, shared token bucket, interactive
            first); None sends at once (tests, one-off tools).

    Raises:
        ConfigError: `base_url` is not https (nor http on loopback), or `verify` is False.
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
        secrets: Iterable[str] = (),
        sign_in: SignIn | None = None,
        verify: ssl.SSLContext | bool = True,
        resolve_base: BaseResolver | None = None,
        address_setting: str = "base_url",
        scheduler: RequestScheduler | None = None,
    ) -> None:
        if verify is False:
            raise ConfigError("TLS certificate verification cannot be turned off.")
        self.service = service
        self.base_url = base_url.rstrip("/")
        secure_url(self.base_url, f"{service} address ({address_setting})")
        self.address_setting = address_setting
        self._resolve_base = resolve_base
        self._resolving = asyncio.Lock()
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self.scheduler = scheduler
        self._parse_error = parse_error
        self._sign_in = sign_in
        self._secrets: set[str] = set()
        self._remember(secrets)
        self.state = ConnectionState.UNKNOWN
        self.rate_limit_remaining: int | None = None
        self.rate_limit_hits = 0
        """Answers that said "slow down" (429, or GitHub's rate-limit 403) since this client started."""
        self._pool: httpx.AsyncClient | None = None
        self._make_pool = lambda: httpx.AsyncClient(
            base_url=self.base_url,
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"Accept": "application/json", "User-Agent": _USER_AGENT, **(headers or {})},
            follow_redirects=False,
            verify=verify,
        )

    @cached_property
    def _client(self) -> httpx.AsyncClient:
        """The connection pool, made on first use: a queue painted from the cache needs no TLS context."""
        return self._make_pool()

    async def aclose(self) -> None:
        if "_client" in self.__dict__:  # never made: nothing to close
            await self._client.aclose()

    def set_auth(self, auth: httpx.Auth, secrets: Iterable[str] = ()) -> None:
        """Send `auth` from the next request on, over the same connection pool. The old secrets stay
        known, so a server or a log that repeats the expired token still shows it redacted."""
        self._remember(secrets)
        self._client.auth = auth
        self.state = ConnectionState.UNKNOWN

    def use_token(self, token: str) -> None:
        """Sign in again with a new token (the old one expired or was revoked) without reconnecting.

        Raises:
            Unsupported: the connector gave no `sign_in`.
            ConfigError: the connector refuses the token (empty).
        """
        if self._sign_in is None:
            raise Unsupported(f"{self.service} cannot sign in again without a restart.")
        auth, secrets = self._sign_in(token.strip())
        self.set_auth(auth, secrets)

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
        public: bool = False,
    ) -> httpx.Response:
        """Send one request under the retry policy and return a 2xx response, its body read (bounded).

        `public`: the address needs no credentials and none are sent; it may be on any https host.

        Raises:
            AuthError, PermissionDenied, NotFound, ConflictError, ValidationFailed, RateLimited,
            Unavailable, WriteOutcomeUnknown, MalformedResponse, ConfigError (a redirect, an untrusted
            certificate, or `resolve_base` failed), InputError (a path that is not a valid URL): see the
            module docstring.
        """
        method = method.upper()
        try:
            if public:
                secure_url(path, f"{self.service} address")
            else:
                await self._ensure_base()
            return await self._with_retries(method, path, params, json, public=public)
        except FrontlineError as error:
            http_log.decision(method, path, f"gave up: {type(error).__name__}: {error}", self._secrets)
            raise

    async def get_public_json(self, url: str) -> Any:
        """GET a document that needs no credentials, such as Atlassian's `/_edge/tenant_info`."""
        return self.decode(await self.request("GET", url, public=True))

    async def _ensure_base(self) -> None:
        """Run `resolve_base` once; concurrent first requests wait for the same answer."""
        if self._resolve_base is None:
            return
        async with self._resolving:
            resolve = self._resolve_base
            if resolve is None:
                return
            base = (await resolve(self)).rstrip("/")
            before, after = httpx.URL(self.base_url), httpx.URL(base)
            if http_errors.origin(after) != http_errors.origin(before):
                raise ConfigError(
                    f"{self.service}'s API address {self.clean(base, 200)} is not on {self.base_url}; "
                    "frontline sends your credentials nowhere else."
                )
            self.base_url = base
            self._client.base_url = after
            self._resolve_base = None

    async def _with_retries(
        self, method: str, path: str, params: Mapping[str, Any] | None, json: Any, *, public: bool = False
    ) -> httpx.Response:
        is_read = method in _IDEMPOTENT
        if not public:
            self._check_target(path)
        attempt = 0
        while True:
            try:
                response = await self._scheduled(method, path, params, json, public=public)
            except httpx.RequestError as exc:
                self.state = ConnectionState.OFFLINE
                if (reason := http_errors.untrusted_certificate(exc)) is not None:
                    raise http_errors.certificate_error(self.service, self.clean(reason, 200)) from None
                never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
                if (is_read or never_sent) and attempt < self.max_retries:
                    attempt += 1
                    what = f"no answer ({http_log.describe_transport_error(exc)})"
                    await self._pause(method, path, what, attempt, _backoff(attempt))
                    continue
                raise self._transport_error(exc, is_read=is_read, never_sent=never_sent) from None
            self._note_rate_limit(response)
            wait = throttle_wait(response, is_read=is_read, attempt=attempt, now=time.time())
            if self.scheduler is not None and not public:
                self.scheduler.observe(response.headers, retry_after=wait)
            if wait is not None:
                self.state = ConnectionState.RATE_LIMITED
                self.rate_limit_hits += 1
                if attempt >= self.max_retries or wait > self.max_retry_wait:
                    raise http_errors.rate_limited(self.service, wait)
                attempt += 1
                await self._pause(method, path, f"throttled ({response.status_code})", attempt, wait)
                continue
            status = response.status_code
            if 300 <= status < 400:
                raise self._redirect_error(response)
            if status >= 500:
                self.state = ConnectionState.SERVER_ERROR
                if is_read and attempt < self.max_retries:
                    attempt += 1
                    await self._pause(method, path, f"answered {status}", attempt, _backoff(attempt))
                    continue
                raise self._server_error(response, is_read)
            self.state = ConnectionState.ONLINE
            if status >= 400:
                raise self._status_error(response)
            return response

    def decode(self, response: httpx.Response) -> Any:
        """Parse a JSON body within bounds, or raise `MalformedResponse` naming the service and path."""
        return decode_json(response.content, service=self.service, where=self._path_of(response))

    def clean(self, text: str, limit: int = 500) -> str:
        """Server text made fit for a message: credentials redacted, control characters gone, capped."""
        one_line = _CONTROL.sub(" ", redact(text, self._secrets)).strip()
        return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"

    # --- one exchange -----------------------------------------------------------------------------

    async def _scheduled(
        self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, *, public: bool
    ) -> httpx.Response:
        """`_exchange` once the scheduler gives this attempt its turn (public reads are not the system's)."""
        if self.scheduler is None or public:
            return await self._exchange(method, path, params, body, public=public)
        async with self.scheduler.slot():
            return await self._exchange(method, path, params, body, public=public)

    async def _exchange(
        self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, *, public: bool
    ) -> httpx.Response:
        """One request (`public`: without credentials); the answer's body read up to its bound and
        handed back as a plain response."""
        try:
            request = self._client.build_request(method, path, params=params, json=body)
        except httpx.InvalidURL:
            raise InputError(f"{path!r} cannot be used in a request to {self.service}.") from None
        started = time.perf_counter()
        try:
            auth = None if public else httpx.USE_CLIENT_DEFAULT
            streamed = await self._client.send(request, stream=True, auth=auth)
        except httpx.RequestError as exc:
            http_log.failed(request, exc, started, self._secrets)
            raise
        except AuthError:
            self.state = ConnectionState.SIGNED_OUT  # the auth itself gave up (a refused OAuth refresh)
            raise
        try:
            self._learn_credentials(streamed.request)
            content = await read_body(streamed, service=self.service, where=self._path_of(streamed))
        finally:
            await streamed.aclose()
        http_log.exchange(streamed, len(content), started, self._secrets)
        headers = [(k, v) for k, v in streamed.headers.raw if k.lower() not in _BODY_HEADERS]
        return httpx.Response(
            streamed.status_code,
            headers=headers,
            content=content,
            request=streamed.request,
            extensions=streamed.extensions,
        )

    def _check_target(self, path: str) -> None:
        """Refuse to send credentials to another host, or to follow a link that is not a valid URL."""
        try:
            target = httpx.URL(path)
        except httpx.InvalidURL:
            if "//" in path:
                raise MalformedResponse(
                    f"{self.service} pointed to an address that is not a valid URL; not followed."
                ) from None
            raise InputError(f"{path!r} cannot be used in a request to {self.service}.") from None
        if not target.host and not target.scheme:
            return
        base = httpx.URL(self.base_url)
        if target.scheme not in ("http", "https", ""):
            raise MalformedResponse(f"{self.service} pointed to a non-web address; not followed.")
        if (target.scheme or base.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise MalformedResponse(
                f"{self.service} pointed to another host ({self.clean(target.host, 100)}); not followed."
            )

    def _learn_credentials(self, request: httpx.Request) -> None:
        """Remember the `Authorization` value sent, so an echo of it is redacted even if undeclared."""
        value = request.headers.get("authorization")
        if value and value not in self._secrets:
            self._remember(authorization_secrets(value))

    def _remember(self, secrets: Iterable[str]) -> None:
        """Known to this client's error messages and to the process's logs (`remember_secrets`)."""
        fresh = {s for s in secrets if s and s not in self._secrets}
        self._secrets.update(fresh)
        remember_secrets(fresh)

    async def _pause(self, method: str, path: str, why: str, attempt: int, delay: float) -> None:
        """Wait before retry number `attempt`, saying why in the debug log."""
        http_log.decision(method, path, f"{why}; retry {attempt} in {delay:.1f} s", self._secrets)
        await self._sleep(delay)

    # --- rate limits --------------------------------------------------------------------------------

    def _note_rate_limit(self, response: httpx.Response) -> None:
        for header in ("x-rate-limit-remaining", "ratelimit-remaining", "x-ratelimit-remaining"):
            value = response.headers.get(header, "").strip()
            if value.isascii() and value.isdigit() and len(value) <= 12:
                self.rate_limit_remaining = int(value)
                return

    # --- errors -------------------------------------------------------------------------------------

    def _transport_error(self, exc: httpx.RequestError, *, is_read: bool, never_sent: bool) -> Unavailable:
        what = http_log.describe_transport_error(exc)
        return http_errors.transport_error(self.service, what, is_read=is_read, never_sent=never_sent)

    def _server_error(self, response: httpx.Response, is_read: bool) -> Unavailable:
        reason = self.clean(response.reason_phrase or "server error", 80)
        return http_errors.server_error(self.service, response.status_code, reason, is_read=is_read)

    def _redirect_error(self, response: httpx.Response) -> ConfigError:
        target = http_errors.redirect_target(response)
        shown = self.clean(target, 200) if target else None
        return http_errors.redirect_error(response, setting=self.address_setting, shown=shown)

    def _error_body(self, response: httpx.Response) -> ErrorBody:
        """The connector's reading of a JSON error body, or a short plain-text one (not markup), redacted."""
        if not response.content:
            return ErrorBody("", {})
        try:
            body = decode_json(response.content, service=self.service, where="", max_bytes=ERROR_BODY_BYTES)
        except MalformedResponse:
            text = response.content.decode("utf-8", "replace").strip()
            markup = text.startswith(("<", "{", "["))  # an HTML page, or JSON too broken to read
            return ErrorBody("" if markup else self.clean(text, 200), {})
        detail, fields = self._parse_error(response.status_code, redact_json(body, self._secrets))
        return ErrorBody(
            self.clean(detail),
            {self.clean(name, 100): [self.clean(m) for m in messages] for name, messages in fields.items()},
        )

    def _status_error(self, response: httpx.Response) -> FrontlineError:
        status = response.status_code
        if status == 401:
            self.state = ConnectionState.SIGNED_OUT
        detail, fields = self._error_body(response)
        return http_errors.status_error(self.service, status, detail, fields)

    def _path_of(self, response: httpx.Response) -> str:
        return self.clean(response.request.url.path, 200)


def _backoff(attempt: int) -> float:
    return float(min(2 ** (attempt - 1), 30))


class OverApiClient:
    """Mixin for connectors that talk through one `ApiClient`: the port's connection state and close."""

    client: ApiClient

    @property
    def connection_state(self) -> ConnectionState:
        return self.client.state

    @property
    def rate_limit_hits(self) -> int:
        return self.client.rate_limit_hits

    async def aclose(self) -> None:
        await self.client.aclose()
