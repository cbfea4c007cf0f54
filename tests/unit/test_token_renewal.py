"""Signing in again mid-shift: a new token on the same connection, the old one never shown again.

Over `httpx.MockTransport`, through the real connector builders, so the `Authorization` header checked is
the one Zendesk and JSM would receive.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from frontline.connectors.http import ApiClient
from frontline.connectors.jsm.client import build_jsm_adapter
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.domain.ports import ConnectionState, Helpdesk
from frontline.errors import AuthError, ConfigError, PermissionDenied, Unsupported

OLD = "tok-OLD-5e1d2c"
NEW = "tok-NEW-9b8a7f"
EMAIL = "ada@acme.test"


def basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


class EchoServer:
    """Answers `users/me` / `myself` with 200 while `accepted` matches, else a 401 that echoes the request's
    `Authorization` header and the token in it, as a careless proxy would."""

    def __init__(self, accepted: str) -> None:
        self.accepted = accepted
        self.seen: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        sent = request.headers.get("authorization", "")
        self.seen.append(sent)
        if sent == self.accepted:
            user = {"id": 7, "name": "Ada", "email": EMAIL, "role": "agent"}
            return httpx.Response(200, json={"user": user, "accountId": "7", "displayName": "Ada"})
        echo = f"bad credentials: Authorization: {sent} ({OLD} / {NEW})"
        body = {"error": echo, "description": echo, "errorMessages": [echo], "message": echo}
        return httpx.Response(401, json=body, headers={"X-Echo": sent})


Builder = Callable[[EchoServer, str], Helpdesk]


def zendesk(server: EchoServer, token: str) -> Helpdesk:
    return build_zendesk_adapter(
        "https://acme.zendesk.com", EMAIL, token, transport=httpx.MockTransport(server.handle)
    )


def zendesk_oauth(server: EchoServer, token: str) -> Helpdesk:
    return build_zendesk_adapter(
        "https://acme.zendesk.com", EMAIL, token, oauth=True, transport=httpx.MockTransport(server.handle)
    )


def jsm(server: EchoServer, token: str) -> Helpdesk:
    return build_jsm_adapter(
        "https://acme.atlassian.net", EMAIL, token, transport=httpx.MockTransport(server.handle)
    )


CONNECTORS: dict[str, tuple[Builder, Callable[[str], str]]] = {
    "zendesk": (zendesk, lambda token: basic(f"{EMAIL}/token", token)),
    "zendesk-oauth": (zendesk_oauth, lambda token: f"Bearer {token}"),
    "jsm": (jsm, lambda token: basic(EMAIL, token)),
}


def secret_forms(header: Callable[[str], str], token: str) -> list[str]:
    value = header(token)
    return [token, value, value.partition(" ")[2]]


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
async def test_the_next_request_carries_the_new_token_on_the_same_connection(kind: str) -> None:
    build, header = CONNECTORS[kind]
    server = EchoServer(accepted=header(OLD))
    helpdesk = build(server, OLD)
    client: ApiClient = helpdesk.client  # type: ignore[attr-defined]
    pool = client._client
    await helpdesk.whoami()

    server.accepted = header(NEW)  # the old token is revoked on the server's side
    with pytest.raises(AuthError) as expired:
        await helpdesk.whoami()
    assert helpdesk.connection_state is ConnectionState.SIGNED_OUT

    helpdesk.use_token(f"  {NEW}\n")  # pasted with whitespace around it
    assert helpdesk.connection_state is ConnectionState.UNKNOWN
    me = await helpdesk.whoami()
    assert me.name == "Ada"
    assert server.seen == [header(OLD), header(OLD), header(NEW)]
    assert client._client is pool and not pool.is_closed
    assert helpdesk.connection_state is ConnectionState.ONLINE

    text = str(expired.value)
    assert "[redacted]" in text
    for secret in secret_forms(header, OLD):
        assert secret not in text
    await helpdesk.aclose()


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
async def test_a_401_after_renewal_is_still_an_auth_error_and_shows_neither_token(kind: str) -> None:
    build, header = CONNECTORS[kind]
    server = EchoServer(accepted="nothing")
    helpdesk = build(server, OLD)
    helpdesk.use_token(NEW)
    with pytest.raises(AuthError) as rejected:
        await helpdesk.whoami()
    assert server.seen == [header(NEW)]
    assert helpdesk.connection_state is ConnectionState.SIGNED_OUT
    shown = f"{rejected.value} {rejected.value!r} {rejected.value.title}"
    for secret in [*secret_forms(header, OLD), *secret_forms(header, NEW)]:
        assert secret not in shown
    await helpdesk.aclose()


@pytest.mark.parametrize("kind", sorted(CONNECTORS))
def test_an_empty_token_is_refused_and_the_old_one_kept(kind: str) -> None:
    build, _ = CONNECTORS[kind]
    helpdesk = build(EchoServer(accepted=""), OLD)
    auth_before = helpdesk.client._client.auth  # type: ignore[attr-defined]
    with pytest.raises(ConfigError):
        helpdesk.use_token("   ")
    assert helpdesk.client._client.auth is auth_before  # type: ignore[attr-defined]


async def test_set_auth_keeps_redacting_secrets_it_no_longer_sends() -> None:
    answers: list[dict[str, Any]] = [{}, {"message": f"your old token {OLD} was revoked"}]

    def handle(request: httpx.Request) -> httpx.Response:
        body = answers.pop(0)
        return httpx.Response(403 if body else 200, json=body)

    client = ApiClient(
        "https://acme.example.com",
        service="Acme",
        auth=httpx.BasicAuth("me", OLD),
        transport=httpx.MockTransport(handle),
    )
    await client.get_json("/x")
    client.set_auth(httpx.BasicAuth("me", NEW), secrets=(NEW,))
    with pytest.raises(PermissionDenied) as forbidden:
        await client.get_json("/x")
    assert OLD not in str(forbidden.value)
    assert "[redacted]" in str(forbidden.value)
    await client.aclose()


def test_a_client_without_sign_in_cannot_renew() -> None:
    client = ApiClient("https://acme.example.com", service="Acme")
    with pytest.raises(Unsupported):
        client.use_token(NEW)
