"""How the fake Zendesk reads a request: the agent, path ids, id lists, sideloads and the JSON body."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from frontline.sandbox.http_helpers import InvalidJson
from frontline.sandbox.http_helpers import json_body as raw_json_body
from frontline.sandbox.zendesk.errors import bad_request, not_found
from frontline.sandbox.zendesk.seed import ME_ID


def me(request: Request) -> int:
    """The signed-in agent (set by `authenticate`; the sandbox agent when auth was bypassed)."""
    return int(getattr(request.state, "zendesk_user_id", ME_ID))


def includes(request: Request) -> set[str]:
    """The `include=users,groups` sideload names."""
    return {part.strip() for part in request.query_params.get("include", "").split(",") if part.strip()}


def path_int(request: Request, name: str) -> int:
    """A numeric path id; anything else is a 404, as Zendesk answers for an unknown record."""
    try:
        return int(request.path_params[name])
    except (KeyError, ValueError):
        raise not_found() from None


def id_list(request: Request, limit: int = 100) -> list[int]:
    """The `ids=1,2,3` of the `show_many` and `count_many` endpoints, at most `limit` of them."""
    raw = request.query_params.get("ids", "")
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise bad_request("InvalidParameter", "ids must be numbers") from None
    if len(ids) > limit:
        raise bad_request("TooManyIds", f"At most {limit} ids are allowed")
    return ids


async def json_body(request: Request) -> Any:
    """The JSON body (None when empty), or Zendesk's 400 for one that is not JSON."""
    try:
        return await raw_json_body(request)
    except InvalidJson:
        raise bad_request("InvalidJSON", "The request body is not valid JSON") from None
