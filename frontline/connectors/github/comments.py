"""Reading an issue's comments newest first, and fitting a comment into GitHub's size limit.

GitHub lists an issue's comments oldest first (ascending id), with `page`/`per_page` and a `Link` header
(`next`, `last`, `prev`, `first`). The newest comments are on the last page, so a look for a reference
that was just posted reads the first page, then walks back from `last` along `prev`.
"""

from __future__ import annotations

from typing import Any

import httpx

from frontline.connectors.decode import PageTrail
from frontline.connectors.github.finder import PAGE_SIZE
from frontline.connectors.github.mapping import body_of
from frontline.connectors.http import ApiClient
from frontline.errors import MalformedResponse

MAX_COMMENT_PAGES = 20
"""How many pages of an issue's comments one look reads (the first and the newest: 2,000 comments)."""


async def newest_comment(client: ApiClient, path: str, needle: str) -> dict[str, Any] | None:
    """The newest comment under `path` (`/repos/{o}/{r}/issues/{n}/comments`) whose Markdown body
    contains `needle`, or None. Without a `last` link, the walk goes onward along `next` instead.

    Raises:
        NotFound: no such issue (or issues are off: GitHub's 410).
        MalformedResponse: comments that are not a list, or a page served twice (`page` ignored).
    """
    trail = PageTrail(client.service, f"the comments of {path}", max_pages=MAX_COMMENT_PAGES)
    page, links = await comment_page(client, path, {"per_page": PAGE_SIZE})
    found = newest_with(page, needle)
    backward = "last" in links
    url = links.get("last") or links.get("next")
    while url is not None and trail.pages < MAX_COMMENT_PAGES:
        if backward and httpx.URL(url).params.get("page", "1") == "1":
            break  # back at the first page, read already
        previous = page
        page, links = await comment_page(client, trail.follow(url))
        if page == previous:
            raise MalformedResponse(f"GitHub sent the same comments twice for {path} (`page` ignored).")
        newer = newest_with(page, needle)
        if backward and newer is not None:
            return newer
        found = newer or found
        url = links.get("prev" if backward else "next")
    return found


async def comment_page(
    client: ApiClient, path: str, params: dict[str, Any] | None = None
) -> tuple[list[Any], dict[str, str]]:
    """One page of comments and its `Link` URLs by relation.

    Raises:
        MalformedResponse: the page is not a list.
    """
    response = await client.request("GET", path, params=params)
    comments = client.decode(response)
    if not isinstance(comments, list):
        raise MalformedResponse(f"GitHub sent comments that are not a list for {path}.")
    links = {str(rel): link["url"] for rel, link in response.links.items() if rel and link.get("url")}
    return comments, links


def newest_with(comments: list[Any], needle: str) -> dict[str, Any] | None:
    """The last comment of a page (the newest) whose Markdown body contains `needle`."""
    return next((c for c in reversed(comments) if isinstance(c, dict) and needle in body_of(c)), None)


def clip_middle(body: str, limit: int) -> str:
    """`body` within `limit` characters: the middle gives way, the last line (a reference) is kept."""
    if len(body) <= limit:
        return body
    head, _, last = body.rstrip().rpartition("\n")
    gap = "\n\n…\n\n"
    room = limit - len(last) - len(gap)
    if room <= 0:
        return "…" + last[-(limit - 1) :]
    return head[:room].rstrip() + gap + last
