"""Zendesk's OAuth sign-in on the fake Zendesk: the authorization page, the token endpoint and control routes.

- `GET /oauth/authorizations/new` is where Zendesk shows its sign-in and consent page. The sandbox approves at
  once, as the sandbox agent, and redirects to `redirect_uri?code=...&state=...`. The public client
  `SANDBOX_OAUTH_CLIENT_ID` must use PKCE (S256). An unknown client or a redirect URL Zendesk would not
  accept gets a 400 page, since it is not safe to redirect there; every other problem goes back to the
  redirect URL as `error=...&error_description=...&state=...` (RFC 6749 §4.1.2.1, RFC 7636 §4.4.1).
- `POST /oauth/tokens` (JSON or form body) runs the `authorization_code` and `refresh_token` grants; the
  rules are in `oauth_grants`. Errors are `{"error", "error_description"}`: 400, or 401 for `invalid_client`.
- A Bearer token that is expired, revoked or unknown gets Zendesk's 401 `invalid_token` answer.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.http_helpers import basic_credentials
from frontline.sandbox.zendesk.oauth_grants import (
    INVALID_CLIENT,
    OAuthError,
    OAuthServer,
    redirect_uri_allowed,
)

AUTHORIZE_PATH = "/oauth/authorizations/new"
TOKEN_PATH = "/oauth/tokens"
PUBLIC_PATHS = frozenset({AUTHORIZE_PATH, TOKEN_PATH})

INVALID_TOKEN = "The access token provided is expired, revoked, malformed or invalid for other reasons."
BAD_REDIRECT = "The redirect URL must be absolute and use https, unless its host is localhost or 127.0.0.1."
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_CHALLENGE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def invalid_token() -> Response:
    """Zendesk's 401 for a Bearer token that is expired, revoked, malformed or unknown."""
    header = (
        'Bearer realm="Zendesk::OAuth Bearer Token Authentication", error="invalid_token", '
        f'error_description="{INVALID_TOKEN}"'
    )
    return JSONResponse(
        {"error": "invalid_token", "error_description": INVALID_TOKEN},
        status_code=401,
        headers={"WWW-Authenticate": header},
    )


class ZendeskOAuth:
    """The OAuth endpoints and their control routes over one `OAuthServer`."""

    def __init__(self, server: OAuthServer) -> None:
        self.server = server

    def routes(self) -> list[BaseRoute]:
        return [
            Route(AUTHORIZE_PATH, self.authorize, methods=["GET"]),
            Route(TOKEN_PATH, self.token, methods=["POST"]),
        ]

    def control_routes(self) -> list[BaseRoute]:
        return [
            Route("/oauth/state", self.state, methods=["GET"]),
            Route("/oauth/access-ttl", self.access_ttl, methods=["POST", "PUT"]),
            Route("/oauth/expire-access-tokens", self.expire_access, methods=["POST"]),
            Route("/oauth/expire-refresh-tokens", self.expire_refresh, methods=["POST"]),
        ]

    # -- vendor endpoints ---------------------------------------------------------------------------
    async def authorize(self, request: Request) -> Response:
        query = request.query_params
        if query.get("client_id") != self.server.client_id:
            return _error_page("invalid_client", INVALID_CLIENT)
        redirect_uri = query.get("redirect_uri", "")
        if not redirect_uri_allowed(redirect_uri):
            return _error_page("invalid_redirect_uri", BAD_REDIRECT)
        state = query.get("state")
        problem = _authorization_problem(query)
        if problem is not None:
            error, description = problem
            return _redirect(redirect_uri, {"error": error, "error_description": description, "state": state})
        code = self.server.authorize(
            redirect_uri, " ".join(query["scope"].split()), state, query["code_challenge"]
        )
        return _redirect(redirect_uri, {"code": code, "state": state})

    async def token(self, request: Request) -> Response:
        try:
            params = await _token_params(request)
            client_id = params.get("client_id") or _basic_client_id(request)
            if client_id != self.server.client_id:
                raise OAuthError("invalid_client", INVALID_CLIENT, status=401)
            grant_type = params.get("grant_type")
            if grant_type == "authorization_code":
                body = self.server.exchange_code(params)
            elif grant_type == "refresh_token":
                body = self.server.refresh(params)
            elif not grant_type:
                raise OAuthError("invalid_request", "Missing required parameter: grant_type.")
            else:
                raise OAuthError(
                    "unsupported_grant_type",
                    "The provided access grant type is not supported by the authorization server.",
                )
        except OAuthError as error:
            return _token_error(error)
        # 201 as Zendesk's OpenAPI description documents for CreateTokenForGrantType.
        return JSONResponse(body, status_code=201, headers=NO_STORE)

    # -- control routes -----------------------------------------------------------------------------
    async def state(self, request: Request) -> Response:
        return JSONResponse(self.server.snapshot())

    async def access_ttl(self, request: Request) -> Response:
        """`{"seconds": 1}`: every access token issued from now on lives that long; `null` undoes it."""
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            body = None
        seconds = body.get("seconds", "missing") if isinstance(body, dict) else "missing"
        if seconds is not None and not _positive_seconds(seconds):
            return JSONResponse({"error": 'send {"seconds": <more than 0>} or {"seconds": null}'}, 400)
        self.server.access_ttl_override = None if seconds is None else float(seconds)
        return JSONResponse({"seconds": self.server.access_ttl_override})

    async def expire_access(self, request: Request) -> Response:
        return JSONResponse({"expired": self.server.expire_access_tokens()})

    async def expire_refresh(self, request: Request) -> Response:
        return JSONResponse({"expired": self.server.expire_refresh_tokens()})


