"""The Zendesk Support API paths the sandbox serves, with the vendor's parameters and shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frontline.sandbox.http_helpers import Handler, base_url, guarded
from frontline.sandbox.zendesk import people, render
from frontline.sandbox.zendesk.catalog import ticket_fields
from frontline.sandbox.zendesk.create import create_ticket
from frontline.sandbox.zendesk.errors import bad_request, not_found
from frontline.sandbox.zendesk.formats import iso
from frontline.sandbox.zendesk.hard_parts import CUSTOM_STATUSES, custom_status_json
from frontline.sandbox.zendesk.paging import (
    cursor_envelope,
    cursor_window,
    offset_envelope,
    offset_window,
    wants_cursor,
)
from frontline.sandbox.zendesk.params import id_list, includes, json_body, me, path_int
from frontline.sandbox.zendesk.store import ZendeskStore

if TYPE_CHECKING:
    from frontline.sandbox.zendesk.system import ZendeskSystem

_SEARCH_SORT = {
    "updated_at": "updated",
    "created_at": "created",
    "priority": "priority",
    "status": "status",
    "ticket_type": "type",
}


class ZendeskApi:
    """Request handlers bound to one system (its store is replaced on reset, so look it up each time)."""

    def __init__(self, system: ZendeskSystem) -> None:
        self.system = system

    @property
    def store(self) -> ZendeskStore:
        return self.system.store

    def routes(self) -> list[Route]:
        table: list[tuple[str, Handler, str]] = [
            ("/api/v2/users", self.list_users, "GET"),
            ("/api/v2/users/me", self.current_user, "GET"),
            ("/api/v2/users/show_many", self.users_show_many, "GET"),
            ("/api/v2/users/{user_id}", self.show_user, "GET"),
            ("/api/v2/users/{user_id}/tickets/requested", self.requested_tickets, "GET"),
            ("/api/v2/organizations", self.list_organizations, "GET"),
            ("/api/v2/organizations/{organization_id}", self.show_organization, "GET"),
            ("/api/v2/groups", self.list_groups, "GET"),
            ("/api/v2/groups/assignable", self.assignable_groups, "GET"),
            ("/api/v2/groups/{group_id}", self.show_group, "GET"),
            ("/api/v2/views", self.list_views, "GET"),
            ("/api/v2/views/active", self.list_active_views, "GET"),
            ("/api/v2/views/count_many", self.view_counts, "GET"),
            ("/api/v2/views/{view_id}", self.show_view, "GET"),
            ("/api/v2/views/{view_id}/count", self.view_count, "GET"),
            ("/api/v2/views/{view_id}/tickets", self.view_tickets, "GET"),
            ("/api/v2/tickets/show_many", self.tickets_show_many, "GET"),
            ("/api/v2/tickets", self.create_ticket, "POST"),
            ("/api/v2/custom_statuses", self.list_custom_statuses, "GET"),
            ("/api/v2/tickets/{ticket_id}", self.show_ticket, "GET"),
            ("/api/v2/tickets/{ticket_id}", self.update_ticket, "PUT"),
            ("/api/v2/tickets/{ticket_id}/comments", self.list_comments, "GET"),
            ("/api/v2/tickets/{ticket_id}/comments/count", self.count_comments, "GET"),
            ("/api/v2/tickets/{ticket_id}/tags", self.list_tags, "GET"),
            ("/api/v2/tickets/{ticket_id}/tags", self.add_tags, "PUT"),
            ("/api/v2/tickets/{ticket_id}/tags", self.replace_tags, "POST"),
            ("/api/v2/tickets/{ticket_id}/tags", self.remove_tags, "DELETE"),
            ("/api/v2/tickets/{ticket_id}/macros/{macro_id}/apply", self.apply_macro, "GET"),
            ("/api/v2/search", self.search, "GET"),
            ("/api/v2/search/count", self.search_count, "GET"),
            ("/api/v2/macros", self.list_macros, "GET"),
            ("/api/v2/macros/active", self.list_active_macros, "GET"),
            ("/api/v2/macros/{macro_id}", self.show_macro, "GET"),
            ("/api/v2/ticket_fields", self.list_ticket_fields, "GET"),
            ("/api/v2/attachments/{attachment_id}", self.show_attachment, "GET"),
        ]
        return [Route(path, guarded(handler), methods=[method]) for path, handler, method in table]

    # -- people ------------------------------------------------------------------------------------

    async def current_user(self, request: Request) -> Response:
        user = render.user_json(base_url(request), self.store.data.users[me(request)])
        return JSONResponse({"user": user})

    async def show_user(self, request: Request) -> Response:
        user = self.store.data.users.get(path_int(request, "user_id"))
        if user is None:
            raise not_found()
        return JSONResponse({"user": render.user_json(base_url(request), user)})

    async def requested_tickets(self, request: Request) -> Response:
        """List Tickets for one requester, oldest first (by id), with cursor or offset paging."""
        user_id = path_int(request, "user_id")
        if user_id not in self.store.data.users:
            raise not_found()
        tickets = sorted(
            (t for t in self.store.data.tickets.values() if t.get("requester_id") == user_id),
            key=lambda t: t["id"],
        )
        keys = [(t["id"],) for t in tickets]
        if wants_cursor(request):
            start, end = cursor_window(request, len(tickets), keys)
            envelope = cursor_envelope(request, start, end, len(tickets), keys)
        else:
            page, start, end = offset_window(request, len(tickets))
            envelope = offset_envelope(request, page, end, len(tickets))
        return self._tickets_response(request, tickets[start:end], envelope)

    async def list_users(self, request: Request) -> Response:
        return people.list_users(request, self.store.data.users)

    async def assignable_groups(self, request: Request) -> Response:
        return people.assignable_groups(request, self.store.data.groups)

    async def users_show_many(self, request: Request) -> Response:
        users = self.store.data.users
        found = [render.user_json(base_url(request), users[i]) for i in id_list(request) if i in users]
        return JSONResponse({"users": found})

    async def list_organizations(self, request: Request) -> Response:
        organizations = list(self.store.data.organizations.values())
        page, start, end = offset_window(request, len(organizations))
        items = [render.organization_json(base_url(request), org) for org in organizations[start:end]]
        return JSONResponse(
            {"organizations": items, **offset_envelope(request, page, end, len(organizations))}
        )

    async def show_organization(self, request: Request) -> Response:
        organization = self.store.data.organizations.get(path_int(request, "organization_id"))
        if organization is None:
            raise not_found()
        return JSONResponse({"organization": render.organization_json(base_url(request), organization)})

    async def list_groups(self, request: Request) -> Response:
        groups = [render.group_json(base_url(request), group) for group in self.store.data.groups.values()]
        return JSONResponse(
            {"groups": groups, "next_page": None, "previous_page": None, "count": len(groups)}
        )

    async def show_group(self, request: Request) -> Response:
        group = self.store.data.groups.get(path_int(request, "group_id"))
        if group is None:
            raise not_found()
        return JSONResponse({"group": render.group_json(base_url(request), group)})

    # -- views -------------------------------------------------------------------------------------

    def _views(self, request: Request, only_active: bool) -> Response:
        views = list(self.store.views.values())
        active = request.query_params.get("active")
        if only_active or active == "true":
            views = [view for view in views if view.get("active", True)]
        elif active == "false":
            views = [view for view in views if not view.get("active", True)]
        now = self.store.now()
        page, start, end = offset_window(request, len(views))
        items = [render.view_json(base_url(request), view, now) for view in views[start:end]]
        return JSONResponse({"views": items, **offset_envelope(request, page, end, len(views))})

    async def list_views(self, request: Request) -> Response:
        return self._views(request, only_active=False)

    async def list_active_views(self, request: Request) -> Response:
        return self._views(request, only_active=True)

    async def show_view(self, request: Request) -> Response:
        view = self.store.view(path_int(request, "view_id"))
        return JSONResponse({"view": render.view_json(base_url(request), view, self.store.now())})

    def _count(self, request: Request, view_id: int) -> dict[str, Any]:
        view = self.store.view(view_id)
        ids, _ = self.store.view_index(view, me(request), None, None)
        value = len(ids)
        pretty = str(value) if value < 100_000 else f"~{value // 1000}k"
        return {
            "view_id": view_id,
            "url": f"{base_url(request)}/api/v2/views/{view_id}/count.json",
            "value": value,
            "pretty": pretty,
            "fresh": True,
            "active": view.get("active", True),
        }

    async def view_count(self, request: Request) -> Response:
        return JSONResponse({"view_count": self._count(request, path_int(request, "view_id"))})

    async def view_counts(self, request: Request) -> Response:
        counts = []
        for view_id in id_list(request, limit=20):
            if view_id in self.store.views:
                counts.append(self._count(request, view_id))
        return JSONResponse({"view_counts": counts})

    async def view_tickets(self, request: Request) -> Response:
        store = self.store
        view = store.view(path_int(request, "view_id"))
        params = request.query_params
        ids, keys = store.view_index(view, me(request), params.get("sort_by"), params.get("sort_order"))
        if wants_cursor(request):
            start, end = cursor_window(request, len(ids), keys)
            envelope = cursor_envelope(request, start, end, len(ids), keys)
        else:
            page, start, end = offset_window(request, len(ids))
            envelope = offset_envelope(request, page, end, len(ids))
        page_tickets = [store.data.tickets[i] for i in ids[start:end]]
        honour_include = "no-view-sideloads" not in store.modes
        return self._tickets_response(request, page_tickets, envelope, honour_include=honour_include)

    def _tickets_response(
        self,
        request: Request,
        tickets: list[dict[str, Any]],
        extra: dict[str, Any],
        *,
        honour_include: bool = True,
    ) -> Response:
        base, now = base_url(request), self.store.now()
        include = includes(request) if honour_include else set()
        body = {"tickets": [render.ticket_json(base, t, now, slas="slas" in include) for t in tickets]}
        body.update(render.sideloads(base, self.store.data, tickets, include))
        body.update(extra)
        return JSONResponse(body)

    # -- tickets -----------------------------------------------------------------------------------

    async def tickets_show_many(self, request: Request) -> Response:
        tickets = self.store.data.tickets
        found = [tickets[i] for i in id_list(request) if i in tickets]
        return self._tickets_response(request, found, {})

    async def create_ticket(self, request: Request) -> Response:
        ticket = create_ticket(self.store, await json_body(request), me(request))
        base = base_url(request)
        body = {"ticket": render.ticket_json(base, ticket, self.store.now())}
        return JSONResponse(body, status_code=201, headers={"Location": body["ticket"]["url"]})

    async def list_custom_statuses(self, request: Request) -> Response:
        """The account's statuses: its own with `custom-statuses`, else only the system ones (defaults)."""
        statuses = [s for s in CUSTOM_STATUSES if "custom-statuses" in self.store.modes or s.get("default")]
        now = self.store.now()
        return JSONResponse({"custom_statuses": [custom_status_json(s, now) for s in statuses]})

    async def show_ticket(self, request: Request) -> Response:
        ticket = self.store.ticket(path_int(request, "ticket_id"))
        base, include = base_url(request), includes(request)
        body = {"ticket": render.ticket_json(base, ticket, self.store.now(), slas="slas" in include)}
        body.update(render.sideloads(base, self.store.data, [ticket], include))
        return JSONResponse(body)

    async def update_ticket(self, request: Request) -> Response:
        payload = await json_body(request)
        ticket, audit = self.store.update_ticket(path_int(request, "ticket_id"), payload, me(request))
        base = base_url(request)
        return JSONResponse(
            {
                "ticket": render.ticket_json(base, ticket, self.store.now()),
                "audit": render.audit_json(base, audit),
            }
        )

    async def list_comments(self, request: Request) -> Response:
        ticket = self.store.ticket(path_int(request, "ticket_id"))
        comments = self.store.comments(ticket)
        params = request.query_params
        if wants_cursor(request):
            ordered = comments[::-1] if params.get("sort") == "-created_at" else comments
            start, end = cursor_window(request, len(ordered))
            envelope = cursor_envelope(request, start, end, len(ordered))
        else:
            ordered = comments[::-1] if params.get("sort_order") == "desc" else comments
            page, start, end = offset_window(request, len(ordered))
            envelope = offset_envelope(request, page, end, len(ordered))
        page_items = ordered[start:end]
        base = base_url(request)
        inline = params.get("include_inline_images", "").lower() == "true"
        markdown = "markdown" in self.store.modes
        body: dict[str, Any] = {
            "comments": [
                render.comment_json(base, c, inline_images=inline, markdown=markdown) for c in page_items
            ]
        }
        if "users" in includes(request):
            users = self.store.data.users
            author_ids = sorted({c["author_id"] for c in page_items if c["author_id"] in users})
            body["users"] = [render.user_json(base, users[i]) for i in author_ids]
        body.update(envelope)
        return JSONResponse(body)

    async def count_comments(self, request: Request) -> Response:
        ticket = self.store.ticket(path_int(request, "ticket_id"))
        count = {"value": len(self.store.comments(ticket)), "refreshed_at": iso(self.store.now())}
        return JSONResponse({"count": count})

    async def list_tags(self, request: Request) -> Response:
        return JSONResponse({"tags": self.store.ticket(path_int(request, "ticket_id"))["tags"]})

    async def add_tags(self, request: Request) -> Response:
        ticket = self.store.set_tags(path_int(request, "ticket_id"), await json_body(request), "add")
        return JSONResponse({"tags": ticket["tags"]})

    async def replace_tags(self, request: Request) -> Response:
        ticket = self.store.set_tags(path_int(request, "ticket_id"), await json_body(request), "replace")
        return JSONResponse({"tags": ticket["tags"]}, status_code=201)

    async def remove_tags(self, request: Request) -> Response:
        self.store.set_tags(path_int(request, "ticket_id"), await json_body(request), "remove")
        return Response(status_code=204)

    # -- search, macros, fields, attachments ----------------------------------------------------------

    def _search(self, request: Request) -> tuple[str, list[dict[str, Any]]]:
        query = request.query_params.get("query")
        if not query:
            raise bad_request("unavailable", "query parameter is required")
        return self.store.search(query, me(request))

    async def search(self, request: Request) -> Response:
        result_type, records = self._search(request)
        sort_by = _SEARCH_SORT.get(request.query_params.get("sort_by", ""))
        descending = request.query_params.get("sort_order", "desc") == "desc"
        if result_type == "ticket" and sort_by:
            rank = {"priority": {None: 0, "low": 1, "normal": 2, "high": 3, "urgent": 4}}.get(sort_by)
            records.sort(
                key=lambda t: (rank[t[sort_by]] if rank else (t[sort_by] or ""), t["id"]), reverse=descending
            )
        page, start, end = offset_window(request, len(records))
        base, now = base_url(request), self.store.now()
        renderer: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "ticket": lambda t: render.ticket_json(base, t, now),
            "user": lambda u: render.user_json(base, u),
            "organization": lambda o: render.organization_json(base, o),
        }
        to_json = renderer.get(result_type, renderer["ticket"])
        results = [{**to_json(record), "result_type": result_type} for record in records[start:end]]
        return JSONResponse(
            {"results": results, "facets": None, **offset_envelope(request, page, end, len(records))}
        )

    async def search_count(self, request: Request) -> Response:
        _, records = self._search(request)
        return JSONResponse({"count": len(records)})

    def _macros(self, request: Request, only_active: bool) -> Response:
        macros = list(self.store.macros.values())
        if only_active or request.query_params.get("active") == "true":
            macros = [macro for macro in macros if macro["active"]]
        page, start, end = offset_window(request, len(macros))
        now = self.store.now()
        items = [render.macro_json(base_url(request), macro, now) for macro in macros[start:end]]
        return JSONResponse({"macros": items, **offset_envelope(request, page, end, len(macros))})

    async def list_macros(self, request: Request) -> Response:
        return self._macros(request, only_active=False)

    async def list_active_macros(self, request: Request) -> Response:
        return self._macros(request, only_active=True)

    async def show_macro(self, request: Request) -> Response:
        macro = self.store.macros.get(path_int(request, "macro_id"))
        if macro is None:
            raise not_found()
        return JSONResponse({"macro": render.macro_json(base_url(request), macro, self.store.now())})

    async def apply_macro(self, request: Request) -> Response:
        ticket = self.store.ticket(path_int(request, "ticket_id"))
        macro = self.store.macros.get(path_int(request, "macro_id"))
        if macro is None:
            raise not_found()
        return JSONResponse(
            {"result": self.system.preview_macro(base_url(request), ticket, macro, me(request))}
        )

    async def list_ticket_fields(self, request: Request) -> Response:
        base, now = base_url(request), iso(self.store.now() - 86400 * 90)
        fields = [
            {
                **field,
                "url": f"{base}/api/v2/ticket_fields/{field['id']}.json",
                "position": index,
                "description": "",
                "raw_title": field["title"],
                "required": False,
                "visible_in_portal": False,
                "editable_in_portal": False,
                "created_at": now,
                "updated_at": now,
            }
            for index, field in enumerate(ticket_fields())
        ]
        return JSONResponse(
            {"ticket_fields": fields, "next_page": None, "previous_page": None, "count": len(fields)}
        )

    async def show_attachment(self, request: Request) -> Response:
        attachment = self.store.attachment(path_int(request, "attachment_id"))
        return JSONResponse({"attachment": render.attachment_json(base_url(request), attachment)})
