"""Fake Jira Software (platform v3) for escalations: project ENG, issue create with ADF, search, links.

Issue read/edit/comment/transition routes come from the shared Atlassian platform API, search from
`jira.search`, create and links from `jira.routes`.
"""

from __future__ import annotations

from typing import ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian.platform import PlatformApi
from frontline.sandbox.atlassian.responses import atlassian_throttled, atlassian_unauthorized, basic_auth_ok
from frontline.sandbox.context import SandboxContext
from frontline.sandbox.jira.routes import JiraExtrasApi
from frontline.sandbox.jira.search import SearchApi
from frontline.sandbox.jira.site import JiraSite
from frontline.sandbox.system import SandboxSystem


class JiraSystem(SandboxSystem):
    """Jira Cloud platform v3, with one Jira Software project (ENG)."""

    name: ClassVar[str] = "jira"
    title: ClassVar[str] = "Jira"

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.site = JiraSite(context)

    def routes(self) -> list[BaseRoute]:
        return [
            *JiraExtrasApi(self.site).routes(),
            *SearchApi(self.site).routes(),
            *PlatformApi(self.site).routes(),
        ]

    def control_routes(self) -> list[BaseRoute]:
        return [Route("/jira/issues/{key}", self._inspect, methods=["GET"])]

    async def _inspect(self, request: Request) -> Response:
        issue = self.site.find(request.path_params["key"])
        if issue is None:
            return JSONResponse({"error": "no such issue"}, status_code=404)
        body = self.site.inspect(issue)
        body["remote_links"] = [
            {"id": link.id, "globalId": link.global_id, **link.payload} for link in issue.remote_links
        ]
        body["links"] = list(issue.links)
        return JSONResponse(body)

    def authenticate(self, request: Request) -> bool:
        return basic_auth_ok(request, self.context)

    def unauthorized(self, request: Request) -> Response:
        return atlassian_unauthorized(request)

    def throttled(self, retry_after: int) -> Response:
        return atlassian_throttled(retry_after)

    def reset(self) -> None:
        self.site.reseed()
