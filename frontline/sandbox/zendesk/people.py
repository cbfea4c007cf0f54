"""The sandbox's agent and group listings: `GET /api/v2/users` (with `role`/`role[]` filters) and
`GET /api/v2/groups/assignable`, offset-paged like Zendesk's (`next_page`, `per_page` up to 100)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from frontline.sandbox.http_helpers import base_url
from frontline.sandbox.zendesk import render
from frontline.sandbox.zendesk.errors import bad_request
from frontline.sandbox.zendesk.paging import offset_envelope, offset_window

ROLES = frozenset({"end-user", "agent", "admin"})


def list_users(request: Request, users: dict[int, dict[str, Any]]) -> Response:
    """Users by id, filtered by the roles asked for (`role=agent` or `role[]=agent&role[]=admin`)."""
    wanted = set(request.query_params.getlist("role[]")) | set(request.query_params.getlist("role"))
    if wanted - ROLES:
        raise bad_request("InvalidValue", f"Unknown role: {', '.join(sorted(wanted - ROLES))}")
    chosen = [users[i] for i in sorted(users) if not wanted or users[i]["role"] in wanted]
    page, start, end = offset_window(request, len(chosen))
    items = [render.user_json(base_url(request), user) for user in chosen[start:end]]
    return JSONResponse({"users": items, **offset_envelope(request, page, end, len(chosen))})


def assignable_groups(request: Request, groups: dict[int, dict[str, Any]]) -> Response:
    """Every group: the sandbox's groups all have agents."""
    chosen = [groups[i] for i in sorted(groups)]
    page, start, end = offset_window(request, len(chosen))
    items = [render.group_json(base_url(request), group) for group in chosen[start:end]]
    return JSONResponse({"groups": items, **offset_envelope(request, page, end, len(chosen))})
