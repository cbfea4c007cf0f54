"""Validate sandbox answers against the vendors' official OpenAPI specs (`shared/specs/`).

The operation is found by method and path template, and the JSON body is validated against that
operation's response schema for the status code with openapi-schema-validator's OAS 3.0 read validator,
`$ref`s resolved inside the real spec. The 2.4 MB Jira spec is loaded once per session.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30ReadValidator

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"
JSM_SPEC = "jira-servicedesk.json"
PLATFORM_SPEC = "jira-platform-v3.json"


_JIRA_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:?\d\d|Z)$")


def _format_checker() -> FormatChecker:
    """OAS 3.0 formats, except `date-time` also accepts Jira's `+0000` offsets: the spec's own examples
    and the real servers use them (`2021-01-17T12:34:00.000+0000`)."""
    checker = FormatChecker()
    checker.checkers = dict(OAS30ReadValidator.FORMAT_CHECKER.checkers)
    checker.checks("date-time")(
        lambda value: not isinstance(value, str) or bool(_JIRA_DATE_TIME.match(value))
    )
    return checker


FORMATS = _format_checker()


@cache
def load_spec(name: str) -> dict[str, Any]:
    return json.loads((SPECS / name).read_text(encoding="utf-8"))


@cache
def _templates(name: str) -> list[tuple[re.Pattern[str], str]]:
    compiled = []
    for template in load_spec(name)["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(template))
        compiled.append((re.compile(f"^{pattern}$"), template))
    # Literal segments beat parameters: `/issue/createmeta/...` before `/issue/{key}/...`.
    compiled.sort(key=lambda item: item[1].count("{"))
    return compiled


def find_operation(name: str, method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The path template and operation object serving `method path`."""
    for pattern, template in _templates(name):
        if pattern.match(path):
            operation = load_spec(name)["paths"][template].get(method.lower())
            if operation is not None:
                return template, operation
    raise AssertionError(f"{method} {path} is not an operation of {name}")


def response_schema(name: str, method: str, path: str, status: int) -> dict[str, Any] | None:
    template, operation = find_operation(name, method, path)
    responses = operation["responses"]
    answer = responses.get(str(status)) or responses.get("default")
    assert answer is not None, f"{method} {template} documents no {status} response"
    return (answer.get("content") or {}).get("application/json", {}).get("schema")


def validate_body(
    name: str, method: str, path: str, status: int, body: Any, *, item_schema: bool = False
) -> None:
    """Raise `jsonschema.ValidationError` when `body` does not match the documented response schema.

    `item_schema` validates each element of a JSON array against the documented (single-object) schema,
    for the few operations whose spec documents one item while the server sends a list.
    """
    schema = response_schema(name, method, path, status)
    assert schema is not None, f"{method} {path} has no JSON schema for {status}"
    root = {"allOf": [schema], "components": load_spec(name)["components"]}
    validator = OAS30ReadValidator(root, format_checker=FORMATS)
    for item in body if item_schema else [body]:
        validator.validate(item)


def check(name: str, response: httpx.Response, *, item_schema: bool = False) -> Any:
    """Validate a real response against spec `name` and return its JSON."""
    body = response.json()
    validate_body(
        name,
        response.request.method,
        response.request.url.path,
        response.status_code,
        body,
        item_schema=item_schema,
    )
    return body
