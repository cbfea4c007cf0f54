"""Atlassian's API gateway: where scoped API tokens are sent, and how the site's cloud id is found.

A scoped token is refused on the site (`https://acme.atlassian.net/rest/...`); the gateway accepts it at
`{gateway}/ex/jira/{cloudId}/rest/...`. The cloud id is what the site's public `GET /_edge/tenant_info`
answers (`{"cloudId": "<uuid>"}`, no credentials needed). The factories are synchronous, so the client
asks on its first request (`ApiClient(resolve_base=GatewayBase(...))`) and keeps the answer.
"""

from __future__ import annotations

import re

from frontline.connectors.http import ApiClient
from frontline.errors import ConfigError, FrontlineError

TENANT_INFO = "/_edge/tenant_info"
"""The site's public description of itself; its `cloudId` names the site on the gateway."""

CLOUD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
"""A cloud id (a uuid in practice): it goes into a path, so nothing else is accepted."""


class GatewayBase:
    """`resolve_base` for a client signed in with a scoped token: `{gateway}/ex/jira/{cloudId}`.

    Args:
        site: the Jira site (`https://acme.atlassian.net`), asked for its cloud id.
        gateway: the gateway's origin (`https://api.atlassian.com`), where the credentials go.
    """

    def __init__(self, site: str, gateway: str) -> None:
        self.site = site.rstrip("/")
        self.gateway = gateway.rstrip("/")
        self.cloud_id: str | None = None

    async def __call__(self, client: ApiClient) -> str:
        """The API's address, reading the cloud id from the site the first time.

        Raises:
            ConfigError: the site did not say its cloud id (unreachable, redirected, not a Jira site).
        """
        if self.cloud_id is None:
            self.cloud_id = await read_cloud_id(client, self.site)
        return f"{self.gateway}/ex/jira/{self.cloud_id}"


async def read_cloud_id(client: ApiClient, site: str) -> str:
    """The site's cloud id from its `/_edge/tenant_info`, asked without credentials.

    Raises:
        ConfigError: no answer, an error or a redirect, or an answer without a usable `cloudId`; the
            message names the site, since a wrong `base_url` is the usual cause.
    """
    url = f"{site}{TENANT_INFO}"
    try:
        body = await client.get_public_json(url)
    except FrontlineError as error:
        raise ConfigError(
            f"Scoped tokens need the cloud id of {site}, which {url} did not give "
            f"({error.message.rstrip('.')}). Check base_url (the Jira site, https://<name>.atlassian.net) "
            "and the network."
        ) from error
    cloud_id = body.get("cloudId") if isinstance(body, dict) else None
    if not isinstance(cloud_id, str) or not CLOUD_ID.fullmatch(cloud_id):
        raise ConfigError(
            f"Scoped tokens need the cloud id of {site}, but {url} answered without a usable cloudId. "
            "Check that base_url is the Atlassian cloud site (https://<name>.atlassian.net)."
        )
    return cloud_id
