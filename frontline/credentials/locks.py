"""Locks every frontline process of the machine shares (files under `{data_dir}/locks/`), and the
user-only directories they and the secrets file live in."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from frontline import locations
from frontline.errors import CredentialsError

LOCKS_DIR = "locks"


def lock_path(name: str) -> Path:
    """`{data_dir}/locks/{name}.lock`, the name reduced to characters every file system accepts."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name).strip(".") or "lock"
    return locations.data_dir() / LOCKS_DIR / f"{safe}.lock"


def private_dir(path: Path) -> Path:
    """Create `path` (and its parents) if needed and make it 0700; returns it.

    Raises:
        CredentialsError: it cannot be created.
    """
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise CredentialsError(f"Could not create {path} ({type(exc).__name__}).") from None
    if sys.platform != "win32":
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o700)
        except OSError:
            pass  # not ours to change: the file itself is still 0600
    return path


@contextmanager
def machine_lock(name: str, *, timeout: float, busy: str) -> Iterator[None]:
    """Hold the lock called `name` for the `with` block; reentrant in one thread.

    Raises:
        CredentialsError: `busy` (the message) when another holder keeps it past `timeout` seconds, or
            the lock file cannot be created.
    """
    from filelock import FileLock, Timeout

    path = lock_path(name)
    private_dir(path.parent)
    lock = FileLock(str(path), is_singleton=True)
    failure: str | None = None
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        failure = busy
    except OSError as exc:
        failure = f"Could not take the lock {path} ({type(exc).__name__})."
    if failure is not None:
        raise CredentialsError(failure)
    try:
        yield
    finally:
        lock.release()
