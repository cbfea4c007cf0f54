"""Zendesk's status and assignee choices, mixed into the adapter (its client module stays small).

- Statuses: on an account with custom statuses (the ticket carries a `custom_status_id`), every active
  custom status by its agent label, grouped by category; otherwise the plain categories.
- Assignees: the account's assignable groups (`GET /api/v2/groups/assignable`) and its agents and admins
  (`GET /api/v2/users?role[]=agent&role[]=admin`), both offset-paged (`next_page`), read once per session
  and filtered here (Zendesk has no name filter on the listing; the user search would also find end users).
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar, Protocol

from frontline.connectors.http import ApiClient
from frontline.connectors.zendesk.parsing import Json, as_id, as_opt_text
from frontline.connectors.zendesk.statuses import CustomStatuses
from frontline.domain.assignment import (
    Assignee,
    AssigneeKind,
    StatusChoice,
    category_choices,
    filter_assignees,
)
from frontline.domain.models import Status, Ticket
from frontline.domain.ports import HelpdeskCapabilities

_CATEGORY_ORDER = (Status.NEW, Status.OPEN, Status.PENDING, Status.HOLD, Status.SOLVED)
_CATEGORY_LABEL = {
    Status.NEW: "New",
    Status.OPEN: "Open",
    Status.PENDING: "Pending",
    Status.HOLD: "On-hold",
    Status.SOLVED: "Solved",
}


class _Paging(Protocol):
    async def __call__(
        self, path: str, params: dict[str, Any] | None, key: str, what: str
    ) -> tuple[list[Any], dict[str, Json]]: ...


class ZendeskChoices:
    """`status_choices` and `assignees` for `ZendeskAdapter` (which provides the attributes below)."""

    client: ApiClient
    capabilities: ClassVar[HelpdeskCapabilities]
    _statuses: CustomStatuses
    _all_pages: _Paging
    _assignees: list[Assignee] | None = None
    _assignees_lock: asyncio.Lock | None = None

    async def status_choices(self, ticket: Ticket) -> list[StatusChoice]:
        """The account's custom statuses when the ticket has one, else the categories agents set."""
        if ticket.status_id is None:
            return category_choices(self.capabilities.statuses)
        statuses = await self._statuses.load()
        offered = set(self.capabilities.statuses)
        custom = [s for s in statuses.values() if s.active and s.category in offered]
        if not custom:
            return category_choices(self.capabilities.statuses)
        custom.sort(key=lambda s: (_CATEGORY_ORDER.index(s.category), not s.default))
        return [
            StatusChoice(status=s.category, label=s.label, group=_CATEGORY_LABEL[s.category], status_id=s.id)
            for s in custom
        ]

    async def assignees(self, ticket: Ticket, query: str = "") -> list[Assignee]:
        """Groups first, then agents, matching `query`."""
        if self._assignees_lock is None:
            self._assignees_lock = asyncio.Lock()
        async with self._assignees_lock:
            if self._assignees is None:
                self._assignees = await self._load_assignees()
        return filter_assignees(self._assignees, query)

    async def _load_assignees(self) -> list[Assignee]:
        groups, _ = await self._all_pages(
            "/api/v2/groups/assignable", None, "groups", "the assignable groups"
        )
        users, _ = await self._all_pages(
            "/api/v2/users", {"role[]": ["agent", "admin"]}, "users", "the agents"
        )
        found = [a for a in (_group(raw) for raw in groups) if a is not None]
        found += [a for a in (_agent(raw) for raw in users) if a is not None]
        return found


def _group(raw: Any) -> Assignee | None:
    if not isinstance(raw, dict) or raw.get("deleted") is True:
        return None
    group_id, name = as_id(raw.get("id")), as_opt_text(raw.get("name"))
    if group_id is None or name is None:
        return None
    return Assignee(
        id=group_id, name=name, kind=AssigneeKind.GROUP, detail=as_opt_text(raw.get("description")) or ""
    )


def _agent(raw: Any) -> Assignee | None:
    if not isinstance(raw, dict) or raw.get("active") is False or raw.get("suspended") is True:
        return None
    if raw.get("role") not in ("agent", "admin"):
        return None
    user_id, name = as_id(raw.get("id")), as_opt_text(raw.get("name"))
    if user_id is None or name is None:
        return None
    return Assignee(
        id=user_id, name=name, kind=AssigneeKind.AGENT, detail=as_opt_text(raw.get("email")) or ""
    )
