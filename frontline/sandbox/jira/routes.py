"""The Jira Software routes the platform API does not cover: issue create (rich text as ADF), issue
links, remote links (upserted by `globalId`), the project and its create metadata."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian.adf import document_text
from frontline.sandbox.atlassian.platform import ISSUE_NOT_FOUND, adf_problem
from frontline.sandbox.atlassian.records import PRIORITY_BY_NAME, IssueRecord, RemoteLinkRecord
from frontline.sandbox.atlassian.responses import jira_error, read_json
from frontline.sandbox.atlassian.shapes import avatar_urls, platform_user
from frontline.sandbox.http_helpers import base_url, int_param
from frontline.sandbox.jira.seed import ENG, TODO
from frontline.sandbox.jira.site import JiraSite

_CREATABLE = frozenset(
    {"project", "issuetype", "summary", "description", "labels", "priority", "assignee", "environment"}
)
LINK_TYPES = {
    "relates": ("Relates", "relates to", "relates to"),
    "blocks": ("Blocks", "is blocked by", "blocks"),
}


class JiraExtrasApi:
    """Create, links, project and create-metadata routes."""

    def __init__(self, site: JiraSite) -> None:
        self.site = site

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/rest/api/3/issue", self.create, methods=["POST"]),
            Route("/rest/api/3/issueLink", self.link, methods=["POST"]),
            Route("/rest/api/3/issue/{key}/remotelink", self.remote_links, methods=["GET"]),
            Route("/rest/api/3/issue/{key}/remotelink", self.upsert_remote_link, methods=["POST"]),
            Route("/rest/api/3/project/{project}", self.project, methods=["GET"]),
            Route("/rest/api/3/issue/createmeta/{project}/issuetypes", self.create_meta, methods=["GET"]),
        ]

    async def create(self, request: Request) -> Response:
        body, error = await read_json(request)
        if error:
            return error
        fields = body.get("fields") if isinstance(body, dict) else None
        if not isinstance(fields, dict):
            return jira_error(400, ["Issue must be created with fields."])
        errors = {
            name: f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."
            for name in fields
            if name not in _CREATABLE
        }
        project_ref = _object(fields, "project")
        project = self.site.project(str(project_ref.get("key") or project_ref.get("id") or ""))
        if project is None:
            errors["project"] = "Specify a valid project ID or key"
        type_ref = _object(fields, "issuetype")
        issue_type = next(
            (
                tid
                for tid, name in (project.issue_types if project else ())
                if type_ref.get("id") == tid or type_ref.get("name") == name
            ),
            None,
        )
        if issue_type is None:
            errors["issuetype"] = "Specify an issue type"
        summary = fields.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            errors["summary"] = "You must specify a summary of the issue."
        elif len(summary) > 255:
            errors["summary"] = "Summary must be less than 255 characters."
        for rich in ("description", "environment"):
            if fields.get(rich) is not None and (problem := adf_problem(fields[rich])):
                errors[rich] = problem
        priority_id = _priority_id(fields.get("priority"))
        if priority_id is None:
            errors["priority"] = "The priority selected is invalid."
        assignee = fields.get("assignee")
        assignee_id = assignee.get("accountId") if isinstance(assignee, dict) else None
        if assignee is not None and assignee_id not in self.site.accounts:
            errors["assignee"] = f"User '{assignee_id}' cannot be assigned issues."
        labels = fields.get("labels", [])
        if not isinstance(labels, list) or any(not isinstance(x, str) or " " in x for x in labels):
            errors["labels"] = "Labels must be strings without spaces."
        if errors or project is None or issue_type is None or not isinstance(summary, str):
            return jira_error(400, errors=errors)
        now = self.site.now()
        number = self.site.next_number
        self.site.next_number += 1
        issue = IssueRecord(
            id=str(30000 + number),
            key=f"{project.key}-{number}",
            project_key=project.key,
            issue_type=issue_type,
            summary=summary,
            status_id=TODO,
            priority_id=priority_id,
            reporter_id=self.site.me.account_id,
            assignee_id=assignee_id,
            labels=list(dict.fromkeys(labels)),
            created=now,
            updated=now,
            description=document_text(fields["description"]) if fields.get("description") else "",
            description_adf=fields.get("description"),
            comments=[],
            seq=number,
        )
        self.site.add_issue(issue)
        self.site.revision += 1
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

    async def link(self, request: Request) -> Response:
        body, error = await read_json(request)
        if error:
            return error
        if not isinstance(body, dict):
            return jira_error(400, ["Issue link request is invalid."])
        type_name = str((body.get("type") or {}).get("name", "")).lower()
        inward = self.site.find(str((body.get("inwardIssue") or {}).get("key", "")))
        outward = self.site.find(str((body.get("outwardIssue") or {}).get("key", "")))
        if type_name not in LINK_TYPES:
            return jira_error(404, [f"No issue link type with name '{type_name}' found."])
        if inward is None or outward is None:
            return jira_error(404, ["Issue does not exist or you do not have permission to see it."])
        name, inward_text, outward_text = LINK_TYPES[type_name]
        link_type = {"id": "10000", "name": name, "inward": inward_text, "outward": outward_text}
        if not any(
            link.get("outwardIssue", {}).get("key") == outward.key and link["type"]["name"] == name
            for link in inward.links
        ):
            link_id = str(self.site.new_link_id())
            inward.links.append(
                {"id": link_id, "type": link_type, "outwardIssue": {"id": outward.id, "key": outward.key}}
            )
            outward.links.append(
                {"id": link_id, "type": link_type, "inwardIssue": {"id": inward.id, "key": inward.key}}
            )
            self.site.revision += 1
        return Response(status_code=201)

    def _link_json(self, base: str, issue: IssueRecord, link: RemoteLinkRecord) -> dict[str, Any]:
        return {
            "id": link.id,
            "self": f"{base}/rest/api/3/issue/{issue.key}/remotelink/{link.id}",
            **link.payload,
        }

    async def remote_links(self, request: Request) -> Response:
        issue = self.site.find(request.path_params["key"])
        if issue is None:
            return jira_error(404, [ISSUE_NOT_FOUND])
        base = base_url(request)
        global_id = request.query_params.get("globalId")
        if global_id is not None:
            found = next((link for link in issue.remote_links if link.global_id == global_id), None)
            if found is None:
                return jira_error(404, ["No remote link with the given globalId was found."])
            return JSONResponse(self._link_json(base, issue, found))
        return JSONResponse([self._link_json(base, issue, link) for link in issue.remote_links])

    async def upsert_remote_link(self, request: Request) -> Response:
        issue = self.site.find(request.path_params["key"])
        if issue is None:
            return jira_error(404, [ISSUE_NOT_FOUND])
        body, error = await read_json(request)
        if error:
            return error
        if not isinstance(body, dict) or not isinstance(body.get("object"), dict):
            return jira_error(400, errors={"object": "'object' is required."})
        obj = body["object"]
        errors = {
            name: f"'{name}' is required."
            for name in ("url", "title")
            if not isinstance(obj.get(name), str) or not obj[name]
        }
        global_id = body.get("globalId")
        if global_id is not None and (not isinstance(global_id, str) or len(global_id) > 255):
            errors["globalId"] = "'globalId' must be a string of at most 255 characters."
        if errors:
            return jira_error(400, errors=errors)
        payload = {
            k: body.get(k)
            for k in ("globalId", "application", "relationship", "object")
            if body.get(k) is not None
        }
        base = base_url(request)
        existing = next(
            (link for link in issue.remote_links if global_id and link.global_id == global_id), None
        )
        self.site.touch(issue)
        if existing is not None:
            existing.payload = payload
            return JSONResponse(
                {"id": existing.id, "self": self._link_json(base, issue, existing)["self"]}, status_code=200
            )
        link = RemoteLinkRecord(self.site.new_link_id(), global_id, payload)
        issue.remote_links.append(link)
        return JSONResponse(
            {"id": link.id, "self": self._link_json(base, issue, link)["self"]}, status_code=201
        )

    def _issue_types(self, base: str) -> list[dict[str, Any]]:
        return [
            {
                "self": f"{base}/rest/api/3/issuetype/{tid}",
                "id": tid,
                "name": name,
                "description": f"A {name.lower()}.",
                "iconUrl": f"{base}/images/icons/issuetypes/{name.lower()}.svg",
                "subtask": False,
                "hierarchyLevel": 1 if name == "Epic" else 0,
            }
            for tid, name in ENG.issue_types
        ]

    async def project(self, request: Request) -> Response:
        project = self.site.project(request.path_params["project"])
        if project is None:
            return jira_error(
                404, [f"No project could be found with key '{request.path_params['project']}'."]
            )
        base = base_url(request)
        lead = self.site.accounts[project.lead_id]
        return JSONResponse(
            {
                "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
                "self": f"{base}/rest/api/3/project/{project.id}",
                "id": project.id,
                "key": project.key,
                "name": project.name,
                "description": "Where support escalations land.",
                "lead": platform_user(base, lead),
                "issueTypes": self._issue_types(base),
                "assigneeType": "UNASSIGNED",
                "projectTypeKey": project.type_key,
                "simplified": False,
                "style": "classic",
                "isPrivate": False,
                "avatarUrls": avatar_urls(project.id),
            }
        )

    async def create_meta(self, request: Request) -> Response:
        project = self.site.project(request.path_params["project"])
        if project is None:
            return jira_error(
                404, [f"No project could be found with key '{request.path_params['project']}'."]
            )
        types = self._issue_types(base_url(request))
        start = int_param(request, "startAt", 0)
        limit = int_param(request, "maxResults", 50, lowest=1, highest=200)
        page = types[start : start + limit]
        return JSONResponse({"issueTypes": page, "maxResults": limit, "startAt": start, "total": len(types)})


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
        return str(value["id"])
    return PRIORITY_BY_NAME.get(str(value.get("name", "")).lower())
