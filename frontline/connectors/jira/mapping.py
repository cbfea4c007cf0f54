"""Jira answers read into domain values: issue keys checked before they go into a path, an `IssueBean`
as a `Bug` (text made safe for a terminal), and search pages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from frontline.domain.escalation import Bug
from frontline.domain.text import one_line
from frontline.errors import MalformedResponse, NotFound

ISSUE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,254}-[1-9][0-9]{0,17}")


def browse_url(site_url: str, key: str) -> str:
    """Where a person opens the issue."""
    return f"{site_url}/browse/{key}"


def map_bug(issue: Any, site_url: str, tracker: str) -> Bug | None:
    """A `Bug` from an `IssueBean` (fields summary, status, labels), or None without a usable key."""
    if not isinstance(issue, dict) or not isinstance(issue.get("key"), str):
        return None
    key = issue["key"]
    if not ISSUE_KEY.fullmatch(key):
        return None
    fields = _object(issue.get("fields"))
    status = _object(fields.get("status"))
    raw_labels = fields.get("labels")
    labels = raw_labels if isinstance(raw_labels, list) else []
    summary, status_name = fields.get("summary"), status.get("name")
    return Bug(
        key=key,
        url=browse_url(site_url, key),
        title=one_line(summary) if isinstance(summary, str) else "",
        status=one_line(status_name) if isinstance(status_name, str) else "",
        labels=tuple(label for label in labels if isinstance(label, str)),
        tracker=tracker,
    )


def search_issues(answer: Any) -> list[dict[str, Any]]:
    """The issues of a `search/jql` page.

    Raises:
        MalformedResponse: the answer has no issues list.
    """
    issues = answer.get("issues") if isinstance(answer, dict) else None
    if not isinstance(issues, list):
        raise MalformedResponse("Jira sent a search answer without an issues list.")
    return [issue for issue in issues if isinstance(issue, dict)]


def checked_key(key: str) -> str:
    """An issue key safe to put in a path (`ENG-42`), upper-cased.

    Raises:
        NotFound: it is not an issue key.
    """
    if not ISSUE_KEY.fullmatch(key.strip()):
        raise NotFound(f"{one_line(key)[:80]!r} is not a Jira issue key.")
    return key.strip().upper()


def unique_names(names: Sequence[str]) -> list[str]:
    """Names made one-line, without blanks or repeats, in order (components)."""
    return list(dict.fromkeys(one_line(name) for name in names if one_line(name)))


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
