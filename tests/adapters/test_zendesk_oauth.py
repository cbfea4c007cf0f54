"""Zendesk OAuth sign-in over real HTTP against the sandbox: `frontline login` with PKCE, its refusals,
`--paste`, and the API-token profile's warning. Refreshing is in test_zendesk_oauth_refresh.py."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import socket
from pathlib import Path
from typing import TextIO, cast

import httpx
import pytest
from support.zendesk_oauth import (
    PROFILE,
    Browser,
    free_port,
    run_login,
    sandbox_oauth,
    token_requests,
    with_query,
    write_profile,
)

from frontline.bootstrap import open_session
from frontline.cli import login_oauth
from frontline.cli.common import in_session
from frontline.config import load_settings
from frontline.connectors.zendesk import ZendeskSettings
from frontline.connectors.zendesk.login import AuthorizationRequest, read_pasted
from frontline.connectors.zendesk.oauth import ACCESS_TOKEN_SECONDS, TokenEndpoint
from frontline.credentials import HELPDESK, get_oauth_tokens
from frontline.errors import AuthError, ConfigError, CredentialsError
from frontline.sandbox.context import SANDBOX_OAUTH_CLIENT_ID
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.zendesk.oauth_grants import pkce_challenge


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def config(sandbox: SandboxServer, port: int) -> Path:
    return write_profile(sandbox, port)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Browser:
    browser = Browser()
    monkeypatch.setattr(login_oauth, "open_browser", browser)
    return browser


def endpoint(sandbox: SandboxServer) -> TokenEndpoint:
    return TokenEndpoint(
        sandbox.urls["zendesk"], SANDBOX_OAUTH_CLIENT_ID, relogin="Run `frontline login acme`."
    )


@pytest.mark.usefixtures("config")
def test_login_signs_in_with_pkce_and_keeps_the_pair(
    sandbox: SandboxServer, browser: Browser, port: int
) -> None:
    code, out, err = run_login(PROFILE)

    assert (code, err) == (0, "")
    assert browser.errors == [] and browser.pages[0].status_code == 200
    assert "You can close this tab" in browser.pages[0].text
    assert browser.opened[0] in out  # the URL is printed too, for SSH sessions
    assert "renewed automatically" in out and "scopes: read write" in out
    asked = sandbox_oauth(sandbox)["last_authorization"]
    assert isinstance(asked, dict)
    assert asked["redirect_uri"] == f"http://127.0.0.1:{port}/callback"
    assert (asked["scope"], asked["code_challenge_method"]) == ("read write", "S256")
    (exchange,) = token_requests(sandbox)
    body = dict(pair.split("=", 1) for pair in str(exchange["body"]).split("&"))
    assert body["grant_type"] == "authorization_code" and body["client_id"] == SANDBOX_OAUTH_CLIENT_ID
    assert pkce_challenge(body["code_verifier"]) == asked["code_challenge"]
    assert body["expires_in"] == str(ACCESS_TOKEN_SECONDS) and "client_secret" not in body
    kept = get_oauth_tokens(PROFILE, HELPDESK)
    assert kept is not None and kept.refresh_token and kept.expires_at is not None

    session = open_session(load_settings(), PROFILE)
    me = asyncio.run(in_session(session, lambda s: s.desk.connect()))
    assert f"Signed in as {me.name}" in out


@pytest.mark.usefixtures("config")
@pytest.mark.parametrize("state", ["forged-state", None])
def test_an_answer_with_a_wrong_or_missing_state_is_refused(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, state: str | None
) -> None:
    browser = Browser(tamper=lambda url: with_query(url, state=state))
    monkeypatch.setattr(login_oauth, "open_browser", browser)

    code, _out, err = run_login(PROFILE)

    assert code == 1
    assert "does not belong to this sign-in" in err and "Nothing was stored" in err
    assert browser.pages[0].status_code == 400 and "forged" not in browser.pages[0].text
    assert get_oauth_tokens(PROFILE, HELPDESK) is None
    assert token_requests(sandbox) == []  # the code was never spent


@pytest.mark.usefixtures("config")
def test_a_refusal_in_the_browser_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def deny(url: str) -> str:
        return with_query(url, code=None, error="access_denied", error_description="The user said no")

    monkeypatch.setattr(login_oauth, "open_browser", Browser(tamper=deny))

    code, _out, err = run_login(PROFILE)

    assert code == 1 and "declined in the browser (access_denied)" in err
    assert get_oauth_tokens(PROFILE, HELPDESK) is None


def test_a_wrong_verifier_is_refused_by_zendesk(sandbox: SandboxServer, port: int) -> None:
    token_endpoint = endpoint(sandbox)
    request = AuthorizationRequest.start(token_endpoint, scope="read write", port=port)
    redirect = Browser().redirect_for(request.url)
    code = read_pasted(redirect, request.state)
    tampered = dataclasses.replace(request, code_verifier="x" * 64)

    with pytest.raises(AuthError, match=r"refused the sign-in code \(invalid_grant"):
        tampered.exchange(token_endpoint, code)
    assert sandbox_oauth(sandbox)["invalid_grants"] == 1
    assert request.exchange(token_endpoint, code).refresh_token  # the right verifier still works


@pytest.mark.usefixtures("config")
def test_paste_mode_reads_the_redirect_address(sandbox: SandboxServer) -> None:
    printed = io.StringIO()

    class PastingPerson:
        """Reads the URL frontline printed, "opens" it, and pastes where the browser ended up."""

        def readline(self) -> str:
            url = next(w for w in printed.getvalue().split() if "/oauth/authorizations/new" in w)
            return Browser().redirect_for(url) + "\n"

    settings = load_settings()
    helpdesk = settings.get_profile(PROFILE).helpdesk
    assert isinstance(helpdesk, ZendeskSettings)

    code = login_oauth.sign_in(
        PROFILE, helpdesk, settings, paste=True, out=printed, stdin=cast(TextIO, PastingPerson())
    )

    assert code == 0 and "copy that whole address" in printed.getvalue()
    assert get_oauth_tokens(PROFILE, HELPDESK) is not None
    assert sandbox_oauth(sandbox)["codes_pending"] == 0


@pytest.mark.usefixtures("config")
@pytest.mark.parametrize(
    ("pasted", "expected", "exit_code"),
    [
        ("just-a-code\n", "Paste the whole address", 2),
        ("http://127.0.0.1:1/callback?code=abc&state=not-it\n", "does not belong to this sign-in", 1),
        ("\n", "Nothing was pasted", 2),
    ],
)
def test_paste_mode_refuses_what_it_cannot_check(
    monkeypatch: pytest.MonkeyPatch, pasted: str, expected: str, exit_code: int
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(pasted))

    code, _out, err = run_login(PROFILE, "--paste")

    assert (code, expected in err) == (exit_code, True)
    assert get_oauth_tokens(PROFILE, HELPDESK) is None


@pytest.mark.usefixtures("config")
def test_ctrl_c_while_waiting_cancels_and_frees_the_port(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    def interrupt(url: str) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(login_oauth, "open_browser", interrupt)

    code, out, _err = run_login(PROFILE)

    assert code == 130 and "cancelled; nothing was stored" in out
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


@pytest.mark.usefixtures("config")
def test_no_answer_in_time_and_a_busy_port_are_clear(port: int) -> None:
    settings = load_settings()
    helpdesk = settings.get_profile(PROFILE).helpdesk
    assert isinstance(helpdesk, ZendeskSettings)
    with pytest.raises(AuthError, match=r"No answer from the browser within 0\.2 seconds"):
        login_oauth.sign_in(
            PROFILE, helpdesk, settings, paste=False, out=io.StringIO(), opener=bool, wait_seconds=0.2
        )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        code, _out, err = run_login(PROFILE)
    assert code == 2 and f"Cannot listen on 127.0.0.1:{port}" in err and "--paste" in err


def test_oauth_without_client_id_fails_at_use_not_at_parse(sandbox: SandboxServer, port: int) -> None:
    path = write_profile(sandbox, port)
    path.write_text(path.read_text(encoding="utf-8").replace('client_id = "frontline-sandbox"\n', ""))
    settings = load_settings()  # parses: doctor can report the problem

    with pytest.raises(ConfigError, match=r'names no OAuth client: set\n  client_id = "'):
        open_session(settings, PROFILE)
    code, _out, err = run_login(PROFILE)
    assert code == 2 and "client_id" in err


@pytest.mark.usefixtures("config")
def test_a_profile_never_signed_in_says_to_log_in() -> None:
    with pytest.raises(CredentialsError, match="not signed in to Zendesk: run `frontline login acme`"):
        open_session(load_settings(), PROFILE)


def test_an_api_token_profile_warns_with_the_dates(
    sandbox: SandboxServer, port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profile(sandbox, port, 'auth = "api_token"\nemail = "agent@sandbox.example"\n')
    monkeypatch.setattr("getpass.getpass", lambda prompt: "sandbox-token")

    code, _out, err = run_login(PROFILE)

    assert code == 0
    assert all(date in err for date in ("2026-10-27", "30 days", "2027-04-30"))
    assert httpx.get(f"{sandbox.urls['zendesk']}/__sandbox__/oauth/state").json()["authorizations"] == 0
