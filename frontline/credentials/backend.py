"""Where an entry is kept: the system keyring when it has a usable backend, else the user-only secrets file.

Reads try the keyring, then the file (an entry kept while there was no keyring still counts). Writes go
to the keyring when it is usable, else the file; keeping an entry in the keyring drops its old copy from
the file, so no stale secret lingers. Deletes clear both. Backend exceptions are never chained or quoted:
their messages may contain the secret.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Literal

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from frontline.credentials import secrets_file
from frontline.errors import CredentialsError

SERVICE = "frontline"
HELPDESK = "helpdesk"


@dataclass(frozen=True)
class KeyringStatus:
    """Whether a usable keyring backend exists, and its name or why not."""

    usable: bool
    description: str


@dataclass(frozen=True)
class Found:
    """A kept secret and where it was found; `note` is a sentence fragment (`from the … keyring (…)`)."""

    value: str = field(repr=False)
    source: Literal["keyring", "file"]
    note: str

    def __repr__(self) -> str:
        return f"Found(value='***', source={self.source!r}, note={self.note!r})"


@dataclass(frozen=True)
class Lookup:
    """The outcome of a read: what was found (or None) and why each place had nothing."""

    found: Found | None
    reasons: tuple[str, ...]
    keyring_failed: bool = False


SLACK_PREFIX = "slack:"
"""Systems a Slack handoff destination's webhook URL is kept under begin with this."""


def webhook_system(destination: str) -> str:
    """The system a handoff destination's Slack webhook URL is kept under (`slack:team-slack`)."""
    return f"{SLACK_PREFIX}{destination}"


def entry_name(profile: str, system: str = HELPDESK) -> str:
    """The keyring user name (and secrets-file key) for a profile's system, e.g. `acme:helpdesk`."""
    return f"{profile}:{system}"


def keyring_status() -> KeyringStatus:
    """Inspect the active keyring backend without reading any secret."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring config must not crash frontline
        return KeyringStatus(False, f"the keyring could not be loaded ({type(exc).__name__})")
    if _is_unusable(backend):
        return KeyringStatus(False, "no keyring backend is available on this machine")
    return KeyringStatus(True, _backend_name(backend))


def find(user: str) -> Lookup:
    """Read entry `user`: the keyring, then the secrets file.

    Raises:
        CredentialsError: the secrets file exists but cannot be read.
    """
    status = keyring_status()
    reasons: list[str] = []
    failed = False
    if not status.usable:
        reasons.append(f"keyring skipped: {status.description}")
    else:
        try:
            value = keyring.get_password(SERVICE, user)
        except Exception as exc:  # locked keyring, D-Bus failure ...; never echo backend internals
            reasons.append(f"keyring skipped: reading it failed ({type(exc).__name__})")
            failed = True
        else:
            if value and value.strip():
                note = f"from the {status.description} keyring ({user})"
                return Lookup(Found(value.strip(), "keyring", note), ())
            reasons.append(f"no keyring entry {SERVICE}/{user}")
    if not status.usable or secrets_file.exists():
        stored = secrets_file.read(user)
        path = secrets_file.secrets_path()
        if stored and stored.strip():
            note = f"from {path} ({user})"
            return Lookup(Found(stored.strip(), "file", note), tuple(reasons), failed)
        reasons.append(f"no entry {user} in {path}")
    return Lookup(None, tuple(reasons), failed)


def keep(user: str, value: str, *, what: str) -> str:
    """Keep `value` as entry `user` in place of any old one; returns a sentence saying where.

    `what` names the secret for messages (`token`, `OAuth sign-in`). Without a keyring backend the
    sentence carries a one-line warning that the secret is in a file.

    Raises:
        CredentialsError: the keyring or the file could not be written.
    """
    status = keyring_status()
    if not status.usable:
        path = secrets_file.write(user, value)
        return f"Stored in {path} as {user}, readable only by you ({status.description})."
    failure: str | None = None
    try:
        keyring.set_password(SERVICE, user, value)
    except Exception as exc:  # raised outside the handler: a backend message may quote the secret
        failure = type(exc).__name__
    if failure is not None:
        raise CredentialsError(f"Could not store the {what} in the {status.description} keyring ({failure}).")
    # A copy kept while there was no keyring would be stale now; a damaged file is reported when read.
    with contextlib.suppress(CredentialsError):
        secrets_file.delete([user])
    return f"Stored in the {status.description} keyring as {SERVICE}/{user}."


def forget(users: list[str]) -> list[str]:
    """Remove these entries from the keyring and the secrets file; one sentence per removal.

    Raises:
        CredentialsError: the keyring or the file failed (entries removed before that stay removed).
    """
    removed = [f"Removed {user} from {secrets_file.secrets_path()}." for user in secrets_file.delete(users)]
    status = keyring_status()
    if not status.usable:
        return removed
    for user in users:
        failure: str | None = None
        try:
            if keyring.get_password(SERVICE, user) is None:
                continue
            keyring.delete_password(SERVICE, user)
        except keyring.errors.PasswordDeleteError:
            continue
        except Exception as exc:
            failure = type(exc).__name__
        if failure is not None:
            raise CredentialsError(f"Could not remove {SERVICE}/{user} from the keyring ({failure}).")
        removed.append(f"Removed {SERVICE}/{user} from the {status.description} keyring.")
    return removed


def _is_unusable(backend: KeyringBackend) -> bool:
    from keyring.backends import fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return True
    inner = getattr(backend, "backends", None)  # the chainer backend with nothing to chain
    return isinstance(inner, list | tuple) and not inner


def _backend_name(backend: KeyringBackend) -> str:
    name = getattr(backend, "name", "") or type(backend).__name__
    return str(name)
