"""The fake Zendesk Support system: auth, rate limits, `.json` paths, macros preview and control routes.

The vendor paths live in `routes`, the state and rules in `store`, the JSON shapes in `render`, OAuth
sign-in in `oauth`. This module ties them into a `SandboxSystem`.
"""

from __future__ import annotations

import math
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontline.sandbox.context import SANDBOX_OAUTH_CLIENT_ID, SandboxContext
from frontline.sandbox.http_helpers import base_url, basic_credentials, bearer_token, guarded
from frontline.sandbox.system import SandboxSystem
from frontline.sandbox.zendesk import render
from frontline.sandbox.zendesk.formats import normalize_tags
from frontline.sandbox.zendesk.oauth import PUBLIC_PATHS, ZendeskOAuth, invalid_token
from frontline.sandbox.zendesk.oauth_grants import OAuthServer, scope_allows
from frontline.sandbox.zendesk.params import json_body, path_int
from frontline.sandbox.zendesk.routes import ZendeskApi
from frontline.sandbox.zendesk.seed import ME_ID
from frontline.sandbox.zendesk.store import ZendeskStore

DEFAULT_RATE_LIMIT = 2500
"""Requests per minute (Enterprise Plus / High Volume); tests lower it through the control route."""


class ZendeskSystem(SandboxSystem):
    """Zendesk Support on its own base URL, serving the real `/api/v2/...` paths."""

    name = "zendesk"
    title = "Zendesk Support"

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.store = ZendeskStore(context.seed, context.tickets, context.clock, context.modes)
        self.rate_limit = DEFAULT_RATE_LIMIT
        self._window_start = time.monotonic()
        self._window_used = 0
        self._api = ZendeskApi(self)
        self.oauth = OAuthServer(client_id=SANDBOX_OAUTH_CLIENT_ID, user_id=ME_ID)

    def reset(self) -> None:
        context = self.context
        self.store = ZendeskStore(context.seed, context.tickets, context.clock, context.modes)
        self.rate_limit = DEFAULT_RATE_LIMIT
        self._window_start, self._window_used = time.monotonic(), 0
        self.oauth.reset()

    def routes(self) -> list[BaseRoute]:
        router = Router(routes=list(self._api.routes()), default=_invalid_endpoint)
        return [*ZendeskOAuth(self.oauth).routes(), Mount("", app=_ZendeskEdge(router, self))]

    # -- auth --------------------------------------------------------------------------------------

    def is_public(self, path: str) -> bool:
        """The OAuth authorization page and token endpoint take no API credentials."""
        return path in PUBLIC_PATHS

    def authenticate(self, request: Request) -> bool:
        """API token basic auth (`{email}/token:{token}`) for any agent, or a Bearer token: an OAuth access
        token from `/oauth/tokens` while it lives (its scopes are checked per request), or the sandbox
        token."""
        user_id: int | None = None
        bearer = bearer_token(request)
        basic = basic_credentials(request)
        if bearer is not None:
            owner = self.oauth.token_owner(bearer)
            if owner is not None:
                user_id, scopes = owner
                request.state.zendesk_oauth_scopes = scopes
            elif self.context.accepts_token(bearer):
                user_id = ME_ID
        elif basic is not None:
            login, secret = basic
            email, _, kind = login.partition("/")
            if kind == "token" and self.context.accepts_token(secret):
                user_id = self._agent_by_email(email)
        if user_id is None:
            return False
        request.state.zendesk_user_id = user_id
        return True

    def _agent_by_email(self, email: str) -> int | None:
        users = self.store.data.users
        for agent_id in self.store.data.agent_ids:
            if users[agent_id]["email"].lower() == email.lower():
                return agent_id
        return None

    def expire_credentials(self) -> None:
        """The API token is revoked and every OAuth access token ends (refresh tokens keep working)."""
        super().expire_credentials()
        self.oauth.expire_access_tokens()

    def unauthorized(self, request: Request) -> Response:
        """`invalid_token` for a Bearer token, "Couldn't authenticate you" for anything else."""
        if bearer_token(request) is not None:
            return invalid_token()
        return JSONResponse(
            {"error": "Couldn't authenticate you"},
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="Web Password"'},
        )

    def throttled(self, retry_after: int) -> Response:
        """Zendesk's 429: plain text with `Retry-After` in seconds."""
        return Response(
            "Number of allowed API requests per minute exceeded",
            status_code=429,
            headers={"Retry-After": str(retry_after)},
            media_type="text/plain",
        )

    # -- rate limit --------------------------------------------------------------------------------

    def take_budget(self) -> tuple[bool, int, int]:
        """(allowed, remaining, seconds to window end) for one more request this minute."""
        elapsed = time.monotonic() - self._window_start
        if elapsed >= 60:
            self._window_start, self._window_used, elapsed = time.monotonic(), 0, 0.0
        reset_in = max(math.ceil(60 - elapsed), 1)
        if self._window_used >= self.rate_limit:
            return False, 0, reset_in
        self._window_used += 1
        return True, self.rate_limit - self._window_used, reset_in

    # -- macros ------------------------------------------------------------------------------------

    def preview_macro(
        self, base: str, ticket: dict[str, Any], macro: dict[str, Any], me_id: int
    ) -> dict[str, Any]:
        """The ticket as the macro would leave it (`ShowTicketAfterChanges`); nothing is changed."""
        result: dict[str, Any] = {"id": ticket["id"], "url": f"{base}/api/v2/tickets/{ticket['id']}.json"}
        for key in ("status", "priority", "assignee_id", "group_id", "type"):
            if ticket[key] is not None:
                result[key] = ticket[key]
        tags = list(ticket["tags"])
        comment: dict[str, Any] = {}
        for action in macro["actions"]:
            field, value = action["field"], action["value"]
            if field in ("status", "priority", "type"):
                result[field] = value
            elif field == "assignee_id":
                result["assignee_id"] = me_id if value == "current_user" else int(value)
            elif field == "group_id":
                result["group_id"] = int(value)
            elif field == "set_tags":
                tags = normalize_tags([value])
            elif field == "current_tags":
                tags = normalize_tags([*tags, value])
            elif field == "remove_tags":
                tags = [tag for tag in tags if tag not in normalize_tags([value])]
            elif field == "comment_value":
                comment["body"] = self._fill_placeholders(str(value), ticket)
            elif field == "comment_mode_is_public":
                comment["public"] = str(value).lower() == "true"
        result["tags"] = tags
        if comment:
            comment.setdefault("public", self.store.comments(ticket)[0]["public"])
            comment["scoped_body"] = [["channel:all", comment["body"]]] if "body" in comment else []
            result["comment"] = comment
        return {"ticket": result}

    def _fill_placeholders(self, text: str, ticket: dict[str, Any]) -> str:
        requester = self.store.data.users[ticket["requester_id"]]["name"]
        first = requester.split()[0] if requester.split() else requester
        return text.replace("{{ticket.requester.first_name}}", first).replace(
            "{{ticket.id}}", str(ticket["id"])
        )

    # -- control -----------------------------------------------------------------------------------

    def control_routes(self) -> list[BaseRoute]:
        async def ticket_state(request: Request) -> Response:
            ticket = self.store.ticket(path_int(request, "ticket_id"))
            base, now = base_url(request), self.store.now()
            markdown = "markdown" in self.store.modes
            return JSONResponse(
                {
                    "ticket": render.ticket_json(base, ticket, now, slas=True),
                    "comments": [
                        render.comment_json(base, c, inline_images=True, markdown=markdown)
                        for c in self.store.comments(ticket)
                    ],
                }
            )

        async def touch(request: Request) -> Response:
            ticket = self.store.touch(path_int(request, "ticket_id"))
            return JSONResponse({"ticket": render.ticket_json(base_url(request), ticket, self.store.now())})

        async def customer_reply(request: Request) -> Response:
            body = await json_body(request)
            text = body.get("body") if isinstance(body, dict) else None
            comment = self.store.customer_reply(
                path_int(request, "ticket_id"), text or "Any news on this? We are still blocked."
            )
            return JSONResponse({"comment": render.comment_json(base_url(request), comment)}, status_code=201)

        async def rate_limit(request: Request) -> Response:
            if request.method == "POST":
                body = await json_body(request)
                limit = body.get("limit") if isinstance(body, dict) else None
                if not isinstance(limit, int) or limit < 0:
                    return JSONResponse({"error": 'send {"limit": N}'}, status_code=400)
                self.rate_limit = limit
                self._window_start, self._window_used = time.monotonic(), 0
            remaining = max(self.rate_limit - self._window_used, 0)
            return JSONResponse({"limit": self.rate_limit, "remaining": remaining})

        return [
            Route("/tickets/{ticket_id}", guarded(ticket_state), methods=["GET"]),
            Route("/tickets/{ticket_id}/touch", guarded(touch), methods=["POST"]),
            Route("/tickets/{ticket_id}/customer-reply", guarded(customer_reply), methods=["POST"]),
            Route("/rate-limit", rate_limit, methods=["GET", "POST"]),
            *ZendeskOAuth(self.oauth).control_routes(),
        ]


