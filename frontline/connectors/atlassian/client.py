"""Signing in to an Atlassian site with an API token, classic or scoped, for the JSM and Jira connectors.

The site URL (links, `/browse/KEY`, the cloud id) and the API's address are kept apart: a classic token
goes with the email to the site; a scoped one only works through the API gateway
(`frontline.connectors.atlassian.gateway`). Both are HTTP Basic `email:token`. A 401 then says which
failure it probably is, since Atlassian's own answer ("Client must be authenticated", "Unauthorized;
scope does not match") does not tell a person what to do.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from typing import Any

import httpx

from frontline.connectors.atlassian.gateway import GatewayBase
from frontline.connectors.atlassian.settings import DEFAULT_GATEWAY
from frontline.connectors.auth import secure_url
from frontline.connectors.http import ApiClient
from frontline.connectors.http_errors import sentence
from frontline.connectors.spec import ErrorParser
from frontline.errors import AuthError, ConfigError, FrontlineError
from frontline.redaction import basic_auth_secrets

TOKENS_PAGE = "https://id.atlassian.com/manage-profile/security/api-tokens"
"""Where an Atlassian account creates and revokes its API tokens."""

JIRA_SCOPES = ("read:jira-work", "write:jira-work", "read:jira-user")
"""The scopes a token needs for the platform API (`/rest/api/3`): issues, comments, people."""

JSM_SCOPES = (*JIRA_SCOPES, "read:servicedesk-request", "write:servicedesk-request")
"""JSM also reads queues and requests and comments on them (`/rest/servicedeskapi`)."""

CLIENT_OPTIONS = frozenset({"sleep", "max_retries", "max_retry_wait", "timeout", "scheduler"})
"""The `ApiClient` options a factory passes on (tests set them); any other option is not for us."""


class AtlassianClient(ApiClient):
    """The shared client, signed in to one Atlassian site, whose 401s say what to do about the token.

    Args:
        site: the site's URL, for links and messages; the API may live elsewhere (the gateway).
        scoped: whether the token is a scoped one, sent to the gateway.
        scopes: what the connector needs a scoped token to allow, named when it is refused.
    """

    def __init__(
        self, base_url: str, *, site: str, scoped: bool, scopes: Sequence[str], **options: Any
    ) -> None:
        super().__init__(base_url, **options)
        self.site = site
        self.scoped = scoped
        self.scopes = tuple(scopes)

    def _status_error(self, response: httpx.Response) -> FrontlineError:
        error = super()._status_error(response)
        if response.status_code != 401 or "authorization" not in response.request.headers:
            return error  # not about the token (a public document such as tenant_info sends none)
        detail, _ = self._error_body(response)
        category = response.headers.get("x-failure-category", "")
        scope_check = "scope" in detail.lower() or "SCOPE" in category.upper()
        return AuthError(self._refused(detail, scope_check=scope_check))

    def _refused(self, detail: str, *, scope_check: bool) -> str:
        head = f"{self.service} rejected the credentials (401){sentence(detail)}"
        renew = f"Create a new one at {TOKENS_PAGE} and store it with `frontline login`."
        if not self.scoped:
            return (
                f"{head} The API token for {self.site} expired (classic tokens now expire within a year) "
                'or was revoked; if this is a scoped token, set auth = "scoped_token" in the profile. '
                + renew
            )
        needs = ", ".join(self.scopes)
        gateway = httpx.URL(self.base_url)
        where = f"{gateway.scheme}://{gateway.netloc.decode('ascii', 'replace')}"
        if scope_check:
            return (
                f"{head} The scoped token was refused by the gateway ({where}): it lacks a scope frontline "
                f"needs ({needs}). {renew}"
            )
        return (
            f"{head} The scoped token was refused by the gateway ({where}): expired, revoked, or missing "
            f"a scope (needs {needs}). {renew}"
        )


def connect(
    site_url: str,
    email: str,
    token: str,
    *,
    service: str,
    parse_error: ErrorParser,
    scopes: Sequence[str],
    token_kind: str = "api_token",
    gateway_url: str = DEFAULT_GATEWAY,
    transport: httpx.AsyncBaseTransport | None = None,
    verify: ssl.SSLContext | bool = True,
    **options: Any,
) -> AtlassianClient:
    """A client signed in with Basic `email:token`: to the site for a classic token (`token_kind`
    `api_token`), to `{gateway_url}/ex/jira/{cloudId}` for a scoped one (`scoped_token`), the cloud id
    read on the first request.

    `options` named in `CLIENT_OPTIONS` go to `ApiClient`; others (a factory's `auth` meant for another
    vendor, say) are ignored.

    Raises:
        ConfigError: a site or gateway URL that is not https (plain http only on loopback), an unknown
            `token_kind`, or an empty token.
    """
    site = _address(site_url, "Jira site URL (base_url)")
    if token_kind not in ("api_token", "scoped_token"):
        raise ConfigError(f'Unknown Atlassian auth {token_kind!r}: use "api_token" or "scoped_token".')
    agent = email.strip()

    def sign_in(api_token: str) -> tuple[httpx.Auth, tuple[str, ...]]:
        if not api_token:
            raise ConfigError(f"{service} sign-in needs an API token.")
        return httpx.BasicAuth(agent, api_token), basic_auth_secrets(agent, api_token)

    credentials, secrets = sign_in(token)
    scoped = token_kind == "scoped_token"
    gateway = _address(gateway_url, "Atlassian API gateway (gateway_url)") if scoped else site
    return AtlassianClient(
        gateway,
        site=site,
        scoped=scoped,
        scopes=scopes,
        service=service,
        auth=credentials,
        parse_error=parse_error,
        transport=transport,
        secrets=secrets,
        sign_in=sign_in,
        verify=verify,
        resolve_base=GatewayBase(site, gateway) if scoped else None,
        address_setting="gateway_url" if scoped else "base_url",
        **{name: value for name, value in options.items() if name in CLIENT_OPTIONS},
    )


def _address(url: str, what: str) -> str:
    """`url` without a trailing slash, once it is safe to send a token to."""
    return str(secure_url(url.strip().rstrip("/"), what)).rstrip("/")
