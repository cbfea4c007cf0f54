"""Jira platform error bodies (`ErrorCollection`), shared by the Jira and JSM connectors.

`{"errorMessages": ["..."], "errors": {"<field>": "<message>"}, "status"?: 400}`: the messages are
general, `errors` maps a field to one message. JSM's own `/rest/servicedeskapi` shape is in
`frontline.connectors.jsm.errors`.
"""

from __future__ import annotations

from typing import Any

from frontline.connectors.spec import ErrorBody, error_summary, message_of


def jira_messages(body: Any) -> list[str]:
    """`errorMessages`, plus a top-level `message` some gateway answers carry."""
    if not isinstance(body, dict):
        return []
    messages = body.get("errorMessages")
    listed = [str(m) for m in messages] if isinstance(messages, list) else []
    return message_of(body) + listed


def jira_fields(body: Any) -> dict[str, list[str]]:
    """`errors` as one message per field."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, dict):
        return {}
    return {str(field): [str(message)] for field, message in errors.items()}


def parse_error(status: int, body: Any) -> ErrorBody:
    """A Jira platform `ErrorCollection`."""
    fields = jira_fields(body)
    return ErrorBody(error_summary(jira_messages(body), fields), fields)