def _authorization_problem(query: Any) -> tuple[str, str] | None:
    """The (error, description) to send back to the client, or None for an acceptable request."""
    response_type = query.get("response_type")
    if not response_type:
        return "invalid_request", "Missing required parameter: response_type."
    if response_type != "code":
        return (
            "unsupported_response_type",
            "The requested response type is not supported by the authorization server.",
        )
    if not query.get("scope", "").strip():
        return "invalid_scope", "The requested scope is invalid, unknown, or malformed."
    challenge = query.get("code_challenge")
    if not challenge:
        return "invalid_request", "Code challenge required: this is a public client, which must use PKCE."
    if query.get("code_challenge_method") != "S256":
        return "invalid_request", "Transform algorithm not supported: code_challenge_method must be S256."
    if not _CHALLENGE.fullmatch(challenge):
        return "invalid_request", "The code_challenge is malformed."
    return None


def _positive_seconds(value: Any) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and 0 < value <= 7_776_000


def _redirect(redirect_uri: str, params: dict[str, str | None]) -> Response:
    query = urlencode({name: value for name, value in params.items() if value is not None})
    separator = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{separator}{query}", status_code=302)


def _error_page(error: str, description: str) -> Response:
    """What the browser shows when Zendesk cannot send the user back to the client."""
    return JSONResponse({"error": error, "error_description": description}, status_code=400)


def _token_error(error: OAuthError) -> Response:
    response = JSONResponse(
        {"error": error.error, "error_description": error.description},
        status_code=error.status,
        headers=NO_STORE,
    )
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="OAuth2 Token Endpoint"'
    return response


async def _token_params(request: Request) -> dict[str, Any]:
    """The token request's parameters from a JSON body (as Zendesk documents) or a form body (RFC 6749)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            body = json.loads(await request.body() or b"{}")
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            raise OAuthError("invalid_request", "The request body is not a JSON object.")
        return body
    try:
        pairs = parse_qsl((await request.body()).decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "The request body is not UTF-8.") from None
    return dict(pairs)


def _basic_client_id(request: Request) -> str | None:
    credentials = basic_credentials(request)
    return credentials[0] if credentials else None
