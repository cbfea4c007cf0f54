"""`/rest/api/3/search/jql` over a tiny JQL subset, and the retired `/rest/api/3/search` (410 Gone).

Supported: `project`, `issue`/`key`, `labels`, `status`, `statusCategory`, `priority` (by name),
`resolution` (`Unresolved` until the status is done, as the queues' JQL uses it), `assignee` (`currentUser()`,
`EMPTY`), `reporter`, `summary`/`text ~ "query"` (`jira.text_query`), with `=`, `!=`, `~`, `in (...)`,
`issue in issuesWithRemoteLinksByGlobalId("...")`, `is [not] EMPTY`, joined by AND/OR (AND binds tighter),
and `ORDER BY field [ASC|DESC], ...`. Strings take JQL's escapes only. A query with no restriction is
refused, as Jira does.

Like Jira's, the index is eventually consistent: an issue written less than `site.search_lag` seconds ago
is not found, unless its id is in `reconcileIssues` ("strong consistency issue ids", at most 50).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian.records import IssueRecord
from frontline.sandbox.atlassian.responses import jira_error, read_json
from frontline.sandbox.atlassian.site import AtlassianSite, FieldSelection
from frontline.sandbox.http_helpers import base_url
from frontline.sandbox.jira.text_query import TextQueryError, compile_text_query, words_of

GONE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
UNBOUNDED = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
MAX_RECONCILE = 50
_ESCAPES = {"'": "'", '"': '"', "t": "\t", "n": "\n", "r": "\r", "\\": "\\", " ": " "}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.?)", re.DOTALL)
_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|(!=|!~|=|~|\(|\)|,)|([\w.\-@*]+(?:\(\))?))')


class JqlError(ValueError):
    """The query cannot be parsed or names something unknown; the message is Jira's."""


Predicate = Callable[[IssueRecord], bool]


@dataclass
class Query:
    where: Predicate | None
    order: list[tuple[str, bool]]


