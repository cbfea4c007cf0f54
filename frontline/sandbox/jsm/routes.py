"""The service desk API (`/rest/servicedeskapi/...`): desks, queues, requests, comments, SLAs,
participants and customer transitions, each answering JSM's own errors."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.atlassian.records import CommentRecord, IssueRecord, TransitionDef
from frontline.sandbox.atlassian.responses import jsm_error, read_json
from frontline.sandbox.atlassian.shapes import date_dto, jsm_user, paged
from frontline.sandbox.http_helpers import base_url, int_param, route_path
from frontline.sandbox.jsm.render import API, MAX_LIMIT, comment_json, desk_json, queue_json, request_json
from frontline.sandbox.jsm.seed import CUSTOMER_TRANSITIONS, QueueDef
from frontline.sandbox.jsm.site import JsmSite


class JsmApi:
    """The `/rest/servicedeskapi` routes over one `JsmSite`."""

    def __init__(self, site: JsmSite) -> None:
        self.site = site

    def routes(self) -> list[BaseRoute]:
        r = f"{API}/request/{{key}}"
        d = f"{API}/servicedesk/{{desk}}"
        return [
            Route(f"{API}/info", self.info, methods=["GET"]),
            Route(f"{API}/servicedesk", self.desks, methods=["GET"]),
            Route(d, self.desk, methods=["GET"]),
            Route(f"{d}/queue", self.queues, methods=["GET"]),
            Route(f"{d}/queue/{{queue}}", self.queue, methods=["GET"]),
            Route(f"{d}/queue/{{queue}}/issue", self.queue_issues, methods=["GET"]),
            Route(f"{API}/organization", self.organizations, methods=["GET"]),
            Route(r, self.request, methods=["GET"]),
            Route(f"{r}/status", self.status, methods=["GET"]),
            Route(f"{r}/comment", self.comments, methods=["GET"]),
            Route(f"{r}/comment", self.add_comment, methods=["POST"]),
            Route(f"{r}/comment/{{comment}}", self.comment, methods=["GET"]),
            Route(f"{r}/sla", self.slas, methods=["GET"]),
            Route(f"{r}/sla/{{metric}}", self.sla, methods=["GET"]),
            Route(f"{r}/participant", self.participants, methods=["GET"]),
            Route(f"{r}/participant", self.add_participants, methods=["POST"]),
            Route(f"{r}/transition", self.transitions, methods=["GET"]),
            Route(f"{r}/transition", self.do_transition, methods=["POST"]),
        ]

    # -- helpers -------------------------------------------------------------------------------------
    def _request(self, request: Request) -> IssueRecord | None:
        issue = self.site.find(request.path_params["key"])
        if issue is None or not issue.service_desk_id or not self.site.visible(issue):
            return None
        return issue

    @staticmethod
    def _not_agent() -> Response:
        return jsm_error(
            403, "You do not have permission to view the queues of this service project.", "sd.agent.required"
        )

    @staticmethod
    def _not_found() -> Response:
        return jsm_error(
            404,
            "The request could not be found or you do not have permission to view it.",
            "sd.request.not.found",
        )

    def _page(self, request: Request, values: list[Any], extra: str = "") -> dict[str, Any]:
        start = int_param(request, "start", 0)
        limit = int_param(request, "limit", MAX_LIMIT, lowest=1, highest=MAX_LIMIT)
        return paged(
            base_url(request),
            route_path(request),
            values[start : start + limit],
            start,
            limit,
            len(values),
            extra,
        )

    # -- service desks and queues ----------------------------------------------------------------------
    async def info(self, request: Request) -> Response:
        base = base_url(request)
        return JSONResponse(
            {
                "version": "10.3.0",
                "platformVersion": "1001.0.0",
                "buildDate": date_dto(self.site.anchor, self.site.now()),
                "buildChangeSet": "sandbox",
                "isLicensedForUse": True,
                "_links": {"self": f"{base}{API}/info"},
            }
        )

    async def desks(self, request: Request) -> Response:
        base = base_url(request)
        values = [desk_json(base, desk) for desk in self.site.desks.values()]
        return JSONResponse(self._page(request, values))

    async def desk(self, request: Request) -> Response:
        desk = self.site.desk(request.path_params["desk"])
        if desk is None:
            return jsm_error(404, "The service desk does not exist.", "sd.servicedesk.not.found")
        return JSONResponse(desk_json(base_url(request), desk))

    def _desk_queues(self, request: Request) -> list[QueueDef] | Response:
        """The desk's queues, or JSM's answer when there is no such desk or the agent is not its agent."""
        desk = self.site.desk(request.path_params["desk"])
        if desk is None:
            return jsm_error(404, "The service desk does not exist.", "sd.servicedesk.not.found")
        if not self.site.is_agent(desk):
            return self._not_agent()
        return [q for q in self.site.queues.values() if q.desk_id == desk.id]

    async def queues(self, request: Request) -> Response:
        queues = self._desk_queues(request)
        if isinstance(queues, Response):
            return queues
        count = request.query_params.get("includeCount", "false").lower() == "true"
        base = base_url(request)
        values = [queue_json(self.site, base, q, count) for q in queues]
        return JSONResponse(self._page(request, values, "includeCount=true" if count else ""))

    def _find_queue(self, request: Request) -> QueueDef | Response:
        queues = self._desk_queues(request)
        if isinstance(queues, Response):
            return queues if queues.status_code == 403 else self._no_queue()
        found = next((q for q in queues if q.id == request.path_params["queue"]), None)
        return found if found is not None else self._no_queue()

    @staticmethod
    def _no_queue() -> Response:
        return jsm_error(404, "The queue does not exist.", "sd.queue.not.found")

    async def queue(self, request: Request) -> Response:
        queue = self._find_queue(request)
        if isinstance(queue, Response):
            return queue
        count = request.query_params.get("includeCount", "false").lower() == "true"
        return JSONResponse(queue_json(self.site, base_url(request), queue, count))

    async def queue_issues(self, request: Request) -> Response:
        queue = self._find_queue(request)
        if isinstance(queue, Response):
            return queue
        base = base_url(request)
        members = self.site.queue_issues(queue)
        start = int_param(request, "start", 0)
        limit = int_param(request, "limit", MAX_LIMIT, lowest=1, highest=MAX_LIMIT)
        wanted = set(self.site.queue_fields).__contains__
        values = [
            {
                "id": issue.id,
                "key": issue.key,
                "self": f"{base}/rest/api/2/issue/{issue.id}",
                "fields": self.site.render_fields(base, issue, wanted),
            }
            for issue in members[start : start + limit]
        ]
        return JSONResponse(paged(base, route_path(request), values, start, limit, len(members)))

    async def organizations(self, request: Request) -> Response:
        base = base_url(request)
        values = [
            {"id": org.id, "name": org.name, "_links": {"self": f"{base}{API}/organization/{org.id}"}}
            for org in self.site.organizations.values()
        ]
        return JSONResponse(self._page(request, values))

    # -- requests --------------------------------------------------------------------------------------
    async def request(self, request: Request) -> Response:
        issue = self._request(request)
        if issue is None:
            return self._not_found()
        return JSONResponse(request_json(self.site, base_url(request), issue, _expands(request)))

    async def status(self, request: Request) -> Response:
        issue = self._request(request)
        if issue is None:
            return self._not_found()
        return JSONResponse(self._page(request, [self.site.request_status(issue)]))

    async def comments(self, request: Request) -> Response:
        issue = self._request(request)
        if issue is None:
            found = self.site.find(request.path_params["key"])
            if found is None or not found.service_desk_id:
                return self._not_found()
            return JSONResponse(self._page(request, []))  # JSM: "simply returns an empty response"
        want_public = request.query_params.get("public", "true").lower() != "false"
        want_internal = request.query_params.get("internal", "true").lower() != "false"
        base = base_url(request)
        chosen = [
            c
            for c in self.site.comments(issue)
            if (c.public and want_public) or (not c.public and want_internal)
        ]
        expand = _expands(request)
        values = [comment_json(self.site, base, issue, c, expand) for c in chosen]
        extra = "&".join(
            f"{k}={request.query_params[k]}" for k in ("public", "internal") if k in request.query_params
        )
        return JSONResponse(self._page(request, values, extra))

    async def comment(self, request: Request) -> Response:
        issue = self._request(request)
        if issue is None:
            return self._not_found()
        found = next((c for c in self.site.comments(issue) if c.id == request.path_params["comment"]), None)
        if found is None:
            return jsm_error(404, "The comment does not exist.", "sd.comment.not.found")
        return JSONResponse(comment_json(self.site, base_url(request), issue, found, _expands(request)))

    async def add_comment(self, request: Request) -> Response:
        found = await self._request_and_body(request)
        if isinstance(found, Response):
            return found
        issue, body = found
        if not isinstance(body, dict):
            return jsm_error(400, "The request body must be a JSON object.", "sd.request.body.invalid")
        text = body.get("body")
        if isinstance(text, dict | list):
            return jsm_error(
                400,
                "Can not deserialize instance of java.lang.String out of START_OBJECT token",
                "sd.request.body.invalid",
            )
        if not isinstance(text, str) or not text.strip():
            return jsm_error(400, "The comment body cannot be empty.", "sd.comment.body.required")
        if "public" not in body:
            return jsm_error(
                400,
                "You must specify whether the comment is public (true) or internal (false).",
                "sd.comment.public.required",
            )
        if not isinstance(body["public"], bool):
            return jsm_error(400, "The 'public' field must be true or false.", "sd.comment.public.invalid")
        comment = CommentRecord(
            self.site.new_comment_id(), self.site.me.account_id, text, body["public"], self.site.now()
        )
        self.site.comments(issue).append(comment)
        self.site.touch(issue)
        return JSONResponse(comment_json(self.site, base_url(request), issue, comment), status_code=201)

    async def slas(self, request: Request) -> Response:
        issue = self._request(request)
        if issue is None:
            return self._not_found()
        return JSONResponse(self._page(request, self.site.sla_values(base_url(request), issue)))

    async def sla(self, request: Request) -> Response:
        issue = self._request(request)
        if issue is None:
            return self._not_found()
        found = [
            s
            for s in self.site.sla_values(base_url(request), issue)
            if s["id"] == request.path_params["metric"]
        ]
        if not found:
            return jsm_error(404, "The SLA metric does not exist.", "sd.sla.not.found")
        return JSONResponse(found[0])

    async def participants(self, request: Request) -> Response:
        issue = self._request(request)
        if issue is None:
            return self._not_found()
        base = base_url(request)
        return JSONResponse(
            self._page(request, [jsm_user(base, self.site.accounts[p]) for p in issue.participants])
        )

    async def add_participants(self, request: Request) -> Response:
        found = await self._request_and_body(request)
        if isinstance(found, Response):
            return found
        issue, body = found
        ids = body.get("accountIds") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            return jsm_error(
                400, "accountIds must be a non-empty list of account ids.", "sd.participant.invalid"
            )
        unknown = [i for i in ids if i not in self.site.accounts]
        if unknown:
            return jsm_error(
                400, f"The users {', '.join(unknown)} do not exist.", "sd.participant.user.not.found"
            )
        for account_id in ids:
            if account_id not in issue.participants and account_id != issue.reporter_id:
                issue.participants.append(account_id)
        self.site.touch(issue)
        base = base_url(request)
        people = [jsm_user(base, self.site.accounts[p]) for p in issue.participants]
        return JSONResponse(
            paged(base, f"{API}/request/{issue.id}/participant", people, 0, MAX_LIMIT, len(people))
        )

    async def _request_and_body(self, request: Request) -> tuple[IssueRecord, Any] | Response:
        """The request a write names and its JSON body, or the error JSM answers when either is wrong."""
        issue = self._request(request)
        if issue is None:
            return self._not_found()
        body, error = await read_json(request)
        if error:
            return error
        return issue, body

    def _customer_transitions(self, issue: IssueRecord) -> list[TransitionDef]:
        available = self.site.workflow(issue).available(issue.status_id)
        return [t for t in available if t.id in CUSTOMER_TRANSITIONS]

    async def transitions(self, request: Request) -> Response:
        issue = self._request(request)
        if issue is None:
            return self._not_found()
        values = [{"id": t.id, "name": t.name} for t in self._customer_transitions(issue)]
        return JSONResponse(self._page(request, values))

    async def do_transition(self, request: Request) -> Response:
        found = await self._request_and_body(request)
        if isinstance(found, Response):
            return found
        issue, body = found
        wanted = body.get("id") if isinstance(body, dict) else None
        chosen = next((t for t in self._customer_transitions(issue) if t.id == str(wanted)), None)
        if chosen is None:
            return jsm_error(
                400, f"The transition '{wanted}' is not valid for this request.", "sd.transition.invalid"
            )
        comment = (body.get("additionalComment") or {}).get("body")
        if isinstance(comment, str) and comment.strip():
            self.site.comments(issue).append(
                CommentRecord(
                    self.site.new_comment_id(), self.site.me.account_id, comment, True, self.site.now()
                )
            )
        issue.status_id = chosen.to
        self.site.touch(issue)
        return Response(status_code=204)


def _expands(request: Request) -> set[str]:
    """The `expand` parameter, a multi-value one (`expand=a&expand=b` or `expand=a,b`)."""
    return {e.strip() for raw in request.query_params.getlist("expand") for e in raw.split(",")}
