"""The user-only secrets file, for machines without a keyring backend (as the `gh` CLI does).

`{data_dir}/secrets.json` maps an entry name (`acme:helpdesk`) to its secret. The directory is 0700 and
the file 0600 from its first byte: every write goes to a temp file created 0600 in the same directory,
is fsynced and then renamed over the old file, so a crash leaves the old file or the new one, never half
of either. Writes hold a short cross-process lock so two frontline processes cannot lose each other's
entries. Messages name the file and the entry, never a value.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path

from frontline import locations
from frontline.credentials.locks import machine_lock, private_dir
from frontline.errors import CredentialsError

FILE_NAME = "secrets.json"
WRITE_LOCK_SECONDS = 10.0
"""How long a write waits for another process's write to the file: they take milliseconds."""


def secrets_path() -> Path:
    """Where the file is (it may not exist yet)."""
    return locations.data_dir() / FILE_NAME


def read_all() -> dict[str, str]:
    """Every entry in the file; empty when there is no file.

    Raises:
        CredentialsError: the file cannot be read or is not a JSON object (nothing of it is quoted).
    """
    path = secrets_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CredentialsError(f"Could not read {path} ({type(exc).__name__}).") from None
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise CredentialsError(
            f"{path} is damaged (not a JSON object). Move it away and sign in again with `frontline login`."
        )
    return {key: value for key, value in data.items() if isinstance(key, str) and isinstance(value, str)}


def read(user: str) -> str | None:
    """The secret kept as `user`, or None."""
    return read_all().get(user)


def exists() -> bool:
    """Whether the file exists at all (a hint for messages; reads nothing)."""
    return secrets_path().is_file()


def write(user: str, value: str) -> Path:
    """Keep `value` as `user`, replacing what was there; returns the file's path.

    Raises:
        CredentialsError: the file could not be written; the old file is left as it was.
    """
    with _write_lock():
        entries = read_all()
        entries[user] = value
        _replace(entries)
    return secrets_path()


def delete(users: Iterable[str]) -> list[str]:
    """Remove these entries in one write; returns the ones that were there.

    Raises:
        CredentialsError: the file could not be read or rewritten.
    """
    wanted = list(users)
    if not exists():
        return []
    with _write_lock():
        entries = read_all()
        removed = [user for user in wanted if user in entries]
        if removed:
            for user in removed:
                del entries[user]
            _replace(entries)
    return removed


def entries_of(profile: str) -> list[str]:
    """The entry names kept for `profile` (`acme:helpdesk`, `acme:slack:team`), values unread by callers."""
    prefix = f"{profile}:"
    names: list[str] = []
    for user in read_all():
        if not user.startswith(prefix):
            continue
        system = user[len(prefix) :]
        if ":" not in system or system.startswith("slack:"):  # `a:b:helpdesk` belongs to profile `a:b`
            names.append(user)
    return names


def _replace(entries: dict[str, str]) -> None:
    """Write `entries` to a 0600 temp file beside the old one, fsync it, then rename it into place."""
    path = secrets_path()
    directory = private_dir(path.parent)
    temp = directory / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    payload = (json.dumps(entries, indent=2, sort_keys=True) + "\n").encode("utf-8")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    failure: str | None = None
    try:
        descriptor = os.open(temp, flags, 0o600)
        try:
            os.write(descriptor, payload)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temp, path)
    except OSError as exc:
        failure = type(exc).__name__
    if failure is not None:
        temp.unlink(missing_ok=True)
        raise CredentialsError(f"Could not write {path} ({failure}); it was left as it was.")
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); best effort."""
    if sys.platform == "win32":
        return
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _write_lock() -> AbstractContextManager[None]:
    """Held around a read-modify-write of the file, so concurrent writers keep each other's entries."""
    busy = f"Another frontline kept {secrets_path()} busy for {WRITE_LOCK_SECONDS:g} s; try again."
    return machine_lock("secrets-file", timeout=WRITE_LOCK_SECONDS, busy=busy)
