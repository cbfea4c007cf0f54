"""Zendesk's two pagination styles: cursor (`page[size]`, `meta`, `links`) and offset (`page`, `per_page`)."""

from __future__ import annotations

import base64
import json
from bisect import bisect_left, bisect_right
from typing import Any

from starlette.requests import Request

from frontline.sandbox.zendesk.errors import bad_request

MAX_PAGE_SIZE = 100
OFFSET_LIMIT = 10_000


def wants_cursor(request: Request) -> bool:
    params = request.query_params
    return any(key in params for key in ("page[size]", "page[after]", "page[before]"))


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    """The keyset position in a cursor, or a 400 like Zendesk's for a cursor it did not issue."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise bad_request(
            "InvalidPaginationParameter", "page[after] or page[before] is not a valid cursor"
        ) from None


def page_size(request: Request, default: int = MAX_PAGE_SIZE) -> int:
    raw = request.query_params.get("page[size]", request.query_params.get("per_page", str(default)))
    try:
        size = int(raw)
    except ValueError:
        raise bad_request("InvalidPaginationParameter", f"page size {raw!r} is not a number") from None
    if size < 1:
        raise bad_request("InvalidPaginationParameter", "page size must be positive")
    return min(size, MAX_PAGE_SIZE)


def cursor_window(request: Request, total: int, keys: list[Any] | None = None) -> tuple[int, int]:
    """[start, end) of the requested cursor page over `total` items.

    With `keys` (ascending keyset keys) the cursor holds the neighbour's key, so pages stay stable
    while tickets move; without, it holds a position.
    """
    size = page_size(request)
    after = request.query_params.get("page[after]")
    before = request.query_params.get("page[before]")
    if before:
        position = decode_cursor(before)
        end = bisect_left(keys, tuple(position)) if keys is not None else int(position)
        return max(end - size, 0), max(end, 0)
    start = 0
    if after:
        position = decode_cursor(after)
        start = bisect_right(keys, tuple(position)) if keys is not None else int(position) + 1
    return start, min(start + size, total)


def cursor_envelope(
    request: Request, start: int, end: int, total: int, keys: list[Any] | None = None
) -> dict[str, Any]:
    """`meta` and `links` for a cursor page; `links.next`/`prev` are absolute URLs."""

    def key_at(index: int) -> str:
        return encode_cursor(list(keys[index]) if keys is not None else index)

    has_items = end > start
    after_cursor = key_at(end - 1) if has_items else None
    before_cursor = key_at(start) if has_items else None
    has_more = end < total
    url = request.url.remove_query_params(["page[after]", "page[before]", "page", "per_page"])
    size = page_size(request)
    url = url.include_query_params(**{"page[size]": str(size)})
    return {
        "meta": {"has_more": has_more, "after_cursor": after_cursor, "before_cursor": before_cursor},
        "links": {
            "next": str(url.include_query_params(**{"page[after]": after_cursor}))
            if has_more and after_cursor
            else None,
            "prev": str(url.include_query_params(**{"page[before]": before_cursor}))
            if start > 0 and before_cursor
            else None,
        },
    }


def offset_window(request: Request, total: int, default_size: int = MAX_PAGE_SIZE) -> tuple[int, int, int]:
    """(page, start, end) for offset pagination; 400 past the first 10,000 records, as Zendesk does."""
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        raise bad_request("InvalidPaginationParameter", "page is not a number") from None
    page = max(page, 1)
    size = page_size(request, default_size)
    start = (page - 1) * size
    if start >= OFFSET_LIMIT:
        raise bad_request(
            "InvalidPaginationParameter",
            "Offset pagination is limited to the first 10000 records. "
            "Use cursor pagination (page[size]) instead.",
        )
    return page, start, min(start + size, total)


def offset_envelope(request: Request, page: int, end: int, total: int) -> dict[str, Any]:
    url = request.url.remove_query_params(["page"])
    has_next = end < total and end < OFFSET_LIMIT
    return {
        "next_page": str(url.include_query_params(page=str(page + 1))) if has_next else None,
        "previous_page": str(url.include_query_params(page=str(page - 1))) if page > 1 else None,
        "count": total,
    }
