"""Jira Service Management as a helpdesk: its settings section and connector spec.

Light on purpose (pydantic only): the client and mapping modules, which need httpx, are imported
when a connector is built (`client:build_jsm_adapter`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from frontline.connectors.atlassian.settings import AtlassianSignIn
from frontline.connectors.jsm.errors import parse_error
from frontline.connectors.settings import HelpdeskSettings
from frontline.connectors.spec import AuthSpec, ConnectorSpec

__all__ = ["CONNECTOR", "JsmSettings", "parse_error"]


class JsmSettings(AtlassianSignIn, HelpdeskSettings):
    """A Jira Service Management site, signed in with a classic or a scoped API token (`auth`)."""

    kind: Literal["jsm"] = "jsm"
    """`jsm`: Jira Service Management."""

    base_url: str = ""
    """The Jira site's address, for example `https://acme.atlassian.net`; ticket links point here."""

    email: str = ""
    """The agent's Atlassian account email, which signs in together with an API token."""

    views: list[str] = Field(default_factory=list)
    """Queue ids to show, in order, as `<serviceDeskId>:<queueId>`; empty shows every queue."""

    token_env: str | None = None
    """Environment variable holding the Atlassian API token when no keyring is available."""


CONNECTOR = ConnectorSpec(
    kind="jsm",
    display_name="Jira Service Management",
    role="helpdesk",
    settings=JsmSettings,
    auth=AuthSpec(
        scheme="Atlassian API token, classic or scoped, with the agent's email (Basic `{email}:{token}`)",
        needs_email=True,
        token_env="JSM_TOKEN",
    ),
    parse_error=parse_error,
    factory=f"{__name__}.client:build_jsm_adapter",
)
