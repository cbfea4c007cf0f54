"""Where and how frontline signs in to GitHub: the REST API's address, and the token as httpx auth
(`Authorization: Bearer <token>`) that never shows in repr.

Imported by the client only, so importing the `github` package stays free of httpx.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from frontline.errors import ConfigError

DEFAULT_API = "https://api.github.com"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer <token>`: a fine-grained or classic personal access token, or an app token."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(<hidden>)"


def sign_in(token: str) -> tuple[httpx.Auth, tuple[str, ...]]:
    """The auth for a token and what to redact for it; used to sign in and to renew a token mid-shift.

    Raises:
        ConfigError: no token.
    """
    token = token.strip()
    if not token:
        raise ConfigError(
            "No GitHub token was given (a token with Issues: read and write on the repository)."
        )
    return BearerAuth(token), (token,)


def api_base(base_url: str) -> str:
    """The REST API's address: empty or `github.com` means `https://api.github.com`.

    Raises:
        ConfigError: not an https URL (plain http only on loopback, for the sandbox).
    """
    text = base_url.strip().rstrip("/")
    if not text:
        return DEFAULT_API
    url = httpx.URL(text)
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(f"The GitHub API address {base_url!r} is not an http(s) URL.")
    if url.scheme == "http" and url.host not in _LOOPBACK_HOSTS:
        raise ConfigError(
            f"The GitHub API address {base_url!r} uses plain http; use https so the token is not sent "
            "in clear."
        )
    if url.host in ("github.com", "www.github.com"):
        return DEFAULT_API
    return text
