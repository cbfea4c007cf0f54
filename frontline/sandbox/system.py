"""The contract between the sandbox server and each emulated vendor system."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from frontline.domain.clock import Clock, utc_now

SANDBOX_EMAIL = "agent@sandbox.example"
"""The sign-in email every sandbox system accepts."""

SANDBOX_TOKEN = "sandbox-token"
"""The API token every sandbox system accepts (it is not a secret: the sandbox is local and fake)."""

CONTROL_PREFIX = "/__sandbox__"
"""Control endpoints live under this prefix, which no vendor uses."""


@dataclass
class SandboxContext:
    """What every system is built from: the seed, the size, the clock and the accepted credentials."""

    seed: int = 1
    tickets: int = 200
    clock: Clock = utc_now
    email: str = SANDBOX_EMAIL
    token: str = SANDBOX_TOKEN
    started_at: datetime = field(default_factory=utc_now)
    revoked_tokens: set[str] = field(default_factory=set)
    """Tokens expired at run time by the `token_expiry` fault."""


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

    @abstractmethod
    def authenticate(self, request: Request) -> bool:
        """True when the request carries credentials this vendor would accept."""

    @abstractmethod
    def unauthorized(self, request: Request) -> Response:
        """The vendor's own 401 answer (status, headers and body shape)."""

    def reset(self) -> None:
        """Restore the seeded state (control endpoint `POST /__sandbox__/reset`)."""
        return None
