"""Jira platform v3 issue routes (`/rest/api/3/...`), served by both the Jira and the JSM sandbox sites.

Strict where Jira is strict: rich text must be ADF, status cannot be edited (use a transition), only a
transition the workflow offers from the current status is accepted, unknown fields are refused.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian.adf import document_problems, document_text
from frontline.sandbox.atlassian.records import (
    RESOLUTION_BY_ID,
    RESOLUTION_BY_NAME,
    CommentRecord,
    IssueRecord,
    TransitionDef,
)
from frontline.sandbox.atlassian.responses import jira_error, read_json
from frontline.sandbox.atlassian.shapes import platform_user
from frontline.sandbox.atlassian.site import AtlassianSite, FieldSelection
from frontline.sandbox.http_helpers import base_url, int_param

NOT_ADF = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
EDITABLE = frozenset({"summary", "description", "priority", "assignee", "labels", "environment"})
ISSUE_NOT_FOUND = "Issue does not exist or you do not have permission to see it."


def adf_problem(value: Any) -> str | None:
    """Jira's message for a rich-text value that is not a valid document, or None when it is fine."""
    if not isinstance(value, dict):
        return NOT_ADF
    return "INVALID_INPUT" if document_problems(value) else None


class PlatformApi:
    """Issue, comment, transition and assignment routes over one `AtlassianSite`."""

    def __init__(self, site: AtlassianSite) -> None:
        self.site = site

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/rest/api/3/myself", self.myself, methods=["GET"]),
            Route("/rest/api/3/user/assignable/search", self.assignable, methods=["GET"]),
            Route("/rest/api/3/issue/{key}", self.get_issue, methods=["GET"]),
            Route("/rest/api/3/issue/{key}", self.edit_issue, methods=["PUT"]),
            Route("/rest/api/3/issue/{key}/assignee", self.assign, methods=["PUT"]),
            Route("/rest/api/3/issue/{key}/transitions", self.get_transitions, methods=["GET"]),
            Route("/rest/api/3/issue/{key}/transitions", self.do_transition, methods=["POST"]),
            Route("/rest/api/3/issue/{key}/comment", self.get_comments, methods=["GET"]),
            Route("/rest/api/3/issue/{key}/comment", self.add_comment, methods=["POST"]),
        ]

    def _issue(self, request: Request) -> IssueRecord | None:
        issue = self.site.find(request.path_params["key"])
        return issue if issue is not None and self.site.visible(issue) else None

    async def _issue_and_body(self, request: Request) -> tuple[IssueRecord, Any] | Response:
        """The issue a write names and its JSON body, or the error Jira answers when either is wrong."""
        issue = self._issue(request)
        if issue is None:
            return jira_error(404, [ISSUE_NOT_FOUND])
        body, error = await read_json(request)
        if error:
            return error
        return issue, body

    async def myself(self, request: Request) -> Response:
        body = platform_user(base_url(request), self.site.me)
        body["locale"] = "en_US"
        return JSONResponse(body)

    async def assignable(self, request: Request) -> Response:
        """Users who may be assigned the issue: every non-customer account, matching `query` by name or
        email, paged by `startAt`/`maxResults` (a plain list, as Jira answers)."""
        key = request.query_params.get("issueKey") or request.query_params.get("issueId")
        if not key:
            return jira_error(400, ["One of 'issueKey', 'issueId' or 'project' must be provided."])
        issue = self.site.find(key)
        if issue is None or not self.site.visible(issue):
            return jira_error(404, [ISSUE_NOT_FOUND])
        query = (request.query_params.get("query") or "").casefold()
        people = [
            a
            for a in self.site.accounts.values()
            if a.account_type == "atlassian"
            and (query in a.display_name.casefold() or query in (a.email or "").casefold())
        ]
        start = max(int_param(request, "startAt", 0), 0)
        limit = min(max(int_param(request, "maxResults", 50), 1), 1000)
        return JSONResponse([platform_user(base_url(request), a) for a in people[start : start + limit]])

    async def get_issue(self, request: Request) -> Response:
        issue = self._issue(request)
        if issue is None:
            return jira_error(404, [ISSUE_NOT_FOUND])
        wanted = FieldSelection.parse(request.query_params.get("fields"), "*all")
        body = self.site.render_issue(base_url(request), issue, wanted)
        if "transitions" in request.query_params.get("expand", "").split(","):
            body["transitions"] = self._transitions_json(base_url(request), issue)
        return JSONResponse(body)

    async def edit_issue(self, request: Request) -> Response:
        found = await self._issue_and_body(request)
        if isinstance(found, Response):
            return found
        issue, body = found
        if not isinstance(body, dict) or not (body.get("fields") or body.get("update")):
            return jira_error(400, ["No fields or update operations were given."])
        fields = body.get("fields") or {}
        update = body.get("update") or {}
        if not isinstance(fields, dict) or not isinstance(update, dict):
            return jira_error(400, ["Can not deserialize the request body."])
        errors = self._check_edit(issue, fields, update)
        if errors:
            return jira_error(400, errors=errors)
        self._apply_edit(issue, fields, update)
        self.site.touch(issue)
        if request.query_params.get("returnIssue") == "true":
            return JSONResponse(
                self.site.render_issue(base_url(request), issue, FieldSelection.parse("*all", ""))
            )
        return Response(status_code=204)

    def _check_edit(
        self, issue: IssueRecord, fields: dict[str, Any], update: dict[str, Any]
    ) -> dict[str, str]:
        errors: dict[str, str] = {}
        for name in [*fields, *update]:
            if name not in EDITABLE and name != "comment":
                errors[name] = (
                    f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."
                )
        if "summary" in fields and (not isinstance(fields["summary"], str) or not fields["summary"].strip()):
            errors["summary"] = "You must specify a summary of the issue."
        for rich in ("description", "environment"):
            if rich in fields and fields[rich] is not None and (problem := adf_problem(fields[rich])):
                errors[rich] = problem
        if "priority" in fields and self.site.priority_id(issue, fields["priority"]) is None:
            errors["priority"] = "The priority selected is invalid."
        if "assignee" in fields:
            account = fields["assignee"]
            account_id = account.get("accountId") if isinstance(account, dict) else None
            if account is not None and account_id not in self.site.accounts:
                errors["assignee"] = f"User '{account_id}' cannot be assigned issues."
        labels = fields.get("labels")
        if "labels" in fields and (
            not isinstance(labels, list) or not all(isinstance(x, str) for x in labels)
        ):
            errors["labels"] = "The labels must be an array of strings."
        for op in update.get("labels") or []:
            for value in op.values() if isinstance(op, dict) else [None]:
                if not isinstance(value, str):
                    errors["labels"] = "The labels must be strings."
                elif " " in value:
                    errors["labels"] = f"The label '{value}' contains spaces which is invalid."
        for label in labels if isinstance(labels, list) else []:
            if isinstance(label, str) and " " in label:
                errors["labels"] = f"The label '{label}' contains spaces which is invalid."
        for op in update.get("comment") or []:
            added = op.get("add") if isinstance(op, dict) else None
            if not isinstance(added, dict) or (problem := adf_problem(added.get("body"))):
                errors["comment"] = "Comment body is not valid!"
        return errors

    def _apply_edit(self, issue: IssueRecord, fields: dict[str, Any], update: dict[str, Any]) -> None:
        if "summary" in fields:
            issue.summary = fields["summary"]
        if "description" in fields:
            issue.description_adf = fields["description"]
            issue.description = document_text(fields["description"]) if fields["description"] else ""
        if "priority" in fields:
            issue.priority_id = self.site.priority_id(issue, fields["priority"])
        if "assignee" in fields:
            issue.assignee_id = fields["assignee"]["accountId"] if fields["assignee"] else None
        if "labels" in fields:
            issue.labels = list(dict.fromkeys(fields["labels"]))
        for op in update.get("labels") or []:
            for verb, value in op.items():
                if verb == "add" and value not in issue.labels:
                    issue.labels.append(value)
                elif verb == "remove" and value in issue.labels:
                    issue.labels.remove(value)
                elif verb == "set":
                    issue.labels = [value]
        for op in update.get("comment") or []:
            self._store_comment(issue, op["add"]["body"], public=True)

    def _store_comment(self, issue: IssueRecord, adf: dict[str, Any], *, public: bool) -> CommentRecord:
        comment = CommentRecord(
            id=self.site.new_comment_id(),
            author_id=self.site.me.account_id,
            body=document_text(adf),
            public=public,
            created=self.site.now(),
            adf=adf,
        )
        self.site.comments(issue).append(comment)
        self.site.touch(issue)
        return comment

    async def assign(self, request: Request) -> Response:
        found = await self._issue_and_body(request)
        if isinstance(found, Response):
            return found
        issue, body = found
        if not isinstance(body, dict) or "accountId" not in body:
            return jira_error(400, ["accountId must be provided (null to unassign)."])
        account_id = body["accountId"]
        if account_id == "-1":
            account_id = self.site.project_of(issue).lead_id
        if account_id is not None and account_id not in self.site.accounts:
            return jira_error(400, errors={"assignee": f"User '{account_id}' cannot be assigned issues."})
        issue.assignee_id = account_id
        self.site.touch(issue)
        return Response(status_code=204)

    def _transitions_json(
        self, base: str, issue: IssueRecord, *, fields: bool = False
    ) -> list[dict[str, Any]]:
        workflow = self.site.workflow(issue)
        transitions = []
        for t in workflow.available(issue.status_id):
            body: dict[str, Any] = {
                "id": t.id,
                "name": t.name,
                "to": self.site.status_json(base, workflow.status(t.to)),
                "hasScreen": bool(t.screen),
                "isGlobal": not t.sources,
                "isInitial": False,
                "isAvailable": True,
                "isConditional": False,
                "isLooped": False,
            }
            if fields:
                choices = self.site.resolution_choices()
                body["fields"] = {name: _screen_field(base, name, choices) for name in t.screen}
            transitions.append(body)
        return transitions

    async def get_transitions(self, request: Request) -> Response:
        issue = self._issue(request)
        if issue is None:
            return jira_error(404, [ISSUE_NOT_FOUND])
        expand = request.query_params.get("expand", "").split(",")
        transitions = self._transitions_json(base_url(request), issue, fields="transitions.fields" in expand)
        wanted = request.query_params.get("transitionId")
        if wanted:
            transitions = [t for t in transitions if t["id"] == wanted]
        return JSONResponse({"expand": "transitions", "transitions": transitions})

    async def do_transition(self, request: Request) -> Response:
        found = await self._issue_and_body(request)
        if isinstance(found, Response):
            return found
        issue, body = found
        transition = body.get("transition") if isinstance(body, dict) else None
        transition_id = transition.get("id") if isinstance(transition, dict) else None
        if not transition_id:
            return jira_error(400, ["Missing 'transition' identifier"])
        available = {t.id: t for t in self.site.workflow(issue).available(issue.status_id)}
        chosen = available.get(str(transition_id))
        if chosen is None:
            return jira_error(400, [f"Transition id '{transition_id}' is not valid for this issue."])
        update = body.get("update") or {}
        raw_fields = body.get("fields") or {}
        fields = dict(raw_fields) if isinstance(raw_fields, dict) else {}
        resolution = fields.pop("resolution", None)
        errors = self._check_edit(issue, fields, update if isinstance(update, dict) else {})
        errors.update(_screen_problems(chosen, resolution))
        if errors:
            return jira_error(400, errors=errors)
        issue.status_id = chosen.to
        done = self.site.workflow(issue).status(chosen.to).category == "done"
        issue.resolution_id = _resolution_id(resolution) if done and resolution is not None else None
        for op in update.get("comment") or []:
            self._store_comment(issue, op["add"]["body"], public=True)
        self.site.touch(issue)
        return Response(status_code=204)

    async def get_comments(self, request: Request) -> Response:
        issue = self._issue(request)
        if issue is None:
            return jira_error(404, [ISSUE_NOT_FOUND])
        order = request.query_params.get("orderBy", "created")
        if order.lstrip("+-") != "created":
            return jira_error(400, ["orderBy must be 'created', '-created' or '+created'."])
        comments = list(self.site.comments(issue))
        if order.startswith("-"):
            comments.reverse()
        start = int_param(request, "startAt", 0)
        limit = int_param(request, "maxResults", 100, lowest=1, highest=5000)
        base = base_url(request)
        page = [self.site.comment_json(base, issue, c) for c in comments[start : start + limit]]
        return JSONResponse({"startAt": start, "maxResults": limit, "total": len(comments), "comments": page})

    async def add_comment(self, request: Request) -> Response:
        found = await self._issue_and_body(request)
        if isinstance(found, Response):
            return found
        issue, body = found
        if not isinstance(body, dict) or adf_problem(body.get("body")):
            return jira_error(400, ["Comment body is not valid!"])
        if not document_text(body["body"]).strip():
            return jira_error(400, errors={"comment": "Comment body can not be empty!"})
        public = True
        for prop in body.get("properties") or []:
            if isinstance(prop, dict) and prop.get("key") == "sd.public.comment":
                public = not bool((prop.get("value") or {}).get("internal"))
        comment = self._store_comment(issue, body["body"], public=public)
        return JSONResponse(self.site.comment_json(base_url(request), issue, comment), status_code=201)


