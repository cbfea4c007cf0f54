"""Zendesk OAuth on the fake Zendesk over real HTTP: the PKCE dance, code exchange, refresh-token rotation,
expiry and the answers Zendesk gives when any of it goes wrong."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from zendesk_spec import ZendeskSpec

from frontline.sandbox.server import SandboxServer
from frontline.sandbox.zendesk import OAUTH_CLIENT_ID

REDIRECT = "http://127.0.0.1:8765/callback"
ME = "/api/v2/users/me.json"
INVALID_TOKEN = "The access token provided is expired, revoked, malformed or invalid for other reasons."


@dataclass
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode())


@pytest.fixture
def anon(zd: SandboxServer) -> Iterator[httpx.Client]:
    """No credentials, no redirects followed: what a sign-in flow's HTTP client sees."""
    with httpx.Client(base_url=zd.urls["zendesk"], timeout=10) as http:
        yield http


def authorize_params(pkce: Pkce, **overrides: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "response_type": "code",
        "client_id": OAUTH_CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "read write",
        "state": "st-42",
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        **overrides,
    }
    return {name: value for name, value in params.items() if value is not None}


def callback_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(f"{REDIRECT}?")
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def authorize(anon: httpx.Client, pkce: Pkce, **overrides: str | None) -> str:
    query = callback_query(anon.get("/oauth/authorizations/new", params=authorize_params(pkce, **overrides)))
    return query["code"]


def exchange(anon: httpx.Client, code: str, pkce: Pkce, **extra: Any) -> httpx.Response:
    body = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": OAUTH_CLIENT_ID,
        "redirect_uri": REDIRECT,
        "code_verifier": pkce.verifier,
        "scope": "read write",
        **extra,
    }
    return anon.post("/oauth/tokens", json=body)


def signed_in(anon: httpx.Client, **extra: Any) -> dict[str, Any]:
    pkce = Pkce.new()
    response = exchange(anon, authorize(anon, pkce), pkce, **extra)
    assert response.status_code == 201, response.text
    return response.json()


def refresh(anon: httpx.Client, refresh_token: str, **extra: Any) -> httpx.Response:
    body = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": OAUTH_CLIENT_ID}
    return anon.post("/oauth/tokens", json={**body, **extra})


def me(anon: httpx.Client, access_token: str) -> httpx.Response:
    return anon.get(ME, headers={"Authorization": f"Bearer {access_token}"})


def assert_invalid_grant(response: httpx.Response) -> None:
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant" and response.json()["error_description"]


