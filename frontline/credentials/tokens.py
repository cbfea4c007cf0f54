"""API tokens (and Slack webhook URLs): one secret string per `profile:system` entry.

Read in order: the keyring, the user-only secrets file, the profile's `token_env` variable, and for
GitHub the `gh` CLI's own sign-in. Every answer says which source was used and why the earlier ones were
skipped, so the CLI and the UI can tell the person.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from frontline.credentials import backend, secrets_file
from frontline.credentials.advice import missing_message
from frontline.credentials.backend import HELPDESK, entry_name, webhook_system
from frontline.credentials.gh import GITHUB_KINDS, gh_host, gh_token
from frontline.errors import CredentialsError

TokenSource = Literal["keyring", "file", "env", "gh"]


@dataclass(frozen=True)
class Credential:
    """A token and where it came from; `note` is a sentence a person can read. The repr hides the token."""

    token: str = field(repr=False)
    source: TokenSource
    note: str

    def __repr__(self) -> str:
        return f"Credential(token='***', source={self.source!r}, note={self.note!r})"

    def __str__(self) -> str:
        return f"token {self.note}"


def get_token(
    profile: str,
    system: str = HELPDESK,
    *,
    token_env: str | None,
    kind: str | None = None,
    host: str | None = None,
) -> Credential:
    """The token for `profile`'s `system`: keyring, then secrets file, then `token_env`, then (GitHub) `gh`.

    `kind` names the connector (`jsm`), so the advice names its usual variable (`JSM_TOKEN`). `host` is
    the GitHub host `gh` is asked about (github.com by default; a tracker's base URL works too). An
    entry holding an OAuth sign-in is not an API token and is passed over.

    Raises:
        CredentialsError: no source has a token; the message says exactly what to run or export.
    """
    user = entry_name(profile, system)
    lookup = backend.find(user)
    reasons = list(lookup.reasons)
    found = lookup.found
    if found is not None and _is_token_set(found.value):
        where = "keyring entry" if found.source == "keyring" else "secrets-file entry"
        reasons.append(f"the {where} {user} holds an OAuth sign-in, not an API token")
        found = None
    if found is not None:
        because = "".join(f"; {reason}" for reason in reasons)
        return Credential(found.value, found.source, found.note + because)
    if token_env:
        env_value = os.environ.get(token_env, "").strip()
        if env_value:
            return Credential(env_value, "env", f"from ${token_env} ({'; '.join(reasons)})")
    gh_reason: str | None = None
    if system in GITHUB_KINDS or kind in GITHUB_KINDS:
        token, gh_reason = gh_token(host)
        if token is not None:
            return Credential(token, "gh", gh_reason)
    raise CredentialsError(
        missing_message(
            profile,
            system,
            token_env=token_env,
            kind=kind,
            reasons=tuple(reasons),
            keyring_usable=backend.keyring_status().usable,
            gh_reason=gh_reason,
            gh_hostname=gh_host(host),
        )
    )


def set_token(profile: str, system: str, token: str, *, kind: str | None = None) -> str:
    """Store `token` in the keyring, or without one in the user-only secrets file.

    Returns a sentence saying where it went; for the file it carries a one-line warning. `kind` is
    accepted for symmetry with `get_token`.

    Raises:
        CredentialsError: the token is empty, or the keyring or the file could not be written.
    """
    del kind
    if not token.strip():
        raise CredentialsError("The token is empty; nothing was stored.")
    return backend.keep(entry_name(profile, system), token.strip(), what="token")


def delete_token(profile: str, system: str = HELPDESK) -> bool:
    """Remove a stored token from the keyring and the secrets file; False when neither held one.

    Raises:
        CredentialsError: the keyring or the file failed.
    """
    return bool(backend.forget([entry_name(profile, system)]))


def delete_profile_secrets(profile: str, systems: Iterable[str]) -> list[str]:
    """Remove every secret of `profile` for these systems (`helpdesk`, `jira`, `slack:team`) from the
    keyring and the secrets file, and any other entry of the profile the file holds (a tracker or a
    destination since dropped from the config). One sentence per removed entry; none quotes a secret.

    Raises:
        CredentialsError: the keyring or the file failed (what was removed before stays removed).
    """
    users = list(dict.fromkeys(entry_name(profile, system) for system in systems))
    if secrets_file.exists():
        users += [user for user in secrets_file.entries_of(profile) if user not in users]
    return backend.forget(users)


def _is_token_set(value: str) -> bool:
    """Whether a kept value is an OAuth token set (JSON) rather than an API token."""
    if not value.startswith("{"):
        return False
    from frontline.connectors.oauth import OAuthTokens

    try:
        OAuthTokens.from_json(value)
    except ValueError:
        return False
    return True


def get_webhook_url(profile: str, destination: str, *, webhook_env: str | None) -> Credential:
    """A Slack handoff destination's webhook URL (a secret): keyring, secrets file, then `webhook_env`.

    Raises:
        CredentialsError: none of them has it.
    """
    return get_token(profile, webhook_system(destination), token_env=webhook_env, kind="slack")
