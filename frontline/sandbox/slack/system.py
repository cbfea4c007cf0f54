"""Fake Slack incoming webhook for shift handoffs: one webhook path whose last part is the sandbox token,
one channel that can be archived, and the posts it received."""

from __future__ import annotations

import re
from collections import deque
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from frontline.sandbox.context import SandboxContext
from frontline.sandbox.http_helpers import InvalidJson, json_body
from frontline.sandbox.slack.webhook import (
    BOT_ID,
    CHANNEL,
    ERROR_STATUS,
    TEAM_ID,
    PayloadRefused,
    SlackPost,
    read_payload,
    slack_error,
)
from frontline.sandbox.system import SandboxSystem

_WEBHOOK_PATH = re.compile(r"/services/(?P<team>[^/]+)/(?P<bot>[^/]+)/(?P<secret>[^/]+)")


def webhook_path(token: str) -> str:
    """The path of the one webhook the sandbox serves, for the token it accepts now."""
    return f"/services/{TEAM_ID}/{BOT_ID}/{token}"


class SlackSystem(SandboxSystem):
    """Slack's incoming webhooks: `POST /services/T0SANDBOX/B0HANDOFF/<token>` posts to `#handoff`.

    The URL is the credential, so the shared middleware's auth check is the path itself: a wrong secret
    gets Slack's 403 `invalid_token`, any other path its 404 `no_service`.
    """

    name: ClassVar[str] = "slack"
    title: ClassVar[str] = "Slack webhook"

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.reset()

    def reset(self) -> None:
        self.posts: list[SlackPost] = []
        self.archived = False
        self.pending_errors: deque[tuple[str, int]] = deque()
        """Error codes (with a `Retry-After` for `rate_limited`) the next posts are answered with."""

    def webhook_path(self) -> str:
        return webhook_path(self.context.token)

    def routes(self) -> list[BaseRoute]:
        return [Route("/services/{team}/{bot}/{secret}", self._post, methods=["POST"])]

    def control_routes(self) -> list[BaseRoute]:
        return [
            Route("/slack/posts", self._posts, methods=["GET", "DELETE"]),
            Route("/slack/archive", self._archive, methods=["POST"]),
            Route("/slack/errors", self._errors, methods=["GET", "POST", "DELETE"]),
        ]

    def authenticate(self, request: Request) -> bool:
        match = _WEBHOOK_PATH.fullmatch(request.url.path)
        return (
            match is not None
            and (match["team"], match["bot"]) == (TEAM_ID, BOT_ID)
            and self.context.accepts_token(match["secret"])
        )

    def unauthorized(self, request: Request) -> Response:
        match = _WEBHOOK_PATH.fullmatch(request.url.path)
        if match is not None and (match["team"], match["bot"]) == (TEAM_ID, BOT_ID):
            return slack_error("invalid_token")
        return slack_error("no_service")

    def throttled(self, retry_after: int) -> Response:
        return slack_error("rate_limited", retry_after)

    async def _post(self, request: Request) -> Response:
        if self.pending_errors:
            code, retry_after = self.pending_errors.popleft()
            return slack_error(code, retry_after if code == "rate_limited" else None)
        try:
            text, blocks = read_payload(await request.body(), request.headers.get("content-type", ""))
        except PayloadRefused as refused:
            return slack_error(refused.code)
        if self.archived:
            return slack_error("channel_is_archived")
        self.posts.append(SlackPost(CHANNEL, text, blocks, self.context.clock()))
        return PlainTextResponse("ok")

    async def _posts(self, request: Request) -> Response:
        """The posts received, oldest first; DELETE forgets them."""
        if request.method == "DELETE":
            self.posts.clear()
            return Response(status_code=204)
        return JSONResponse([post.to_dict() for post in self.posts])

    async def _archive(self, request: Request) -> Response:
        """Archive the channel (posts get 410 `channel_is_archived`); `{"archived": false}` restores it."""
        body = await _object_body(request)
        archived = body.get("archived", True) if body is not None else None
        if not isinstance(archived, bool):
            return JSONResponse({"error": 'send {} or {"archived": false}'}, status_code=400)
        self.archived = archived
        return JSONResponse({"channel": CHANNEL, "archived": self.archived})

    async def _errors(self, request: Request) -> Response:
        """Queue error answers for the next posts: `{"error": "rollup_error", "count": 1}` (and
        `"retry_after": 30` for `rate_limited`); GET lists them, DELETE drops them."""
        if request.method == "DELETE":
            self.pending_errors.clear()
        elif request.method == "POST":
            body = await _object_body(request) or {}
            code, count, retry_after = body.get("error"), body.get("count", 1), body.get("retry_after", 30)
            if code not in ERROR_STATUS or not _small_int(count) or not _small_int(retry_after):
                known = ", ".join(ERROR_STATUS)
                return JSONResponse(
                    {"error": f'send {{"error": <one of {known}>, "count": N, "retry_after": S}}'},
                    status_code=400,
                )
            self.pending_errors.extend([(str(code), retry_after)] * count)
        return JSONResponse({"pending": [code for code, _ in self.pending_errors]})


async def _object_body(request: Request) -> dict[str, Any] | None:
    """The JSON object sent (`{}` when empty), or None when the body is not one."""
    try:
        body = await json_body(request, empty={})
    except InvalidJson:
        return None
    return body if isinstance(body, dict) else None


def _small_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000
