"""GitHub's rate limits: the primary hourly budget and the content-creation secondary limit.

Every response carries the `x-ratelimit-*` headers. The primary limit can run out (403 with
`x-ratelimit-remaining: 0`), creating content too fast trips the secondary limit (403 with
`retry-after`), and the control route forces either state for tests.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from frontline.sandbox.context import SandboxContext
from frontline.sandbox.github.errors import RATE_DOCS, SECONDARY_DOCS, gh_error

PRIMARY_LIMIT = 5000
CONTENT_PER_MINUTE = 80


class RateLimiter:
    """The primary hourly budget and the content-creation secondary limit."""

    def __init__(self, context: SandboxContext) -> None:
        self.context = context
        self.remaining = PRIMARY_LIMIT
        self.reset_at = int(context.clock().timestamp()) + 3600
        self.secondary: list[tuple[int, str]] = []
        """Forced secondary-limit answers: (retry_after, "403"|"429"), consumed one per request."""
        self._content_times: list[float] = []

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
            self._content_times = [t for t in self._content_times if now - t < 60] + [now]
            if len(self._content_times) > CONTENT_PER_MINUTE:
                return secondary_limit(403, 60)
        return None


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
