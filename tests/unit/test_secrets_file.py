"""The user-only secrets file: used without a keyring, 0600 in a 0700 dir, written atomically, read in
its place between the keyring and the environment, and never quoted in a message."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import keyring
import pytest
from keyring.backends import fail, null

from frontline import locations
from frontline.credentials import backend, delete_token, get_token, secrets_path, set_token
from frontline.credentials import secrets_file as secrets_module
from frontline.errors import CredentialsError

SECRET = "s3cr3t-file-token"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


class MemoryKeyring(Protocol):
    entries: dict[tuple[str, str], str]


@pytest.fixture(params=[fail.Keyring, null.Keyring], ids=["fail", "null"])
def no_keyring(request: pytest.FixtureRequest) -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(request.param())
    yield
    keyring.set_keyring(previous)


def file_entries() -> dict[str, str]:
    return dict(json.loads(secrets_path().read_text(encoding="utf-8")))


@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_the_token_goes_to_the_file_with_a_warning() -> None:
    where = set_token("acme", "helpdesk", f"  {SECRET}\n")

    assert where == (
        f"Stored in {secrets_path()} as acme:helpdesk, readable only by you "
        "(no keyring backend is available on this machine)."
    )
    assert secrets_path() == locations.data_dir() / "secrets.json"
    assert file_entries() == {"acme:helpdesk": SECRET}
    credential = get_token("acme", token_env=None)
    assert (credential.token, credential.source) == (SECRET, "file")
    assert str(secrets_path()) in credential.note and "no keyring backend" in credential.note


@POSIX
@pytest.mark.usefixtures("no_keyring")
def test_the_file_is_0600_in_a_0700_directory_even_with_a_permissive_umask() -> None:
    locations.data_dir().mkdir(mode=0o755, parents=True)
    old_umask = os.umask(0)
    try:
        set_token("acme", "helpdesk", SECRET)
        set_token("acme", "jira", SECRET + "-2")
    finally:
        os.umask(old_umask)

    assert stat.S_IMODE(secrets_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(secrets_path().parent.stat().st_mode) == 0o700


@POSIX
@pytest.mark.usefixtures("no_keyring")
def test_the_temp_file_is_private_from_its_creation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never world-readable for an instant: created 0600 and exclusively, and still 0600 when renamed."""
    real_open, real_replace = os.open, os.replace
    opened: list[tuple[int, int]] = []
    renamed: list[int] = []

    def spy_open(path: Any, flags: int, mode: int = 0o777, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".tmp"):
            opened.append((flags, mode))
        return real_open(path, flags, mode, *args, **kwargs)

    def spy_replace(source: Any, target: Any) -> None:
        renamed.append(stat.S_IMODE(os.stat(source).st_mode))
        real_replace(source, target)

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "replace", spy_replace)
    set_token("acme", "helpdesk", SECRET)

    [(flags, mode)] = opened
    assert mode == 0o600 and flags & os.O_EXCL and flags & os.O_CREAT
    assert renamed == [0o600]


@pytest.mark.usefixtures("no_keyring")
def test_a_failed_write_leaves_the_old_file_and_no_temp(monkeypatch: pytest.MonkeyPatch) -> None:
    set_token("acme", "helpdesk", SECRET)
    before = secrets_path().read_bytes()

    def refuse(source: Any, target: Any) -> None:
        raise OSError(f"disk full while writing {SECRET}-new")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(CredentialsError) as caught:
        set_token("acme", "helpdesk", SECRET + "-new")

    assert "left as it was" in caught.value.message and "OSError" in caught.value.message
    assert SECRET not in caught.value.message
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert secrets_path().read_bytes() == before
    assert sorted(p.name for p in secrets_path().parent.iterdir()) == ["locks", "secrets.json"]


