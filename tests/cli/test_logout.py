"""`frontline logout [PROFILE]` removes every secret of the profile, from the keyring and the secrets file,
names what it removed and what it cannot remove, and never prints a secret."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Protocol

import keyring
import pytest
from keyring.backends import fail

from frontline import locations
from frontline.cli import build_parser
from frontline.connectors.oauth import OAuthTokens
from frontline.credentials import keyring_status, secrets_file, secrets_path, set_oauth_tokens

CONFIG = """
[profiles.acme.helpdesk]
kind = "zendesk"
base_url = "https://acme.zendesk.test"
email = "ada@acme.test"
token_env = "ZENDESK_TOKEN"

[[profiles.acme.escalation]]
kind = "jira"
base_url = "https://acme.atlassian.test"
project = "OPS"

[[profiles.acme.escalation]]
kind = "github"
project = "acme/app"

[[profiles.acme.handoff.destinations]]
name = "team"
kind = "slack"
webhook_env = "TEAM_HOOK"

[[profiles.acme.handoff.destinations]]
name = "desk"
kind = "helpdesk"
ticket = "8"

[profiles.globex.helpdesk]
kind = "zendesk"
base_url = "https://globex.zendesk.test"
"""

SECRETS = {
    "helpdesk": "s3cr3t-helpdesk",
    "jira": "s3cr3t-jira",
    "slack:team": "https://hooks.slack.test/services/T1/B2/s3cr3t-hook",
}


class MemoryKeyring(Protocol):
    entries: dict[tuple[str, str], str]


@pytest.fixture(autouse=True)
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG, encoding="utf-8")
    (tmp_path / "no-gh").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "no-gh"))
    return path


def run(*argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    code = args.handler(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def assert_no_secret(text: str) -> None:
    assert "s3cr3t" not in text


def test_logout_removes_the_keyring_and_file_entries_of_the_profile_only(
    memory_keyring: MemoryKeyring,
) -> None:
    for system, secret in SECRETS.items():
        memory_keyring.entries[("frontline", f"acme:{system}")] = secret
    memory_keyring.entries[("frontline", "globex:helpdesk")] = "s3cr3t-globex"
    secrets_file.write("acme:github", "s3cr3t-github")
    secrets_file.write("acme:slack:gone", "s3cr3t-dropped-destination")
    secrets_file.write("globex:helpdesk", "s3cr3t-globex")

    code, out, err = run("logout", "acme")

    assert (code, err) == (0, "")
    assert_no_secret(out)
    backend = keyring_status().description
    assert sorted(out.splitlines()) == sorted(
        [
            f"Removed acme:github from {secrets_path()}.",
            f"Removed acme:slack:gone from {secrets_path()}.",
            f"Removed frontline/acme:helpdesk from the {backend} keyring.",
            f"Removed frontline/acme:jira from the {backend} keyring.",
            f"Removed frontline/acme:slack:team from the {backend} keyring.",
        ]
    )
    assert memory_keyring.entries == {("frontline", "globex:helpdesk"): "s3cr3t-globex"}
    assert secrets_file.read_all() == {"globex:helpdesk": "s3cr3t-globex"}

    code, out, _ = run("logout", "--profile", "acme")
    assert (code, out) == (0, "Nothing was stored for acme.\n")


def test_logout_removes_an_oauth_sign_in_kept_in_the_file_without_a_keyring() -> None:
    keyring.set_keyring(fail.Keyring())
    set_oauth_tokens("acme", "helpdesk", OAuthTokens("s3cr3t-access", "s3cr3t-refresh"))

    code, out, err = run("logout")  # globex and acme: --profile is needed

    assert code == 2 and "No profile selected" in err
    code, out, err = run("--profile", "acme", "logout")
    assert (code, err) == (0, "")
    assert out == f"Removed acme:helpdesk from {secrets_path()}.\n"
    assert secrets_file.read_all() == {}


def test_variables_that_stay_set_are_named_never_shown(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZENDESK_TOKEN", "s3cr3t-env")
    monkeypatch.setenv("TEAM_HOOK", "https://hooks.slack.test/services/T1/B2/s3cr3t-env")

    code, out, _ = run("logout", "acme")

    assert code == 0
    assert_no_secret(out)
    lines = out.splitlines()
    assert lines[0] == "Nothing was stored for acme."
    assert lines[1].startswith("$ZENDESK_TOKEN is still set in your environment")
    assert "`unset ZENDESK_TOKEN`" in lines[1] and "cannot" in lines[1]
    assert lines[2].startswith("$TEAM_HOOK is still set")


@pytest.mark.skipif(sys.platform == "win32", reason="the fake gh is a shell script")
def test_the_gh_cli_sign_in_is_mentioned_when_gh_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "no-gh" / "gh"
    script.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    script.chmod(0o755)

    code, out, _ = run("logout", "acme")

    assert code == 0 and "`gh auth logout`" in out


def test_a_profile_gone_from_the_config_can_still_be_cleared(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.entries[("frontline", "old:helpdesk")] = "s3cr3t-old"
    memory_keyring.entries[("frontline", "old:github")] = "s3cr3t-old-gh"
    secrets_file.write("old:slack:team", "s3cr3t-old-hook")

    code, out, err = run("logout", "old")

    assert (code, err) == (0, "")
    assert_no_secret(out)
    assert out.splitlines()[0].startswith("'old' is not a profile in")
    assert len(out.splitlines()) == 4
    assert memory_keyring.entries == {}
    assert secrets_file.read_all() == {}


def test_logout_is_listed_after_login() -> None:
    from frontline.cli.commands import COMMANDS

    names = [command.name for command in COMMANDS]
    assert names.index("logout") == names.index("login") + 1
