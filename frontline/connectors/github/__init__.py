"""GitHub Issues as an escalation tracker: its settings section and connector spec.

Settings only for now: escalation connectors come later, so there is no factory yet.
"""

from __future__ import annotations

from typing import Literal

from frontline.connectors.github.errors import parse_error
from frontline.connectors.settings import TrackerSettings
from frontline.connectors.spec import AuthSpec, ConnectorSpec

__all__ = ["CONNECTOR", "GitHubSettings", "parse_error"]


class GitHubSettings(TrackerSettings):
    """A GitHub repository bugs are escalated to."""

    kind: Literal["github"] = "github"
    """`github`: GitHub Issues."""

    base_url: str = ""
    """The API address: `https://api.github.com`, or `https://<host>/api/v3` for GitHub Enterprise."""

    project: str = ""
    """The repository as `owner/repo`."""

    email: str = ""
    """Unused for GitHub (a token alone signs in); accepted so a shared section still loads."""


CONNECTOR = ConnectorSpec(
    kind="github",
    display_name="GitHub",
    role="tracker",
    settings=GitHubSettings,
    auth=AuthSpec(scheme="personal access token (Bearer)", needs_email=False, token_env="GITHUB_TOKEN"),
    parse_error=parse_error,
)
