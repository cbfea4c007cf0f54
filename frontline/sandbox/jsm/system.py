"""Fake Jira Service Management Cloud: the service desk API and the platform issue API on one site.

Shapes follow the official spec (`shared/specs/jira-servicedesk.json`): `start`/`limit`/`isLastPage`
pages, `DateDTO`/`DurationDTO` values, plain-string comment bodies with a required `public` flag, and
`ErrorResponse` errors.
"""

from __future__ import annotations

from typing import ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian.platform import PlatformApi
from frontline.sandbox.atlassian.responses import atlassian_throttled, atlassian_unauthorized, basic_auth_ok
from frontline.sandbox.context import SandboxContext
from frontline.sandbox.jsm.routes import JsmApi
from frontline.sandbox.jsm.site import JsmSite
from frontline.sandbox.system import SandboxSystem


class JsmSystem(SandboxSystem):
    """Jira Service Management Cloud, with the platform issue API on the same site."""

    name: ClassVar[str] = "jsm"
    title: ClassVar[str] = "Jira Service Management"

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.site = JsmSite(context)

    def routes(self) -> list[BaseRoute]:
        return [*JsmApi(self.site).routes(), *PlatformApi(self.site).routes()]

    def control_routes(self) -> list[BaseRoute]:
        return [Route("/jsm/requests/{key}", self._inspect, methods=["GET"])]

    async def _inspect(self, request: Request) -> Response:
        """What the server holds for one request: status, fields and every comment with its visibility."""
        issue = self.site.find(request.path_params["key"])
        if issue is None:
            return JSONResponse({"error": "no such request"}, status_code=404)
        return JSONResponse(self.site.inspect(issue))

    def authenticate(self, request: Request) -> bool:
        return basic_auth_ok(request, self.context)

    def unauthorized(self, request: Request) -> Response:
        return atlassian_unauthorized(request)

    def throttled(self, retry_after: int) -> Response:
        return atlassian_throttled(retry_after)

    def reset(self) -> None:
        self.site.reseed()
