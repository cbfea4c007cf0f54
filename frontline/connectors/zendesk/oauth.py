"""Zendesk OAuth for a public client: the token endpoint, and the httpx auth that keeps a token fresh.

The protocol pieces are Authlib's (its httpx `OAuth2Client`); what is ours is *when* a refresh token is
spent. Zendesk rotates on every refresh ("will also return a refresh token and delete the previous
access and refresh tokens"), so two frontline processes refreshing the same sign-in at once would sign
each other out. `RefreshingAuth` therefore refreshes only while holding the vault's machine-wide lock,
re-reads the kept pair inside it (another process may have refreshed already: then that pair is used and
the old refresh token is not spent), and keeps the new pair before sending its access token.

Token requests are blocking (the vault's lock and the keyring are too): the auth runs them in a worker
thread, which also means a refresh that has started always finishes and is kept, even if the request
that needed it is cancelled.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import warnings
from collections.abc import AsyncGenerator, Callable, Generator
from datetime import datetime, timedelta
from typing import Any

import httpx
from authlib.deprecate import AuthlibDeprecationWarning  # type: ignore[import-untyped]

from frontline.connectors import http_log
from frontline.connectors.oauth import REFRESH_AHEAD, OAuthTokens, TokenVault
from frontline.domain.clock import Clock, utc_now
from frontline.errors import (
    AuthError,
    ConfigError,
    FrontlineError,
    MalformedResponse,
    NotDelivered,
    RateLimited,
    Unavailable,
)
from frontline.redaction import known_secrets, redact, remember_secrets

# Authlib 1.9 prefers the `httpx2` package and warns (to the user's terminal) when it falls back to httpx.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import (  # type: ignore[import-untyped]
        OAuth2Client,
        OAuthError,
    )

__all__ = [
    "ACCESS_TOKEN_SECONDS",
    "AUTHORIZE_PATH",
    "TOKEN_PATH",
    "RefreshingAuth",
    "TokenEndpoint",
    "refreshing_auth",
]

AUTHORIZE_PATH = "/oauth/authorizations/new"
"""Where the browser asks the person to allow frontline (Zendesk's sign-in page comes first)."""

TOKEN_PATH = "/oauth/tokens"
"""Zendesk's token endpoint: `authorization_code` and `refresh_token` grants."""

ACCESS_TOKEN_SECONDS = 2 * 3600
"""The access-token lifetime asked for (`expires_in`, 300 s to 2 days). Without it Zendesk's answer
carries no expiry, and a client that cannot see an expiry never refreshes ahead of it."""

_SERVICE = "Zendesk"


class TokenEndpoint:
    """`POST {base}/oauth/tokens` for a public client (PKCE, no secret): exchange a code, refresh a pair.

    Blocking: `frontline login` calls it directly, `RefreshingAuth` from a worker thread.

    Args:
        relogin: the sentence that tells the person how to sign in again ("Run `frontline login acme`.").
        verify: TLS trust, as `ApiClient` takes it.
        transport: a sync httpx transport for tests; the network otherwise.
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        *,
        relogin: str,
        clock: Clock = utc_now,
        verify: ssl.SSLContext | bool = True,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.relogin = relogin
        self._clock = clock
        self._options: dict[str, Any] = {
            "verify": verify,
            "timeout": timeout,
            "follow_redirects": False,
            "headers": {"User-Agent": "frontline/0.1"},
        }
        if transport is not None:
            self._options["transport"] = transport

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def client(self, **protocol: Any) -> Any:
        """Authlib's httpx OAuth client for this public client (close it, or use it in `with`)."""
        return OAuth2Client(
            client_id=self.client_id, token_endpoint_auth_method="none", **protocol, **self._options
        )

    def exchange_code(self, code: str, *, code_verifier: str, redirect_uri: str, scope: str) -> OAuthTokens:
        """The first pair, for the code the browser brought back (valid 120 s, once).

        Raises:
            AuthError: Zendesk refused the code or the verifier; ConfigError: the client or scopes;
            Unavailable, RateLimited, MalformedResponse: the endpoint failed.
        """
        with self.client(redirect_uri=redirect_uri) as client:
            return self._call(
                "sign-in",
                lambda: client.fetch_token(
                    self.token_url,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                    redirect_uri=redirect_uri,
                    scope=scope,
                    expires_in=ACCESS_TOKEN_SECONDS,
                ),
            )

    def refresh(self, refresh_token: str) -> OAuthTokens:
        """A new pair for `refresh_token`, which dies with this call (the scope stays as granted).

        Raises:
            AuthError: `invalid_grant` (expired, revoked or already spent): the person signs in again.
            ConfigError, Unavailable, RateLimited, MalformedResponse: as for `exchange_code`.
        """
        with self.client() as client:
            return self._call(
                "refresh",
                lambda: client.refresh_token(
                    self.token_url, refresh_token=refresh_token, expires_in=ACCESS_TOKEN_SECONDS
                ),
            )

    def _call(self, grant: str, send: Callable[[], Any]) -> OAuthTokens:
        """Run one token request and turn every way it can fail into a frontline error."""
        started = self._clock()
        try:
            answer = send()
            tokens = OAuthTokens.from_response(dict(answer), started)
        except OAuthError as refused:
            raise self._refused(grant, str(refused.error or ""), str(refused.description or "")) from None
        except httpx.HTTPStatusError as failed:
            raise self._status(failed.response) from None
        except httpx.RequestError as broken:
            what = http_log.describe_transport_error(broken)
            if isinstance(broken, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
                raise NotDelivered(
                    f"Cannot reach {_SERVICE} to sign in ({what}); check the network."
                ) from None
            raise Unavailable(
                f"The connection to {_SERVICE} broke during the token request ({what}). Try again; if "
                f"{_SERVICE} keeps refusing the sign-in afterwards: {self.relogin}"
            ) from None
        except ValueError:
            raise MalformedResponse(
                f"{_SERVICE}'s token endpoint answered without a usable token set ({TOKEN_PATH})."
            ) from None
        remember_secrets([tokens.access_token, tokens.refresh_token or ""])
        expiry = tokens.expires_at.isoformat(timespec="seconds") if tokens.expires_at else "no expiry"
        http_log.decision("POST", TOKEN_PATH, f"{grant}: new token set ({expiry})", known_secrets())
        return tokens

    def _refused(self, grant: str, error: str, description: str) -> FrontlineError:
        """An OAuth error answer (`{"error": ..., "error_description": ...}`) in the person's words."""
        # invalid_grant's description is a generic sentence about every way a grant can be bad.
        detail = _clean(f"{error}: {description}" if description and error != "invalid_grant" else error)
        if error == "invalid_grant" and grant == "refresh":
            return AuthError(
                f"{_SERVICE} no longer accepts this sign-in ({detail}): it expired or was revoked. "
                + self.relogin,
                title="Signed out",
            )
        if error == "invalid_grant":
            return AuthError(
                f"{_SERVICE} refused the sign-in code ({detail}); a code works once, for two minutes, "
                f"and only with the verifier of the same sign-in. {self.relogin}"
            )
        if error in ("invalid_client", "unauthorized_client"):
            return ConfigError(
                f"{_SERVICE} does not accept the OAuth client {self.client_id!r} ({detail}): check "
                "client_id (the client's unique identifier in Admin Center) and that the client is Public."
            )
        if error == "invalid_scope":
            return ConfigError(
                f"{_SERVICE} refused the scopes asked for ({detail}): the OAuth client allows fewer. Set "
                "`scopes` in the profile to what the client allows, or ask the admin."
            )
        return AuthError(f"{_SERVICE} refused the {grant} ({detail}). {self.relogin}")

    def _status(self, response: httpx.Response) -> FrontlineError:
        status = response.status_code
        if 300 <= status < 400:
            return ConfigError(
                f"{_SERVICE} answered {status}, a redirect, to the token request: check base_url in the "
                "profile (it must be the account's own https://SUBDOMAIN.zendesk.com address)."
            )
        if status == 429:
            return RateLimited(f"{_SERVICE} is rate limiting sign-ins; try again in a minute.")
        if status >= 500:
            return Unavailable(f"{_SERVICE} answered {status} to the token request. Try again in a moment.")
        return AuthError(f"{_SERVICE} answered {status} to the token request. {self.relogin}")


class RefreshingAuth(httpx.Auth):
    """`Bearer <access token>`, refreshed ahead of expiry and once after a 401, through the vault.

    Args:
        vault: where the profile's pair is kept and the lock every frontline process shares.
        endpoint: the token endpoint refreshes are spent at.
        relogin: the sentence telling the person how to sign in again.
        tokens: the pair already loaded (None: loaded from the vault on first use).
        refresh_ahead: how long before its expiry an access token is refreshed.
    """

    def __init__(
        self,
        vault: TokenVault,
        endpoint: TokenEndpoint,
        *,
        relogin: str,
        tokens: OAuthTokens | None = None,
        clock: Clock = utc_now,
        refresh_ahead: timedelta = REFRESH_AHEAD,
    ) -> None:
        self._vault = vault
        self._endpoint = endpoint
        self._relogin = relogin
        self._clock = clock
        self._ahead = refresh_ahead
        self._tokens: OAuthTokens | None = None
        self._refreshing = threading.Lock()
        if tokens is not None:
            self._adopt(tokens)

    def __repr__(self) -> str:
        return "RefreshingAuth(<hidden>)"

    @property
    def expires_at(self) -> datetime | None:
        """When the access token in use expires (None: not loaded yet, or no expiry given)."""
        return self._tokens.expires_at if self._tokens else None

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        tokens = self._usable()
        response = yield _signed(request, tokens)
        if response.status_code == 401:
            _log_retry(request)
            yield _signed(request, self._renew(tokens))

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        tokens = self._tokens
        if tokens is None or self._stale(tokens):
            tokens = await asyncio.to_thread(self._usable)
        response = yield _signed(request, tokens)
        if response.status_code == 401:
            _log_retry(request)
            yield _signed(request, await asyncio.to_thread(self._renew, tokens))

    # --- blocking: run in a worker thread from the event loop ----------------------------------------

    def _usable(self) -> OAuthTokens:
        """The pair to send: loaded on first use, renewed when it expires within `refresh_ahead`."""
        tokens = self._tokens
        if tokens is None:
            kept = self._vault.load()
            if kept is None:
                raise self._signed_out()
            tokens = self._adopt(kept)
        return self._renew(tokens) if self._stale(tokens) else tokens

    def _renew(self, stale: OAuthTokens) -> OAuthTokens:
        """A working pair in place of `stale`: one another process (or thread) already kept and that has
        not expired, else a refresh spent under the vault's lock and kept before it is used.

        Raises:
            AuthError: signed out meanwhile, no refresh token, or Zendesk refused it (`invalid_grant`).
            CredentialsError: the lock was not free in time, or the new pair could not be kept.
        """
        with self._refreshing:
            mine = self._tokens
            if mine is not None and mine.access_token != stale.access_token and not self._expired(mine):
                return mine
            with self._vault.lock():
                kept = self._vault.load()
                if kept is None:
                    raise self._signed_out()
                if kept.access_token != stale.access_token and not self._expired(kept):
                    http_log.decision("POST", TOKEN_PATH, "another frontline refreshed: using its pair", ())
                    return self._adopt(kept)
                if not kept.refresh_token:
                    raise AuthError(f"The {_SERVICE} sign-in expired and cannot be renewed. {self._relogin}")
                fresh = self._endpoint.refresh(kept.refresh_token)
                self._vault.save(fresh)
                return self._adopt(fresh)

    def _stale(self, tokens: OAuthTokens) -> bool:
        """Due for a refresh: it expires within `refresh_ahead`."""
        return tokens.expires_within(self._ahead, self._clock())

    def _expired(self, tokens: OAuthTokens) -> bool:
        """Past its expiry. A pair someone else just kept is used until then, even when due: spending
        its refresh token would end the access token that process is sending with right now."""
        return tokens.expires_within(timedelta(0), self._clock())

    def _adopt(self, tokens: OAuthTokens) -> OAuthTokens:
        remember_secrets([tokens.access_token, tokens.refresh_token or ""])
        self._tokens = tokens
        return tokens

    def _signed_out(self) -> AuthError:
        return AuthError(f"Not signed in to {_SERVICE}. {self._relogin}", title="Signed out")


def refreshing_auth(
    base_url: str,
    client_id: str,
    vault: TokenVault,
    *,
    relogin: str,
    tokens: OAuthTokens | None = None,
    verify: ssl.SSLContext | bool = True,
    clock: Clock = utc_now,
) -> RefreshingAuth:
    """The auth a Zendesk adapter sends with for a kept OAuth sign-in (`build_zendesk_adapter(auth=...)`).

    Raises:
        ConfigError: `base_url` is not a Zendesk address tokens may go to, or `client_id` is empty.
    """
    from frontline.connectors.zendesk.client import normalise_base_url

    if not client_id.strip():
        raise ConfigError("The Zendesk OAuth client id is empty.")
    endpoint = TokenEndpoint(
        normalise_base_url(base_url), client_id.strip(), relogin=relogin, clock=clock, verify=verify
    )
    return RefreshingAuth(vault, endpoint, relogin=relogin, tokens=tokens, clock=clock)


def _signed(request: httpx.Request, tokens: OAuthTokens) -> httpx.Request:
    request.headers["Authorization"] = f"Bearer {tokens.access_token}"
    return request


def _log_retry(request: httpx.Request) -> None:
    http_log.decision(request.method, request.url.path, "401: renewing the sign-in, then sending again", ())


def _clean(text: str, limit: int = 200) -> str:
    """Server words fit for a message: known secrets out, one line, capped."""
    line = " ".join(redact(text, known_secrets()).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
