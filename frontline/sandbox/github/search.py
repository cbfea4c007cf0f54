"""`GET /search/issues`: GitHub's issue search over an index that lags writes, with its own rate limit.

Real GitHub indexes a write seconds to minutes after it lands, so a client that checks for a duplicate
through search alone files a second issue. Here every write reaches the index `lag` seconds later (2 s by
default; `POST /__sandbox__/github/search-lag {"seconds": 0}` changes it), measured on the monotonic
clock. Queries follow GitHub's rules: at most 256 characters and five AND/OR/NOT operators; qualifiers
`repo:`, `is:`, `state:`, `in:`, `label:`, `author:`; quoted phrases match consecutive words; bare terms
must all match unless the query says `OR`. Search has its own budget: 30 requests a minute.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.github.errors import DOCS, gh_error
from frontline.sandbox.github.store import GhIssue, GhRepo
from frontline.sandbox.http_helpers import base_url, int_param

if TYPE_CHECKING:
    from frontline.sandbox.github.system import GithubSystem

DEFAULT_LAG_SECONDS = 2.0
MAX_QUERY_CHARS = 256
MAX_OPERATORS = 5
SEARCH_DOCS = f"{DOCS}/search/search#search-issues-and-pull-requests"
_TOKENS = re.compile(r'"([^"]*)"?|([()])|([^\s()"]+)')
_WORDS = re.compile(r"\w+")
_QUALIFIERS = frozenset({"repo", "is", "state", "in", "label", "author", "type"})


def words(text: str) -> tuple[str, ...]:
    """Lower-case words, the way the index tokenises titles, bodies and phrases."""
    return tuple(_WORDS.findall(text.lower()))


@dataclass
class Query:
    """A parsed `q`: qualifiers (all must hold) and terms (all, or any when the query says OR)."""

    qualifiers: list[tuple[str, str]] = field(default_factory=list)
    terms: list[tuple[str, ...]] = field(default_factory=list)
    any_term: bool = False


def parse_query(text: str) -> Query | str:
    """The query, or GitHub's message for one it refuses."""
    if not text.strip():
        return "Validation Failed"
    if len(text) > MAX_QUERY_CHARS:
        return "The search is longer than 256 characters."
    query = Query()
    operators = 0
    for phrase, _paren, token in _TOKENS.findall(text):
        if token in ("AND", "OR", "NOT"):
            operators += 1
            query.any_term = query.any_term or token == "OR"
            continue
        key, sep, value = token.partition(":")
        if sep and key.lower() in _QUALIFIERS and value:
            query.qualifiers.append((key.lower(), value.strip('"').lower()))
            continue
        term = words(phrase or token)
        if term:
            query.terms.append(term)
    if operators > MAX_OPERATORS:
        return "The search contains more than five AND / OR / NOT operators."
    return query


class SearchIndex:
    """What search sees: each write's snapshot becomes visible `lag` seconds after it happened."""

    def __init__(self, lag: float = DEFAULT_LAG_SECONDS, now: Callable[[], float] = time.monotonic) -> None:
        self.lag = lag
        self._now = now
        self._entries: dict[tuple[str, int], GhIssue] = {}
        self._pending: list[tuple[float, str, GhIssue]] = []

    def rebuild(self, repos: dict[str, GhRepo]) -> None:
        """Everything seeded is indexed; nothing is pending."""
        self._entries = {
            (key, n): copy.deepcopy(i) for key, repo in repos.items() for n, i in repo.issues.items()
        }
        self._pending = []

    def record(self, repo: GhRepo, issue: GhIssue) -> None:
        """A write happened: search sees the issue as it is now, `lag` seconds from now."""
        self._pending.append((self._now() + self.lag, repo.full_name.lower(), copy.deepcopy(issue)))

    def visible(self) -> list[tuple[str, GhIssue]]:
        """The indexed issues (their repository key and snapshot), after applying what is due."""
        now, waiting = self._now(), []
        for due, key, issue in self._pending:
            if due <= now:
                self._entries[(key, issue.number)] = issue
            else:
                waiting.append((due, key, issue))
        self._pending = waiting
        return [(key, issue) for (key, _), issue in self._entries.items()]


def _score(query: Query, repo: GhRepo, issue: GhIssue) -> int:
    """How many terms match (at least 1 for a query without terms); 0 when the issue is not a hit."""
    fields = {"title", "body", "comments"}
    for key, value in query.qualifiers:
        if key == "repo" and value != repo.full_name.lower():
            return 0
        if key in ("is", "type", "state"):
            if value in ("issue", "pr", "pull-request") and (value == "issue") == issue.is_pull_request:
                return 0
            if value in ("open", "closed") and issue.state != value:
                return 0
        if key == "label" and value not in (name.lower() for name in issue.labels):
            return 0
        if key == "author" and value != issue.author.lower():
            return 0
        if key == "in":
            fields = {part for part in value.split(",") if part in ("title", "body", "comments")} or fields
    if not query.terms:
        return 1
    texts = []
    if "title" in fields:
        texts.append(issue.title)
    if "body" in fields:
        texts.append(issue.body or "")
    if "comments" in fields:
        texts += [comment.body for comment in issue.comments]
    haystack = [f" {' '.join(words(text))} " for text in texts]
    matched = sum(1 for term in query.terms if any(f" {' '.join(term)} " in text for text in haystack))
    if query.any_term:
        return matched
    return matched if matched == len(query.terms) else 0


class SearchApi:
    """The search route; its budget is the limiter's `search` resource."""

    def __init__(self, system: GithubSystem) -> None:
        self.system = system

    def routes(self) -> list[BaseRoute]:
        return [Route("/search/issues", self.search_issues, methods=["GET"])]

    async def search_issues(self, request: Request) -> Response:
        limiter = self.system.limiter
        response = limiter.check_search() or self._answer(request)
        response.headers.update(limiter.search_headers())
        response.headers.setdefault("x-github-api-version-selected", "2022-11-28")
        return response

    def _answer(self, request: Request) -> Response:
        query = parse_query(request.query_params.get("q", ""))
        if isinstance(query, str):
            errors = [{"resource": "Search", "field": "q", "code": "invalid", "message": query}]
            return gh_error(422, "Validation Failed", SEARCH_DOCS, errors)
        hits: list[tuple[int, GhRepo, GhIssue]] = []
        for key, issue in self.system.search.visible():
            repo = self.system.repos.get(key)
            if repo is None or not repo.has_issues:
                continue
            score = _score(query, repo, issue)
            if score:
                hits.append((score, repo, issue))
        hits.sort(key=lambda hit: (hit[0], hit[2].created, hit[2].number), reverse=True)
        per_page = int_param(request, "per_page", 30, lowest=1, highest=100)
        page = int_param(request, "page", 1, lowest=1)
        window = hits[(page - 1) * per_page : page * per_page]
        base = base_url(request)
        items: list[dict[str, Any]] = []
        for score, repo, issue in window:
            items.append({**repo.issue_json(base, issue), "score": float(score)})
        return JSONResponse({"total_count": len(hits), "incomplete_results": False, "items": items})
