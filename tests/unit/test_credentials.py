"""Credentials: keyring first, then the secrets file and the env var, clear errors, tokens never shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from frontline import credentials
from frontline.credentials import (
    Credential,
    delete_token,
    get_token,
    keyring_status,
    secrets_path,
    set_token,
)
from frontline.errors import CredentialsError

SECRET = "s3cr3t-token-value"


class MemoryKeyring(Protocol):
    """The shape of tests/conftest.py's `memory_keyring` fixture (not imported: several conftest modules)."""

    entries: dict[tuple[str, str], str]


class BrokenKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked(f"locked while reading {username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


@pytest.fixture(autouse=True)
def no_gh_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own `gh` sign-in must not answer for the missing GitHub token."""
    (tmp_path / "no-gh").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "no-gh"))


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_keyring_entry_wins_over_env(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    memory_keyring.entries[("frontline", "acme:helpdesk")] = SECRET
    monkeypatch.setenv("ZENDESK_TOKEN", "from-env")

    credential = get_token("acme", "helpdesk", token_env="ZENDESK_TOKEN")

    assert credential.token == SECRET
    assert credential.source == "keyring"
    assert "acme:helpdesk" in credential.note


def test_no_entry_falls_back_to_env_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENDESK_TOKEN", "from-env")

    credential = get_token("acme", "helpdesk", token_env="ZENDESK_TOKEN")

    assert (credential.token, credential.source) == ("from-env", "env")
    assert "$ZENDESK_TOKEN" in credential.note
    assert "no keyring entry frontline/acme:helpdesk" in credential.note


@pytest.mark.usefixtures("no_keyring")
def test_fail_backend_falls_back_to_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENDESK_TOKEN", "from-env")

    credential = get_token("acme", "helpdesk", token_env="ZENDESK_TOKEN")

    assert credential.source == "env"
    assert "no keyring backend is available" in credential.note
    assert keyring_status().usable is False


def test_keyring_exception_falls_back_to_env(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(BrokenKeyring())
    monkeypatch.setenv("JIRA_TOKEN", "jira-env")

    credential = get_token("acme", "jira", token_env="JIRA_TOKEN")

    assert credential.source == "env"
    assert "KeyringLocked" in credential.note
    assert "acme:jira" not in credential.note  # the backend's own message is not echoed


def test_missing_both_names_login_and_export() -> None:
    with pytest.raises(CredentialsError) as caught:
        get_token("acme", "helpdesk", token_env="ZENDESK_TOKEN")

    message = str(caught.value)
    assert "frontline login acme" in message
    assert "export ZENDESK_TOKEN=" in message


def test_missing_tracker_token_names_the_system_flag() -> None:
    with pytest.raises(CredentialsError, match="frontline login acme --system github"):
        get_token("acme", "github", token_env=None)


@pytest.mark.usefixtures("no_keyring")
def test_the_advice_names_the_connectors_own_variable() -> None:
    with pytest.raises(CredentialsError) as caught:
        get_token("acme", "helpdesk", token_env=None, kind="jsm")
    assert 'token_env = "JSM_TOKEN"' in str(caught.value)


@pytest.mark.usefixtures("no_keyring")
def test_no_backend_and_no_env_var_explains_the_fallback() -> None:
    with pytest.raises(CredentialsError) as caught:
        get_token("acme", "helpdesk", token_env=None)

    message = str(caught.value)
    assert "no keyring backend" in message
    assert 'token_env = "ZENDESK_TOKEN"' in message
    assert "[profiles.acme.helpdesk]" in message


@pytest.mark.usefixtures("no_keyring")
def test_set_token_without_backend_keeps_it_in_the_user_only_file_and_warns() -> None:
    where = set_token("acme", "helpdesk", SECRET)

    assert str(secrets_path()) in where and "readable only by you" in where
    assert "no keyring backend" in where and SECRET not in where
    assert get_token("acme", token_env=None).source == "file"
    assert delete_token("acme") is True
    assert delete_token("acme") is False


def test_set_get_delete_round_trip(memory_keyring: MemoryKeyring) -> None:
    where = set_token("acme", "helpdesk", f"  {SECRET}\n")

    assert memory_keyring.entries[("frontline", "acme:helpdesk")] == SECRET
    assert "frontline/acme:helpdesk" in where
    assert get_token("acme", token_env=None).token == SECRET
    assert delete_token("acme") is True
    assert delete_token("acme") is False


def test_empty_token_is_refused(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(CredentialsError, match="empty"):
        set_token("acme", "helpdesk", "   ")
    assert memory_keyring.entries == {}


def test_token_never_in_repr_or_str(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.entries[("frontline", "acme:helpdesk")] = SECRET
    credential = get_token("acme", token_env=None)

    assert SECRET not in repr(credential)
    assert SECRET not in str(credential)
    assert SECRET not in repr([credential])
    assert isinstance(credential, Credential)


def test_keyring_errors_do_not_leak_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    class WriteFails(BrokenKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.PasswordSetError(f"cannot store {password}")

    keyring.set_keyring(WriteFails())
    with pytest.raises(CredentialsError) as caught:
        set_token("acme", "helpdesk", SECRET)

    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


def test_entry_name_format() -> None:
    assert credentials.entry_name("acme", "jira") == "acme:jira"
