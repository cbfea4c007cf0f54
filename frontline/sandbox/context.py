"""What every sandbox system is built from: the seed, the size, the clock and the accepted credentials.

Free of Starlette and uvicorn on purpose: `frontline --help` reads the credentials from here through
`sandbox/cli.py` without loading the web stack.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""Any callable answering the current time; the seed data is relative to it."""

SANDBOX_EMAIL = "agent@sandbox.example"
"""The sign-in email every sandbox system accepts."""

SANDBOX_TOKEN = "sandbox-token"
"""The API token every sandbox system accepts (it is not a secret: the sandbox is local and fake)."""

SANDBOX_OAUTH_CLIENT_ID = "frontline-sandbox"
"""The one OAuth client the fake Zendesk knows: a public client (PKCE, no secret), the "Identifier" an admin
would copy from Admin Center. Any https redirect URL is accepted, or http on 127.0.0.1/localhost."""

SANDBOX_SCOPED_TOKEN = "sandbox-scoped-token"
"""The Atlassian API token *with scopes* the fake Jira and JSM accept: only through the gateway face
(`/ex/jira/{cloudId}/...`), never on the site's own `/rest/...` paths."""

CONTROL_PREFIX = "/__sandbox__"
"""Control endpoints live under this prefix, which no vendor uses."""


def site_cloud_id(system: str) -> str:
    """The cloudId of a fake Atlassian site (`jsm`, `jira`): a uuid derived from the system's name only, so
    it stays the same across runs, ports and seeds, and differs between the two sites."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://sandbox-{system}.atlassian.net"))


def utc_now() -> datetime:
    """The real time, in UTC (the default clock)."""
    return datetime.now(UTC)


@dataclass
class SandboxContext:
    """The seed, size, clock and credentials one system is built from."""

    seed: int = 1
    tickets: int = 200
    clock: Clock = utc_now
    email: str = SANDBOX_EMAIL
    token: str = SANDBOX_TOKEN
    started_at: datetime = field(default_factory=utc_now)
    revoked_tokens: set[str] = field(default_factory=set)
    """Tokens expired at run time by the `token_expiry` fault."""
    modes: frozenset[str] = frozenset()
    """The hard parts of a real account this system plays for the whole run (`frontline.sandbox.modes`)."""

    def accepts_token(self, presented: str) -> bool:
        """True for the current token, unless a `token_expiry` fault revoked it."""
        return presented not in self.revoked_tokens and hmac.compare_digest(
            presented.encode(), self.token.encode()
        )

    def accepts_email(self, presented: str) -> bool:
        """True for the sandbox agent's email, in any letter case."""
        return hmac.compare_digest(presented.lower().encode(), self.email.lower().encode())
