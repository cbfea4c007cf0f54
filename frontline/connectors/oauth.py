"""OAuth tokens as frontline keeps them, and the vault a connector refreshes them through.

Vendor-neutral and light (no httpx): the Zendesk connector's refreshing auth uses these, and
`frontline.credentials` implements `TokenVault` over the keyring (or the user-only secrets file) with a lock
every frontline process on the machine shares, because a refresh token rotates: the old pair dies when the
new one is issued, so two processes refreshing at once must not both spend it.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

__all__ = ["REFRESH_AHEAD", "OAuthTokens", "TokenVault"]

REFRESH_AHEAD = timedelta(minutes=2)
"""Refresh an access token this long before it expires, so no request carries one that dies in flight."""


@dataclass(frozen=True)
class OAuthTokens:
    """An access token with what renews it; the secrets never show in `repr`.

    Args:
        expires_at: when the access token stops working (None: the server gave no expiry).
        scope: the scopes granted, space-separated as the server said them.
    """

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    scope: str = ""
    token_type: str = "Bearer"

    def expires_within(self, margin: timedelta, now: datetime) -> bool:
        """True when the access token is expired or will be within `margin` of `now`."""
        return self.expires_at is not None and self.expires_at - margin <= now

    @classmethod
    def from_response(cls, data: dict[str, Any], now: datetime) -> OAuthTokens:
        """Tokens from a token endpoint's JSON answer (`access_token`, `refresh_token`, `expires_in`).

        Raises:
            ValueError: no access token in the answer.
        """
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("the token endpoint answered without an access_token")
        refresh = data.get("refresh_token")
        expires_in = data.get("expires_in")
        expires_at = None
        if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and expires_in > 0:
            expires_at = now + timedelta(seconds=float(expires_in))
        return cls(
            access_token=access,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            expires_at=expires_at,
            scope=str(data.get("scope") or ""),
            token_type=str(data.get("token_type") or "Bearer"),
        )

    def to_json(self) -> str:
        """The form kept in the keyring or the secrets file: one JSON object, written atomically."""
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at.isoformat() if self.expires_at else None,
                "scope": self.scope,
                "token_type": self.token_type,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> OAuthTokens:
        """Raises: ValueError: not a kept token set (a plain API token, or damaged)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError("not an OAuth token set") from error
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise ValueError("not an OAuth token set")
        expires = data.get("expires_at")
        expires_at = datetime.fromisoformat(expires) if isinstance(expires, str) else None
        if expires_at is not None and expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
        refresh = data.get("refresh_token")
        return cls(
            access_token=data["access_token"],
            refresh_token=refresh if isinstance(refresh, str) else None,
            expires_at=expires_at,
            scope=str(data.get("scope") or ""),
            token_type=str(data.get("token_type") or "Bearer"),
        )


class TokenVault(Protocol):
    """Where one profile's OAuth tokens for one system live (`frontline.credentials.oauth_vault`)."""

    def load(self) -> OAuthTokens | None:
        """The kept tokens, read afresh (another process may have refreshed them); None if signed out.

        Raises:
            CredentialsError: the keyring or the secrets file cannot be read.
        """

    def save(self, tokens: OAuthTokens) -> None:
        """Keep `tokens` in place of the old ones, atomically.

        Raises:
            CredentialsError: they could not be kept (the caller must not use a pair it could not keep).
        """

    def lock(self) -> AbstractContextManager[None]:
        """Held while a refresh token is spent and its successor kept: one holder per machine.

        Raises:
            CredentialsError: the lock could not be taken in time.
        """
