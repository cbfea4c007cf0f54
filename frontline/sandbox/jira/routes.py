"""The Jira Software routes the platform API does not cover: issue links, remote links (upserted by
`globalId`) and the project. Create and its metadata are in `jira.create`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian.platform import ISSUE_NOT_FOUND
from frontline.sandbox.atlassian.records import IssueRecord, RemoteLinkRecord
from frontline.sandbox.atlassian.responses import jira_error, read_json
from frontline.sandbox.atlassian.shapes import avatar_urls, platform_user
from frontline.sandbox.http_helpers import base_url
from frontline.sandbox.jira.create import CreateApi
from frontline.sandbox.jira.site import JiraSite

LINK_TYPES = {
    "relates": ("Relates", "relates to", "relates to"),
    "blocks": ("Blocks", "is blocked by", "blocks"),
}


class JiraExtrasApi:
    """Issue links, remote links and the project."""

    def __init__(self, site: JiraSite) -> None:
        self.site = site

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/rest/api/3/issueLink", self.link, methods=["POST"]),
            Route("/rest/api/3/issue/{key}/remotelink", self.remote_links, methods=["GET"]),
            Route("/rest/api/3/issue/{key}/remotelink", self.upsert_remote_link, methods=["POST"]),
            Route("/rest/api/3/project/{project}", self.project, methods=["GET"]),
        ]

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
            self.site.touch(inward)
            self.site.touch(outward)
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
                "issueTypes": CreateApi(self.site).issue_types_json(base, project),
                "assigneeType": "UNASSIGNED",
                "projectTypeKey": project.type_key,
                "simplified": False,
                "style": "classic",
                "isPrivate": False,
                "avatarUrls": avatar_urls(project.id),
            }
        )
