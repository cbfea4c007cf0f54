"""The GitHub Issues REST paths the sandbox serves: repository, issues (and PRs), comments and labels.

Every route first spends the rate-limit budget (see `limits`) and answers with the `x-ratelimit-*`
headers, as GitHub does. Permissions behave as on GitHub: without push access, labels and assignees in
an issue write are silently dropped when the labels exist, an unknown label is refused (403), and labels
cannot be created; a repository with issues turned off answers 410 on every issue route. Every issue
write reaches the search index late (see `search`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.github.errors import DOCS, bad_json, gh_error, not_found, validation_failed
from frontline.sandbox.github.store import GhComment, GhIssue, GhRepo
from frontline.sandbox.http_helpers import Handler, InvalidJson, base_url, json_body

if TYPE_CHECKING:
    from frontline.sandbox.github.system import GithubSystem


async def json_or_none(request: Request) -> Any:
    """The JSON body, or None when it is missing or not JSON (GitHub answers both the same way)."""
    try:
        return await json_body(request)
    except InvalidJson:
        return None


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
            (f"{r}/labels/{{name:path}}", self.get_label, "GET"),
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
            return f"<{base_url(request)}{request.url.path}?{query}>"

        if page < last:
            links += [f'{url(page + 1)}; rel="next"', f'{url(last)}; rel="last"']
        if page > 1:
            links += [f'{url(1)}; rel="first"', f'{url(page - 1)}; rel="prev"']
        headers = {"link": ", ".join(links)} if links else {}
        return items[(page - 1) * per_page : page * per_page], headers

    def _issues_repo(self, request: Request) -> GhRepo | Response:
        """The repository of an issue route, or GitHub's 404 (unknown) or 410 (issues turned off)."""
        repo = self._repo(request)
        if repo is None:
            return not_found()
        if not repo.has_issues:
            return gh_error(410, "Issues are disabled for this repo", f"{DOCS}/issues/issues")
        return repo

    def _issue(self, request: Request) -> tuple[GhRepo, GhIssue] | Response:
        repo = self._issues_repo(request)
        if isinstance(repo, Response):
            return repo
        issue = repo.issues.get(request.path_params["number"])
        return (repo, issue) if issue is not None else not_found()

    def _labels_from(self, repo: GhRepo, raw: Any) -> list[str] | Response:
        """Label names from a list of names or `{"name"}` objects, as GitHub stores them: created when new
        with push access; without it, dropped when they exist and refused (403) when they do not."""
        if not isinstance(raw, list):
            return validation_failed("Issue", "labels", "invalid")
        names = [item.get("name") if isinstance(item, dict) else item for item in raw]
        labels = [name for name in names if isinstance(name, str) and name]
        if len(labels) != len(names):
            return validation_failed("Issue", "labels", "invalid")
        if not repo.push:
            if any(repo.label_named(name) is None for name in labels):
                return no_label_permission()
            return []
        return list(dict.fromkeys(repo.ensure_label(name) for name in labels))

    def _indexed(self, repo: GhRepo, issue: GhIssue) -> None:
        """Hand a written issue to the (lagging) search index."""
        self.system.search.record(repo, issue)

    # -- routes ---------------------------------------------------------------------------------------
    async def user(self, request: Request) -> Response:
        return JSONResponse(self.system.me_json(base_url(request)))

    async def repo(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return not_found()
        return JSONResponse(repo.json(base_url(request)))

    async def list_issues(self, request: Request) -> Response:
        repo = self._issues_repo(request)
        if isinstance(repo, Response):
            return repo
        query = request.query_params
        state = query.get("state", "open")
        if state not in ("open", "closed", "all"):
            return validation_failed("Issue", "state", "invalid")
        wanted = [x.strip().lower() for x in query.get("labels", "").split(",") if x.strip()]
        creator = query.get("creator", "").lower()
        items = [
            issue
            for issue in repo.issues.values()
            if (state == "all" or issue.state == state)
            and all(w in [n.lower() for n in issue.labels] for w in wanted)
            and (not creator or issue.author.lower() == creator)
        ]
        key = "updated" if query.get("sort") == "updated" else "created"
        items.sort(key=lambda i: (getattr(i, key), i.number), reverse=query.get("direction") != "asc")
        page, headers = self._page(request, items)
        base = base_url(request)
        return JSONResponse([repo.issue_json(base, i) for i in page], headers=headers)

    async def create_issue(self, request: Request) -> Response:
        repo = self._issues_repo(request)
        if isinstance(repo, Response):
            return repo
        body = await json_or_none(request)
        if not isinstance(body, dict):
            return bad_json()
        title = body.get("title")
        if isinstance(title, int) and not isinstance(title, bool):
            title = str(title)
        if not isinstance(title, str) or not title.strip():
            return validation_failed(
                "Issue", "title", "missing_field", f"{DOCS}/issues/issues#create-an-issue"
            )
        labels = self._labels_from(repo, body.get("labels", []))
        if isinstance(labels, Response):
            return labels
        assignees = body.get("assignees") or ([body["assignee"]] if body.get("assignee") else [])
        if not isinstance(assignees, list) or any(a not in self.system.logins for a in assignees):
            return validation_failed("Issue", "assignees", "invalid")
        body_text = body.get("body")
        issue = repo.add_issue(
            title=title,
            body=body_text if isinstance(body_text, str) else None,
            labels=labels,
            assignees=list(assignees) if repo.push else [],
            author=self.system.me_login,
            now=self.system.context.clock(),
        )
        self._indexed(repo, issue)
        base = base_url(request)
        payload = repo.issue_json(base, issue)
        return JSONResponse(payload, status_code=201, headers={"location": payload["url"]})

    async def get_issue(self, request: Request) -> Response:
        found = self._issue(request)
        if isinstance(found, Response):
            return found
        repo, issue = found
        return JSONResponse(repo.issue_json(base_url(request), issue))

    async def update_issue(self, request: Request) -> Response:
        found = self._issue(request)
        if isinstance(found, Response):
            return found
        repo, issue = found
        body = await json_or_none(request)
        if not isinstance(body, dict):
            return bad_json()
        if "state" in body and body["state"] not in ("open", "closed"):
            return validation_failed("Issue", "state", "invalid")
        if "labels" in body:
            labels = self._labels_from(repo, body["labels"])
            if isinstance(labels, Response):
                return labels
            if repo.push:
                issue.labels = labels
        if isinstance(body.get("title"), str) and body["title"].strip():
            issue.title = body["title"]
        if "body" in body and (body["body"] is None or isinstance(body["body"], str)):
            issue.body = body["body"]
        if isinstance(body.get("assignees"), list) and repo.push:
            issue.assignees = [a for a in body["assignees"] if a in self.system.logins]
        now = self.system.context.clock()
        if body.get("state") == "closed" and issue.state == "open":
            issue.state, issue.closed_at = "closed", now
            issue.state_reason = body.get("state_reason") or "completed"
        elif body.get("state") == "open" and issue.state == "closed":
            issue.state, issue.closed_at, issue.state_reason = "open", None, "reopened"
        issue.updated = now
        self._indexed(repo, issue)
        return JSONResponse(repo.issue_json(base_url(request), issue))

    async def list_comments(self, request: Request) -> Response:
        found = self._issue(request)
        if isinstance(found, Response):
            return found
        repo, issue = found
        page, headers = self._page(request, issue.comments)
        base = base_url(request)
        return JSONResponse([repo.comment_json(base, issue, c) for c in page], headers=headers)

    async def add_comment(self, request: Request) -> Response:
        found = self._issue(request)
        if isinstance(found, Response):
            return found
        repo, issue = found
        body = await json_or_none(request)
        if not isinstance(body, dict):
            return bad_json()
        text = body.get("body")
        if not isinstance(text, str) or not text.strip():
            return validation_failed(
                "IssueComment", "body", "missing_field", f"{DOCS}/issues/comments#create-an-issue-comment"
            )
        now = self.system.context.clock()
        comment = GhComment(next(self.system.comment_ids), text, self.system.me_login, now)
        issue.comments.append(comment)
        issue.updated = now
        self._indexed(repo, issue)
        return JSONResponse(repo.comment_json(base_url(request), issue, comment), status_code=201)

    async def add_labels(self, request: Request) -> Response:
        found = self._issue(request)
        if isinstance(found, Response):
            return found
        repo, issue = found
        if not repo.push:
            return no_label_permission()
        body = await json_or_none(request)
        raw = body.get("labels") if isinstance(body, dict) else body
        labels = self._labels_from(repo, raw)
        if isinstance(labels, Response):
            return labels
        issue.labels = list(dict.fromkeys([*issue.labels, *labels]))
        self._indexed(repo, issue)
        base = base_url(request)
        return JSONResponse([repo.label_json(base, name) for name in issue.labels])

    async def list_labels(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return not_found()
        page, headers = self._page(request, list(repo.labels))
        base = base_url(request)
        return JSONResponse([repo.label_json(base, name) for name in page], headers=headers)

    async def get_label(self, request: Request) -> Response:
        repo = self._repo(request)
        name = repo.label_named(request.path_params["name"]) if repo else None
        if repo is None or name is None:
            return not_found(f"{DOCS}/issues/labels#get-a-label")
        return JSONResponse(repo.label_json(base_url(request), name))

    async def create_label(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return not_found()
        if not repo.push:
            return no_label_permission()
        body = await json_or_none(request)
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(body, dict) or not isinstance(name, str) or not name.strip():
            return validation_failed("Label", "name", "missing_field")
        if repo.label_named(name) is not None:
            return validation_failed("Label", "name", "already_exists")
        repo.ensure_label(name, str(body.get("color") or "ededed"), body.get("description"))
        return JSONResponse(repo.label_json(base_url(request), name), status_code=201)


def no_label_permission() -> Response:
    """GitHub's 403 for a label write (or an unknown label in an issue write) without push access."""
    return gh_error(
        403,
        "You do not have permission to create labels on this repository.",
        f"{DOCS}/issues/labels#create-a-label",
        [{"resource": "Repository", "field": "label", "code": "unauthorized"}],
    )
