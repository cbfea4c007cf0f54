"""Jira Software as an escalation tracker: its settings section and connector spec.

The tracker itself is `frontline.connectors.jira.client` (imported only when a target is built). The
error parser is the Jira platform's, shared with JSM (`frontline.connectors.atlassian.errors`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from frontline.connectors.atlassian.errors import parse_error
from frontline.connectors.atlassian.settings import AtlassianSignIn
from frontline.connectors.settings import TrackerSettings
from frontline.connectors.spec import AuthSpec, ConnectorSpec

__all__ = ["CONNECTOR", "JiraSettings", "parse_error"]


class JiraSettings(AtlassianSignIn, TrackerSettings):
    """A Jira Software project bugs are escalated to, signed in with a classic or a scoped API token."""

    kind: Literal["jira"] = "jira"
    """`jira`: Jira Software."""

    base_url: str = ""
    """The Jira site's address, for example `https://acme.atlassian.net`; issue links point here."""

    project: str = ""
    """The project key bugs are filed in, for example `ENG`."""

    email: str = ""
    """The Atlassian account email that signs in together with the API token."""

    issue_type: str = "Bug"
    """The issue type bugs are filed as (its name, e.g. `Bug`, or its id)."""

    components: list[str] = Field(default_factory=list)
    """Components every escalated bug gets, by name."""


CONNECTOR = ConnectorSpec(
    kind="jira",
    display_name="Jira",
    role="tracker",
    settings=JiraSettings,
    auth=AuthSpec(
        scheme="Atlassian API token, classic or scoped, with the account's email (Basic `{email}:{token}`)",
        needs_email=True,
        token_env="JIRA_TOKEN",
    ),
    parse_error=parse_error,
    factory="frontline.connectors.jira.client:build_jira_tracker",
)
