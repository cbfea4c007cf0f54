"""Jira Service Management error bodies.

`/rest/servicedeskapi` answers `{"errorMessage": "...", "i18nErrorMessage": {"i18nKey": ..., ...}}`;
the platform API the connector also calls (`/rest/api/3`: priority, labels, transitions) answers a
Jira `ErrorCollection`. Either can reach `ApiClient`, so both are read.
"""

from __future__ import annotations

from typing import Any

from frontline.connectors.atlassian.errors import jira_fields, jira_messages
from frontline.connectors.spec import ErrorBody, error_summary


def parse_error(status: int, body: Any) -> ErrorBody:
    """A servicedeskapi `ErrorResponse` or a platform `ErrorCollection`."""
    parts: list[str] = []
    if isinstance(body, dict) and isinstance(body.get("errorMessage"), str):
        parts.append(body["errorMessage"])
    fields = jira_fields(body)
    return ErrorBody(error_summary(parts + jira_messages(body), fields), fields)