def _resolution_id(value: Any) -> str | None:
    """The resolution a transition names (`{"name": "Done"}` or `{"id": "10000"}`), or None."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("id"), str) and value["id"] in RESOLUTION_BY_ID:
        return str(value["id"])
    return RESOLUTION_BY_NAME.get(str(value.get("name", "")).lower())


def _screen_problems(transition: TransitionDef, resolution: Any) -> dict[str, str]:
    """Jira's answer to a transition whose screen asks for a resolution that was not given."""
    if "resolution" not in transition.screen:
        return {}
    if resolution is None:
        return {"resolution": "Resolution is required."}
    if _resolution_id(resolution) is None:
        return {"resolution": "The resolution is invalid."}
    return {}


def _screen_field(base: str, name: str, choices: tuple[str, ...]) -> dict[str, Any]:
    """`FieldMetadata` for a transition-screen field (only `resolution` is ever on one), its allowed
    values in `choices` order."""
    return {
        "required": True,
        "schema": {"type": name, "system": name},
        "name": name.capitalize(),
        "key": name,
        "operations": ["set"],
        "allowedValues": [
            {"self": f"{base}/rest/api/3/resolution/{rid}", "id": rid, "name": RESOLUTION_BY_ID[rid]}
            for rid in choices
        ],
    }