VANITY_TARGET = "https://acme.zendesk.com"
"""Where the `redirects` mode sends every API request: the account's canonical address."""


async def _invalid_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    await JSONResponse({"error": "InvalidEndpoint", "description": "Not found"}, status_code=404)(
        scope, receive, send
    )


async def _forbidden(scope: Scope, receive: Receive, send: Send) -> None:
    """Zendesk's 403 for an OAuth token whose scopes do not cover the request."""
    body = {
        "error": "Forbidden",
        "description": "You do not have access to this page. Please contact the account owner of this help "
        "desk for further help.",
    }
    await JSONResponse(body, status_code=403)(scope, receive, send)


class _ZendeskEdge:
    """Checks OAuth scopes, accepts the `.json` suffix, spends the per-minute budget and stamps
    `X-Rate-Limit` headers."""

    def __init__(self, app: ASGIApp, system: ZendeskSystem) -> None:
        self.app = app
        self.system = system

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if "redirects" in self.system.store.modes and path.startswith("/api/v2/"):
            query = scope.get("query_string", b"").decode("latin-1")
            target = f"{VANITY_TARGET}{path}" + (f"?{query}" if query else "")
            await Response(status_code=301, headers={"Location": target})(scope, receive, send)
            return
        scopes = scope.get("state", {}).get("zendesk_oauth_scopes")
        if scopes is not None and not scope_allows(scopes, scope["method"], path):
            await _forbidden(scope, receive, send)
            return
        if path.endswith(".json"):
            scope = {**scope, "path": path[:-5], "raw_path": path[:-5].encode()}
        allowed, remaining, reset_in = self.system.take_budget()
        limit = self.system.rate_limit
        if not allowed:
            response = self.system.throttled(reset_in)
            response.headers["X-Rate-Limit"] = str(limit)
            response.headers["X-Rate-Limit-Remaining"] = "0"
            await response(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-rate-limit", str(limit).encode()),
                    (b"x-rate-limit-remaining", str(remaining).encode()),
                    (b"ratelimit-limit", str(limit).encode()),
                    (b"ratelimit-remaining", str(remaining).encode()),
                    (b"ratelimit-reset", str(reset_in).encode()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, stamped)
