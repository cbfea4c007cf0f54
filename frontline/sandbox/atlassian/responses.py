"""Atlassian answers shared by both sites: error bodies, unreadable JSON, auth and the burst limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from frontline.sandbox.context import SandboxContext
from frontline.sandbox.http_helpers import InvalidJson, basic_credentials, json_body, route_path

JSM_API = "/rest/servicedeskapi"


def jira_error(
    status: int, messages: list[str] | None = None, errors: dict[str, str] | None = None
) -> Response:
    """Jira platform `ErrorCollection`."""
    return JSONResponse({"errorMessages": messages or [], "errors": errors or {}}, status_code=status)


def jsm_error(status: int, message: str, i18n_key: str = "sd.generic.error") -> Response:
    """JSM `ErrorResponse`."""
    body = {"errorMessage": message, "i18nErrorMessage": {"i18nKey": i18n_key, "parameters": []}}
    return JSONResponse(body, status_code=status)


async def read_json(request: Request) -> tuple[Any, Response | None]:
    """The request's JSON body, or the 400 Jira (or JSM, on its paths) sends for a body it cannot parse."""
    try:
        return await json_body(request), None
    except InvalidJson:
        if route_path(request).startswith(JSM_API):
            return None, jsm_error(400, "The request body is not valid JSON.", "sd.request.body.invalid")
        return None, jira_error(400, ["Unexpected character in the request body: it is not valid JSON."])


def basic_auth_ok(request: Request, context: SandboxContext) -> bool:
    """Atlassian accepts `Basic base64(email:api_token)`."""
    credentials = basic_credentials(request)
    if credentials is None:
        return False
    email, token = credentials
    return context.accepts_email(email) and context.accepts_token(token)


def atlassian_unauthorized(request: Request) -> Response:
    """What Jira Cloud answers to missing or bad credentials (JSM paths answer its ErrorResponse)."""
    if route_path(request).startswith(JSM_API):
        response = jsm_error(401, "Client must be authenticated to access this resource.", "sd.auth.required")
    else:
        response = PlainTextResponse("Client must be authenticated to access this resource.", status_code=401)
    response.headers["WWW-Authenticate"] = 'OAuth realm="sandbox"'
    return response


def atlassian_throttled(retry_after: int) -> Response:
    """Jira Cloud's burst-limit 429: `Retry-After` in seconds plus the `X-RateLimit-*` and reason headers."""
    reset = (datetime.now(UTC) + timedelta(seconds=retry_after)).strftime("%Y-%m-%dT%H:%MZ")
    response = jira_error(429, ["Rate limit exceeded."])
    response.headers.update(
        {
            "Retry-After": str(retry_after),
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset,
            "RateLimit-Reason": "jira-burst-based",
        }
    )
    return response
