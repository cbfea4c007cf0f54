"""The fake Zendesk's OAuth server state: authorization codes (PKCE), access tokens and refresh tokens.

The rules are Zendesk's, from developer.zendesk.com ("OAuth Tokens for Grant Types", "Using PKCE") and
support.zendesk.com 9182123625370: a code lives 120 s and is spent by its first successful exchange; an access
token lives `expires_in` seconds when the request names it (300 to 172,800), else the 30-minute default that
clients created after 2026-04-30 get; a refresh token lives `refresh_token_expires_in` (604,800 to 7,776,000,
default 30 days); a refresh returns a new pair and deletes the previous access and refresh tokens.

Expiry runs on real time (`now`), not the sandbox clock, which tests freeze. No Starlette here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

CODE_TTL = 120
DEFAULT_ACCESS_TTL = 1800
ACCESS_TTL_RANGE = (300, 172_800)
DEFAULT_REFRESH_TTL = 2_592_000
REFRESH_TTL_RANGE = (604_800, 7_776_000)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

INVALID_GRANT = (
    "The provided access grant is invalid, expired, or revoked (e.g. invalid assertion, expired "
    "authorization token, bad end-user password credentials, or mismatching authorization code and "
    "redirection URI)."
)
INVALID_CLIENT = (
    "The client identifier provided is invalid, the client failed to authenticate, the client did not "
    "include its credentials, provided multiple client credentials, or used unsupported credentials type."
)

INVALID_SCOPE = "The requested scope is invalid, unknown, malformed, or exceeds the previously granted scope."


class OAuthError(Exception):
    """An OAuth error answer: `{"error", "error_description"}` with its HTTP status (RFC 6749 §5.2)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


