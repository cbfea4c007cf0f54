"""Zendesk's two sign-in schemes as httpx auth; neither shows its secret in `repr`.

Imported by the client only, so importing the `zendesk` package stays free of httpx.
"""

from __future__ import annotations

import base64
from collections.abc import Generator

import httpx

from frontline.connectors.auth import BearerAuth
from frontline.errors import ConfigError
from frontline.redaction import basic_auth_secrets


class ApiTokenAuth(httpx.Auth):
    """Zendesk API-token basic auth: `base64("{email}/token:{api_token}")`; the token never shows in repr."""

    def __init__(self, email: str, token: str) -> None:
        raw = f"{email}/token:{token}".encode()
        self._header = "Basic " + base64.b64encode(raw).decode("ascii")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "ApiTokenAuth(<hidden>)"


def credentials(email: str, token: str, *, oauth: bool) -> tuple[httpx.Auth, tuple[str, ...]]:
    """The auth for a token and what to redact for it; used to sign in and to renew a token mid-shift.

    Raises:
        ConfigError: no token, or no email for API-token sign-in.
    """
    if not token:
        raise ConfigError("No Zendesk token was given.")
    if oauth:
        return BearerAuth(token), (token,)
    if not email.strip():
        raise ConfigError("Zendesk API-token sign-in needs the agent's email address.")
    return ApiTokenAuth(email.strip(), token), basic_auth_secrets(f"{email.strip()}/token", token)
