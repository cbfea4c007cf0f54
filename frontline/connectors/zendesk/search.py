"""Zendesk search (`GET /api/v2/search`): the query as the agent typed it, limited to tickets.

The search language is Zendesk's own (`status:open requester:ana@acme.com refund`); frontline adds only
`type:ticket` when the query names no type, as Zendesk's agent interface does. Search is offset-paged
and lags writes by a minute or two: results are for finding tickets, never for deciding what to write.
"""

from __future__ import annotations

import re
from typing import Any

from frontline.connectors.http import ApiClient
from frontline.connectors.zendesk.parsing import Json, expect_list, expect_object

SEARCH_PATH = "/api/v2/search"
PAGE_SIZE = 100
"""Zendesk's default (and largest) search page."""
_TYPE = re.compile(r"(?:^|\s)-?type\s*:", re.IGNORECASE)


def ticket_query(query: str) -> str:
    """`query` with `type:ticket` added in front unless it already says which type it wants."""
    query = " ".join(query.split())
    return query if _TYPE.search(query) else f"type:ticket {query}".strip()


async def search_ticket_rows(
    client: ApiClient, query: str, what: str, *, newest_first: bool = False
) -> tuple[list[Json], Json]:
    """The ticket records of the first page of results for `query`, and the payload (its sideloads).

    Raises:
        ValidationFailed: Zendesk refused the query (its description says why).
    """
    params: dict[str, Any] = {"query": query}
    if newest_first:
        params |= {"sort_by": "updated_at", "sort_order": "desc"}
    payload = expect_object(await client.get_json(SEARCH_PATH, params=params), what)
    rows = [
        row
        for row in expect_list(payload, "results", what)
        if isinstance(row, dict) and row.get("result_type", "ticket") == "ticket"
    ]
    return rows, payload