def _tokens(jql: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    position = 0
    while position < len(jql):
        if jql[position:].strip() == "":
            break
        match = _TOKEN.match(jql, position)
        if not match or match.end() == position:
            raise JqlError(
                f"Error in the JQL Query: The character '{jql[position]}' is a reserved JQL character."
            )
        dq, sq, op, word = match.groups()
        if dq is not None or sq is not None:
            out.append(("str", _unescape(dq if dq is not None else sq)))
        elif op is not None:
            out.append(("op", op))
        else:
            out.append(("word", word))
        position = match.end()
    return out


def _unescape(raw: str) -> str:
    """A JQL string literal's value; Jira refuses escapes other than its own."""

    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape.startswith("u") and len(escape) == 5:
            return chr(int(escape[1:], 16))
        if escape not in _ESCAPES:
            raise JqlError(
                f"Error in the JQL Query: '\\{escape}' is an illegal JQL escape sequence. The valid escape "
                "sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX."
            )
        return _ESCAPES[escape]

    return _ESCAPE.sub(replace, raw)


class _Parser:
    def __init__(self, site: AtlassianSite, jql: str) -> None:
        self.site = site
        self.tokens = _tokens(jql)
        self.pos = 0

    def peek(self, upper: bool = True) -> str | None:
        if self.pos >= len(self.tokens):
            return None
        kind, value = self.tokens[self.pos]
        if kind == "str":
            return "\x00" + value  # a quoted "AND" is a value, never a keyword
        return value.upper() if upper and kind == "word" else value

    def take(self) -> str:
        if self.pos >= len(self.tokens):
            raise JqlError("Error in the JQL Query: Expecting more input at the end of the query.")
        self.pos += 1
        return self.tokens[self.pos - 1][1]

    def parse(self) -> Query:
        where = None if self.peek() in (None, "ORDER") else self.disjunction()
        order: list[tuple[str, bool]] = []
        if self.peek() == "ORDER":
            self.take()
            if self.peek() != "BY":
                raise JqlError("Error in the JQL Query: Expecting 'by' after 'order'.")
            self.take()
            while True:
                field = self.take().lower()
                descending = False
                if self.peek() in ("ASC", "DESC"):
                    descending = self.take().upper() == "DESC"
                order.append((field, descending))
                if self.peek() != ",":
                    break
                self.take()
        if self.peek() is not None:
            raise JqlError(f"Error in the JQL Query: Expecting end of query but got '{self.peek(False)}'.")
        return Query(where, order)

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda i: any(p(i) for p in parts))

    def conjunction(self) -> Predicate:
        parts = [self.clause()]
        while self.peek() == "AND":
            self.take()
            parts.append(self.clause())
        return parts[0] if len(parts) == 1 else (lambda i: all(p(i) for p in parts))

    def clause(self) -> Predicate:
        if self.peek() == "(":
            self.take()
            inner = self.disjunction()
            if self.take() != ")":
                raise JqlError("Error in the JQL Query: Expecting ')'.")
            return inner
        field = self.take().lower()
        op = self.take().upper()
        if op == "IS":
            negate = self.peek() == "NOT"
            if negate:
                self.take()
            if self.take().upper() not in ("EMPTY", "NULL"):
                raise JqlError("Error in the JQL Query: Expecting 'EMPTY' after 'is'.")
            getter = self._getter(field)
            return lambda i: (not getter(i)) != negate
        if op in ("IN", "NOT"):
            if op == "NOT" and self.take().upper() != "IN":
                raise JqlError("Error in the JQL Query: Expecting 'in' after 'not'.")
            test = self._function(field) if self._at_function() else self._matcher(field, "=", self._list())
            return (lambda i: not test(i)) if op == "NOT" else test
        if op not in ("=", "!=", "~", "!~"):
            raise JqlError(f"Error in the JQL Query: The operator '{op}' is not supported here.")
        return self._matcher(field, op, [self.take()])

    def _list(self) -> list[str]:
        if self.take() != "(":
            raise JqlError("Error in the JQL Query: Expecting '(' to start a list.")
        values = []
        while True:
            values.append(self.take())
            separator = self.take()
            if separator == ")":
                return values
            if separator != ",":
                raise JqlError("Error in the JQL Query: Expecting ',' or ')' in a list.")

    def _at_function(self) -> bool:
        at = self.pos
        return (
            at + 1 < len(self.tokens) and self.tokens[at][0] == "word" and self.tokens[at + 1] == ("op", "(")
        )

    def _function(self, field: str) -> Predicate:
        """`issue in issuesWithRemoteLinksByGlobalId("id", ...)`: issues holding a remote link with one
        of these globalIds (index-backed on Jira too, so it lags like the rest)."""
        name = self.take()
        if name.lower() != "issueswithremotelinksbyglobalid":
            raise JqlError(f"Error in the JQL Query: Unable to find JQL function '{name}()'.")
        if field not in ("issue", "key", "issuekey"):
            raise JqlError(f"Error in the JQL Query: Function '{name}' cannot be used with field '{field}'.")
        wanted = set(self._list())
        if not 1 <= len(wanted) <= 100:
            raise JqlError(f"Function '{name}' expects between 1 and 100 arguments.")
        return lambda i: any(link.global_id in wanted for link in i.remote_links)

    def _getter(self, field: str) -> Callable[[IssueRecord], Any]:
        site = self.site
        getters: dict[str, Callable[[IssueRecord], Any]] = {
            "project": lambda i: i.project_key,
            "key": lambda i: i.key,
            "issue": lambda i: i.key,
            "issuekey": lambda i: i.key,
            "labels": lambda i: i.labels,
            "status": lambda i: site.status_of(i).name,
            "statuscategory": lambda i: site.status_of(i).category,
            "assignee": lambda i: i.assignee_id,
            "reporter": lambda i: i.reporter_id,
            "summary": lambda i: i.summary,
            "text": lambda i: f"{i.summary}\n{i.description}",
            "priority": lambda i: (site.priority_json("", i) or {}).get("name"),
            "resolution": lambda i: "Done" if site.status_of(i).category == "done" else "Unresolved",
        }
        if field not in getters:
            raise JqlError(
                f"Error in the JQL Query: Field '{field}' does not exist "
                "or you do not have permission to view it."
            )
        return getters[field]

    def _matcher(self, field: str, op: str, values: list[str]) -> Predicate:
        getter = self._getter(field)
        if op in ("~", "!~"):
            if field not in ("summary", "text"):
                raise JqlError(
                    f"Error in the JQL Query: The operator '{op}' is not supported by field '{field}'."
                )
            try:
                query = compile_text_query(values[0], field)
            except TextQueryError as exc:
                raise JqlError(str(exc)) from None
            hit: Predicate = lambda i: query(words_of(str(getter(i))))  # noqa: E731
            return (lambda i: not hit(i)) if op == "!~" else hit
        wanted = {self._normalise(field, v) for v in values}

        def test(issue: IssueRecord) -> bool:
            value = getter(issue)
            if isinstance(value, list):
                return bool(wanted & {v.lower() for v in value})
            return (str(value).lower() if value is not None else None) in wanted

        return (lambda i: not test(i)) if op == "!=" else test

    def _normalise(self, field: str, value: str) -> str:
        lowered = value.lower()
        if field == "project":
            project = self.site.project(value)
            if project is None:
                raise JqlError(f"The value '{value}' does not exist for the field 'project'.")
            return project.key.lower()
        if field == "statuscategory":
            return {"to do": "new", "in progress": "indeterminate"}.get(lowered, lowered)
        if field == "assignee" and lowered == "currentuser()":
            return self.site.me.account_id.lower()
        return lowered


