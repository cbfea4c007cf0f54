"""Zendesk Support as a helpdesk: its settings section and connector spec.

Light on purpose (pydantic only): the client, auth and mapping modules, which need httpx, are
imported when a connector is built (`client:build_zendesk_adapter`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from frontline.connectors.settings import HelpdeskSettings
from frontline.connectors.spec import AuthSpec, ConnectorSpec
from frontline.connectors.zendesk.errors import parse_error
from frontline.errors import ConfigError

__all__ = ["CONNECTOR", "DEFAULT_REDIRECT_PORT", "ZendeskSettings", "parse_error"]

DEFAULT_REDIRECT_PORT = 8976
"""The loopback port of the redirect URL an admin registers, `http://127.0.0.1:8976/callback`. One fixed
port, because Zendesk matches the redirect URL exactly; an arbitrary high one (`redirect_port` changes it
if another program on the engineers' machines uses it)."""


class ZendeskSettings(HelpdeskSettings):
    """A Zendesk Support account."""

    kind: Literal["zendesk"] = "zendesk"
    """`zendesk`: Zendesk Support."""

    base_url: str = ""
    """The account's address, for example `https://acme.zendesk.com`."""

    auth: Literal["oauth", "api_token"] = "oauth"
    """How frontline signs in. `oauth` (the default): `frontline login` opens Zendesk's sign-in page in
    the browser (SSO and 2FA apply) and keeps a refreshing token set. `api_token`: an admin-made API token
    with `email`; Zendesk stops issuing them on 2026-10-27 and deactivates them all on 2027-04-30."""

    client_id: str = ""
    """For `oauth`: the *Unique identifier* of the OAuth client an admin registered for frontline in
    Admin Center (Apps and integrations > APIs > OAuth clients; client kind Public), e.g. `frontline`."""

    redirect_port: int = Field(default=DEFAULT_REDIRECT_PORT, ge=1024, le=65535)
    """For `oauth`: the port of the redirect URL registered on that client, which must read exactly
    `http://127.0.0.1:{redirect_port}/callback`; `frontline login` listens there for one request."""

    scopes: str = "read write"
    """For `oauth`: the scopes asked for, space-separated: `read write` (reading and updating tickets),
    or resource scopes such as `tickets:read tickets:write users:read` if the client allows only those."""

    email: str = ""
    """The agent's sign-in email; API tokens sign in as `{email}/token` (unused with `oauth`)."""

    views: list[str] = Field(default_factory=list)
    """Numeric view ids to show, in order; empty shows every active view."""

    token_env: str | None = None
    """For `api_token`: the environment variable holding the API token when no keyring is available,
    e.g. `ZENDESK_TOKEN`."""

    def oauth_client_id(self, profile: str) -> str:
        """The OAuth client id, checked when signing in or opening a session (not when the file is read,
        so `frontline doctor` can report it).

        Raises:
            ConfigError: `client_id` is empty; the message says what to set.
        """
        client_id = self.client_id.strip()
        if not client_id:
            raise ConfigError(
                f"Profile {profile!r} signs in to Zendesk with OAuth but names no OAuth client: set\n"
                f'  client_id = "<the client\'s unique identifier>" under [profiles.{profile}.helpdesk]\n'
                "(a Zendesk admin registers a Public client with the redirect URL "
                f"http://127.0.0.1:{self.redirect_port}/callback; see the README),\n"
                'or set auth = "api_token" to keep using an API token until Zendesk retires them.'
            )
        return client_id


CONNECTOR = ConnectorSpec(
    kind="zendesk",
    display_name="Zendesk",
    role="helpdesk",
    settings=ZendeskSettings,
    auth=AuthSpec(
        scheme="OAuth (authorization code with PKCE, in the browser), or an API token with the agent's "
        "email (Basic `{email}/token:{token}`)",
        needs_email=True,
        token_env="ZENDESK_TOKEN",
    ),
    parse_error=parse_error,
    factory=f"{__name__}.client:build_zendesk_adapter",
)
