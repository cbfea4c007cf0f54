"""A fake vendor made only of the vendors' own examples: every answer comes from `shared/specs/`.

`ExampleServer(*specs)` is an `httpx.MockTransport` handler. A request is matched by method and path
template (literal segments before `{parameters}`, Zendesk's `.json` suffix ignored, the query ignored,
so `start` and cursors are ignored the way a static example server ignores them). It answers with the
operation's first documented 2xx response: its `example`, else the first of its `examples` (a `$ref`
followed), else a minimal instance of its schema (required properties only). A 204 or an operation
with no JSON content answers empty; a path no spec knows answers 404. Every request is kept, so a test
can bound how many a command sends; past `budget` the handler raises `RunawayClient` so a client that
would loop forever fails fast instead of hanging the suite.

`rewrite` changes each body before it is sent: `last_page` makes every list say it is complete (the
examples say "more pages" and ignore `start`, so as written no JSM list can be read to its end), and a
test can pass its own to plant hostile values (absurd dates) in otherwise official answers.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"
JSM = "jira-servicedesk.json"
JIRA = "jira-platform-v3.json"
ZENDESK = "zendesk-support-oas.yaml"
_METHODS = ("get", "put", "post", "delete", "patch")
_SAMPLE_TIME = "2015-10-09T10:22:00.000+0000"
_MAX_DEPTH = 12


class RunawayClient(AssertionError):
    """The client sent more requests than the test's budget: it would have gone on for ever."""


class _SpecLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading; the YAML 1.1 `value` tag (a bare `=`) and unquoted timestamps stay the text they
    are, as the JSON a server sends would carry them."""


for _tag in ("tag:yaml.org,2002:value", "tag:yaml.org,2002:timestamp"):
    _SpecLoader.add_constructor(_tag, lambda loader, node: loader.construct_scalar(node))


@cache
def load_spec(name: str) -> dict[str, Any]:
    """One of the vendor specs, parsed once per test session."""
    path = SPECS / name
    with path.open("rb") as handle:
        if name.endswith(".json"):
            return json.load(handle)
        return yaml.load(handle, Loader=_SpecLoader)


@dataclass(frozen=True)
class Route:
    """One documented operation: where it is, and the spec it comes from."""

    method: str
    template: str
    pattern: re.Pattern[str]
    operation: dict[str, Any]
    spec: dict[str, Any]


@cache
def routes(name: str) -> tuple[Route, ...]:
    """Every operation of spec `name`, the most literal templates first."""
    spec = load_spec(name)
    found = []
    for template, item in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        for method in _METHODS:
            if isinstance(item.get(method), dict):
                found.append(Route(method.upper(), template, pattern, item[method], spec))
    found.sort(key=lambda r: (r.template.count("{"), -len(r.template)))
    return tuple(found)


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """`node` with its `$ref` (a `#/...` pointer inside `spec`) followed, repeatedly."""
    for _ in range(20):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def minimal_instance(spec: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    """The smallest value the schema accepts (its own `example` when it gives one)."""
    schema = resolve(spec, schema)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return None
    if "example" in schema:
        return schema["example"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = minimal_instance(spec, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return minimal_instance(spec, schema[key][0], depth + 1)
    kind = schema.get("type") or ("object" if "properties" in schema else None)
    if kind == "object":
        properties = schema.get("properties") or {}
        return {
            name: minimal_instance(spec, properties.get(name, {}), depth + 1)
            for name in schema.get("required") or []
        }
    if kind == "array":
        return [minimal_instance(spec, schema.get("items", {}), depth + 1)] * int(schema.get("minItems", 0))
    if kind == "string":
        return {"date-time": _SAMPLE_TIME, "date": "2015-10-09", "uri": "https://example.com/"}.get(
            str(schema.get("format")), "string"
        )
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None


def example_body(route: Route) -> tuple[int, Any]:
    """The status and JSON body the operation's first documented success answers with (None: empty)."""
    responses = route.operation.get("responses") or {}
    successes = sorted(code for code in responses if str(code).startswith("2"))
    if not successes:
        return 404, {"errorMessage": f"{route.method} {route.template} documents no success"}
    code = "200" if "200" in successes else "201" if "201" in successes else successes[0]
    answer = resolve(route.spec, responses[code])
    content = answer.get("content") or {}
    media = content.get("application/json") or next((v for k, v in content.items() if "json" in k), None)
    if int(code) == 204 or not isinstance(media, dict):
        return int(code), None
    if "example" in media:
        return int(code), _parsed(media["example"])
    examples = media.get("examples")
    if isinstance(examples, dict) and examples:
        first = resolve(route.spec, next(iter(examples.values())))
        return int(code), _parsed(first.get("value") if isinstance(first, dict) else first)
    return int(code), minimal_instance(route.spec, media.get("schema", {}))


def _parsed(example: Any) -> Any:
    """Atlassian's specs hold examples as JSON text; Zendesk's as YAML values."""
    if isinstance(example, str):
        try:
            return json.loads(example)
        except ValueError:
            return example
    return example


def last_page(body: Any) -> Any:
    """The same answer, saying it is the last page (JSM `isLastPage`, Zendesk `next_page` and
    `meta.has_more`): the examples as a server at the end of its lists would send them."""
    if not isinstance(body, dict):
        return body
    ended = dict(body)
    if "isLastPage" in ended:
        ended["isLastPage"] = True
    if "next_page" in ended:
        ended["next_page"] = None
    if isinstance(ended.get("meta"), dict) and "has_more" in ended["meta"]:
        ended["meta"] = {**ended["meta"], "has_more": False}
    return ended


Rewrite = Callable[[Route, Any], Any]
"""Changes an example before it is sent (a test's hostile variant); gets and returns the JSON body."""


class ExampleServer:
    """Answers every request from the specs' examples; `requests` keeps what was asked.

    Args:
        names: the specs to serve, searched in order (`JSM, JIRA` for a JSM site).
        budget: the most requests answered; the next raises `RunawayClient`.
        rewrite: applied to each JSON body before it is sent (`last_page`, or a test's own).
    """

    def __init__(self, *names: str, budget: int = 1000, rewrite: Rewrite | None = None) -> None:
        self.routes = [route for name in names for route in routes(name)]
        self.budget = budget
        self.rewrite = rewrite
        self.requests: list[httpx.Request] = []
        self.unmatched: list[str] = []

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def route_for(self, method: str, path: str) -> Route | None:
        path = path.removesuffix(".json")
        return next((r for r in self.routes if r.method == method and r.pattern.match(path)), None)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) > self.budget:
            raise RunawayClient(f"more than {self.budget} requests; last {request.method} {request.url}")
        route = self.route_for(request.method, request.url.path)
        if route is None:
            self.unmatched.append(f"{request.method} {request.url.path}")
            return httpx.Response(404, json={"errorMessage": "no such operation in the spec"})
        status, body = example_body(route)
        if body is not None and self.rewrite is not None:
            body = self.rewrite(route, copy.deepcopy(body))
        if body is None:
            return httpx.Response(status)
        return httpx.Response(status, json=body)

    def calls(self) -> list[str]:
        """`METHOD /path` of every request, in order."""
        return [f"{r.method} {r.url.path}" for r in self.requests]
