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
from frontline.sandbox.atlassian.system import AtlassianSystem
from frontline.sandbox.atlassian.wiki import render, visible_text
from frontline.sandbox.context import SandboxContext
from frontline.sandbox.jira.search import SearchApi
from frontline.sandbox.jsm.catalog import CatalogApi
from frontline.sandbox.jsm.routes import JsmApi
from frontline.sandbox.jsm.site import JsmSite


class JsmSystem(AtlassianSystem):
    """Jira Service Management Cloud, with the platform issue API on the same site (and through the gateway
    face, see `atlassian.gateway`)."""

    name: ClassVar[str] = "jsm"
    title: ClassVar[str] = "Jira Service Management"

    site: JsmSite

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.site = JsmSite(context)

    def site_routes(self) -> list[BaseRoute]:
        return [
            *JsmApi(self.site).routes(),
            *CatalogApi(self.site).routes(),
            *SearchApi(self.site).routes(),
            *PlatformApi(self.site).routes(),
        ]

    def control_routes(self) -> list[BaseRoute]:
        return [*super().control_routes(), Route("/jsm/requests/{key}", self._inspect, methods=["GET"])]

    async def _inspect(self, request: Request) -> Response:
        """What the server holds for one request: status, fields and every comment with its visibility, its
        stored wiki `body` and what the customer sees of it (`customer_sees`, the rendered text)."""
        issue = self.site.find(request.path_params["key"])
        if issue is None:
            return JSONResponse({"error": "no such request"}, status_code=404)
        body = self.site.inspect(issue)
        for comment in body["comments"]:
            comment["customer_sees"] = visible_text(render(comment["body"]))
        body["status_untranslated"] = self.site.status_of(issue).untranslated
        return JSONResponse(body)
