"""Request and response helpers every fake vendor shares: base URL, JSON bodies, query numbers,
credentials in the `Authorization` header, and vendor errors raised as exceptions.

Only the mechanics are shared; each vendor still answers with its own error shapes.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

Handler = Callable[[Request], Awaitable[Response]]
"""A Starlette endpoint."""


class InvalidJson(ValueError):
    """The request body is not JSON; each vendor turns this into its own 400."""


class VendorError(Exception):
    """A vendor's error answer raised from deep inside a handler: HTTP status plus the JSON body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body}")
        self.status = status
        self.body = body

    def response(self) -> Response:
        return JSONResponse(self.body, status_code=self.status)


def guarded(handler: Handler) -> Handler:
    """Answer a `VendorError` raised by `handler` with its status and body."""

    async def guarded_handler(request: Request) -> Response:
        try:
            return await handler(request)
        except VendorError as error:
            return error.response()

    guarded_handler.__name__ = getattr(handler, "__name__", "handler")
    return guarded_handler


def base_url(request: Request) -> str:
    """The system's own base URL, for the absolute links vendors put in their payloads."""
    return str(request.base_url).rstrip("/")


def route_path(request: Request) -> str:
    """The request's path below the app's root: the vendor path, without a gateway prefix when the request
    came through one (`request.url.path` keeps it)."""
    root = str(request.scope.get("app_root_path", ""))
    path = request.url.path
    return path[len(root) :] if root and path.startswith(f"{root}/") else path


async def json_body(request: Request, *, empty: Any = None) -> Any:
    """The decoded JSON body, or `empty` when there is none.

    Raises:
        InvalidJson: the body is not JSON (or not UTF-8).
    """
    raw = await request.body()
    if not raw:
        return empty
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidJson("the request body is not valid JSON") from None


def int_param(
    request: Request, name: str, default: int, *, lowest: int = 0, highest: int | None = None
) -> int:
    """A query number clamped to [lowest, highest]; garbage means `default`, as lenient APIs do."""
    raw = request.query_params.get(name)
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        value = default
    value = max(lowest, value)
    return min(value, highest) if highest is not None else value


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """(user, password) from `Authorization: Basic ...`, or None when absent or undecodable."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, _, password = decoded.partition(":")
    return user, password


def bearer_token(request: Request, schemes: tuple[str, ...] = ("bearer",)) -> str | None:
    """The token after one of `schemes` (lower case) in the `Authorization` header, or None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() in schemes else None
