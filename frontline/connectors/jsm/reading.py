"""Queue rows and issues as tickets, read with what the site said about itself (`catalog`).

Queue rows carry only the columns their queue shows ("Only fields that the queue is configured to show
are returned", JSM `getIssuesInQueue`). A row without status, priority or updated time would read as
open, no priority, updated when created: plausible and wrong. So `complete_rows` fetches what a page's
rows lack in one platform search (`GET /rest/api/3/search/jql`, `key in (...)`, at most 50 keys, with
their ids in `reconcileIssues` so a request written a moment ago is not missed), through the same client
and base URL (the gateway, for scoped tokens).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from frontline.connectors.http import ApiClient
from frontline.connectors.jsm.mapping import map_issue
from frontline.connectors.jsm.priorities import PriorityScheme, level_from_name
from frontline.connectors.jsm.statuses import StatusNames, status_id_of, status_of
from frontline.domain.models import Organization, Ticket

ROW_FIELDS = ("summary", "status", "priority", "assignee", "reporter", "labels", "created", "updated")
"""What a queue row needs for the queue screen, besides the site's SLA and organization fields."""
SEARCH = "/rest/api/3/search/jql"
_KEY = re.compile(r"[A-Z][A-Z0-9_]{0,254}-[0-9]{1,18}")
_PROJECT_KEY = re.compile(r"[A-Z][A-Z0-9_]{0,254}")
_ORDER_BY = re.compile(r"(?:^|\s)ORDER\s+BY\s", re.IGNORECASE)
_JQL_OPERATOR = re.compile(r"[=~<>!()]|\s(?:in|is|was|changed)\s", re.IGNORECASE)


@dataclass(frozen=True)
class SiteFacts:
    """What mapping needs to know about the site: status names, the project's priority scheme, the
    Organizations field."""

    statuses: StatusNames = field(default_factory=dict)
    scheme: PriorityScheme | None = None
    organizations_field: str | None = None


def read_issue(issue: Any, site_url: str, facts: SiteFacts) -> Ticket | None:
    """A platform issue or queue row as a ticket, its status by id/category, its priority by the
    project's scheme and its organization from the Organizations field; None without a key."""
    ticket = map_issue(issue, site_url)
    if ticket is None:
        return None
    fields = issue.get("fields") if isinstance(issue, dict) else None
    fields = fields if isinstance(fields, dict) else {}
    changes: dict[str, Any] = {}
    if "status" in fields:
        changes["status"] = status_of(fields["status"], facts.statuses)
        changes["status_id"] = status_id_of(fields["status"])
        changes["status_label"] = shown_name(fields["status"])
    priority = fields.get("priority")
    if isinstance(priority, dict):
        level = facts.scheme.level(priority) if facts.scheme else level_from_name(priority.get("name"))
        changes["priority"] = level
    if facts.organizations_field:
        organization = organization_of(fields.get(facts.organizations_field))
        if organization is not None:
            changes["organization"] = organization
    return ticket.replace(**changes) if changes else ticket


def shown_name(status: Any) -> str | None:
    """The status as the site shows it ("Waiting for support", "Escalated", or its translation): what its
    agents call it, more telling than the category frontline sorts it into."""
    name = status.get("name") if isinstance(status, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def organization_of(value: Any) -> Organization | None:
    """The first organization of an Organizations field value (`[{id, name}, ...]`)."""
    for item in value if isinstance(value, list) else []:
        if (
            isinstance(item, dict)
            and isinstance(item.get("id"), str | int)
            and isinstance(item.get("name"), str)
        ):
            return Organization(id=str(item["id"]), name=item["name"])
    return None


def missing_fields(rows: Sequence[dict[str, Any]], wanted: Sequence[str]) -> list[str]:
    """The `wanted` fields some row does not carry at all (a null value is an answer, not a gap)."""
    missing: list[str] = []
    for row in rows:
        fields = row.get("fields")
        present = fields if isinstance(fields, dict) else {}
        missing += [name for name in wanted if name not in present and name not in missing]
    return missing


async def complete_rows(
    client: ApiClient, rows: list[dict[str, Any]], wanted: Sequence[str]
) -> list[dict[str, Any]]:
    """`rows` with the `wanted` fields they lack filled from one search; a row's own values win.

    Raises:
        The client's errors for the search (a queue shown with guessed values would mislead).
    """
    gaps = missing_fields(rows, wanted)
    keys = [row["key"] for row in rows if isinstance(row.get("key"), str) and _KEY.fullmatch(row["key"])]
    if not gaps or not keys:
        return rows
    ids = [int(row["id"]) for row in rows if isinstance(row.get("id"), str) and row["id"].isdigit()]
    params: dict[str, Any] = {
        "jql": f"key in ({', '.join(keys)})",
        "fields": ",".join(dict.fromkeys([*wanted])),
        "maxResults": len(keys),
    }
    if ids:
        params["reconcileIssues"] = ids[:50]
    answer = await client.get_json(SEARCH, params)
    issues = answer.get("issues") if isinstance(answer, dict) else None
    found: dict[str, dict[str, Any]] = {}
    for issue in issues if isinstance(issues, list) else []:
        if (
            isinstance(issue, dict)
            and isinstance(issue.get("key"), str)
            and isinstance(issue.get("fields"), dict)
        ):
            found[issue["key"]] = issue["fields"]
    completed = []
    for row in rows:
        extra = found.get(row.get("key", "")) if isinstance(row.get("key"), str) else None
        own = row.get("fields")
        completed.append(
            {**row, "fields": {**extra, **(own if isinstance(own, dict) else {})}} if extra else row
        )
    return completed


async def search_rows(client: ApiClient, jql: str, fields: Sequence[str], limit: int) -> list[dict[str, Any]]:
    """One page of `GET /rest/api/3/search/jql`: the issues of `jql` with `fields`, at most `limit`."""
    params = {"jql": jql, "fields": ",".join(dict.fromkeys(fields)), "maxResults": max(1, limit)}
    answer = await client.get_json(SEARCH, params)
    issues = answer.get("issues") if isinstance(answer, dict) else None
    return [issue for issue in (issues if isinstance(issues, list) else []) if isinstance(issue, dict)]


def scoped_jql(query: str, projects: Sequence[str]) -> str:
    """The agent's search as JQL within the desks' `projects` (keys): JQL as typed, or plain words as a
    `text ~` search; newest first unless the query orders itself. Jira judges the JQL (its error is
    shown as it is)."""
    query = " ".join(query.split())
    order = _ORDER_BY.search(query)
    where = query[: order.start()].strip() if order else query
    if where and not _JQL_OPERATOR.search(where):
        where = f"text ~ {jql_string(where)}"
    keys = [key for key in projects if _PROJECT_KEY.fullmatch(key)]
    clauses = [f"project in ({', '.join(keys)})"] if keys else []
    clauses += [f"({where})"] if where else []
    ordering = query[order.start() :].strip() if order else "ORDER BY updated DESC"
    return f"{' AND '.join(clauses)} {ordering}".strip()


def jql_string(value: str) -> str:
    """`value` as a quoted JQL string (backslashes and quotes escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def is_issue_key(text: str) -> bool:
    """Whether `text` is an issue key (`SD-12`), safe to write into JQL unquoted."""
    return _KEY.fullmatch(text) is not None
