"""GitHub REST error bodies.

`{"message": "Validation Failed", "errors": [{"resource": "Issue", "field": "title", "code":
"missing_field"}], "documentation_url": "..."}`; an `errors` entry may also carry its own `message`,
or be a bare string.
"""

from __future__ import annotations

from typing import Any

from frontline.connectors.spec import ErrorBody, error_summary, message_of


def parse_error(status: int, body: Any) -> ErrorBody:
    """`message`, then each `errors` entry: its message, or its code filed under its field."""
    if not isinstance(body, dict):
        return ErrorBody("", {})
    parts = message_of(body)
    fields: dict[str, list[str]] = {}
    errors = body.get("errors")
    for item in errors if isinstance(errors, list) else []:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict):
            message, field, code = item.get("message"), item.get("field"), item.get("code")
            if isinstance(field, str) and isinstance(message or code, str):
                fields.setdefault(field, []).append(str(message or code))
            elif isinstance(message, str):
                parts.append(message)
    return ErrorBody(error_summary(parts, fields), fields)
