"""Which next-page links a Zendesk list walk follows: only its own API's.

Zendesk's `next_page` and `links.next` are full URLs on the account (`https://acme.zendesk.com/api/v2/
views/active.json?page=2`). Anything else (another host, a bare word, a path outside `/api/v2/`) is not a
page: followed, it would be read as a path on the account and end in a misleading "no such record".
It is refused as `MalformedResponse`, naming the link.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from frontline.errors import MalformedResponse

API_PREFIX = "/api/v2/"
"""Every Zendesk Support list lives under this path."""

SHOWN_CHARS = 200
"""How much of a refused link a message shows."""


def checked_next_page(
    link: str, base_url: str, what: str, *, shown: Callable[[str, int], str] | None = None
) -> str:
    """`link` when it is a page of the API at `base_url` (same scheme, host and port, under `/api/v2/`).

    Args:
        what: the list, for the message ("active views").
        shown: makes server text fit for a message (`ApiClient.clean`: credentials redacted).

    Raises:
        MalformedResponse: the link is not a URL, is on another origin, or is outside `/api/v2/`.
    """
    clean = shown or _plain
    problem = _off_api(link, base_url)
    if problem is not None:
        raise MalformedResponse(
            f"Zendesk sent a next-page link for {what} that {problem} ({clean(link, SHOWN_CHARS)!r}; "
            f"expected {base_url.rstrip('/')}{API_PREFIX}…); not followed."
        )
    return link


def _off_api(link: str, base_url: str) -> str | None:
    """Why `link` (absolute or from the root) is not under `/api/v2/` on `base_url`'s origin, or None."""
    try:
        target, base = httpx.URL(link), httpx.URL(base_url)
    except httpx.InvalidURL:
        return "is not a valid URL"
    if target.host and target.scheme not in ("http", "https"):
        return "is not a web address"
    where = (target.scheme or base.scheme, target.host or base.host, target.port or base.port)
    if where != (base.scheme, base.host, base.port):
        return "points to another host"
    if not target.path.startswith(API_PREFIX):
        return "is not a page of its API"
    return None


def _plain(text: str, limit: int) -> str:
    """Control characters out, cut to `limit`."""
    printable = "".join(c if c.isprintable() else "?" for c in text[: limit + 1])
    return printable if len(printable) <= limit else printable[: limit - 1] + "…"