def redirect_uri_allowed(uri: str) -> bool:
    """Zendesk's rule for redirect URLs: absolute, https unless the host is localhost or 127.0.0.1, and (as
    RFC 6749 §3.1.2 requires) without a fragment."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    if not parts.hostname or parts.fragment or "#" in uri:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)


def pkce_challenge(verifier: str) -> str:
    """BASE64URL(SHA256(verifier)) without padding: the S256 transform (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def scope_allows(scopes: frozenset[str], method: str, path: str) -> bool:
    """Whether a token's scopes cover a request: `read` for GET, `write` for the rest, or the same on the
    resource (`tickets:read`), as Zendesk's scope grammar reads."""
    kind = "read" if method in ("GET", "HEAD") else "write"
    parts = path.strip("/").split("/")
    resource = parts[2].removesuffix(".json") if len(parts) > 2 and parts[:2] == ["api", "v2"] else ""
    return kind in scopes or f"{resource}:{kind}" in scopes


@dataclass
class CodeGrant:
    """One approved authorization request, waiting for its code to be exchanged."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    state: str | None
    code_challenge: str
    user_id: int
    issued_at: float


@dataclass
class TokenPair:
    """An access token and the refresh token issued with it."""

    access_token: str
    refresh_token: str
    client_id: str
    user_id: int
    scope: str
    access_expires_at: float
    refresh_expires_at: float


@dataclass
class Lifetimes:
    """What a token request asked for: `expires_in` and `refresh_token_expires_in`, None when absent."""

    access: int | None = None
    refresh: int | None = None

    @classmethod
    def parse(cls, params: dict[str, Any]) -> Lifetimes:
        """Raises OAuthError (invalid_request) for values outside Zendesk's documented bounds."""
        access = _seconds(params, "expires_in", ACCESS_TTL_RANGE)
        refresh = _seconds(params, "refresh_token_expires_in", REFRESH_TTL_RANGE)
        if access is not None and refresh is not None and access > refresh:
            raise OAuthError("invalid_request", "expires_in must be less than refresh_token_expires_in.")
        return cls(access, refresh)


@dataclass
class OAuthServer:
    """Codes, live token pairs and counters for the control routes; `reset()` forgets everything."""

    client_id: str
    user_id: int
    now: Callable[[], float] = time.time
    access_ttl_override: float | None = None
    """Seconds every new access token lives, whatever was asked (`POST /__sandbox__/oauth/access-ttl`)."""
    codes: dict[str, CodeGrant] = field(default_factory=dict)
    pairs: list[TokenPair] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    last_authorization: dict[str, Any] | None = None
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def reset(self) -> None:
        self.codes.clear()
        self.pairs.clear()
        self.counters.clear()
        self.access_ttl_override = None
        self.last_authorization = None

    # -- authorization codes ------------------------------------------------------------------------
    def authorize(self, redirect_uri: str, scope: str, state: str | None, code_challenge: str) -> str:
        """Record an approved (already validated) authorization request and return its code."""
        code = secrets.token_urlsafe(32)
        self.codes[code] = CodeGrant(
            code, self.client_id, redirect_uri, scope, state, code_challenge, self.user_id, self.now()
        )
        self.last_authorization = {
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        self._count("authorizations")
        return code

    def exchange_code(self, params: dict[str, Any]) -> dict[str, Any]:
        """The `authorization_code` grant. Raises OAuthError."""
        code = _required(params, "code")
        redirect_uri = _required(params, "redirect_uri")
        verifier = _required(params, "code_verifier")
        lifetimes = Lifetimes.parse(params)
        grant = self.codes.get(code)
        if grant is None or self.now() - grant.issued_at > CODE_TTL or redirect_uri != grant.redirect_uri:
            raise self._invalid_grant()
        if not hmac.compare_digest(pkce_challenge(verifier), grant.code_challenge):
            raise self._invalid_grant()
        scope = _narrowed(grant.scope, params.get("scope"))
        del self.codes[code]
        return self._issue(grant.user_id, scope, lifetimes, params)

    # -- tokens -------------------------------------------------------------------------------------
    def refresh(self, params: dict[str, Any]) -> dict[str, Any]:
        """The `refresh_token` grant: a new pair; the previous access and refresh tokens are deleted."""
        presented = _required(params, "refresh_token")
        lifetimes = Lifetimes.parse(params)
        pair = next((p for p in self.pairs if hmac.compare_digest(p.refresh_token, presented)), None)
        if pair is None or pair.refresh_expires_at <= self.now():
            raise self._invalid_grant()
        scope = _narrowed(pair.scope, params.get("scope"))
        self.pairs.remove(pair)
        self._count("refreshes")
        return self._issue(pair.user_id, scope, lifetimes, params)

    def token_owner(self, access_token: str) -> tuple[int, frozenset[str]] | None:
        """(user id, scopes) for a live access token, None for an unknown, expired or deleted one."""
        now = self.now()
        for pair in self.pairs:
            if pair.access_expires_at > now and hmac.compare_digest(pair.access_token, access_token):
                return pair.user_id, frozenset(pair.scope.split())
        return None

    def expire_access_tokens(self) -> int:
        """End every live access token now (their refresh tokens keep working); returns how many."""
        now = self.now()
        live = [pair for pair in self.pairs if pair.access_expires_at > now]
        for pair in live:
            pair.access_expires_at = now
        return len(live)

    def expire_refresh_tokens(self) -> int:
        """End every live refresh token now, as 30 idle days would; returns how many."""
        now = self.now()
        live = [pair for pair in self.pairs if pair.refresh_expires_at > now]
        for pair in live:
            pair.refresh_expires_at = now
        return len(live)

    def snapshot(self) -> dict[str, Any]:
        """Counts for tests (`GET /__sandbox__/oauth/state`)."""
        now = self.now()
        return {
            "client_id": self.client_id,
            "authorizations": self.counters.get("authorizations", 0),
            "codes_pending": sum(1 for grant in self.codes.values() if now - grant.issued_at <= CODE_TTL),
            "access_tokens_live": sum(1 for pair in self.pairs if pair.access_expires_at > now),
            "refresh_tokens_live": sum(1 for pair in self.pairs if pair.refresh_expires_at > now),
            "refreshes": self.counters.get("refreshes", 0),
            "invalid_grants": self.counters.get("invalid_grants", 0),
            "access_ttl_override": self.access_ttl_override,
            "last_authorization": self.last_authorization,
        }

    def _issue(
        self, user_id: int, scope: str, lifetimes: Lifetimes, params: dict[str, Any]
    ) -> dict[str, Any]:
        now = self.now()
        access_ttl = float(lifetimes.access or DEFAULT_ACCESS_TTL)
        if self.access_ttl_override is not None:
            access_ttl = self.access_ttl_override
        refresh_ttl = lifetimes.refresh or DEFAULT_REFRESH_TTL
        pair = TokenPair(
            access_token=self._access_token(user_id, scope, now, access_ttl),
            refresh_token=secrets.token_urlsafe(48),
            client_id=self.client_id,
            user_id=user_id,
            scope=scope,
            access_expires_at=now + access_ttl,
            refresh_expires_at=now + refresh_ttl,
        )
        self.pairs.append(pair)
        body: dict[str, Any] = {
            "access_token": pair.access_token,
            "token_type": "bearer",
            "scope": scope,
            "refresh_token": pair.refresh_token,
        }
        # Zendesk reports lifetimes only when the request named them (NangoHQ/nango#6763).
        if "expires_in" in params:
            body["expires_in"] = int(access_ttl)
        if "expires_in" in params or "refresh_token_expires_in" in params:
            body["refresh_token_expires_in"] = refresh_ttl
        return body

    def _access_token(self, user_id: int, scope: str, now: float, ttl: float) -> str:
        """A signed JWT (`typ: at+jwt`), as Zendesk's expiring access tokens are; clients keep it opaque."""
        header = {"alg": "HS256", "typ": "at+jwt"}
        claims = {
            "sub": str(user_id),
            "client_id": self.client_id,
            "scope": scope,
            "iat": int(now),
            "exp": int(now + ttl),
            "jti": secrets.token_hex(12),
        }
        signing_input = f"{_b64(header)}.{_b64(claims)}"
        signature = hmac.new(self._key, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"

    def _invalid_grant(self) -> OAuthError:
        self._count("invalid_grants")
        return OAuthError("invalid_grant", INVALID_GRANT)

    def _count(self, name: str) -> None:
        self.counters[name] = self.counters.get(name, 0) + 1


def _b64(value: dict[str, Any]) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _required(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise OAuthError("invalid_request", f"Missing required parameter: {name}.")
    return value


def _seconds(params: dict[str, Any], name: str, bounds: tuple[int, int]) -> int | None:
    if name not in params or params[name] is None:
        return None
    raw = params[name]
    try:
        value = int(raw) if not isinstance(raw, bool) else None
    except (TypeError, ValueError):
        value = None
    low, high = bounds
    if value is None or not low <= value <= high:
        raise OAuthError("invalid_request", f"{name} must be a number of seconds from {low} to {high}.")
    return value


def _narrowed(granted: str, requested: Any) -> str:
    """The scope a token gets: the granted one, or a subset of it named by the token request."""
    if not isinstance(requested, str) or not requested.strip():
        return granted
    if not set(requested.split()) <= set(granted.split()):
        raise OAuthError("invalid_scope", INVALID_SCOPE)
    return " ".join(requested.split())
