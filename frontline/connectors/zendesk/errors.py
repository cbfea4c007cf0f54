"""Zendesk Support error bodies.

Classic endpoints answer `{"error": "RecordInvalid", "description": "...", "details": {"<field>":
[{"description": "...", "error": "..."}]}}`, where `error` is sometimes an object with `title` and
`message`; newer ones (custom objects) answer the spec's `Errors` schema, `{"errors": [{"code",
"title", "detail", ...}]}`. A client must accept both.
"""

from __future__ import annotations

from typing import Any

from frontline.connectors.spec import ErrorBody, error_summary, message_of


def parse_error(status: int, body: Any) -> ErrorBody:
    """`error`, `description`, `message`, the `errors` list, then the `details` per field."""
    if not isinstance(body, dict):
        return ErrorBody("", {})
    parts: list[str] = []
    error = body.get("error")
    if isinstance(error, dict):
        parts += [str(error.get(k)) for k in ("title", "message") if error.get(k)]
    elif isinstance(error, str):
        parts.append(error)
    if isinstance(body.get("description"), str):
        parts.append(body["description"])
    parts += message_of(body)
    errors = body.get("errors")
    if isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict):
                parts.append(str(item.get("detail") or item.get("title") or item.get("message") or ""))
    fields = _detail_fields(body.get("details"))
    return ErrorBody(error_summary(parts, fields), fields)


def _detail_fields(details: Any) -> dict[str, list[str]]:
    """`details` as messages per field: each entry's `description`, or the entry itself."""
    fields: dict[str, list[str]] = {}
    if isinstance(details, dict):
        for field, items in details.items():
            if isinstance(items, list):
                fields[str(field)] = [
                    str(i.get("description", i)) if isinstance(i, dict) else str(i) for i in items
                ]
    return fields
