"""Where and how frontline signs in to GitHub: the REST API's address, and the token as httpx auth
(`Authorization: Bearer <token>`) that never shows in repr.

Imported by the client only, so importing the `github` package stays free of httpx.
"""

from __future__ import annotations

import httpx

from frontline.connectors.auth import BearerAuth, secure_url
from frontline.errors import ConfigError

DEFAULT_API = "https://api.github.com"


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
    url = secure_url(text, "GitHub API address")
    if url.host in ("github.com", "www.github.com"):
        return DEFAULT_API
    return text
