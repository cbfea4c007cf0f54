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

__all__ = ["CONNECTOR", "ZendeskSettings", "parse_error"]


class ZendeskSettings(HelpdeskSettings):
    """A Zendesk Support account."""

    kind: Literal["zendesk"] = "zendesk"
    """`zendesk`: Zendesk Support."""

    base_url: str = ""
    """The account's address, for example `https://acme.zendesk.com`."""

    email: str = ""
    """The agent's sign-in email; API tokens sign in as `{email}/token`."""

    views: list[str] = Field(default_factory=list)
    """Numeric view ids to show, in order; empty shows every active view."""

    token_env: str | None = None
    """Environment variable holding the API token when no keyring is available, e.g. `ZENDESK_TOKEN`."""


CONNECTOR = ConnectorSpec(
    kind="zendesk",
    display_name="Zendesk",
    role="helpdesk",
    settings=ZendeskSettings,
    auth=AuthSpec(
        scheme="API token with the agent's email (Basic `{email}/token:{token}`), or an OAuth access token",
        needs_email=True,
        token_env="ZENDESK_TOKEN",
    ),
    parse_error=parse_error,
    factory=f"{__name__}.client:build_zendesk_adapter",
)
