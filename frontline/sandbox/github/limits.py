"""GitHub's rate limits: the primary hourly budget, search's own budget, and the content-creation
secondary limits.

Every response carries the `x-ratelimit-*` headers of the resource it spent (`core` or `search`). The
primary limit can run out (403 with `x-ratelimit-remaining: 0`), search allows 30 requests a minute,
creating content faster than 80 a minute or 500 an hour trips the secondary limit (403 with
`retry-after`), and the control route forces either state for tests.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response

from frontline.sandbox.context import SandboxContext
from frontline.sandbox.github.errors import RATE_DOCS, SECONDARY_DOCS, gh_error

PRIMARY_LIMIT = 5000
SEARCH_PER_MINUTE = 30
CONTENT_PER_MINUTE = 80
CONTENT_PER_HOUR = 500


class RateLimiter:
    """The primary hourly budget, the search budget and the content-creation secondary limits."""

    def __init__(self, context: SandboxContext) -> None:
        self.context = context
        self.remaining = PRIMARY_LIMIT
        self.reset_at = int(context.clock().timestamp()) + 3600
        self.secondary: list[tuple[int, str]] = []
        """Forced secondary-limit answers: (retry_after, "403"|"429"), consumed one per request."""
        self._content_times: list[float] = []
        self._search_times: list[float] = []

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(PRIMARY_LIMIT),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-used": str(PRIMARY_LIMIT - self.remaining),
            "x-ratelimit-reset": str(self.reset_at),
            "x-ratelimit-resource": "core",
        }

    def check(self, request: Request) -> Response | None:
        """Spend one request; the 403/429 answer when a limit is hit."""
        now = self.context.clock().timestamp()
        if now >= self.reset_at:
            self.remaining, self.reset_at = PRIMARY_LIMIT, int(now) + 3600
        if self.secondary:
            retry_after, status = self.secondary.pop(0)
            return secondary_limit(int(status), retry_after)
        if self.remaining <= 0:
            return gh_error(403, "API rate limit exceeded for user ID 1.", RATE_DOCS)
        self.remaining -= 1
        if request.method in ("POST", "PATCH", "PUT", "DELETE"):
            self._content_times = [t for t in self._content_times if now - t < 3600] + [now]
            last_minute = sum(1 for t in self._content_times if now - t < 60)
            if last_minute > CONTENT_PER_MINUTE:
                return secondary_limit(403, 60)
            if len(self._content_times) > CONTENT_PER_HOUR:
                return secondary_limit(403, 600)
        return None

    def check_search(self) -> Response | None:
        """Spend one search request (a rolling minute, on the real clock); the 403 when it is spent."""
        if self.secondary:
            retry_after, status = self.secondary.pop(0)
            return secondary_limit(int(status), retry_after)
        now = time.monotonic()
        self._search_times = [t for t in self._search_times if now - t < 60]
        if len(self._search_times) >= SEARCH_PER_MINUTE:
            return gh_error(403, "API rate limit exceeded for user ID 1.", RATE_DOCS)
        self._search_times.append(now)
        return None

    def search_headers(self) -> dict[str, str]:
        now = time.monotonic()
        used = len([t for t in self._search_times if now - t < 60])
        wait = 60 - (now - min(self._search_times)) if self._search_times else 60
        return {
            "x-ratelimit-limit": str(SEARCH_PER_MINUTE),
            "x-ratelimit-remaining": str(max(0, SEARCH_PER_MINUTE - used)),
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(int(time.time() + max(0.0, wait)) + 1),
            "x-ratelimit-resource": "search",
        }


def secondary_limit(status: int, retry_after: int) -> Response:
    """The secondary-limit answer (403 or 429) with `retry-after` in seconds."""
    response = gh_error(
        status,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
        "If you reach out to GitHub Support for help, please include the request ID.",
        SECONDARY_DOCS,
    )
    response.headers["retry-after"] = str(retry_after)
    return response
