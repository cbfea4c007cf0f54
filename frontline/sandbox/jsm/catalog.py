"""What a JSM site says about itself through the platform API: its statuses (with their untranslated names),
its priorities (per project scheme) and its fields (which custom fields hold SLAs and organizations)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.http_helpers import base_url, int_param
from frontline.sandbox.jsm.site import ORGANIZATIONS_FIELD, SLA_FIELDS, JsmSite

_SYSTEM_FIELDS = (
    ("summary", "Summary", {"type": "string", "system": "summary"}),
    ("status", "Status", {"type": "status", "system": "status"}),
    ("priority", "Priority", {"type": "priority", "system": "priority"}),
    ("assignee", "Assignee", {"type": "user", "system": "assignee"}),
    ("reporter", "Reporter", {"type": "user", "system": "reporter"}),
    ("labels", "Labels", {"type": "array", "items": "string", "system": "labels"}),
    ("created", "Created", {"type": "datetime", "system": "created"}),
    ("updated", "Updated", {"type": "datetime", "system": "updated"}),
    ("duedate", "Due date", {"type": "date", "system": "duedate"}),
)
_SD = "com.atlassian.servicedesk"


class CatalogApi:
    """`GET /rest/api/3/status`, `/rest/api/3/priority/search` and `/rest/api/3/field` over one JSM site."""

    def __init__(self, site: JsmSite) -> None:
        self.site = site

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/rest/api/3/status", self.statuses, methods=["GET"]),
            Route("/rest/api/3/priority/search", self.priorities, methods=["GET"]),
            Route("/rest/api/3/field", self.fields, methods=["GET"]),
        ]

    async def statuses(self, request: Request) -> Response:
        """Every status of the site's workflows, in the agent's language, each with `untranslatedName`."""
        base = base_url(request)
        seen: dict[str, dict[str, Any]] = {}
        for project in self.site.projects.values():
            for status in project.workflow.statuses:
                body = self.site.status_json(base, status)
                body["untranslatedName"] = status.untranslated
                seen.setdefault(status.id, body)
        return JSONResponse(list(seen.values()))

    async def priorities(self, request: Request) -> Response:
        """`PageBeanPriority`: a project's scheme (`projectId=`), else every priority, most urgent first."""
        base = base_url(request)
        wanted = [p for raw in request.query_params.getlist("projectId") for p in raw.split(",") if p]
        projects = [self.site.project(p) for p in wanted] if wanted else list(self.site.projects.values())
        entries: dict[str, str] = {}
        for project in projects:
            if project is not None:
                for shown, name, _ in self.site.priority_scheme(project.key):
                    entries.setdefault(shown, name)
        values = [
            {
                "self": f"{base}/rest/api/3/priority/{pid}",
                "statusColor": "#cccccc",
                "description": name,
                "iconUrl": f"{base}/images/icons/priorities/{pid}.svg",
                "name": name,
                "id": pid,
                "isDefault": False,
            }
            for pid, name in entries.items()
        ]
        start = int_param(request, "startAt", 0)
        limit = int_param(request, "maxResults", 50, lowest=1, highest=50)
        page = values[start : start + limit]
        return JSONResponse(
            {
                "self": str(request.url),
                "maxResults": limit,
                "startAt": start,
                "total": len(values),
                "isLast": start + len(page) >= len(values),
                "values": page,
            }
        )

    async def fields(self, request: Request) -> Response:
        """`FieldDetails` for the fields frontline reads: system ones, organizations, request type, SLAs."""
        fields = [_field(fid, name, schema, custom=False) for fid, name, schema in _SYSTEM_FIELDS]
        fields.append(
            _field(
                ORGANIZATIONS_FIELD,
                "Organizations",
                {
                    "type": "array",
                    "items": "sd-customerorganization",
                    "custom": f"{_SD}:sd-customer-organizations",
                },
            )
        )
        fields.append(
            _field(
                "customfield_10010",
                "Request Type",
                {"type": "sd-customerrequesttype", "custom": f"{_SD}:vp-origin"},
            )
        )
        for fid, (_, name) in SLA_FIELDS.items():
            fields.append(
                _field(fid, name, {"type": "sd-servicelevelagreement", "custom": f"{_SD}:sd-sla-field"})
            )
        return JSONResponse(fields)


def _field(field_id: str, name: str, schema: dict[str, Any], *, custom: bool = True) -> dict[str, Any]:
    if custom:
        schema = {**schema, "customId": int(field_id.removeprefix("customfield_"))}
    return {
        "id": field_id,
        "key": field_id,
        "name": name,
        "custom": custom,
        "orderable": True,
        "navigable": True,
        "searchable": True,
        "clauseNames": [f"cf[{field_id.removeprefix('customfield_')}]" if custom else field_id],
        "schema": schema,
    }
