"""`frontline doctor` on real sessions over HTTP against the sandbox: a healthy OAuth Zendesk profile and a
healthy scoped-token JSM profile pass; a broken profile fails with its fix and a non-zero exit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from support.zendesk_oauth import PROFILE, Browser, free_port, run_login, write_profile

from frontline import locations
from frontline.cli import doctor, login_oauth
from frontline.cli.errors import ExitCode
from frontline.credentials import HELPDESK, get_oauth_tokens, set_token
from frontline.sandbox.context import SANDBOX_SCOPED_TOKEN
from frontline.sandbox.server import SandboxServer


def jsm_profile(sandbox: SandboxServer, name: str, auth: str) -> str:
    url = sandbox.urls["jsm"]
    return (
        f'\n[profiles.{name}.helpdesk]\nkind = "jsm"\nbase_url = "{url}"\nemail = "{sandbox.email}"\n'
        f'auth = "{auth}"\ngateway_url = "{url}"\n'
    )


def run_doctor(*flags: str) -> tuple[int, str]:
    import argparse

    out = io.StringIO()
    args = argparse.Namespace(profile=None, all=False)
    for flag in flags:
        if flag == "--all":
            args.all = True
        else:
            args.profile = flag
    code = doctor.run(args, out=out)
    return code, out.getvalue()


@pytest.fixture
def profiles(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`acme`: OAuth Zendesk, signed in through the PKCE flow; `desk`: JSM with a scoped token (healthy);
    `broken`: the same scoped token with `auth = "api_token"` (sent to the site, refused)."""
    monkeypatch.setattr(login_oauth, "open_browser", Browser())
    path = write_profile(
        sandbox,
        free_port(),
        jsm_profile(sandbox, "desk", "scoped_token") + jsm_profile(sandbox, "broken", "api_token"),
    )
    assert run_login(PROFILE)[0] == ExitCode.OK
    set_token("desk", HELPDESK, SANDBOX_SCOPED_TOKEN, kind="jsm")
    set_token("broken", HELPDESK, SANDBOX_SCOPED_TOKEN, kind="jsm")
    return path


@pytest.mark.usefixtures("profiles")
def test_healthy_profiles_pass_with_their_sign_in_described() -> None:
    code, out = run_doctor(PROFILE)
    assert code == ExitCode.OK, out
    assert "OAuth sign-in" in out and "scopes: read write" in out and "signed in as" in out
    code, out = run_doctor("desk")
    assert code == ExitCode.OK, out
    assert "scoped token" in out and "[FAIL]" not in out


@pytest.mark.usefixtures("profiles")
def test_a_broken_profile_fails_with_its_fix_and_all_reports_every_profile() -> None:
    code, out = run_doctor("broken")
    assert code != ExitCode.OK
    assert "[FAIL] helpdesk" in out and 'auth = "scoped_token"' in out, "the fix is printed"
    code, out = run_doctor("--all")
    assert code != ExitCode.OK
    assert [line for line in out.splitlines() if line.startswith("== profile")] == [
        f"== profile {PROFILE}",
        "== profile desk",
        "== profile broken",
    ]
    assert out.count("signed in as") == 2


@pytest.mark.usefixtures("profiles")
def test_no_secret_is_in_the_config_file_or_the_report() -> None:
    config = locations.config_file().read_text(encoding="utf-8")
    _, out = run_doctor("--all")
    tokens = get_oauth_tokens(PROFILE, HELPDESK)
    assert tokens is not None and tokens.refresh_token is not None
    for secret in (SANDBOX_SCOPED_TOKEN, tokens.access_token, tokens.refresh_token):
        assert secret not in config and secret not in out
