"""A Zendesk view's recent changes: `views/{id}/tickets` newest-updated first, read to a watermark.

`GET /api/v2/views/{id}/tickets?sort_by=updated&sort_order=desc` (`sort_by` takes a View column, and the
Updated column is `updated`), offset-paged because an offset page carries the view's `count` for free: a
merged list of another length means tickets left (or joined) unseen, and the desk reloads in full. It
polls `views/{id}/tickets`, never `views/{id}/execute` (execute and count are limited to 5 a minute per
view per agent). Only the first pages are read, far from offset pagination's 10,000-record limit.

The incremental export (`/api/v2/incremental/tickets/cursor`) is not used: it is for admins only, and
shift engineers are agents.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from frontline.connectors.http import ApiClient
from frontline.connectors.zendesk.parsing import Json, expect_list, expect_object
from frontline.connectors.zendesk.sideloads import SideloadFallback
from frontline.domain.models import Ticket
from frontline.domain.watermark import ViewChanges, is_changed

DELTA_PAGE_SIZE = 25
"""Tickets per delta page: an unchanged refresh reads one small page."""
DELTA_MAX_PAGES = 8
"""A delta longer than this many pages (200 tickets changed) is cut short: a full reload is cheaper."""

MapTickets = Callable[[list[Any], Json, str], Awaitable[list[Ticket]]]


async def read_view_changes(
    client: ApiClient,
    sideloads: SideloadFallback,
    map_tickets: MapTickets,
    view_path: str,
    *,
    since: datetime,
    known: Mapping[str, datetime],
    include: str,
) -> ViewChanges:
    """The view's tickets updated at or after `since` that `known` does not hold as they are, with the
    view's count; pages are read until one reaches back past `since`."""
    what = "the tickets of a view"
    changed: list[Ticket] = []
    total: int | None = None
    for page_number in range(1, DELTA_MAX_PAGES + 1):
        params: dict[str, Any] = {
            "sort_by": "updated",
            "sort_order": "desc",
            "per_page": DELTA_PAGE_SIZE,
            "page": page_number,
            "include": include,
        }
        payload = expect_object(await client.get_json(view_path, params=params), what)
        if total is None:
            total = _count(payload.get("count"))
        records = [expect_object(t, "a ticket") for t in expect_list(payload, "tickets", what)]
        records, sideloaded = await sideloads.complete(records, payload, what)
        tickets = await map_tickets(records, sideloaded, what)
        changed += [t for t in tickets if t.updated_at >= since and is_changed(t, known)]
        reached = not tickets or tickets[-1].updated_at < since
        if reached or not payload.get("next_page"):
            return ViewChanges(tickets=tuple(changed), total=total)
    return ViewChanges(tickets=tuple(changed), total=total, complete=False)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
