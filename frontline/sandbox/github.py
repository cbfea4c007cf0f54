"""Fake GitHub Issues REST API for escalations: repo `acme/app`, issues (and PRs), comments, labels.

Every response carries the `x-ratelimit-*` headers. The primary limit can run out (403 with
`x-ratelimit-remaining: 0`), creating content too fast trips the secondary limit (403 with
`retry-after`), and the control endpoint sets either state for tests.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian import read_json
from frontline.sandbox.github_seed import GhComment, GhIssue, GhRepo, seed_github
from frontline.sandbox.system import SandboxContext, SandboxSystem

DOCS = "https://docs.github.com/rest"
RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_DOCS = (
    "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)
PRIMARY_LIMIT = 5000
CONTENT_PER_MINUTE = 80
Handler = Callable[[Request], Awaitable[Response]]


def gh_error(
    status: int, message: str, docs: str = DOCS, errors: list[dict[str, Any]] | None = None
) -> Response:
    body: dict[str, Any] = {"message": message, "documentation_url": docs}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status)


def gh_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class RateLimiter:
    """The primary hourly budget and the content-creation secondary limit."""

    def __init__(self, context: SandboxContext) -> None:
        self.context = context
        self.remaining = PRIMARY_LIMIT
        self.reset_at = int(context.clock().timestamp()) + 3600
        self.secondary: list[tuple[int, str]] = []
        """Forced secondary-limit answers: (retry_after, "403"|"429"), consumed one per request."""
        self._content_times: list[float] = []

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(PRIMARY_LIMIT),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-used": str(PRIMARY_LIMIT - self.remaining),
            "x-ratelimit-reset": str(self.reset_at),
            "x-ratelimit-resource": "core",
        }

    def check(self, request: Request) -> Response | None:
        """Spend one request; the 403/429 answer when a limit is hit."""
        now = self.context.clock().timestamp()
        if now >= self.reset_at:
            self.remaining, self.reset_at = PRIMARY_LIMIT, int(now) + 3600
        if self.secondary:
            retry_after, status = self.secondary.pop(0)
            return secondary_limit(int(status), retry_after)
        if self.remaining <= 0:
            return gh_error(403, "API rate limit exceeded for user ID 1.", RATE_DOCS)
        self.remaining -= 1
        if request.method in ("POST", "PATCH", "PUT", "DELETE"):
            self._content_times = [t for t in self._content_times if now - t < 60] + [now]
            if len(self._content_times) > CONTENT_PER_MINUTE:
                return secondary_limit(403, 60)
        return None


def secondary_limit(status: int, retry_after: int) -> Response:
    response = gh_error(
        status,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
        "If you reach out to GitHub Support for help, please include the request ID.",
        SECONDARY_DOCS,
    )
    response.headers["retry-after"] = str(retry_after)
    return response


class GithubApi:
    """The routes over the seeded repositories."""

    def __init__(self, system: GithubSystem) -> None:
        self.system = system

    @property
    def repos(self) -> dict[str, GhRepo]:
        return self.system.repos

    def routes(self) -> list[BaseRoute]:
        r = "/repos/{owner}/{repo}"
        table: list[tuple[str, Handler, str]] = [
            ("/user", self.user, "GET"),
            (r, self.repo, "GET"),
            (f"{r}/issues", self.list_issues, "GET"),
            (f"{r}/issues", self.create_issue, "POST"),
            (f"{r}/issues/{{number:int}}", self.get_issue, "GET"),
            (f"{r}/issues/{{number:int}}", self.update_issue, "PATCH"),
            (f"{r}/issues/{{number:int}}/comments", self.list_comments, "GET"),
            (f"{r}/issues/{{number:int}}/comments", self.add_comment, "POST"),
            (f"{r}/issues/{{number:int}}/labels", self.add_labels, "POST"),
            (f"{r}/labels", self.list_labels, "GET"),
            (f"{r}/labels", self.create_label, "POST"),
        ]
        return [Route(path, self._limited(handler), methods=[method]) for path, handler, method in table]

    def _limited(self, handler: Handler) -> Handler:
        async def wrapped(request: Request) -> Response:
            limiter = self.system.limiter
            response = limiter.check(request) or await handler(request)
            response.headers.update(limiter.headers())
            response.headers.setdefault("x-github-api-version-selected", "2022-11-28")
            return response

        return wrapped

    # -- helpers -------------------------------------------------------------------------------------
    def _repo(self, request: Request) -> GhRepo | None:
        return self.repos.get(f"{request.path_params['owner']}/{request.path_params['repo']}".lower())

    def _base(self, request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def _page(self, request: Request, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
        """Slice by `page`/`per_page` and build the `Link` header GitHub sends."""
        try:
            per_page = max(1, min(100, int(request.query_params.get("per_page", 30))))
            page = max(1, int(request.query_params.get("page", 1)))
        except ValueError:
            per_page, page = 30, 1
        last = max(1, math.ceil(len(items) / per_page))
        links = []

        def url(number: int) -> str:
            params = dict(request.query_params)
            params.update({"per_page": str(per_page), "page": str(number)})
            query = urlencode(params)
            return f"<{self._base(request)}{request.url.path}?{query}>"

        if page < last:
            links += [f'{url(page + 1)}; rel="next"', f'{url(last)}; rel="last"']
        if page > 1:
            links += [f'{url(1)}; rel="first"', f'{url(page - 1)}; rel="prev"']
        headers = {"link": ", ".join(links)} if links else {}
        return items[(page - 1) * per_page : page * per_page], headers

    def _not_found(self) -> Response:
        return gh_error(404, "Not Found", f"{DOCS}/issues/issues#get-an-issue")

    def _issue(self, request: Request) -> tuple[GhRepo | None, GhIssue | None]:
        repo = self._repo(request)
        issue = repo.issues.get(request.path_params["number"]) if repo else None
        return repo, issue

    def _labels_from(self, repo: GhRepo, raw: Any) -> list[str] | None:
        if not isinstance(raw, list):
            return None
        names = [item.get("name") if isinstance(item, dict) else item for item in raw]
        if not all(isinstance(n, str) and n for n in names):
            return None
        for name in names:
            repo.ensure_label(name)
        return list(dict.fromkeys(names))

    # -- routes ---------------------------------------------------------------------------------------
    async def user(self, request: Request) -> Response:
        return JSONResponse(self.system.me_json(self._base(request)))

    async def repo(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return self._not_found()
        return JSONResponse(repo.json(self._base(request)))

    async def list_issues(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return self._not_found()
        state = request.query_params.get("state", "open")
        if state not in ("open", "closed", "all"):
            return gh_error(
                422, "Validation Failed", errors=[{"resource": "Issue", "field": "state", "code": "invalid"}]
            )
        wanted = [x.strip().lower() for x in request.query_params.get("labels", "").split(",") if x.strip()]
        items = [
            issue
            for issue in repo.issues.values()
            if (state == "all" or issue.state == state)
            and all(w in [n.lower() for n in issue.labels] for w in wanted)
        ]
        key = "updated" if request.query_params.get("sort") == "updated" else "created"
        items.sort(
            key=lambda i: (getattr(i, key), i.number), reverse=request.query_params.get("direction") != "asc"
        )
        page, headers = self._page(request, items)
        base = self._base(request)
        return JSONResponse([repo.issue_json(base, i) for i in page], headers=headers)

    async def create_issue(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return self._not_found()
        body, error = await read_json(request)
        if error:
            return gh_error(400, "Problems parsing JSON")
        if not isinstance(body, dict):
            return gh_error(400, "Problems parsing JSON")
        title = body.get("title")
        if isinstance(title, int) and not isinstance(title, bool):
            title = str(title)
        if not isinstance(title, str) or not title.strip():
            return gh_error(
                422,
                "Validation Failed",
                f"{DOCS}/issues/issues#create-an-issue",
                [{"resource": "Issue", "code": "missing_field", "field": "title"}],
            )
        labels = self._labels_from(repo, body.get("labels", []))
        if labels is None:
            return gh_error(
                422, "Validation Failed", errors=[{"resource": "Issue", "field": "labels", "code": "invalid"}]
            )
        assignees = body.get("assignees") or ([body["assignee"]] if body.get("assignee") else [])
        if not isinstance(assignees, list) or any(a not in self.system.logins for a in assignees):
            return gh_error(
                422,
                "Validation Failed",
                errors=[{"resource": "Issue", "field": "assignees", "code": "invalid"}],
            )
        body_text = body.get("body")
        issue = repo.add_issue(
            title=title,
            body=body_text if isinstance(body_text, str) else None,
            labels=labels,
            assignees=list(assignees),
            author=self.system.me_login,
            now=self.system.context.clock(),
        )
        base = self._base(request)
        payload = repo.issue_json(base, issue)
        return JSONResponse(payload, status_code=201, headers={"location": payload["url"]})

    async def get_issue(self, request: Request) -> Response:
        repo, issue = self._issue(request)
        if repo is None or issue is None:
            return self._not_found()
        return JSONResponse(repo.issue_json(self._base(request), issue))

    async def update_issue(self, request: Request) -> Response:
        repo, issue = self._issue(request)
        if repo is None or issue is None:
            return self._not_found()
        body, error = await read_json(request)
        if error or not isinstance(body, dict):
            return gh_error(400, "Problems parsing JSON")
        if "state" in body and body["state"] not in ("open", "closed"):
            return gh_error(
                422, "Validation Failed", errors=[{"resource": "Issue", "field": "state", "code": "invalid"}]
            )
        if "labels" in body:
            labels = self._labels_from(repo, body["labels"])
            if labels is None:
                return gh_error(
                    422,
                    "Validation Failed",
                    errors=[{"resource": "Issue", "field": "labels", "code": "invalid"}],
                )
            issue.labels = labels
        if isinstance(body.get("title"), str) and body["title"].strip():
            issue.title = body["title"]
        if "body" in body and (body["body"] is None or isinstance(body["body"], str)):
            issue.body = body["body"]
        if isinstance(body.get("assignees"), list):
            issue.assignees = [a for a in body["assignees"] if a in self.system.logins]
        now = self.system.context.clock()
        if body.get("state") == "closed" and issue.state == "open":
            issue.state, issue.closed_at = "closed", now
            issue.state_reason = body.get("state_reason") or "completed"
        elif body.get("state") == "open" and issue.state == "closed":
            issue.state, issue.closed_at, issue.state_reason = "open", None, "reopened"
        issue.updated = now
        return JSONResponse(repo.issue_json(self._base(request), issue))

    async def list_comments(self, request: Request) -> Response:
        repo, issue = self._issue(request)
        if repo is None or issue is None:
            return self._not_found()
        page, headers = self._page(request, issue.comments)
        base = self._base(request)
        return JSONResponse([repo.comment_json(base, issue, c) for c in page], headers=headers)

    async def add_comment(self, request: Request) -> Response:
        repo, issue = self._issue(request)
        if repo is None or issue is None:
            return self._not_found()
        body, error = await read_json(request)
        if error or not isinstance(body, dict):
            return gh_error(400, "Problems parsing JSON")
        text = body.get("body")
        if not isinstance(text, str) or not text.strip():
            return gh_error(
                422,
                "Validation Failed",
                f"{DOCS}/issues/comments#create-an-issue-comment",
                [{"resource": "IssueComment", "code": "missing_field", "field": "body"}],
            )
        now = self.system.context.clock()
        comment = GhComment(next(self.system.comment_ids), text, self.system.me_login, now)
        issue.comments.append(comment)
        issue.updated = now
        return JSONResponse(repo.comment_json(self._base(request), issue, comment), status_code=201)

    async def add_labels(self, request: Request) -> Response:
        repo, issue = self._issue(request)
        if repo is None or issue is None:
            return self._not_found()
        body, error = await read_json(request)
        raw = body.get("labels") if isinstance(body, dict) else body
        labels = None if error else self._labels_from(repo, raw)
        if labels is None:
            return gh_error(
                422, "Validation Failed", errors=[{"resource": "Label", "field": "labels", "code": "invalid"}]
            )
        issue.labels = list(dict.fromkeys([*issue.labels, *labels]))
        base = self._base(request)
        return JSONResponse([repo.label_json(base, name) for name in issue.labels])

    async def list_labels(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return self._not_found()
        page, headers = self._page(request, list(repo.labels))
        base = self._base(request)
        return JSONResponse([repo.label_json(base, name) for name in page], headers=headers)

    async def create_label(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return self._not_found()
        body, error = await read_json(request)
        name = body.get("name") if isinstance(body, dict) else None
        if error or not isinstance(name, str) or not name.strip():
            return gh_error(
                422,
                "Validation Failed",
                errors=[{"resource": "Label", "code": "missing_field", "field": "name"}],
            )
        if name.lower() in (n.lower() for n in repo.labels):
            return gh_error(
                422,
                "Validation Failed",
                errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
            )
        repo.ensure_label(name, str(body.get("color") or "ededed"), body.get("description"))
        return JSONResponse(repo.label_json(self._base(request), name), status_code=201)


class GithubSystem(SandboxSystem):
    """GitHub REST (issues, comments, labels) for one organisation's repositories."""

    name: ClassVar[str] = "github"
    title: ClassVar[str] = "GitHub"
    me_login = "frontline-sandbox"

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.reset()

    def reset(self) -> None:
        self.repos = {
            repo.full_name.lower(): repo for repo in seed_github(self.context.seed, self.context.clock())
        }
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
        return GithubApi(self).routes()

    def control_routes(self) -> list[BaseRoute]:
        return [Route("/github/rate-limit", self._set_rate_limit, methods=["POST"])]

    async def _set_rate_limit(self, request: Request) -> Response:
        """`{"remaining": 0}` exhausts the primary limit; `{"secondary": 429, "retry_after": 30, "count": 1}`
        makes the next requests hit a secondary limit."""
        body, _ = await read_json(request)
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
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        return (
            scheme.lower() in ("bearer", "token")
            and token == self.context.token
            and token not in self.context.revoked_tokens
        )

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
