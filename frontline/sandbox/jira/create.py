"""Issue create and its metadata: `createmeta/{project}/issuetypes[/{id}]` and `POST /rest/api/3/issue`.

One table of fields per project and issue type serves both: what createmeta lists is exactly what create
accepts (anything else "cannot be set"), and a required field without a default that is missing gets
Jira's per-field 400 (`"Affected environment is required."`). Rich text must be valid ADF.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian.adf import document_text
from frontline.sandbox.atlassian.platform import adf_problem
from frontline.sandbox.atlassian.records import PRIORITIES, PRIORITY_BY_NAME, IssueRecord
from frontline.sandbox.atlassian.responses import jira_error, read_json
from frontline.sandbox.atlassian.site import ProjectDef
from frontline.sandbox.http_helpers import base_url, int_param
from frontline.sandbox.jira.seed import REQUIRED_CUSTOM_FIELDS, TODO
from frontline.sandbox.jira.site import JiraSite

_SELECT = "com.atlassian.jira.plugin.system.customfieldtypes:select"


@dataclass(frozen=True)
class FieldDef:
    """One field on a create screen, as createmeta shows it."""

    id: str
    name: str
    schema: dict[str, Any]
    required: bool = False
    has_default: bool = False
    default: Any = None
    allowed: tuple[dict[str, Any], ...] | None = None
    operations: tuple[str, ...] = ("set",)

    def json(self) -> dict[str, Any]:
        """`FieldCreateMetadata`."""
        body: dict[str, Any] = {
            "fieldId": self.id,
            "key": self.id,
            "name": self.name,
            "required": self.required,
            "hasDefaultValue": self.has_default,
            "operations": list(self.operations),
            "schema": self.schema,
        }
        if self.default is not None:
            body["defaultValue"] = self.default
        if self.allowed is not None:
            body["allowedValues"] = list(self.allowed)
        return body


def screen(base: str, project: ProjectDef, type_id: str) -> list[FieldDef]:
    """The create screen of one issue type in one project."""
    type_name = dict(project.issue_types)[type_id]
    priorities = tuple(
        {"self": f"{base}/rest/api/3/priority/{pid}", "id": pid, "name": name} for pid, name in PRIORITIES
    )
    user = {"type": "user"}
    fields = [
        FieldDef("summary", "Summary", {"type": "string", "system": "summary"}, required=True),
        FieldDef(
            "issuetype",
            "Issue Type",
            {"type": "issuetype", "system": "issuetype"},
            required=True,
            allowed=({"id": type_id, "name": type_name, "subtask": False},),
        ),
        FieldDef(
            "project",
            "Project",
            {"type": "project", "system": "project"},
            required=True,
            allowed=({"id": project.id, "key": project.key, "name": project.name},),
        ),
        FieldDef("description", "Description", {"type": "string", "system": "description"}),
        FieldDef("environment", "Environment", {"type": "string", "system": "environment"}),
        FieldDef(
            "labels",
            "Labels",
            {"type": "array", "items": "string", "system": "labels"},
            operations=("add", "set", "remove"),
        ),
        FieldDef(
            "priority",
            "Priority",
            {"type": "priority", "system": "priority"},
            has_default=True,
            default=priorities[2],
            allowed=priorities,
        ),
        FieldDef("assignee", "Assignee", {**user, "system": "assignee"}),
        FieldDef("reporter", "Reporter", {**user, "system": "reporter"}, required=True, has_default=True),
    ]
    if project.components:
        fields.append(
            FieldDef(
                "components",
                "Components",
                {"type": "array", "items": "component", "system": "components"},
                allowed=tuple({"id": cid, "name": name} for cid, name in project.components),
                operations=("add", "set", "remove"),
            )
        )
    for custom in REQUIRED_CUSTOM_FIELDS.get((project.key, type_id), ()):
        options = tuple(
            {"self": f"{base}/rest/api/3/customFieldOption/{oid}", "value": value, "id": oid}
            for oid, value in custom.options
        )
        number = int(custom.id.rsplit("_", 1)[1])
        schema = {"type": "option", "custom": _SELECT, "customId": number}
        fields.append(FieldDef(custom.id, custom.name, schema, required=True, allowed=options))
    return fields


class CreateApi:
    """`POST /rest/api/3/issue` and the create metadata it is checked against."""

    def __init__(self, site: JiraSite) -> None:
        self.site = site

    def routes(self) -> list[BaseRoute]:
        meta = "/rest/api/3/issue/createmeta/{project}/issuetypes"
        return [
            Route("/rest/api/3/issue", self.create, methods=["POST"]),
            Route(meta, self.issue_types, methods=["GET"]),
            Route(meta + "/{type_id}", self.fields, methods=["GET"]),
        ]

    def issue_types_json(self, base: str, project: ProjectDef) -> list[dict[str, Any]]:
        return [
            {
                "self": f"{base}/rest/api/3/issuetype/{tid}",
                "id": tid,
                "name": name,
                "description": f"A {name.lower()}.",
                "iconUrl": f"{base}/images/icons/issuetypes/{name.lower().replace(' ', '')}.svg",
                "subtask": False,
                "hierarchyLevel": 1 if name == "Epic" else 0,
            }
            for tid, name in project.issue_types
        ]

    def _project(self, request: Request) -> ProjectDef | Response:
        key = request.path_params["project"]
        project = self.site.project(key)
        if project is None:
            return jira_error(404, [f"No project could be found with key '{key}'."])
        return project

    async def issue_types(self, request: Request) -> Response:
        project = self._project(request)
        if isinstance(project, Response):
            return project
        return _page(request, "issueTypes", self.issue_types_json(base_url(request), project))

    async def fields(self, request: Request) -> Response:
        project = self._project(request)
        if isinstance(project, Response):
            return project
        type_id = request.path_params["type_id"]
        if type_id not in dict(project.issue_types):
            return jira_error(404, [f"Issue type with id '{type_id}' does not exist in this project."])
        fields = [field.json() for field in screen(base_url(request), project, type_id)]
        return _page(request, "fields", fields)

    async def create(self, request: Request) -> Response:
        body, error = await read_json(request)
        if error:
            return error
        fields = body.get("fields") if isinstance(body, dict) else None
        if not isinstance(fields, dict):
            return jira_error(400, ["Issue must be created with fields."])
        project_ref = _object(fields, "project")
        project = self.site.project(str(project_ref.get("key") or project_ref.get("id") or ""))
        if project is None:
            return jira_error(400, errors={"project": "Specify a valid project ID or key"})
        type_ref = _object(fields, "issuetype")
        named = {type_ref.get("id"), type_ref.get("name")}
        type_id = next((tid for tid, name in project.issue_types if named & {tid, name}), None)
        if type_id is None:
            return jira_error(400, errors={"issuetype": "Specify an issue type"})
        on_screen = {field.id: field for field in screen(base_url(request), project, type_id)}
        errors = {
            name: f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."
            for name in fields
            if name not in on_screen
        }
        for field in on_screen.values():
            if field.required and not field.has_default and fields.get(field.id) in (None, "", [], {}):
                errors.setdefault(field.id, f"{field.name} is required.")
        errors.update(self._value_problems(fields, on_screen))
        if errors:
            return jira_error(400, errors=errors)
        return self._store(request, project, type_id, fields, on_screen)

    def _value_problems(self, fields: dict[str, Any], on_screen: dict[str, FieldDef]) -> dict[str, str]:
        errors: dict[str, str] = {}
        summary = fields.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            errors["summary"] = "You must specify a summary of the issue."
        elif len(summary) > 255:
            errors["summary"] = "Summary must be less than 255 characters."
        for rich in ("description", "environment"):
            if fields.get(rich) is not None and (problem := adf_problem(fields[rich])):
                errors[rich] = problem
        if _priority_id(fields.get("priority")) is None:
            errors["priority"] = "The priority selected is invalid."
        for role in ("assignee", "reporter"):
            person = fields.get(role)
            account_id = person.get("accountId") if isinstance(person, dict) else None
            if person is not None and account_id not in self.site.accounts:
                errors[role] = f"User '{account_id}' cannot be assigned issues."
        labels = fields.get("labels", [])
        if not isinstance(labels, list) or any(not isinstance(x, str) or " " in x for x in labels):
            errors["labels"] = "Labels must be strings without spaces."
        if "components" in fields and (problem := _component_problem(fields["components"], on_screen)):
            errors["components"] = problem
        for name, field in on_screen.items():
            if name.startswith("customfield_") and name in fields and _option(fields[name], field) is None:
                errors[name] = f"Specify a valid 'id' or 'name' for {field.name}"
        return errors

    def _store(
        self,
        request: Request,
        project: ProjectDef,
        type_id: str,
        fields: dict[str, Any],
        on_screen: dict[str, FieldDef],
    ) -> Response:
        now = self.site.now()
        issue_id, key = self.site.next_key(project.key)
        assignee = fields.get("assignee")
        reporter = fields.get("reporter")
        issue = IssueRecord(
            id=issue_id,
            key=key,
            project_key=project.key,
            issue_type=type_id,
            summary=fields["summary"],
            status_id=TODO,
            priority_id=_priority_id(fields.get("priority")),
            reporter_id=reporter["accountId"] if isinstance(reporter, dict) else self.site.me.account_id,
            assignee_id=assignee.get("accountId") if isinstance(assignee, dict) else None,
            labels=list(dict.fromkeys(fields.get("labels") or [])),
            created=now,
            updated=now,
            description=document_text(fields["description"]) if fields.get("description") else "",
            description_adf=fields.get("description"),
            comments=[],
            seq=int(key.rsplit("-", 1)[1]),
        )
        if "components" in fields:
            issue.components = [_choice(item, on_screen["components"]) or "" for item in fields["components"]]
        for name, value in fields.items():
            if name.startswith("customfield_"):
                issue.custom[name] = _option(value, on_screen[name])
        self.site.add_issue(issue)
        self.site.touch(issue)
        base = base_url(request)
        return JSONResponse(
            {
                "id": issue.id,
                "key": issue.key,
                "self": f"{base}/rest/api/3/issue/{issue.id}",
                "transition": {"status": 200, "errorCollection": {"errorMessages": [], "errors": {}}},
            },
            status_code=201,
        )


def _page(request: Request, name: str, items: list[dict[str, Any]]) -> Response:
    start = int_param(request, "startAt", 0)
    limit = int_param(request, "maxResults", 50, lowest=1, highest=200)
    page = items[start : start + limit]
    return JSONResponse({name: page, "maxResults": limit, "startAt": start, "total": len(items)})


def _object(fields: dict[str, Any], name: str) -> dict[str, Any]:
    """A reference field (`{"key": ...}`, `{"id": ...}`), or an empty one when it is not an object."""
    value = fields.get(name)
    return value if isinstance(value, dict) else {}


def _priority_id(value: Any) -> str | None:
    """The id a create's `priority` names (Medium when absent), or None when it names nothing valid."""
    if value is None:
        return "3"
    if not isinstance(value, dict):
        return None
    if value.get("id"):
        return str(value["id"]) if str(value["id"]) in dict(PRIORITIES) else None
    return PRIORITY_BY_NAME.get(str(value.get("name", "")).lower())


def _choice(item: Any, field: FieldDef) -> str | None:
    """The id of the allowed value `item` names by id or name, or None."""
    if not isinstance(item, dict):
        return None
    for allowed in field.allowed or ():
        if item.get("id") == allowed["id"] or (item.get("name") and item.get("name") == allowed.get("name")):
            return str(allowed["id"])
    return None


def _component_problem(value: Any, on_screen: dict[str, FieldDef]) -> str | None:
    field = on_screen["components"]
    if not isinstance(value, list):
        return f"{field.name} must be a list."
    for item in value:
        if _choice(item, field) is None:
            name = item.get("name") or item.get("id") if isinstance(item, dict) else item
            return f"Component name '{name}' is not valid"
    return None


def _option(value: Any, field: FieldDef) -> dict[str, Any] | None:
    """The select option `value` names (`{"value": ...}` or `{"id": ...}`), as Jira stores it."""
    if not isinstance(value, dict):
        return None
    for allowed in field.allowed or ():
        if value.get("id") == allowed["id"] or value.get("value") in (allowed["value"],):
            return dict(allowed)
    return None
