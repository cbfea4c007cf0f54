"""What the fake Jira and JSM systems share as `SandboxSystem`s: one site, its two faces and their tokens.

The site's own paths take the classic token; the gateway face (`/ex/jira/{cloudId}/...`, see `gateway`)
takes the scoped token; `/_edge/tenant_info` takes nothing.
"""

from __future__ import annotations

from abc import abstractmethod

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian.gateway import (
    GATEWAY_PREFIX,
    TENANT_INFO_PATH,
    gateway_routes,
    gateway_unauthorized,
    is_gateway_path,
    scoped_auth_ok,
)
from frontline.sandbox.atlassian.responses import atlassian_throttled, atlassian_unauthorized, basic_auth_ok
from frontline.sandbox.atlassian.site import AtlassianSite
from frontline.sandbox.context import SANDBOX_SCOPED_TOKEN, SandboxContext, site_cloud_id
from frontline.sandbox.http_helpers import InvalidJson, json_body
from frontline.sandbox.system import SandboxSystem


class AtlassianSystem(SandboxSystem):
    """A Jira Cloud site with its `site`, its `cloud_id` (`site_cloud_id(name)`) and its scoped token."""

    site: AtlassianSite

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.cloud_id = site_cloud_id(self.name)
        self.scoped_token = SANDBOX_SCOPED_TOKEN

    @abstractmethod
    def site_routes(self) -> list[BaseRoute]:
        """The site's `/rest/...` paths, served on the site and again through the gateway face."""

    def routes(self) -> list[BaseRoute]:
        site_routes = self.site_routes()
        return [*gateway_routes(site_routes, self.cloud_id), *site_routes]

    def control_routes(self) -> list[BaseRoute]:
        return [Route("/atlassian/scoped-token", self._scoped_token, methods=["GET", "POST"])]

    async def _scoped_token(self, request: Request) -> Response:
        """GET: the cloudId and gateway path; POST `{"token": "..."}`: a new scoped token is the valid one
        (signing in again after a `token_expiry`)."""
        if request.method == "POST":
            try:
                body = await json_body(request, empty={})
            except InvalidJson:
                body = None
            token = body.get("token") if isinstance(body, dict) else None
            if not isinstance(token, str) or not token:
                return JSONResponse({"error": 'send {"token": "..."}'}, status_code=400)
            self.context.revoked_tokens.discard(token)
            self.scoped_token = token
        return JSONResponse({"cloudId": self.cloud_id, "gateway_path": f"{GATEWAY_PREFIX}/{self.cloud_id}"})

    def is_public(self, path: str) -> bool:
        return path == TENANT_INFO_PATH

    def authenticate(self, request: Request) -> bool:
        """The scoped token through the gateway face, the classic token on the site; never the other way."""
        if is_gateway_path(request.url.path):
            return scoped_auth_ok(request, self.context, self.scoped_token)
        return basic_auth_ok(request, self.context)

    def unauthorized(self, request: Request) -> Response:
        if is_gateway_path(request.url.path):
            return gateway_unauthorized()
        return atlassian_unauthorized(request)

    def throttled(self, retry_after: int) -> Response:
        return atlassian_throttled(retry_after)

    def expire_credentials(self) -> None:
        """Both kinds of token stop working: the one the client holds is expired, whichever it is."""
        super().expire_credentials()
        self.context.revoked_tokens.add(self.scoped_token)

    def reset(self) -> None:
        self.site.reseed()
        self.scoped_token = SANDBOX_SCOPED_TOKEN
