"""OAuth token sets kept per profile: round trips, fresh reads, the machine-wide lock, API tokens told
apart, and no secret in any repr or message."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from frontline.connectors.oauth import OAuthTokens
from frontline.credentials import (
    KeptTokenVault,
    get_oauth_tokens,
    get_token,
    oauth_vault,
    secrets_path,
    set_oauth_tokens,
    set_token,
)
from frontline.credentials import secrets_file as secrets_module
from frontline.errors import CredentialsError

ACCESS, REFRESH = "acc-s3cr3t", "ref-s3cr3t"
TOKENS = OAuthTokens(ACCESS, REFRESH, datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "read write")
HOLD_THE_LOCK = (
    "import sys\n"
    "from frontline.credentials import oauth_vault\n"
    "with oauth_vault(sys.argv[1]).lock():\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.readline()\n"
)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def subprocess_env() -> dict[str, str]:
    return {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def rotated(tokens: OAuthTokens, suffix: str) -> OAuthTokens:
    return OAuthTokens(tokens.access_token + suffix, f"{tokens.refresh_token}{suffix}", None, tokens.scope)


def test_round_trip_in_the_keyring() -> None:
    vault = oauth_vault("acme")
    assert vault.load() is None

    vault.save(TOKENS)

    assert vault.load() == TOKENS
    assert get_oauth_tokens("acme") == TOKENS
    assert get_oauth_tokens("acme", "jira") is None


@pytest.mark.usefixtures("no_keyring")
def test_round_trip_in_the_secrets_file_with_a_warning() -> None:
    where = set_oauth_tokens("acme", "helpdesk", TOKENS)

    assert f"Stored in {secrets_path()}" in where and "readable only by you" in where
    assert ACCESS not in where
    assert oauth_vault("acme").load() == TOKENS
    oauth_vault("acme").save(rotated(TOKENS, "-2"))
    assert secrets_module.read_all().keys() == {"acme:helpdesk"}
    assert get_oauth_tokens("acme") == rotated(TOKENS, "-2")


@pytest.mark.usefixtures("no_keyring")
def test_load_reads_afresh_what_another_process_saved() -> None:
    vault = oauth_vault("acme")
    vault.save(TOKENS)
    assert vault.load() == TOKENS
    code = (
        "import sys\n"
        "from frontline.connectors.oauth import OAuthTokens\n"
        "from frontline.credentials import oauth_vault\n"
        "vault = oauth_vault('acme')\n"
        "old = vault.load()\n"
        "vault.save(OAuthTokens(old.access_token + '-2', old.refresh_token + '-2', None, old.scope))\n"
    )
    subprocess.run([sys.executable, "-c", code], env=subprocess_env(), check=True, timeout=60)

    assert vault.load() == rotated(TOKENS, "-2")


def test_an_api_token_is_not_a_token_set_and_a_token_set_is_not_an_api_token() -> None:
    set_token("acme", "helpdesk", "plain-api-token")
    assert oauth_vault("acme").load() is None

    set_oauth_tokens("acme", "helpdesk", TOKENS)
    with pytest.raises(CredentialsError, match="holds an OAuth sign-in, not an API token") as caught:
        get_token("acme", token_env=None)
    assert ACCESS not in caught.value.message and REFRESH not in caught.value.message


def test_a_failing_keyring_is_an_error_not_a_sign_out() -> None:
    class Locked(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            raise keyring.errors.KeyringLocked(f"locked: {ACCESS}")

        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.PasswordSetError(f"cannot store {password}")

        def delete_password(self, service: str, username: str) -> None:
            raise keyring.errors.KeyringLocked("locked")

    keyring.set_keyring(Locked())
    with pytest.raises(CredentialsError, match="KeyringLocked") as loading:
        oauth_vault("acme").load()
    with pytest.raises(CredentialsError, match="PasswordSetError") as saving:
        oauth_vault("acme").save(TOKENS)

    for caught in (loading, saving):
        assert ACCESS not in caught.value.message and REFRESH not in caught.value.message
        assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_the_lock_excludes_another_process() -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, "acme"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        vault = KeptTokenVault("acme")
        busy = pytest.raises(CredentialsError, match="Another frontline is signing in")
        with busy as caught, vault.lock(timeout=0.3):
            pass
        assert str(vault.lock_path) in caught.value.message
        with oauth_vault("other").lock():  # another profile's lock is free
            pass
    finally:
        holder.communicate("done\n", timeout=60)
    assert holder.returncode == 0
    with KeptTokenVault("acme").lock(timeout=5):  # released with the process's block
        pass


def test_the_lock_is_reentrant_in_one_thread() -> None:
    vault = KeptTokenVault("acme")
    with vault.lock(timeout=1), vault.lock(timeout=1):
        vault.save(TOKENS)
    assert vault.load() == TOKENS


def test_the_lock_file_name_is_sanitised() -> None:
    path = KeptTokenVault("../we ird/", "slack:team").lock_path

    assert path.parent.name == "locks" and path.parent.parent == secrets_path().parent
    assert "/" not in path.name and ":" not in path.name and " " not in path.name
    assert path.name.endswith(".lock")


def test_no_secret_in_reprs() -> None:
    vault = oauth_vault("acme")
    vault.save(TOKENS)

    shown = " ".join([repr(vault), repr(vault.load()), str(vault.load()), repr([TOKENS])])
    assert ACCESS not in shown and REFRESH not in shown
    assert "acme" in repr(vault)


def test_the_lock_excludes_another_thread_of_the_same_process() -> None:
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with KeptTokenVault("acme").lock(timeout=5):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        with pytest.raises(CredentialsError, match="Another frontline"), KeptTokenVault("acme").lock(0.2):
            pass
    finally:
        release.set()
        holder.join(10)
    with KeptTokenVault("acme").lock(timeout=5):
        pass
