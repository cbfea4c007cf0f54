"""What a JSM site says about itself, learned once per session on first need.

- statuses: id -> English name (`GET /rest/api/3/status`, see `statuses`);
- priority schemes: per project, most urgent first (`GET /rest/api/3/priority/search?projectId=`);
- fields: which custom fields hold SLAs and the customer's organizations (`GET /rest/api/3/field`, by
  their JSM field types, since the `customfield_` numbers differ per site);
- desks: service desk id -> project id (`GET /rest/servicedeskapi/servicedesk/{id}`).

A lookup the account may not make (403, 404) or that answers nonsense leaves that fact unknown for the
session, and frontline falls back (statuses by category, priorities by name); other failures propagate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from frontline.connectors.http import ApiClient
from frontline.connectors.jsm.priorities import PriorityScheme
from frontline.connectors.jsm.statuses import StatusNames
from frontline.errors import MalformedResponse, NotFound, PermissionDenied

T = TypeVar("T")
SLA_TYPE = "com.atlassian.servicedesk:sd-sla-field"
ORGANIZATIONS_TYPE = "com.atlassian.servicedesk:sd-customer-organizations"
_MAX_PRIORITY_PAGES = 10


@dataclass(frozen=True)
class FieldIds:
    """The site's JSM custom fields: SLA fields and the Organizations field."""

    sla: tuple[str, ...] = ()
    organizations: str | None = None


class SiteCatalog:
    """Facts about one site, each fetched once (concurrent first uses share the one request)."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self._lock = asyncio.Lock()
        self._statuses: StatusNames | None = None
        self._fields: FieldIds | None = None
        self._schemes: dict[str, PriorityScheme | None] = {}
        self._desk_projects: dict[str, str | None] = {}

    async def _once(self, load: Callable[[], Awaitable[T]], fallback: T) -> T:
        try:
            return await load()
        except (PermissionDenied, NotFound, MalformedResponse):
            return fallback

    async def status_names(self) -> StatusNames:
        async with self._lock:
            if self._statuses is None:
                loaded: StatusNames = await self._once(self._load_statuses, {})
                self._statuses = loaded
                return loaded
            return self._statuses

    async def _load_statuses(self) -> StatusNames:
        answer = await self.client.get_json("/rest/api/3/status")
        names: dict[str, str] = {}
        for status in answer if isinstance(answer, list) else []:
            if not isinstance(status, dict) or not isinstance(status.get("id"), str | int):
                continue
            english = status.get("untranslatedName") or status.get("name")
            if isinstance(english, str) and english.strip():
                names[str(status["id"])] = english.strip().lower()
        return names

    async def fields(self) -> FieldIds:
        async with self._lock:
            if self._fields is None:
                self._fields = await self._once(self._load_fields, FieldIds())
            return self._fields

    async def _load_fields(self) -> FieldIds:
        answer = await self.client.get_json("/rest/api/3/field")
        sla: list[str] = []
        organizations: str | None = None
        for field in answer if isinstance(answer, list) else []:
            field_id = field.get("id") if isinstance(field, dict) else None
            schema = field.get("schema") if isinstance(field, dict) else None
            kind = schema.get("custom") if isinstance(schema, dict) else None
            if not isinstance(field_id, str) or not field_id.startswith("customfield_"):
                continue
            if kind == SLA_TYPE:
                sla.append(field_id)
            elif kind == ORGANIZATIONS_TYPE and organizations is None:
                organizations = field_id
        return FieldIds(tuple(sla), organizations)

    async def priority_scheme(self, project_id: str | None) -> PriorityScheme | None:
        """The project's priorities, most urgent first; None when unknown."""
        if not project_id:
            return None
        async with self._lock:
            if project_id not in self._schemes:
                self._schemes[project_id] = await self._once(lambda: self._load_scheme(project_id), None)
            return self._schemes[project_id]

    async def _load_scheme(self, project_id: str) -> PriorityScheme | None:
        values: list[Any] = []
        start = 0
        for _ in range(_MAX_PRIORITY_PAGES):
            page = await self.client.get_json(
                "/rest/api/3/priority/search", {"projectId": project_id, "startAt": start, "maxResults": 50}
            )
            batch = page.get("values") if isinstance(page, dict) else None
            if not isinstance(batch, list) or not batch:
                break
            values += batch
            if page.get("isLast") is not False:
                break
            start += len(batch)
        scheme = PriorityScheme.from_values(values)
        return scheme if scheme.entries else None

    async def desk_project(self, desk_id: str, known: str | None = None) -> str | None:
        """The project id of a service desk (`known` from a desk listing is kept)."""
        async with self._lock:
            if known:
                self._desk_projects[desk_id] = known
            if desk_id not in self._desk_projects:

                async def load() -> str | None:
                    desk = await self.client.get_json(f"/rest/servicedeskapi/servicedesk/{desk_id}")
                    project = desk.get("projectId") if isinstance(desk, dict) else None
                    return str(project) if isinstance(project, str | int) and project != "" else None

                self._desk_projects[desk_id] = await self._once(load, None)
            return self._desk_projects[desk_id]