def assert_invalid_token(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_token", "error_description": INVALID_TOKEN}
    assert response.headers["www-authenticate"].startswith('Bearer realm="Zendesk::OAuth')


def test_the_pkce_dance_signs_the_agent_in(
    anon: httpx.Client, control: httpx.Client, zendesk_spec: ZendeskSpec
) -> None:
    pkce = Pkce.new()
    query = callback_query(anon.get("/oauth/authorizations/new", params=authorize_params(pkce)))
    assert query["state"] == "st-42" and query["code"]
    last = control.get("/oauth/state").json()["last_authorization"]
    assert last["redirect_uri"] == REDIRECT and last["code_challenge"] == pkce.challenge
    assert last["scope"] == "read write" and last["code_challenge_method"] == "S256"
    response = exchange(anon, query["code"], pkce)
    assert response.status_code == 201 and response.headers["cache-control"] == "no-store"
    assert zendesk_spec.operation_id("POST", "/oauth/tokens") == "CreateTokenForGrantType"
    zendesk_spec.validate(response)
    token = response.json()
    assert set(token) == {"access_token", "token_type", "scope", "refresh_token"}
    assert token["token_type"] == "bearer" and token["scope"] == "read write"
    user = me(anon, token["access_token"])
    assert user.status_code == 200 and user.json()["user"]["email"] == "agent@sandbox.example"
    state = control.get("/oauth/state").json()
    assert (state["authorizations"], state["access_tokens_live"], state["refresh_tokens_live"]) == (1, 1, 1)


def test_expires_in_is_reported_only_when_asked(anon: httpx.Client) -> None:
    assert "expires_in" not in signed_in(anon)
    asked = signed_in(anon, expires_in=3600)
    assert asked["expires_in"] == 3600 and asked["refresh_token_expires_in"] == 2_592_000
    both = signed_in(anon, expires_in=900, refresh_token_expires_in=604_800)
    assert (both["expires_in"], both["refresh_token_expires_in"]) == (900, 604_800)
    for bad in ({"expires_in": 60}, {"expires_in": 200_000}, {"refresh_token_expires_in": 3600}):
        pkce = Pkce.new()
        refused = exchange(anon, authorize(anon, pkce), pkce, **bad)
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_request"


def test_a_form_encoded_exchange_works_too(anon: httpx.Client) -> None:
    pkce = Pkce.new()
    form = {
        "grant_type": "authorization_code",
        "code": authorize(anon, pkce),
        "client_id": OAUTH_CLIENT_ID,
        "redirect_uri": REDIRECT,
        "code_verifier": pkce.verifier,
        "expires_in": "1800",
    }
    response = anon.post("/oauth/tokens", data=form)
    assert response.status_code == 201 and response.json()["expires_in"] == 1800


def test_a_wrong_verifier_a_reused_code_and_another_redirect_are_invalid_grants(
    anon: httpx.Client, control: httpx.Client
) -> None:
    pkce = Pkce.new()
    code = authorize(anon, pkce)
    assert_invalid_grant(exchange(anon, code, Pkce.new()))
    assert_invalid_grant(exchange(anon, code, pkce, redirect_uri="http://127.0.0.1:8765/other"))
    assert exchange(anon, code, pkce).status_code == 201
    assert_invalid_grant(exchange(anon, code, pkce))
    assert_invalid_grant(exchange(anon, "made-up-code", pkce))
    assert control.get("/oauth/state").json()["invalid_grants"] == 4
    missing = exchange(anon, authorize(anon, pkce), pkce, code_verifier=None)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


def test_the_token_endpoint_refuses_unknown_clients_and_grant_types(anon: httpx.Client) -> None:
    pkce = Pkce.new()
    stranger = exchange(anon, authorize(anon, pkce), pkce, client_id="someone-else")
    assert stranger.status_code == 401 and stranger.json()["error"] == "invalid_client"
    password = anon.post("/oauth/tokens", json={"grant_type": "password", "client_id": OAUTH_CLIENT_ID})
    assert password.status_code == 400 and password.json()["error"] == "unsupported_grant_type"
    garbled = anon.post("/oauth/tokens", content=b"{", headers={"Content-Type": "application/json"})
    assert garbled.status_code == 400 and garbled.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://example.com/callback",
        "/callback",
        "https://example.com/cb#fragment",
        "ftp://127.0.0.1/x",
        None,
    ],
)
def test_redirect_urls_zendesk_would_not_accept_get_an_error_page(
    anon: httpx.Client, redirect_uri: str | None
) -> None:
    response = anon.get(
        "/oauth/authorizations/new", params=authorize_params(Pkce.new(), redirect_uri=redirect_uri)
    )
    assert response.status_code == 400 and "location" not in response.headers
    assert response.json()["error"] == "invalid_redirect_uri"


def test_an_unknown_client_gets_an_error_page(anon: httpx.Client) -> None:
    response = anon.get("/oauth/authorizations/new", params=authorize_params(Pkce.new(), client_id="nope"))
    assert response.status_code == 400 and response.json()["error"] == "invalid_client"


def test_https_and_localhost_redirects_are_accepted(anon: httpx.Client) -> None:
    for uri in ("https://example.com/cb?tenant=1", "http://localhost:51234/cb"):
        response = anon.get(
            "/oauth/authorizations/new", params=authorize_params(Pkce.new(), redirect_uri=uri)
        )
        assert response.status_code == 302 and response.headers["location"].startswith(uri)
    assert (
        "?tenant=1&code="
        in anon.get(
            "/oauth/authorizations/new",
            params=authorize_params(Pkce.new(), redirect_uri="https://example.com/cb?tenant=1"),
        ).headers["location"]
    )


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": None}, "invalid_scope"),
    ],
)
def test_other_authorization_problems_go_back_to_the_client(
    anon: httpx.Client, control: httpx.Client, overrides: dict[str, str | None], error: str
) -> None:
    query = callback_query(
        anon.get("/oauth/authorizations/new", params=authorize_params(Pkce.new(), **overrides))
    )
    assert query["error"] == error and query["error_description"] and query["state"] == "st-42"
    assert "code" not in query and control.get("/oauth/state").json()["authorizations"] == 0


