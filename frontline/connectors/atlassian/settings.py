"""How a profile signs in to an Atlassian site: the two settings the JSM and Jira sections share.

Light on purpose (pydantic only), like the connectors' `__init__` modules that mix it in.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

AtlassianAuth = Literal["api_token", "scoped_token"]

DEFAULT_GATEWAY = "https://api.atlassian.com"
"""Where scoped tokens are accepted: Atlassian's API gateway, not the site."""


class AtlassianSignIn(BaseModel):
    """Which kind of Atlassian API token the profile holds, and where a scoped one is sent."""

    model_config = ConfigDict(extra="forbid")  # field docstrings: not read at import, checked by a test

    auth: AtlassianAuth = "api_token"
    """`api_token`: a classic API token, sent with the email to the site (`base_url`). `scoped_token`: an
    API token created with scopes, which only the API gateway (`gateway_url`) accepts; frontline finds the
    site's cloud id itself. Links still point at the site."""

    gateway_url: str = DEFAULT_GATEWAY
    """The Atlassian API gateway scoped tokens go to; change it only for a stand-in such as the sandbox."""

    @field_validator("gateway_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError(
                f"must start with https:// (normally {DEFAULT_GATEWAY}; http:// is only for a local sandbox)"
            )
        return value
