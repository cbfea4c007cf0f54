"""Secrets: the only package that touches them.

A secret lives in the system keyring under service `frontline`, user name `"<profile>:<system>"` (system
is `helpdesk`, a tracker kind such as `jira`, or `slack:NAME` for a handoff webhook). Machines without a
keyring backend keep it in a user-only file, `{data_dir}/secrets.json` (0600, written atomically), as
the `gh` CLI does. An API token can also come from the variable a profile names in `token_env`, and
GitHub's from the `gh` CLI. An OAuth sign-in is a JSON token set under the same entry.

All functions block (keyring backends may talk D-Bus or prompt; `gh` is a subprocess): UI callers wrap
them in `asyncio.to_thread`. Secret values never appear in reprs, logs or exceptions.
"""

from __future__ import annotations

from frontline.credentials.backend import (
    HELPDESK,
    SERVICE,
    KeyringStatus,
    entry_name,
    keyring_status,
    webhook_system,
)
from frontline.credentials.secrets_file import secrets_path
from frontline.credentials.tokens import (
    Credential,
    TokenSource,
    delete_profile_secrets,
    delete_token,
    get_token,
    get_webhook_url,
    set_token,
)
from frontline.credentials.vault import KeptTokenVault, get_oauth_tokens, oauth_vault, set_oauth_tokens

__all__ = [
    "HELPDESK",
    "SERVICE",
    "Credential",
    "KeptTokenVault",
    "KeyringStatus",
    "TokenSource",
    "delete_profile_secrets",
    "delete_token",
    "entry_name",
    "get_oauth_tokens",
    "get_token",
    "get_webhook_url",
    "keyring_status",
    "oauth_vault",
    "secrets_path",
    "set_oauth_tokens",
    "set_token",
    "webhook_system",
]