def parse_jql(site: AtlassianSite, jql: str) -> Query:
    """Parse `jql` against `site`. Raises `JqlError` with Jira's wording."""
    return _Parser(site, jql).parse()


def _sort_key(site: AtlassianSite, field: str) -> Callable[[IssueRecord], Any]:
    keys: dict[str, Callable[[IssueRecord], Any]] = {
        "created": lambda i: i.created,
        "updated": lambda i: i.updated,
        "key": lambda i: (i.project_key, int(i.key.rsplit("-", 1)[1])),
        "priority": lambda i: i.priority_id or "9",
        "summary": lambda i: i.summary.lower(),
        "status": lambda i: site.status_of(i).name,
    }
    return keys.get(field, keys["key"])


class SearchApi:
    """The enhanced search endpoints."""

    def __init__(self, site: AtlassianSite) -> None:
        self.site = site

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/rest/api/3/search/jql", self.search, methods=["GET", "POST"]),
            Route("/rest/api/3/search", self.gone, methods=["GET", "POST"]),
        ]

    async def gone(self, request: Request) -> Response:
        return jira_error(410, [GONE])

    async def search(self, request: Request) -> Response:
        if request.method == "POST":
            body, error = await read_json(request)
            if error:
                return error
            if not isinstance(body, dict):
                return jira_error(400, ["The request body must be a JSON object."])
            params: dict[str, Any] = body
        else:
            query = request.query_params
            params = {k: query.get(k) for k in ("jql", "nextPageToken", "maxResults", "expand")}
            params["fields"] = ",".join(query.getlist("fields")) or None
            ids = [v for raw in query.getlist("reconcileIssues") for v in raw.split(",")]
            params["reconcileIssues"] = [int(v) if v.isdigit() else v for v in ids]
        jql = params.get("jql") or ""
        try:
            parsed = parse_jql(self.site, jql)
        except JqlError as exc:
            return jira_error(400, [str(exc)])
        if parsed.where is None:
            return jira_error(400, [UNBOUNDED])
        wanted = FieldSelection.parse(params.get("fields"), "id")
        try:
            limit = int(params.get("maxResults") or 50)
        except (TypeError, ValueError):
            return jira_error(400, ["maxResults must be a number."])
        limit = max(1, min(limit, 5000 if wanted.only_id else 100))
        offset = _read_token(params.get("nextPageToken"), jql)
        if offset is None:
            return jira_error(400, ["The provided next page token is invalid or expired."])
        reconcile = params.get("reconcileIssues") or []
        if (
            not isinstance(reconcile, list)
            or len(reconcile) > MAX_RECONCILE
            or any(isinstance(i, bool) or not isinstance(i, int) for i in reconcile)
        ):
            return jira_error(400, [f"reconcileIssues takes at most {MAX_RECONCILE} issue ids (numbers)."])
        fresh = {str(i) for i in reconcile}
        where = parsed.where
        matches = [
            issue
            for issue in self.site.issues.values()
            if (issue.id in fresh or self.site.indexed(issue)) and self.site.visible(issue) and where(issue)
        ]
        for field, descending in reversed(parsed.order or [("key", True)]):
            matches.sort(key=_sort_key(self.site, field), reverse=descending)
        page = matches[offset : offset + limit]
        base = base_url(request)
        result: dict[str, Any] = {
            "issues": [self.site.render_issue(base, issue, wanted) for issue in page],
            "isLast": offset + limit >= len(matches),
        }
        if not result["isLast"]:
            result["nextPageToken"] = _make_token(offset + limit, jql)
        return JSONResponse(result)


def _make_token(offset: int, jql: str) -> str:
    raw = json.dumps({"o": offset, "q": jql}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: Any, jql: str) -> int | None:
    if not token:
        return 0
    try:
        padded = str(token) + "=" * (-len(str(token)) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded))
        return int(data["o"]) if data.get("q") == jql else None
    except (ValueError, KeyError, TypeError):
        return None
