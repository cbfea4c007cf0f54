"""Fake Jira Software (platform v3) for escalations: issue create with ADF, search, links.

Issue read/edit/comment/transition routes come from the shared Atlassian platform API, search from
`jira.search`, create and its metadata from `jira.create`, links from `jira.routes`. The search index
lags writes by `search_lag` seconds (`PUT /__sandbox__/jira/search-lag {"seconds": 0}` to change it until
the next reset).
"""

from __future__ import annotations

from typing import ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian.platform import PlatformApi
from frontline.sandbox.atlassian.system import AtlassianSystem
from frontline.sandbox.context import SandboxContext
from frontline.sandbox.http_helpers import InvalidJson, json_body
from frontline.sandbox.jira.create import CreateApi
from frontline.sandbox.jira.routes import JiraExtrasApi
from frontline.sandbox.jira.search import SearchApi
from frontline.sandbox.jira.site import DEFAULT_SEARCH_LAG, JiraSite


class JiraSystem(AtlassianSystem):
    """Jira Cloud platform v3: Jira Software projects ENG and OPS, and the SUP service project (also through
    the gateway face, see `atlassian.gateway`)."""

    name: ClassVar[str] = "jira"
    title: ClassVar[str] = "Jira"

    site: JiraSite

    def __init__(self, context: SandboxContext, *, search_lag: float = DEFAULT_SEARCH_LAG) -> None:
        super().__init__(context)
        self.site = JiraSite(context, search_lag=search_lag)

    def site_routes(self) -> list[BaseRoute]:
        return [
            *CreateApi(self.site).routes(),
            *JiraExtrasApi(self.site).routes(),
            *SearchApi(self.site).routes(),
            *PlatformApi(self.site).routes(),
        ]

    def control_routes(self) -> list[BaseRoute]:
        return [
            *super().control_routes(),
            Route("/jira/issues", self._list, methods=["GET"]),
            Route("/jira/issues/{key}", self._inspect, methods=["GET"]),
            Route("/jira/search-lag", self._search_lag, methods=["GET", "PUT", "POST"]),
        ]

    async def _search_lag(self, request: Request) -> Response:
        """How many seconds search lags writes; PUT (or POST) `{"seconds": 0}` changes it until the next
        reset."""
        if request.method != "GET":
            try:
                body = await json_body(request, empty={})
            except InvalidJson:
                body = None
            seconds = body.get("seconds") if isinstance(body, dict) else None
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 3600:
                return JSONResponse({"error": 'send {"seconds": <0 to 3600>}'}, status_code=400)
            self.site.search_lag = float(seconds)
        return JSONResponse({"seconds": self.site.search_lag})

    async def _inspect(self, request: Request) -> Response:
        issue = self.site.find(request.path_params["key"])
        if issue is None:
            return JSONResponse({"error": "no such issue"}, status_code=404)
        body = self.site.inspect(issue)
        body["remote_links"] = [
            {"id": link.id, "globalId": link.global_id, **link.payload} for link in issue.remote_links
        ]
        body["links"] = list(issue.links)
        body["components"] = list(issue.components)
        body["custom"] = dict(issue.custom)
        return JSONResponse(body)

    async def _list(self, request: Request) -> Response:
        """Every issue's key, straight from the store (no index lag), filtered by `project` and `label`:
        for tests counting what was filed."""
        project = request.query_params.get("project", "").upper()
        label = request.query_params.get("label")
        keys = [
            issue.key
            for issue in self.site.issues.values()
            if (not project or issue.project_key == project) and (label is None or label in issue.labels)
        ]
        return JSONResponse({"keys": keys})
