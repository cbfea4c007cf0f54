"""GitHub's token from the `gh` CLI, after the keyring, the secrets file and the variable: a fake `gh` on
PATH that prints a token, fails, hangs, or is not there at all."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Protocol

import pytest

from frontline.credentials import get_token, gh
from frontline.errors import CredentialsError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the fake gh is a shell script")

GH_TOKEN = "gho_s3cr3tFromGh"


class MemoryKeyring(Protocol):
    entries: dict[tuple[str, str], str]


def fake_gh(directory: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `gh` in `directory`, which becomes all of PATH; it records its arguments in `args`."""
    directory.mkdir(exist_ok=True)
    script = directory / "gh"
    script.write_text(f'#!/bin/sh\necho "$@" > "{directory}/args"\n{body}\n', encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(directory))
    return directory / "args"


def test_a_signed_in_gh_gives_the_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = fake_gh(tmp_path / "bin", f"echo {GH_TOKEN}", monkeypatch)

    credential = get_token("acme", "github", token_env="GITHUB_TOKEN", kind="github")

    assert (credential.token, credential.source) == (GH_TOKEN, "gh")
    assert credential.note == "from the gh CLI (github.com)"
    assert GH_TOKEN not in repr(credential) + str(credential)
    assert args.read_text().split() == ["auth", "token", "--hostname", "github.com"]


@pytest.mark.parametrize(
    ("host", "asked"),
    [
        ("https://ghe.corp.test/api/v3", "ghe.corp.test"),
        ("https://api.github.com", "github.com"),
        ("ghe.corp.test", "ghe.corp.test"),
        (None, "github.com"),
    ],
)
def test_the_host_comes_from_the_trackers_address(
    host: str | None, asked: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = fake_gh(tmp_path / "bin", f"echo {GH_TOKEN}", monkeypatch)

    credential = get_token("acme", "github", token_env=None, kind="github", host=host)

    assert args.read_text().split()[-1] == asked
    assert credential.note == f"from the gh CLI ({asked})"


def test_stored_and_env_tokens_come_before_gh(
    memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = fake_gh(tmp_path / "bin", f"echo {GH_TOKEN}", monkeypatch)
    monkeypatch.setenv("GITHUB_TOKEN", "from-env")
    assert get_token("acme", "github", token_env="GITHUB_TOKEN").source == "env"
    memory_keyring.entries[("frontline", "acme:github")] = "from-keyring"
    assert get_token("acme", "github", token_env="GITHUB_TOKEN").source == "keyring"
    assert not args.exists()


def test_gh_is_asked_only_for_github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = fake_gh(tmp_path / "bin", f"echo {GH_TOKEN}", monkeypatch)
    with pytest.raises(CredentialsError):
        get_token("acme", "jira", token_env=None, kind="jira")
    assert not args.exists()


def test_gh_not_signed_in_falls_through_to_the_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_gh(tmp_path / "bin", "echo 'no oauth token found for ghe.corp.test' >&2\nexit 1", monkeypatch)

    with pytest.raises(CredentialsError) as caught:
        get_token(
            "acme", "github", token_env="GITHUB_TOKEN", kind="github", host="https://ghe.corp.test/api/v3"
        )

    message = caught.value.message
    assert message.splitlines()[0].endswith("and the gh CLI has no token for ghe.corp.test.")
    assert "frontline login acme --system github" in message
    assert "export GITHUB_TOKEN=" in message
    assert "`gh auth login --hostname ghe.corp.test`" in message


def test_gh_printing_garbage_is_not_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_gh(tmp_path / "bin", "echo 'two words'", monkeypatch)
    with pytest.raises(CredentialsError, match=r"the gh CLI has no token for github\.com"):
        get_token("acme", "github", token_env=None, kind="github")


def test_no_gh_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    with pytest.raises(CredentialsError) as caught:
        get_token("acme", "github", token_env=None, kind="github")

    assert "the gh CLI is not installed" in caught.value.message
    assert "`gh auth login`" in caught.value.message


def test_a_hanging_gh_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_gh(tmp_path / "bin", f"exec {shutil.which('sleep')} 30", monkeypatch)
    monkeypatch.setattr(gh, "TIMEOUT_SECONDS", 0.3)

    with pytest.raises(CredentialsError, match=r"the gh CLI did not answer within 0\.3 s"):
        get_token("acme", "github", token_env=None, kind="github")


def test_the_default_timeout_is_five_seconds() -> None:
    assert gh.TIMEOUT_SECONDS == 5.0
