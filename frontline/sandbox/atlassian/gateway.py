"""The api.atlassian.com face of a fake Atlassian site, and the site's tenant info.

Atlassian API tokens come in two kinds (support.atlassian.com, "Manage API tokens for your Atlassian
account"), each with its own URL:

- a classic token (no scopes) signs `email:token` Basic requests on the site itself,
  `https://{site}.atlassian.net/rest/...`;
- a token with scopes must go through the gateway, `https://api.atlassian.com/ex/jira/{cloudId}/rest/...`;
  sent to the site it gets 401 (Atlassian KB "401 Unauthorized error when service account accesses Jira or
  Confluence API").

The sandbox holds to that pairing both ways: a classic token sent through the gateway gets the gateway's
401 too. Atlassian's documents only ever show classic tokens on the site URL and its community answers say
"unscoped use the site, scoped use api.atlassian.com"; a client that treats the two as interchangeable
fails here before it fails in production.

The gateway face is served by each site's own server (the product's `gateway_url` is the system's base
URL, standing in for `https://api.atlassian.com`) for that site's cloudId only, which
`GET /_edge/tenant_info` tells anyone without credentials.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from frontline.sandbox.context import SandboxContext
from frontline.sandbox.http_helpers import basic_credentials

GATEWAY_PREFIX = "/ex/jira"
TENANT_INFO_PATH = "/_edge/tenant_info"


def is_gateway_path(path: str) -> bool:
    return path.startswith(f"{GATEWAY_PREFIX}/")


def scoped_auth_ok(request: Request, context: SandboxContext, scoped_token: str) -> bool:
    """`Basic base64(email:token)` with the site's scoped token, unless a `token_expiry` fault revoked it."""
    credentials = basic_credentials(request)
    if credentials is None:
        return False
    email, token = credentials
    return (
        context.accepts_email(email)
        and token not in context.revoked_tokens
        and hmac.compare_digest(token.encode(), scoped_token.encode())
    )


def gateway_unauthorized() -> Response:
    """The gateway's 401 for missing, classic, expired or revoked credentials."""
    return JSONResponse({"code": 401, "message": "Unauthorized"}, status_code=401)


def gateway_routes(site_routes: list[BaseRoute], cloud_id: str) -> list[BaseRoute]:
    """`GET /_edge/tenant_info` and `/ex/jira/{cloudId}/...` serving `site_routes` for this site's cloudId."""

    async def tenant_info(request: Request) -> Response:
        return JSONResponse({"cloudId": cloud_id})

    face = GatewayFace(Router(routes=site_routes), cloud_id)
    return [
        Route(TENANT_INFO_PATH, tenant_info, methods=["GET"]),
        Mount(f"{GATEWAY_PREFIX}/{{cloud_id}}", app=face),
    ]


class GatewayFace:
    """Passes `/ex/jira/{cloudId}/rest/...` to the site's routes with the gateway prefix as the app root, so
    the `self` links in answers point back through the gateway, as api.atlassian.com's do. Another cloudId
    gets the gateway's 404."""

    def __init__(self, app: ASGIApp, cloud_id: str) -> None:
        self.app = app
        self.cloud_id = cloud_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("path_params", {}).get("cloud_id") != self.cloud_id:
            response = JSONResponse({"code": 404, "message": "Not Found"}, status_code=404)
            await response(scope, receive, send)
            return
        await self.app({**scope, "app_root_path": scope.get("root_path", "")}, receive, send)
