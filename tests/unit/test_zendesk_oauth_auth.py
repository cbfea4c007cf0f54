"""`RefreshingAuth` on mock transports: when it refreshes, what it keeps first, and when it gives up."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

import httpx
import pytest

from frontline.connectors.oauth import OAuthTokens
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.connectors.zendesk.oauth import RefreshingAuth, TokenEndpoint
from frontline.errors import AuthError, CredentialsError

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BASE = "https://acme.zendesk.test"
RELOGIN = "Run `frontline login acme` to sign in again."


class MemoryVault:
    """A `TokenVault` in memory that counts its lock and can refuse to keep."""

    def __init__(self, tokens: OAuthTokens | None, *, refuse_save: bool = False) -> None:
        self.tokens = tokens
        self.refuse_save = refuse_save
        self.locks = 0
        self.saved: list[OAuthTokens] = []

    def load(self) -> OAuthTokens | None:
        return self.tokens

    def save(self, tokens: OAuthTokens) -> None:
        if self.refuse_save:
            raise CredentialsError("Could not keep the OAuth sign-in (KeyringLocked).")
        self.tokens = tokens
        self.saved.append(tokens)

    @contextmanager
    def lock(self) -> Iterator[None]:
        self.locks += 1
        yield


class TokenServer:
    """Zendesk's `/oauth/tokens` for refreshes: rotates, and refuses a spent refresh token."""

    def __init__(self, live_refresh: str = "r1") -> None:
        self.live_refresh = live_refresh
        self.refreshes = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        form = dict(parse_qsl(request.content.decode()))
        assert (form["grant_type"], form["client_id"], form["expires_in"]) == ("refresh_token", "fl", "7200")
        if form["refresh_token"] != self.live_refresh:
            return httpx.Response(400, json={"error": "invalid_grant", "error_description": "spent"})
        self.refreshes += 1
        self.live_refresh = f"r{self.refreshes + 1}"
        body = {
            "access_token": f"a{self.refreshes + 1}",
            "refresh_token": self.live_refresh,
            "expires_in": 7200,
        }
        return httpx.Response(201, json=body)


def tokens(
    access: str = "a1", refresh: str | None = "r1", expires_in: timedelta | None = None
) -> OAuthTokens:
    expires = NOW + (expires_in if expires_in is not None else timedelta(hours=2))
    return OAuthTokens(access_token=access, refresh_token=refresh, expires_at=expires)


def auth(vault: MemoryVault, server: TokenServer, held: OAuthTokens | None = None) -> RefreshingAuth:
    endpoint = TokenEndpoint(
        BASE, "fl", relogin=RELOGIN, clock=lambda: NOW, transport=httpx.MockTransport(server)
    )
    return RefreshingAuth(vault, endpoint, relogin=RELOGIN, clock=lambda: NOW, tokens=held)


def zendesk(signed_in: RefreshingAuth, valid: set[str], sent: list[str]) -> httpx.MockTransport:
    def api(request: httpx.Request) -> httpx.Response:
        bearer = request.headers["authorization"].removeprefix("Bearer ")
        sent.append(bearer)
        if bearer not in valid:
            return httpx.Response(401, json={"error": "invalid_token"})
        return httpx.Response(200, content=json.dumps({"user": {"id": 7, "name": "Ada"}}).encode())

    return httpx.MockTransport(api)


async def test_requests_at_once_in_one_process_share_one_refresh() -> None:
    vault, server, sent = MemoryVault(tokens(expires_in=timedelta(seconds=30))), TokenServer(), []
    signed_in = auth(vault, server)
    adapter = build_zendesk_adapter(BASE, "", "", auth=signed_in, transport=zendesk(signed_in, {"a2"}, sent))

    await asyncio.gather(*(adapter.whoami() for _ in range(5)))

    assert server.refreshes == 1 and sent == ["a2"] * 5
    assert vault.saved == [vault.tokens] and vault.tokens is not None and vault.tokens.refresh_token == "r2"


async def test_a_pair_that_cannot_be_kept_is_never_used() -> None:
    vault, server, sent = MemoryVault(tokens(expires_in=timedelta(0)), refuse_save=True), TokenServer(), []
    signed_in = auth(vault, server)
    adapter = build_zendesk_adapter(BASE, "", "", auth=signed_in, transport=zendesk(signed_in, {"a2"}, sent))

    with pytest.raises(CredentialsError, match="Could not keep"):
        await adapter.whoami()
    assert server.refreshes == 1 and sent == []


@pytest.mark.parametrize(
    ("kept", "message"),
    [
        (None, r"Not signed in to Zendesk\. Run `frontline login acme`"),
        (
            tokens(refresh=None, expires_in=timedelta(0)),
            "expired and cannot be renewed. Run `frontline login",
        ),
    ],
)
async def test_signed_out_or_no_refresh_token_says_to_sign_in_again(
    kept: OAuthTokens | None, message: str
) -> None:
    vault, server, sent = MemoryVault(kept), TokenServer(), []
    signed_in = auth(vault, server)
    adapter = build_zendesk_adapter(BASE, "", "", auth=signed_in, transport=zendesk(signed_in, {"a1"}, sent))

    with pytest.raises(AuthError, match=message):
        await adapter.whoami()
    assert sent == [] and server.refreshes == 0


async def test_a_second_401_is_not_refreshed_again() -> None:
    vault, server, sent = MemoryVault(tokens()), TokenServer(), []
    signed_in = auth(vault, server)
    adapter = build_zendesk_adapter(BASE, "", "", auth=signed_in, transport=zendesk(signed_in, set(), sent))

    with pytest.raises(AuthError, match=r"rejected the credentials \(401\)"):
        await adapter.whoami()
    assert sent == ["a1", "a2"] and server.refreshes == 1 and vault.locks == 1


async def test_a_pair_kept_by_another_process_is_used_without_spending_it() -> None:
    vault, server, sent = MemoryVault(tokens("a9", "r9")), TokenServer(live_refresh="r9"), []
    signed_in = auth(vault, server, held=tokens())  # another frontline refreshed while this one held a1
    adapter = build_zendesk_adapter(BASE, "", "", auth=signed_in, transport=zendesk(signed_in, {"a9"}, sent))

    await adapter.whoami()

    assert sent == ["a1", "a9"] and server.refreshes == 0 and vault.saved == []
    assert "a9" not in repr(signed_in) and "r9" not in repr(signed_in)
