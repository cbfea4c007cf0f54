"""The contract between the sandbox server and each emulated vendor system."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from frontline.sandbox.context import SandboxContext


class SandboxSystem(ABC):
    """One emulated vendor. The server mounts `routes()` on its own base URL and wraps them with the
    shared middleware (auth via `authenticate`, request recording, fault injection)."""

    name: ClassVar[str]
    """`zendesk`, `jsm`, `jira` or `github`."""

    title: ClassVar[str]
    """Human name printed at start: "Zendesk Support"."""

    def __init__(self, context: SandboxContext) -> None:
        self.context = context

    @abstractmethod
    def routes(self) -> list[BaseRoute]:
        """The vendor's own paths."""

    def control_routes(self) -> list[BaseRoute]:
        """Extra state-inspection routes, mounted under `CONTROL_PREFIX` (for example received comments)."""
        return []

    def is_public(self, path: str) -> bool:
        """True for the paths the vendor serves without credentials (sign-in endpoints, tenant info)."""
        return False

    @abstractmethod
    def authenticate(self, request: Request) -> bool:
        """True when the request carries credentials this vendor would accept (and not revoked ones)."""

    def expire_credentials(self) -> None:
        """What a `token_expiry` fault and `POST /__sandbox__/expire-token` do: the current token stops
        working. Systems with more kinds of credentials (OAuth access tokens, scoped tokens) end those too."""
        self.context.revoked_tokens.add(self.context.token)

    @abstractmethod
    def unauthorized(self, request: Request) -> Response:
        """The vendor's own 401 answer (status, headers and body shape)."""

    def throttled(self, retry_after: int) -> Response:
        """The answer to a `429` fault; vendors override it with their own status, headers and body."""
        return Response(
            "Too Many Requests", 429, headers={"Retry-After": str(retry_after)}, media_type="text/plain"
        )

    def reset(self) -> None:
        """Restore the seeded state (control endpoint `POST /__sandbox__/reset`)."""
        return None
