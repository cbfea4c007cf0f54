"""A JSM queue's recent changes, by JQL: what changed in its project, then which of those it holds.

The queue endpoint (`servicedeskapi/.../queue/{id}/issue`) lists in the queue's own order and cannot be
asked for "updated since", so a delta uses the platform search (`GET /rest/api/3/search/jql`):

1. `project = <desk project> ORDER BY updated DESC`, read until an issue older than the watermark: the
   requests that changed, in the queue or not. When none changed (each is held as it is), that one
   request is the whole refresh.
2. `(<queue JQL>) AND key in (<changed>)`, with their ids in `reconcileIssues` (search is eventually
   consistent; these ids are read consistently): the changed requests the queue holds now. A changed
   request it no longer holds has left (resolved, reassigned), so departures are exact.

No JQL date is written: absolute JQL dates are in the agent's profile time zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from frontline.connectors.http import ApiClient
from frontline.connectors.jsm.reading import SEARCH, is_issue_key
from frontline.domain.models import Ticket
from frontline.domain.watermark import ViewChanges, is_changed
from frontline.errors import Unsupported

DELTA_PAGE_SIZE = 25
"""Issues per delta page: an unchanged refresh reads one small page."""
DELTA_MAX_PAGES = 8
"""A delta longer than this (200 changed requests in the project) is cut short: reload in full."""
_RECONCILE_AT_ONCE = 50
"""Jira reads at most 50 `reconcileIssues` per search."""
_ORDER_BY = re.compile(r"\s+ORDER\s+BY\s.*$", re.IGNORECASE | re.DOTALL)
_PROJECT_ID = re.compile(r"[0-9]{1,18}")

ReadIssue = Callable[[Any], Ticket | None]


def queue_where(jql: Any) -> str | None:
    """A queue's JQL without its `ORDER BY`, to combine with other clauses; None when there is none."""
    if not isinstance(jql, str):
        return None
    where = _ORDER_BY.sub("", " " + jql.strip()).strip()
    return where or None


async def queue_jql(client: ApiClient, desk_id: str, queue_id: str) -> str | None:
    """The queue's JQL, asked of the queue itself (when no view listing said it)."""
    queue = await client.get_json(f"/rest/servicedeskapi/servicedesk/{desk_id}/queue/{queue_id}")
    return queue_where(queue.get("jql") if isinstance(queue, dict) else None)


async def read_queue_changes(
    client: ApiClient,
    project_id: str | None,
    where: str | None,
    fields: Sequence[str],
    read: ReadIssue,
    *,
    since: datetime,
    known: Mapping[str, datetime],
) -> ViewChanges:
    """The queue's requests updated at or after `since` that `known` does not hold as they are, and the
    known ones that changed and left it.

    Raises:
        Unsupported: the queue's JQL or its project is unknown (the caller reloads in full).
    """
    if where is None or project_id is None or not _PROJECT_ID.fullmatch(project_id):
        raise Unsupported("Jira Service Management did not say which issues this queue holds.")
    field_list = ",".join(dict.fromkeys(fields))
    changed: dict[str, str] = {}  # key -> issue id
    versions: dict[str, datetime] = {}
    token: str | None = None
    for _ in range(DELTA_MAX_PAGES):
        params: dict[str, Any] = {
            "jql": f"project = {project_id} ORDER BY updated DESC",
            "fields": field_list,
            "maxResults": DELTA_PAGE_SIZE,
        }
        if token:
            params["nextPageToken"] = token
        answer = await client.get_json(SEARCH, params)
        rows = _issues(answer)
        tickets = [(row, ticket) for row in rows if (ticket := read(row)) is not None]
        for row, ticket in tickets:
            if ticket.updated_at >= since and is_changed(ticket, known) and is_issue_key(ticket.key):
                changed[ticket.key] = str(row.get("id", ""))
                versions[ticket.key] = ticket.updated_at
        token = answer.get("nextPageToken") if isinstance(answer, dict) else None
        if not tickets or tickets[-1][1].updated_at < since or not isinstance(token, str) or not token:
            break
    else:
        return ViewChanges(complete=False)
    if not changed:
        return ViewChanges(departed=frozenset())
    held: list[Ticket] = []
    keys = list(changed)
    for start in range(0, len(keys), _RECONCILE_AT_ONCE):
        chunk = keys[start : start + _RECONCILE_AT_ONCE]
        params = {
            "jql": f"({where}) AND key in ({', '.join(chunk)})",
            "fields": field_list,
            "maxResults": len(chunk),
        }
        ids = [int(changed[key]) for key in chunk if changed[key].isdigit()]
        if ids:
            params["reconcileIssues"] = ids
        held += [t for t in (read(row) for row in _issues(await client.get_json(SEARCH, params))) if t]
    held.sort(key=lambda ticket: ticket.updated_at, reverse=True)
    in_queue = {ticket.id for ticket in held}
    departed = frozenset(key for key in keys if key in known and key not in in_queue)
    outside = {key: versions[key] for key in keys if key not in in_queue}
    return ViewChanges(tickets=tuple(held), departed=departed, outside=outside)


def _issues(answer: Any) -> list[dict[str, Any]]:
    issues = answer.get("issues") if isinstance(answer, dict) else None
    return [issue for issue in (issues if isinstance(issues, list) else []) if isinstance(issue, dict)]
