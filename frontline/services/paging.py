"""A bound on following a helpdesk's pages, for the services that walk a whole view.

A server that keeps saying "more pages" (the same cursor again, or an endless run of new ones) would
make `frontline queue` run forever and the console poll without end. Connectors bound their own list
walks; this is the same rule for the desk, which sees only the adapters' opaque cursors.
"""

from __future__ import annotations

from frontline.errors import MalformedResponse

MAX_VIEW_PAGES = 1000
"""The most pages one view load follows: 100,000 Zendesk tickets or 50,000 JSM ones."""

MAX_CURSOR_CHARS = 4096
"""The longest cursor passed back to an adapter; a longer one is not a real cursor."""


class PageGuard:
    """Checks each next-page cursor of one walk: never the same twice, never past `max_pages` pages.

    Args:
        service: the helpdesk's name for messages ("Zendesk").
        max_pages: how many pages the walk may fetch in all.
    """

    def __init__(self, service: str = "The helpdesk", *, max_pages: int = MAX_VIEW_PAGES) -> None:
        self.service = service
        self.max_pages = max_pages
        self.pages = 0
        self._seen: set[str] = set()

    def next(self, cursor: str | None) -> str | None:
        """Count one fetched page whose answer points to `cursor`; return it (None: the walk is over).

        Raises:
            MalformedResponse: `cursor` was seen before in this walk, is absurdly long, or following it
                would go past `max_pages`.
        """
        self.pages += 1
        if cursor is None:
            return None
        if len(cursor) > MAX_CURSOR_CHARS:
            raise MalformedResponse(
                f"{self.service} sent a page cursor longer than {MAX_CURSOR_CHARS} characters; stopped."
            )
        if cursor in self._seen:
            raise MalformedResponse(
                f"{self.service} kept saying there are more pages (same cursor twice); stopped."
            )
        if self.pages >= self.max_pages:
            raise MalformedResponse(
                f"{self.service} kept saying there are more pages after {self.max_pages} pages; stopped."
            )
        self._seen.add(cursor)
        return cursor
