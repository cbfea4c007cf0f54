"""Zendesk's two sign-in schemes as httpx auth; neither shows its secret in `repr`.

Imported by the client only, so importing the `zendesk` package stays free of httpx.
"""

from __future__ import annotations

import base64
from collections.abc import Generator

import httpx


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer <OAuth access token>`."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(<hidden>)"


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
