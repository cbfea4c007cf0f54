"""Zendesk custom ticket statuses: what agents see ("Waiting on engineering") and how a status is written.

With custom statuses, a ticket's `status` is only its category (new, open, pending, hold, solved; closed
belongs to solved) and `custom_status_id` is the status itself. Agents see its `agent_label`. Writing a
bare `status` sets the category's *default* custom status, even within the same category, so it would
silently replace "Waiting on engineering" with "Open". So a write names `custom_status_id`: the category's
default when the category changes, and nothing at all when it does not.

The account's statuses are read once (`GET /api/v2/custom_statuses`, no pagination) and kept for the
session, and only once a ticket shows it has one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from frontline.connectors.http import ApiClient
from frontline.connectors.zendesk.parsing import (
    Json,
    as_id,
    as_opt_text,
    expect_list,
    expect_object,
    to_status,
)
from frontline.domain.models import Status
from frontline.errors import MalformedResponse, NotFound, PermissionDenied, ValidationFailed

_SAME_AS_CATEGORY = {
    Status.NEW: {"new"},
    Status.OPEN: {"open"},
    Status.PENDING: {"pending"},
    Status.HOLD: {"hold", "on-hold", "on hold"},
    Status.SOLVED: {"solved"},
}
"""Labels that say no more than the category: shown as the category, like accounts without custom statuses."""


@dataclass(frozen=True)
class CustomStatus:
    """One of the account's statuses."""

    id: str
    category: Status
    label: str
    default: bool = False
    active: bool = True


def parse_custom_statuses(payload: Any) -> dict[str, CustomStatus]:
    """`custom_statuses` keyed by id; entries without an id, label or known category are skipped.

    Raises:
        MalformedResponse: the answer is not an object with a `custom_statuses` list.
    """
    what = "the custom ticket statuses"
    statuses: dict[str, CustomStatus] = {}
    for raw in expect_list(expect_object(payload, what), "custom_statuses", what):
        if not isinstance(raw, dict):
            continue
        status_id, label = as_id(raw.get("id")), as_opt_text(raw.get("agent_label"))
        category = raw.get("status_category")
        if status_id is None or label is None or not isinstance(category, str):
            continue
        if category.strip().lower() not in {status.value for status in _SAME_AS_CATEGORY}:
            continue
        statuses[status_id] = CustomStatus(
            id=status_id,
            category=to_status(category),
            label=label.strip(),
            default=raw.get("default") is True,
            active=raw.get("active") is not False,
        )
    return statuses


def status_label(raw_ticket: Json, statuses: Mapping[str, CustomStatus]) -> str | None:
    """The agent label of the ticket's custom status when it says more than the category, else None.

    A closed ticket shows as closed: it keeps its solved-category status, whose label would hide that.
    """
    status_id = as_id(raw_ticket.get("custom_status_id"))
    custom = statuses.get(status_id) if status_id is not None else None
    if custom is None or to_status(raw_ticket.get("status")) is Status.CLOSED:
        return None
    if custom.label.lower() in _SAME_AS_CATEGORY.get(custom.category, set()):
        return None
    return custom.label


def default_for(category: Status, statuses: Mapping[str, CustomStatus]) -> CustomStatus | None:
    """The category's default status (an active one, as Zendesk requires), if the account has one."""
    candidates = [s for s in statuses.values() if s.category is category and s.active]
    return next((s for s in candidates if s.default), None)


def status_fields(wanted: Status, current: Json | None, statuses: Mapping[str, CustomStatus]) -> Json:
    """The fields of a write that sets `wanted` (a category) on a ticket that is `current` now.

    Same category as now, with a custom status: nothing (the agent's specific status stays). Another
    category: its default custom status, named explicitly. Without custom statuses: the bare `status`.
    """
    if current is not None and current.get("custom_status_id") is not None and statuses:
        if to_status(current.get("status")) is wanted:
            return {}
        default = default_for(wanted, statuses)
        if default is not None and default.id.isdigit():
            return {"status": wanted.value, "custom_status_id": int(default.id)}
    return {"status": wanted.value}


class CustomStatuses:
    """The account's custom statuses, read on first need and kept; `in_use` says whether tickets carry them.

    Reading them is best effort: an account that refuses or does not have the endpoint shows categories.
    """

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.in_use: bool | None = None
        """True once a ticket with a `custom_status_id` was seen, False once only tickets without one were."""
        self._statuses: dict[str, CustomStatus] | None = None
        self._loading = asyncio.Lock()

    @property
    def known(self) -> Mapping[str, CustomStatus]:
        """What has been read so far (empty before the first read)."""
        return self._statuses or {}

    async def for_tickets(self, records: Iterable[Json]) -> Mapping[str, CustomStatus]:
        """The statuses, read first if any of `records` carries a custom status."""
        records = list(records)
        if any(r.get("custom_status_id") is not None for r in records):
            self.in_use = True
            return await self.load()
        if records and self.in_use is None:
            self.in_use = False
        return self.known

    async def load(self) -> Mapping[str, CustomStatus]:
        """`GET /api/v2/custom_statuses`, once per session (a network failure is tried again next time)."""
        if self._statuses is not None:
            return self._statuses
        async with self._loading:
            if self._statuses is None:
                try:
                    payload = await self.client.get_json("/api/v2/custom_statuses")
                    self._statuses = parse_custom_statuses(payload)
                except (PermissionDenied, NotFound, ValidationFailed, MalformedResponse):
                    self._statuses = {}
        return self._statuses
