"""Sign-in pieces every connector shares: a Bearer header, and the rule that tokens travel over https.

Plain http is allowed only on loopback, for the embedded sandbox: anywhere else the token would cross
the network in clear.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from frontline.errors import ConfigError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer <token>` (an OAuth access token, a GitHub token); hidden from repr."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(<hidden>)"


def secure_url(address: str, what: str) -> httpx.URL:
    """`address` as a URL tokens may be sent to.

    Raises:
        ConfigError: not an http(s) URL, or plain http to a host other than loopback.
    """
    try:
        url = httpx.URL(address)
    except httpx.InvalidURL:
        raise ConfigError(f"The {what} {address!r} is not a valid URL.") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(f"The {what} {address!r} is not an http(s) URL.")
    if url.scheme == "http" and url.host not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"The {what} {address!r} uses plain http; use https so the token is not sent in clear."
        )
    return url
