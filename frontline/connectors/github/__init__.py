"""GitHub Issues as an escalation tracker: its settings section and connector spec.

Light on purpose (pydantic only): the client, which needs httpx, is imported when a tracker is built
(`client:build_github_tracker`).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import field_validator

from frontline.connectors.github.errors import parse_error
from frontline.connectors.settings import TrackerSettings
from frontline.connectors.spec import AuthSpec, ConnectorSpec

__all__ = ["CONNECTOR", "REPOSITORY", "GitHubSettings", "parse_error"]

REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/(?!\.\.?(?:$|#))[A-Za-z0-9._-]{1,100}")
"""`owner/repo` as GitHub allows it: an owner of up to 39 letters, digits and dashes; a repository name
of letters, digits, `.`, `_` and `-` (not `.` or `..`). Also the front of an issue key (`owner/repo#17`)."""


class GitHubSettings(TrackerSettings):
    """A GitHub repository bugs are escalated to."""

    kind: Literal["github"] = "github"
    """`github`: GitHub Issues."""

    base_url: str = ""
    """The API address: empty means `https://api.github.com`; `https://<host>/api/v3` for GitHub
    Enterprise Server."""

    project: str = ""
    """The repository as `owner/repo`, for example `acme/app`."""

    email: str = ""
    """Unused for GitHub (a token alone signs in); accepted so a shared section still loads."""

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("https://", "http://")):
            raise ValueError(
                "must start with https:// (https://api.github.com, or https://<host>/api/v3 for GitHub "
                "Enterprise Server; http:// is only for a local sandbox)"
            )
        return value

    @field_validator("project")
    @classmethod
    def _owner_slash_repo(cls, value: str) -> str:
        value = value.strip().strip("/")
        if value and not REPOSITORY.fullmatch(value):
            raise ValueError("must name the repository as owner/repo, for example acme/app")
        return value


CONNECTOR = ConnectorSpec(
    kind="github",
    display_name="GitHub",
    role="tracker",
    settings=GitHubSettings,
    auth=AuthSpec(scheme="personal access token (Bearer)", needs_email=False, token_env="GITHUB_TOKEN"),
    parse_error=parse_error,
    factory=f"{__name__}.client:build_github_tracker",
)
