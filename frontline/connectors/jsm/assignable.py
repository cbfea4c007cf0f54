"""Who a JSM request can be assigned to: Jira's assignable-user search for the issue.

`GET /rest/api/3/user/assignable/search?issueKey=&query=` answers a plain list of users (no `isLast`), paged
by `startAt`/`maxResults`; a short page is the last. Customers cannot be assigned, and app accounts are
not people an agent hands a request to, so only `atlassian` accounts are offered.
"""

from __future__ import annotations

from typing import Any

from frontline.connectors.http import ApiClient
from frontline.domain.assignment import Assignee, AssigneeKind

PAGE = 50
MAX_PAGES = 10
"""A site with more assignable people than this is searched by name instead."""


async def assignable_users(client: ApiClient, issue_key: str, query: str = "") -> list[Assignee]:
    """The people who may be assigned `issue_key`, matching `query` (Jira matches names and emails)."""
    found: dict[str, Assignee] = {}
    for page in range(MAX_PAGES):
        params: dict[str, Any] = {"issueKey": issue_key, "startAt": page * PAGE, "maxResults": PAGE}
        if query.strip():
            params["query"] = query.strip()
        answer = await client.get_json("/rest/api/3/user/assignable/search", params)
        users = answer if isinstance(answer, list) else []
        for user in users:
            assignee = _assignee(user)
            if assignee is not None:
                found.setdefault(assignee.id, assignee)
        if len(users) < PAGE:
            break
    return list(found.values())


def _assignee(user: Any) -> Assignee | None:
    if not isinstance(user, dict) or user.get("active") is False:
        return None
    account_id = user.get("accountId")
    if (
        not isinstance(account_id, str)
        or not account_id
        or user.get("accountType", "atlassian") != "atlassian"
    ):
        return None
    name = user.get("displayName")
    email = user.get("emailAddress")
    return Assignee(
        id=account_id,
        name=name if isinstance(name, str) and name else account_id,
        kind=AssigneeKind.AGENT,
        detail=email if isinstance(email, str) else "",
    )
