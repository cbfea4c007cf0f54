"""Fake GitHub Issues REST API for escalations: three repositories (push access, none, issues off), issues
and pull requests, comments, labels, a search index that lags writes, and GitHub's rate limits."""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.context import SandboxContext
from frontline.sandbox.github.errors import DOCS, gh_error
from frontline.sandbox.github.limits import PRIMARY_LIMIT, RateLimiter, secondary_limit
from frontline.sandbox.github.routes import GithubApi, json_or_none
from frontline.sandbox.github.search import DEFAULT_LAG_SECONDS, SearchApi, SearchIndex
from frontline.sandbox.github.seed import seed_github
from frontline.sandbox.http_helpers import bearer_token
from frontline.sandbox.system import SandboxSystem


class GithubSystem(SandboxSystem):
    """GitHub REST (issues, comments, labels, search) for one organisation's repositories.

    Args:
        search_lag: seconds before a write shows in search (GitHub's index lags; 0 for none).
    """

    name: ClassVar[str] = "github"
    title: ClassVar[str] = "GitHub"
    me_login = "frontline-sandbox"

    def __init__(self, context: SandboxContext, search_lag: float = DEFAULT_LAG_SECONDS) -> None:
        super().__init__(context)
        self.default_search_lag = search_lag
        self.search = SearchIndex(search_lag)
        self.reset()

    def reset(self) -> None:
        self.repos = {
            repo.full_name.lower(): repo for repo in seed_github(self.context.seed, self.context.clock())
        }
        self.search.lag = self.default_search_lag
        self.search.rebuild(self.repos)
        self.logins = {self.me_login, "octo-dev", "mona"}
        self.limiter = RateLimiter(self.context)
        self.comment_ids = itertools.count(5_000_000)

    def me_json(self, base: str) -> dict[str, Any]:
        return {
            "login": self.me_login,
            "id": 1,
            "node_id": "U_kgDOsandbox",
            "avatar_url": "https://avatars.sandbox.invalid/u/1",
            "url": f"{base}/users/{self.me_login}",
            "html_url": f"{base}/{self.me_login}",
            "type": "User",
            "site_admin": False,
            "name": "Frontline Sandbox",
            "email": None,
        }

    def routes(self) -> list[BaseRoute]:
        return [*GithubApi(self).routes(), *SearchApi(self).routes()]

    def control_routes(self) -> list[BaseRoute]:
        return [
            Route("/github/rate-limit", self._set_rate_limit, methods=["POST"]),
            Route("/github/search-lag", self._search_lag, methods=["GET", "PUT", "POST"]),
        ]

    async def _search_lag(self, request: Request) -> Response:
        """How many seconds search lags writes; PUT (or POST) `{"seconds": 0}` changes it until the next
        reset, as the Jira sandbox's route does."""
        if request.method != "GET":
            body = await json_or_none(request)
            seconds = body.get("seconds") if isinstance(body, dict) else None
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 3600:
                return JSONResponse({"error": 'send {"seconds": <0 to 3600>}'}, status_code=400)
            self.search.lag = float(seconds)
        return JSONResponse({"seconds": self.search.lag})

    async def _set_rate_limit(self, request: Request) -> Response:
        """`{"remaining": 0}` exhausts the primary limit; `{"secondary": 429, "retry_after": 30, "count": 1}`
        makes the next requests hit a secondary limit."""
        body = await json_or_none(request)
        body = body if isinstance(body, dict) else {}
        if isinstance(body.get("remaining"), int):
            self.limiter.remaining = max(0, min(PRIMARY_LIMIT, body["remaining"]))
        if body.get("secondary") is not None:
            entry = (int(body.get("retry_after", 60)), str(body["secondary"]))
            self.limiter.secondary.extend([entry] * int(body.get("count", 1)))
        return JSONResponse(
            {"remaining": self.limiter.remaining, "secondary_pending": len(self.limiter.secondary)}
        )

    def authenticate(self, request: Request) -> bool:
        token = bearer_token(request, schemes=("bearer", "token"))
        return token is not None and self.context.accepts_token(token)

    def unauthorized(self, request: Request) -> Response:
        response = gh_error(401, "Bad credentials", DOCS)
        response.headers.update(
            {
                "x-ratelimit-limit": "60",
                "x-ratelimit-remaining": "59",
                "x-ratelimit-used": "1",
                "x-ratelimit-reset": str(self.limiter.reset_at),
                "x-ratelimit-resource": "core",
            }
        )
        return response

    def throttled(self, retry_after: int) -> Response:
        response = secondary_limit(429, retry_after)
        response.headers.update(self.limiter.headers())
        return response
