"""The composition root's half of signing in: where a session's tokens come from, and how it signs in again.

`frontline.bootstrap` builds sessions; this module gives it the readers of the profile's secrets (helpdesk
token, tracker tokens, Slack webhook URLs, the kept OAuth sign-in) and the console's "sign in again". Each
reader imports `frontline.credentials` (and the keyring) only when it is called, so building a session
costs no keyring probe until a secret is actually needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from frontline.errors import AuthError, ConfigError, CredentialsError

if TYPE_CHECKING:
    from frontline.config import HandoffDestination, HelpdeskSettings, Settings, TrackerSettings
    from frontline.connectors.zendesk import ZendeskSettings
    from frontline.domain.ports import Helpdesk


def helpdesk_token(profile_name: str, helpdesk: HelpdeskSettings) -> Callable[[], str]:
    """Reads the profile's helpdesk API token: keyring, secrets file, then `token_env` (blocking).

    Raises (when called):
        CredentialsError: none of them has it; the message says what to run or export.
    """

    def token() -> str:
        from frontline.credentials import HELPDESK, get_token

        return get_token(profile_name, HELPDESK, token_env=helpdesk.token_env, kind=helpdesk.kind).token

    return token


def stored_webhook_url(profile_name: str) -> Callable[[HandoffDestination], str]:
    """Reads a handoff destination's Slack webhook URL: keyring, secrets file, then `webhook_env`."""

    def url(destination: HandoffDestination) -> str:
        from frontline.credentials import get_webhook_url

        return get_webhook_url(profile_name, destination.name, webhook_env=destination.webhook_env).token

    return url


def stored_tracker_token(profile_name: str) -> Callable[[TrackerSettings], str]:
    """Reads an escalation target's token: keyring, secrets file, `token_env`, then (GitHub) `gh`."""

    def token(entry: TrackerSettings) -> str:
        from frontline.credentials import get_token

        host = entry.base_url or None  # GitHub Enterprise: the gh CLI is asked for that host's token
        return get_token(
            profile_name, entry.kind, token_env=entry.token_env, kind=entry.kind, host=host
        ).token

    return token


def token_renewer(profile_name: str, kind: str, helpdesk: Helpdesk) -> Callable[[str], str]:
    """Store a new token for the profile's helpdesk, then use it on the open connection."""

    def renew(token: str) -> str:
        from frontline.credentials import HELPDESK, set_token

        token = token.strip()
        if not token:
            raise ConfigError("The token is empty; nothing changed.")
        try:
            where = set_token(profile_name, HELPDESK, token, kind=kind)
        except CredentialsError as error:
            where = f"Using it for this session only: {error.message.splitlines()[0]}"
        helpdesk.use_token(token)
        return where

    return renew


def browser_sign_in(profile_name: str) -> Callable[[str], str]:
    """What the console's sign-in does for an OAuth profile: point to `frontline login`, which runs the
    browser sign-in; the open session's auth picks the new pair up from the vault on its next 401."""

    def renew(token: str) -> str:
        raise AuthError(
            f"Sign in again in a terminal with `frontline login {profile_name}` (it opens the browser); "
            "this console uses the new sign-in from its next request.",
            title="Sign in with the browser",
        )

    return renew


def zendesk_oauth(settings: Settings, profile_name: str, helpdesk: ZendeskSettings) -> Any:
    """The refreshing auth over the profile's kept OAuth sign-in.

    Raises:
        ConfigError: no `client_id`; CredentialsError: not signed in, or the sign-in cannot be read.
    """
    from frontline.connectors.tls import verify_option
    from frontline.connectors.zendesk.oauth import refreshing_auth
    from frontline.credentials import HELPDESK, oauth_vault

    client_id = helpdesk.oauth_client_id(profile_name)
    vault = oauth_vault(profile_name, HELPDESK)
    tokens = vault.load()
    if tokens is None:
        raise CredentialsError(
            f"Profile {profile_name!r} is not signed in to Zendesk: run `frontline login {profile_name}` "
            "(it opens Zendesk's sign-in page in your browser)."
        )
    return refreshing_auth(
        helpdesk.base_url,
        client_id,
        vault,
        relogin=f"Run `frontline login {profile_name}` to sign in again.",
        tokens=tokens,
        verify=verify_option(settings.network),
    )