@pytest.mark.usefixtures("no_keyring")
def test_successful_writes_leave_no_temp_behind() -> None:
    for index in range(3):
        set_token("acme", f"system{index}", f"{SECRET}-{index}")
    delete_token("acme", "system1")

    assert sorted(p.name for p in secrets_path().parent.iterdir()) == ["locks", "secrets.json"]
    assert list(file_entries()) == ["acme:system0", "acme:system2"]


def test_precedence_is_keyring_then_file_then_env(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets_module.write("acme:helpdesk", "from-file")
    memory_keyring.entries[("frontline", "acme:helpdesk")] = "from-keyring"
    monkeypatch.setenv("ZENDESK_TOKEN", "from-env")

    first = get_token("acme", token_env="ZENDESK_TOKEN")
    del memory_keyring.entries[("frontline", "acme:helpdesk")]
    second = get_token("acme", token_env="ZENDESK_TOKEN")
    secrets_module.delete(["acme:helpdesk"])
    third = get_token("acme", token_env="ZENDESK_TOKEN")

    assert [(c.token, c.source) for c in (first, second, third)] == [
        ("from-keyring", "keyring"),
        ("from-file", "file"),
        ("from-env", "env"),
    ]
    assert "no keyring entry frontline/acme:helpdesk" in second.note
    assert f"no entry acme:helpdesk in {secrets_path()}" in third.note


def test_storing_in_the_keyring_drops_a_stale_copy_from_the_file(memory_keyring: MemoryKeyring) -> None:
    secrets_module.write("acme:helpdesk", "old-from-file")
    secrets_module.write("acme:jira", "kept")

    where = set_token("acme", "helpdesk", SECRET)

    assert "keyring" in where
    assert memory_keyring.entries[("frontline", "acme:helpdesk")] == SECRET
    assert file_entries() == {"acme:jira": "kept"}


def test_delete_clears_the_keyring_and_the_file(memory_keyring: MemoryKeyring) -> None:
    secrets_module.write("acme:helpdesk", "from-file")
    memory_keyring.entries[("frontline", "acme:helpdesk")] = "from-keyring"

    assert delete_token("acme") is True
    assert memory_keyring.entries == {} and file_entries() == {}
    assert delete_token("acme") is False


def test_a_damaged_file_is_named_but_never_quoted() -> None:
    secrets_path().parent.mkdir(parents=True)
    secrets_path().write_text(f'{{"acme:helpdesk": "{SECRET}", broken', encoding="utf-8")

    with pytest.raises(CredentialsError) as caught:
        get_token("acme", token_env=None)

    assert str(secrets_path()) in caught.value.message and "damaged" in caught.value.message
    assert SECRET not in caught.value.message


def test_entries_of_a_profile_are_not_those_of_a_profile_with_a_colon() -> None:
    for user in ("a:helpdesk", "a:slack:team", "a:b:helpdesk", "ab:helpdesk"):
        secrets_module.write(user, "x")

    assert sorted(secrets_module.entries_of("a")) == ["a:helpdesk", "a:slack:team"]
    assert secrets_module.entries_of("a:b") == ["a:b:helpdesk"]


def test_two_processes_writing_at_once_keep_each_others_entries(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from frontline.credentials import set_token\n"
        "for i in range(15): set_token(sys.argv[1], f's{i}', f'v{i}')\n"
    )
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    writers = [
        subprocess.Popen([sys.executable, "-c", code, name], env=env, stderr=subprocess.PIPE)
        for name in ("one", "two")
    ]
    for writer in writers:
        _, error = writer.communicate(timeout=60)
        assert writer.returncode == 0, error.decode()

    assert len(file_entries()) == 30


@pytest.mark.usefixtures("no_keyring")
def test_what_a_lookup_found_hides_the_value_in_its_repr() -> None:
    set_token("acme", "helpdesk", SECRET)

    lookup = backend.find("acme:helpdesk")

    assert lookup.found is not None and lookup.found.value == SECRET
    assert SECRET not in repr(lookup) + str(lookup)
