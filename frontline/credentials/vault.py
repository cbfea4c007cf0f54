"""OAuth token sets, kept as JSON under the same `profile:system` entry an API token would use.

`KeptTokenVault` is the `TokenVault` the connectors refresh through: every `load` reads the entry afresh
(another process may have rotated the pair), `save` replaces it in one write, and `lock` is held by one
frontline process of the machine at a time, because spending a refresh token kills it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from frontline.connectors.oauth import OAuthTokens, TokenVault
from frontline.credentials import backend
from frontline.credentials.backend import HELPDESK, entry_name
from frontline.credentials.locks import lock_path, machine_lock
from frontline.errors import CredentialsError

LOCK_SECONDS = 30.0
"""How long a refresh waits for another frontline's: a token request takes a few seconds at most."""


class KeptTokenVault:
    """One profile's OAuth tokens for one system, in the keyring or the user-only secrets file."""

    def __init__(self, profile: str, system: str = HELPDESK) -> None:
        self.profile = profile
        self.system = system

    def __repr__(self) -> str:
        return f"KeptTokenVault(profile={self.profile!r}, system={self.system!r})"

    @property
    def entry(self) -> str:
        """The entry name, `acme:helpdesk`."""
        return entry_name(self.profile, self.system)

    @property
    def lock_path(self) -> Path:
        """The lock file every frontline process of the machine takes for this entry."""
        return lock_path(f"{self.profile}-{self.system}")

    def load(self) -> OAuthTokens | None:
        """The kept tokens read afresh; None when signed out or when the entry holds a plain API token.

        Raises:
            CredentialsError: the keyring failed to answer (saying "signed out" would be wrong), or the
                secrets file cannot be read.
        """
        lookup = backend.find(self.entry)
        if lookup.found is None:
            if lookup.keyring_failed:
                reason = next(r for r in lookup.reasons if r.startswith("keyring"))
                raise CredentialsError(
                    f"Could not read the OAuth sign-in of {self.profile!r} ({self.system}): {reason}."
                )
            return None
        try:
            return OAuthTokens.from_json(lookup.found.value)
        except ValueError:
            return None  # an API token, or damaged: either way not a token set

    def save(self, tokens: OAuthTokens) -> None:
        """Keep `tokens` in place of the old ones (one keyring write, or one atomic file rename).

        Raises:
            CredentialsError: they could not be kept.
        """
        backend.keep(self.entry, tokens.to_json(), what="OAuth sign-in")

    def lock(self, timeout: float = LOCK_SECONDS) -> AbstractContextManager[None]:
        """Held while a refresh token is spent and its successor kept; one holder per machine.

        Raises:
            CredentialsError: another frontline held it for `timeout` seconds.
        """
        busy = (
            f"Another frontline is signing in to {self.profile!r} ({self.system}): it held the lock "
            f"{self.lock_path} for {timeout:g} s. Try again when it is done."
        )
        return machine_lock(f"{self.profile}-{self.system}", timeout=timeout, busy=busy)


def oauth_vault(profile: str, system: str = HELPDESK) -> TokenVault:
    """The vault a connector refreshes `profile`'s OAuth tokens through."""
    return KeptTokenVault(profile, system)


def get_oauth_tokens(profile: str, system: str = HELPDESK) -> OAuthTokens | None:
    """The kept OAuth tokens, or None (signed out, or the entry holds an API token).

    Raises:
        CredentialsError: the keyring or the secrets file cannot be read.
    """
    return KeptTokenVault(profile, system).load()


def set_oauth_tokens(profile: str, system: str, tokens: OAuthTokens) -> str:
    """Keep a fresh sign-in's tokens; returns a sentence saying where (with a warning for the file).

    Raises:
        CredentialsError: they could not be kept.
    """
    return backend.keep(entry_name(profile, system), tokens.to_json(), what="OAuth sign-in")
