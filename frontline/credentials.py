"""Tokens: the only module that touches secrets.

A token lives in the system keyring under service `frontline`, user name `"<profile>:<system>"` (system is
`helpdesk` or a tracker kind such as `jira`). Headless machines often have no keyring backend; then the
token comes from the environment variable the profile names in `token_env`. Every answer says which source
was used and why the keyring was skipped, so the CLI and the UI can tell the person.

All functions block (keyring backends may talk D-Bus or prompt): UI callers wrap them in
`asyncio.to_thread`. Token values never appear in reprs, logs or exceptions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from frontline.errors import CredentialsError

SERVICE = "frontline"
HELPDESK = "helpdesk"

TokenSource = Literal["keyring", "env"]


@dataclass(frozen=True)
class Credential:
    """A token and where it came from; `note` is a sentence a person can read. The repr hides the token."""

    token: str = field(repr=False)
    source: TokenSource
    note: str

    def __repr__(self) -> str:
        return f"Credential(token='***', source={self.source!r}, note={self.note!r})"

    def __str__(self) -> str:
        return f"token {self.note}"


@dataclass(frozen=True)
class KeyringStatus:
    """Whether a usable keyring backend exists, and its name or why not."""

    usable: bool
    description: str


def entry_name(profile: str, system: str = HELPDESK) -> str:
    """The keyring user name for a profile's system, e.g. `acme:helpdesk`."""
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


def get_token(
    profile: str, system: str = HELPDESK, *, token_env: str | None, kind: str | None = None
) -> Credential:
    """The token for `profile`'s `system`: the keyring first, then the `token_env` variable.

    `kind` names the connector (`jsm`), so the advice names its usual variable (`JSM_TOKEN`).

    Raises:
        CredentialsError: neither source has a token; the message says exactly what to run or export.
    """
    user = entry_name(profile, system)
    status = keyring_status()
    keyring_reason: str
    if not status.usable:
        keyring_reason = f"keyring skipped: {status.description}"
    else:
        try:
            value = keyring.get_password(SERVICE, user)
        except Exception as exc:  # locked keyring, D-Bus failure ...; never echo backend internals
            keyring_reason = f"keyring skipped: reading it failed ({type(exc).__name__})"
        else:
            if value and value.strip():
                return Credential(value.strip(), "keyring", f"from the {status.description} keyring ({user})")
            keyring_reason = f"no keyring entry {SERVICE}/{user}"
    if token_env:
        env_value = os.environ.get(token_env, "").strip()
        if env_value:
            return Credential(env_value, "env", f"from ${token_env} ({keyring_reason})")
    raise CredentialsError(_missing_message(profile, system, token_env, status, keyring_reason, kind))


def set_token(profile: str, system: str, token: str, *, kind: str | None = None) -> str:
    """Store `token` in the keyring; returns a sentence saying where it went.

    Raises:
        CredentialsError: no usable keyring (the message explains the env-var fallback) or the write failed.
    """
    if not token.strip():
        raise CredentialsError("The token is empty; nothing was stored.")
    user = entry_name(profile, system)
    status = keyring_status()
    if not status.usable:
        raise CredentialsError(_no_keyring_message(profile, system, None, status, kind))
    failure: str | None = None
    try:
        keyring.set_password(SERVICE, user, token.strip())
    except Exception as exc:  # raised outside the handler: a backend message may quote the secret
        failure = type(exc).__name__
    if failure is not None:
        raise CredentialsError(f"Could not store the token in the {status.description} keyring ({failure}).")
    return f"Stored in the {status.description} keyring as {SERVICE}/{user}."


def delete_token(profile: str, system: str = HELPDESK) -> bool:
    """Remove a stored token; False when there was none (or no keyring to hold one)."""
    user = entry_name(profile, system)
    if not keyring_status().usable:
        return False
    try:
        if keyring.get_password(SERVICE, user) is None:
            return False
        keyring.delete_password(SERVICE, user)
    except keyring.errors.PasswordDeleteError:
        return False
    except Exception as exc:
        raise CredentialsError(
            f"Could not remove {SERVICE}/{user} from the keyring ({type(exc).__name__})."
        ) from None
    return True


def _is_unusable(backend: KeyringBackend) -> bool:
    from keyring.backends import fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return True
    inner = getattr(backend, "backends", None)  # the chainer backend with nothing to chain
    return isinstance(inner, list | tuple) and not inner


def _backend_name(backend: KeyringBackend) -> str:
    name = getattr(backend, "name", "") or type(backend).__name__
    return str(name)


def _example_env(system: str, kind: str | None) -> str:
    """The connector's conventional token variable (from the registry), e.g. `JSM_TOKEN`."""
    from frontline.connectors.registry import CONNECTORS

    wanted = kind or ("zendesk" if system == HELPDESK else system)
    for spec in CONNECTORS:
        if spec.kind == wanted:
            return spec.auth.token_env
    return f"{wanted.upper()}_TOKEN"


def _section(profile: str, system: str) -> str:
    if system == HELPDESK:
        return f"[profiles.{profile}.helpdesk]"
    return f'the [[profiles.{profile}.escalation]] entry with kind = "{system}"'


def _login_command(profile: str, system: str) -> str:
    suffix = "" if system == HELPDESK else f" --system {system}"
    return f"frontline login {profile}{suffix}"


def _missing_message(
    profile: str,
    system: str,
    token_env: str | None,
    status: KeyringStatus,
    keyring_reason: str,
    kind: str | None,
) -> str:
    if not status.usable:
        return _no_keyring_message(profile, system, token_env, status, kind)
    lines = [f"No token for profile {profile!r} ({system}): {keyring_reason}"]
    if token_env:
        lines[0] += f", and ${token_env} is not set."
        lines.append(f"Run `{_login_command(profile, system)}` to store one in the keyring,")
        lines.append(f"or `export {token_env}=<your API token>`.")
    else:
        lines[0] += "."
        lines.append(f"Run `{_login_command(profile, system)}` to store one in the keyring.")
    return "\n".join(lines)


def _no_keyring_message(
    profile: str, system: str, token_env: str | None, status: KeyringStatus, kind: str | None
) -> str:
    lines = [f"No token for profile {profile!r} ({system}): {status.description}, so tokens come from"]
    if token_env:
        lines[0] += f" ${token_env}, which is not set."
        lines.append(f"Run `export {token_env}=<your API token>` (for example in your shell profile).")
    else:
        example = _example_env(system, kind)
        lines[0] += " an environment variable, and the profile names none."
        lines.append(f'Add `token_env = "{example}"` under {_section(profile, system)}')
        lines.append(f"in the config file, then `export {example}=<your API token>`.")
    return "\n".join(lines)