def test_access_tokens_expire_and_get_zendesk_s_401(anon: httpx.Client, control: httpx.Client) -> None:
    assert control.post("/oauth/access-ttl", json={"seconds": 1}).json() == {"seconds": 1.0}
    token = signed_in(anon, expires_in=1800)
    assert token["expires_in"] == 1
    assert me(anon, token["access_token"]).status_code == 200
    time.sleep(1.1)
    assert_invalid_token(me(anon, token["access_token"]))
    assert control.get("/oauth/state").json()["access_tokens_live"] == 0
    control.post("/oauth/access-ttl", json={"seconds": None}).raise_for_status()
    fresh = signed_in(anon)
    assert me(anon, fresh["access_token"]).status_code == 200
    assert control.post("/oauth/expire-access-tokens").json() == {"expired": 1}
    assert_invalid_token(me(anon, fresh["access_token"]))
    assert_invalid_token(me(anon, "not-a-token"))


def test_a_refresh_rotates_both_tokens(anon: httpx.Client, control: httpx.Client) -> None:
    first = signed_in(anon)
    response = refresh(anon, first["refresh_token"], expires_in=600)
    assert response.status_code == 201
    second = response.json()
    assert (
        second["access_token"] != first["access_token"] and second["refresh_token"] != first["refresh_token"]
    )
    assert second["expires_in"] == 600 and second["scope"] == "read write"
    assert_invalid_token(me(anon, first["access_token"]))
    assert_invalid_grant(refresh(anon, first["refresh_token"]))
    assert me(anon, second["access_token"]).status_code == 200
    state = control.get("/oauth/state").json()
    assert (state["refreshes"], state["access_tokens_live"], state["refresh_tokens_live"]) == (1, 1, 1)
    assert state["invalid_grants"] == 1


def test_a_refresh_works_after_the_access_token_expired_but_not_after_the_refresh_token(
    anon: httpx.Client, control: httpx.Client
) -> None:
    token = signed_in(anon)
    control.post("/oauth/expire-access-tokens").raise_for_status()
    renewed = refresh(anon, token["refresh_token"]).json()
    assert me(anon, renewed["access_token"]).status_code == 200
    assert control.post("/oauth/expire-refresh-tokens").json() == {"expired": 1}
    assert_invalid_grant(refresh(anon, renewed["refresh_token"]))


def test_the_token_expiry_fault_ends_access_tokens_and_a_refresh_recovers(
    anon: httpx.Client, control: httpx.Client
) -> None:
    token = signed_in(anon)
    control.post("/faults", json={"spec": "token_expiry:count=1:path=/api/v2/*"}).raise_for_status()
    assert_invalid_token(me(anon, token["access_token"]))
    renewed = refresh(anon, token["refresh_token"])
    assert renewed.status_code == 201
    assert me(anon, renewed.json()["access_token"]).status_code == 200


def test_scopes_limit_what_a_token_may_do(anon: httpx.Client) -> None:
    pkce = Pkce.new()
    reader = exchange(anon, authorize(anon, pkce, scope="read"), pkce, scope="read").json()
    headers = {"Authorization": f"Bearer {reader['access_token']}"}
    assert anon.get("/api/v2/tickets/2.json", headers=headers).status_code == 200
    denied = anon.put("/api/v2/tickets/2.json", headers=headers, json={"ticket": {"priority": "high"}})
    assert denied.status_code == 403 and denied.json()["error"] == "Forbidden"
    pkce = Pkce.new()
    ticket_writer = exchange(anon, authorize(anon, pkce, scope="read tickets:write"), pkce, scope="").json()
    allowed = anon.put(
        "/api/v2/tickets/2.json",
        headers={"Authorization": f"Bearer {ticket_writer['access_token']}"},
        json={"ticket": {"priority": "high"}},
    )
    assert allowed.status_code == 200
    pkce = Pkce.new()
    wider = exchange(anon, authorize(anon, pkce, scope="read"), pkce, scope="read write")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


def test_the_old_credentials_still_work_and_reset_forgets_every_grant(
    anon: httpx.Client, control: httpx.Client, client: httpx.Client, zd: SandboxServer
) -> None:
    assert client.get(ME).status_code == 200
    assert me(anon, zd.token).status_code == 200
    token = signed_in(anon)
    control.post("/reset").raise_for_status()
    assert_invalid_token(me(anon, token["access_token"]))
    assert control.get("/oauth/state").json()["refresh_tokens_live"] == 0


def test_sign_in_requests_are_recorded_and_need_no_credentials(
    anon: httpx.Client, control: httpx.Client
) -> None:
    signed_in(anon)
    paths = [(r["method"], r["path"], r["status"]) for r in control.get("/requests").json()["requests"]]
    assert paths == [("GET", "/oauth/authorizations/new", 302), ("POST", "/oauth/tokens", 201)]
