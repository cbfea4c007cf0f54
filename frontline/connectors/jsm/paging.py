"""Walking JSM's `start`/`limit`/`isLastPage` lists without trusting `isLastPage` alone.

A server that ignores `start` (a proxy, a cache, the vendor's own example answers) sends the same page
with `isLastPage: false` for ever; followed blindly, `queue`, `show` and `doctor` never end. Every page
read is therefore marked by the `start` it says it answers and by the ids of its values: a page that
repeats an earlier mark stops the walk with `MalformedResponse`, and so does a walk past `MAX_PAGES`.

A queue is read one page per call (the desk asks for the next with an opaque cursor), so its cursor
carries the previous page's mark: `"<next start>.<answered start>.<ids digest>"`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

from frontline.errors import MalformedResponse

MAX_PAGES = 200
"""The most pages one list walk reads: 10,000 values at JSM's 50 a page."""

_ID_FIELDS = ("id", "key", "issueKey", "issueId", "accountId")
_MAX_CURSOR_CHARS = 64


class PageMark(NamedTuple):
    """What tells one page from another: the `start` it answered (None if unsaid) and its values' ids."""

    start: int | None
    digest: str

    def repeats(self, other: PageMark) -> bool:
        """The same page again: the same answered `start`, or the same values."""
        return (self.start is not None and self.start == other.start) or self.digest == other.digest


def page_mark(page: dict[str, Any], values: list[Any]) -> PageMark:
    """The mark of a page whose `values` (non-empty) were just read."""
    start = page.get("start")
    usable = isinstance(start, int) and not isinstance(start, bool) and 0 <= start < 10**9
    answered = start if usable else None
    ids = [_identity(value) for value in values]
    text = json.dumps(ids, sort_keys=True, separators=(",", ":"), default=str)
    return PageMark(answered, hashlib.blake2b(text.encode(), digest_size=8).hexdigest())


def _identity(value: Any) -> Any:
    """A value's id (or key), or the whole value when it has none."""
    if isinstance(value, dict):
        for field in _ID_FIELDS:
            found = value.get(field)
            if isinstance(found, str | int) and not isinstance(found, bool):
                return [field, found]
    return value


def same_page(service: str, what: str) -> MalformedResponse:
    return MalformedResponse(
        f"{service} keeps sending the same page of {what} (it ignores `start`); stopped."
    )


class PageWalk:
    """One walk through a list: every page's mark differs from all before it, at most `max_pages`.

    Args:
        service: the vendor's name for messages.
        what: the list, for messages (`/rest/servicedeskapi/servicedesk`).
    """

    def __init__(self, service: str, what: str, *, max_pages: int | None = None) -> None:
        self.service = service
        self.what = what
        self.max_pages = max_pages if max_pages is not None else MAX_PAGES
        self.pages = 0
        self._marks: list[PageMark] = []

    def read(self, page: dict[str, Any], values: list[Any], *, more: bool) -> None:
        """Count a page just read (`more`: it says more pages follow); an empty one is not checked.

        Raises:
            MalformedResponse: it repeats a page of this walk, or more follow after `max_pages`.
        """
        self.pages += 1
        if not values:
            return
        mark = page_mark(page, values)
        if any(mark.repeats(earlier) for earlier in self._marks):
            raise same_page(self.service, self.what)
        if more and self.pages >= self.max_pages:
            raise MalformedResponse(
                f"{self.service} kept saying there are more pages of {self.what} after {self.max_pages} "
                "pages; stopped."
            )
        self._marks.append(mark)


class QueueCursor(NamedTuple):
    """Where the next page of a queue starts, and the mark of the page before it (None: first page)."""

    start: int
    previous: PageMark | None


def next_queue_cursor(start: int, page: dict[str, Any], values: list[Any]) -> str:
    """The cursor after the page at `start` whose `values` were just read."""
    mark = page_mark(page, values)
    answered = "" if mark.start is None else str(mark.start)
    return f"{start + len(values)}.{answered}.{mark.digest}"


def read_queue_cursor(cursor: str | None) -> QueueCursor:
    """A cursor from `next_queue_cursor` (or a bare start offset); anything else starts at 0."""
    if not cursor or len(cursor) > _MAX_CURSOR_CHARS or not cursor.isascii():
        return QueueCursor(0, None)
    start, _, rest = cursor.partition(".")
    answered, _, digest = rest.partition(".")
    if not start.isdigit() or len(start) > 9:
        return QueueCursor(0, None)
    if not digest or (answered and (not answered.isdigit() or len(answered) > 9)):
        return QueueCursor(int(start), None)
    return QueueCursor(int(start), PageMark(int(answered) if answered else None, digest))
