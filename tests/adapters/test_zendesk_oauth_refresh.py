"""A kept Zendesk OAuth sign-in stays signed in over real HTTP against the sandbox: refreshed ahead of
expiry and once after a 401, the rotated pair kept, two processes refreshing at once, no token leaked."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from support.zendesk_oauth import (
    PROFILE,
    Browser,
    api_statuses,
    control,
    free_port,
    sandbox_oauth,
    write_profile,
)

from frontline import debug_log, locations
from frontline.bootstrap import open_session
from frontline.cli import login_oauth, main
from frontline.cli.common import in_session
from frontline.config import load_settings
from frontline.connectors.oauth import OAuthTokens
from frontline.connectors.zendesk.oauth import TokenEndpoint
from frontline.credentials import HELPDESK, get_oauth_tokens, secrets_path, set_oauth_tokens
from frontline.domain.models import Person
from frontline.errors import AuthError
from frontline.sandbox.context import SANDBOX_OAUTH_CLIENT_ID
from frontline.sandbox.server import SandboxServer

ME = "/api/v2/users/me"


@pytest.fixture
def browser(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Browser:
    write_profile(sandbox, free_port())
    browser = Browser()
    monkeypatch.setattr(login_oauth, "open_browser", browser)
    return browser


def sign_in(sandbox: SandboxServer, capsys: pytest.CaptureFixture[str] | None = None) -> OAuthTokens:
    """`frontline login acme` through the scripted browser; returns the pair it kept."""
    assert main(["login", PROFILE]) == 0
    kept = get_oauth_tokens(PROFILE, HELPDESK)
    assert kept is not None
    return kept


def whoami() -> Person:
    """One API call on a fresh session of the profile, as any frontline command makes it."""
    return asyncio.run(in_session(open_session(load_settings(), PROFILE), lambda s: s.desk.connect()))


def assert_spent(sandbox: SandboxServer, old: OAuthTokens) -> None:
    """Zendesk deleted the old refresh token when it issued the new pair."""
    endpoint = TokenEndpoint(sandbox.urls["zendesk"], SANDBOX_OAUTH_CLIENT_ID, relogin="Sign in again.")
    assert old.refresh_token is not None
    with pytest.raises(AuthError, match="invalid_grant"):
        endpoint.refresh(old.refresh_token)


@pytest.mark.usefixtures("browser")
def test_an_access_token_about_to_expire_is_refreshed_before_the_request(sandbox: SandboxServer) -> None:
    control(sandbox, "/oauth/access-ttl", {"seconds": 1})
    signed_in = sign_in(sandbox)

    whoami()

    state = sandbox_oauth(sandbox)
    assert (state["refreshes"], state["invalid_grants"]) == (1, 0)
    assert all(status == 200 for _, status in api_statuses(sandbox))  # never sent an expired token
    kept = get_oauth_tokens(PROFILE, HELPDESK)
    assert kept is not None and kept.refresh_token != signed_in.refresh_token
    assert_spent(sandbox, signed_in)


@pytest.mark.usefixtures("browser")
def test_a_401_is_refreshed_once_and_the_request_sent_again(sandbox: SandboxServer) -> None:
    signed_in = sign_in(sandbox)
    control(sandbox, "/oauth/expire-access-tokens")

    whoami()

    assert [status for path, status in api_statuses(sandbox, ME + "*")][-2:] == [401, 200]
    assert sandbox_oauth(sandbox)["refreshes"] == 1
    kept = get_oauth_tokens(PROFILE, HELPDESK)
    assert kept is not None and kept.access_token != signed_in.access_token  # the rotation was kept
    assert_spent(sandbox, signed_in)


@pytest.mark.usefixtures("browser")
def test_a_refused_refresh_says_to_sign_in_again(sandbox: SandboxServer) -> None:
    signed_in = sign_in(sandbox)
    control(sandbox, "/oauth/expire-access-tokens")
    control(sandbox, "/oauth/expire-refresh-tokens")

    with pytest.raises(AuthError, match=r"no longer accepts this sign-in .*Run `frontline login acme`"):
        whoami()
    assert get_oauth_tokens(PROFILE, HELPDESK) == signed_in  # nothing half-kept


CHILD = textwrap.dedent(
    """
    import asyncio, sys, time
    from pathlib import Path
    from frontline.bootstrap import open_session
    from frontline.cli.common import in_session
    from frontline.config import load_settings

    session = open_session(load_settings(), "acme")  # holds the stale pair in memory, as a running console
    Path(sys.argv[1]).touch()
    while not Path(sys.argv[2]).exists():
        time.sleep(0.005)
    me = asyncio.run(in_session(session, lambda s: s.desk.connect()))
    print("signed in as", me.id)
    """
)


@pytest.mark.usefixtures("browser")
def test_two_processes_refreshing_at_once_both_stay_signed_in(sandbox: SandboxServer, tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())  # the user-only secrets file, shared with the children
    signed_in = sign_in(sandbox)
    assert secrets_path().exists()
    stale = dataclasses.replace(signed_in, expires_at=datetime.now(UTC) - timedelta(minutes=1))
    set_oauth_tokens(PROFILE, HELPDESK, stale)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path / f"ready-{n}"), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=60)
        while not all((tmp_path / f"ready-{n}").exists() for n in range(2)):
            assert datetime.now(UTC) < deadline and all(child.poll() is None for child in children)
            asyncio.run(asyncio.sleep(0.01))
        go.touch()
        results = [child.communicate(timeout=60) for child in children]
    finally:
        for child in children:
            child.kill()

    for (out, err), child in zip(results, children, strict=True):
        assert child.returncode == 0, err
        assert out.startswith("signed in as")
    state = sandbox_oauth(sandbox)
    assert (state["refreshes"], state["invalid_grants"]) == (1, 0)  # one spent it, the other used its pair
    assert [status for _, status in api_statuses(sandbox, ME + "*")][-2:] == [200, 200]
    kept = get_oauth_tokens(PROFILE, HELPDESK)
    assert kept is not None and kept.refresh_token != signed_in.refresh_token


@pytest.mark.usefixtures("browser")
def test_no_token_or_code_reaches_the_config_file_the_output_or_the_debug_log(
    sandbox: SandboxServer, browser: Browser, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--debug", "login", PROFILE]) == 0
    signed_in = get_oauth_tokens(PROFILE, HELPDESK)
    control(sandbox, "/oauth/expire-access-tokens")
    with debug_log.debug_logging(True, command="test"):
        whoami()
    refreshed = get_oauth_tokens(PROFILE, HELPDESK)
    assert signed_in is not None and refreshed is not None and refreshed != signed_in
    code = browser.redirects[0].split("code=")[1].split("&")[0]

    printed = capsys.readouterr()
    written = [
        locations.config_file().read_text(encoding="utf-8"),
        (locations.data_dir() / debug_log.DEBUG_LOG).read_text(encoding="utf-8"),
        printed.out,
        printed.err,
    ]
    assert "POST /oauth/tokens" in written[1] or "/oauth/tokens" in written[1]
    secrets = [code, signed_in.access_token, refreshed.access_token]
    secrets += [signed_in.refresh_token or "-", refreshed.refresh_token or "-"]
    for text in written:
        for secret in secrets:
            assert secret not in text
