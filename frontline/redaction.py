"""Credentials taken out of text before it is shown or logged.

Servers and proxies sometimes echo the request back in an error body (the `Authorization` header, a
query string with `access_token=`), and anything in an error message ends up on screen, in scripts'
output and in logs. `redact` removes what looks like a credential and every secret the caller knows
by value. Dependency-free, so the HTTP client, the CLI, the debug log and the UI's error log share it.
The one piece of state is the process's register of secrets in use (`remember_secrets`): the debug log
and the error log do not see the connectors, yet must hide every token the process has sent.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

REDACTED = "[redacted]"
"""What a removed credential reads as."""

MIN_SECRET_CHARS = 6
"""Known secrets shorter than this are not searched for: replacing every "abc" would garble the message
and a real API token is far longer."""

SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"}
)
"""Header names whose values are always hidden in logs."""

# `Authorization: Basic xyz`, `"authorization": "Bearer xyz"`, `'Authorization': 'Basic xyz'`.
_AUTH_HEADER = re.compile(
    r"""(?ix)
    (\b(?:proxy-)?authorization\b["']?\s*[:=]\s*["']?)   # the header name and its separator
    (?:(basic|bearer|token|digest|negotiate|ntlm)\s+)?     # an optional scheme, kept
    (?!\[redacted\])[^\s"',;}\]]+                         # the credential
    """
)
# A bare `Basic <base64>` or `Bearer <token>` anywhere; prose ("basic plan") is left alone by requiring
# a digit or a long run.
_SCHEME_VALUE = re.compile(
    r"(?i)\b(basic|bearer)\s+(?=[A-Za-z0-9._~+/\-]*[0-9+/=]|[A-Za-z0-9._~+/\-]{20,})[A-Za-z0-9._~+/\-]{8,}=*"
)
# `token=...`, `"access_token": "..."`, `email/token:...`, `password: ...`, `api_key=...`.
_KEYED = re.compile(
    r"""(?ix)
    (\b(?:access_token|refresh_token|id_token|api_token|api_key|apikey|client_secret|
          private_token|password|passwd|secret|token)\b["']?\s*[:=]\s*["']?)
    (?!\[redacted\])[^\s"'&,;}<>\]]{4,}
    """
)


_KNOWN: list[frozenset[str]] = [frozenset()]
"""Every secret any client of this process has used, as one frozenset replaced whole on each change, so
a log handler in another thread (the demo's sandbox) reads it without a lock. Old secrets are kept: a
token renewed mid-shift is still hidden if a server or a traceback repeats it."""
_KNOWN_LOCK = threading.Lock()


def remember_secrets(secrets: Iterable[str]) -> None:
    """Register credentials in use, so `known_secrets()` (and the logs that redact with it) hide them."""
    fresh = {s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_CHARS}
    with _KNOWN_LOCK:
        if not fresh <= _KNOWN[0]:
            _KNOWN[0] = _KNOWN[0] | fresh


def known_secrets() -> tuple[str, ...]:
    """Every secret registered with `remember_secrets` in this process, for redacting logs."""
    return tuple(_KNOWN[0])


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with credential-looking values and every known secret replaced by `[redacted]`."""
    return _redact(text, _search_forms(secrets))


def _redact(text: str, forms: Iterable[str]) -> str:
    for secret in forms:
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _AUTH_HEADER.sub(_keep_scheme, text)
    text = _SCHEME_VALUE.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return _KEYED.sub(lambda m: f"{m.group(1)}{REDACTED}", text)


def redact_json(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A decoded JSON value with every string (and object key) passed through `redact`.

    Used on error bodies before a connector reads them, so a truncated message cannot show half a
    secret. Nesting is bounded by the decoder, so recursion here is shallow.
    """
    known = tuple(_search_forms(secrets))
    return _redact_value(value, known)


def _redact_value(value: Any, known: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return _redact(value, known)
    if isinstance(value, list):
        return [_redact_value(item, known) for item in value]
    if isinstance(value, dict):
        return {_redact(str(key), known): _redact_value(item, known) for key, item in value.items()}
    return value


def redact_headers(headers: Mapping[str, str], secrets: Iterable[str] = ()) -> dict[str, str]:
    """Headers for a debug log: sensitive ones hidden entirely, the rest redacted like any text."""
    known = tuple(_search_forms(secrets))
    return {
        name: REDACTED if name.lower() in SENSITIVE_HEADERS else _redact(value, known)
        for name, value in headers.items()
    }


def basic_auth_secrets(username: str, password: str) -> tuple[str, ...]:
    """What to hide for HTTP Basic sign-in: the password, `user:password` and its base64 form."""
    pair = f"{username}:{password}"
    return password, pair, base64.b64encode(pair.encode()).decode("ascii")


def authorization_secrets(value: str) -> tuple[str, ...]:
    """What to hide for an `Authorization` value seen on the wire: the value, its credential and, for
    Basic, the decoded `user:password` and the password, whether or not the caller declared them."""
    scheme, _, credential = value.strip().partition(" ")
    credential = credential.strip()
    found = [value, credential]
    if scheme.lower() == "basic":
        try:
            pair = base64.b64decode(credential, validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            pair = ""
        found += [pair, pair.partition(":")[2]]
    return tuple(s for s in found if s)


def _search_forms(secrets: Iterable[str]) -> tuple[str, ...]:
    """Each usable secret and its URL-encoded form, longest first so a secret's parts go last."""
    forms: set[str] = set()
    for secret in secrets:
        if isinstance(secret, str) and len(secret) >= MIN_SECRET_CHARS:
            forms.add(secret)
            forms.add(quote(secret, safe=""))
    return tuple(sorted(forms, key=len, reverse=True))


def _keep_scheme(match: re.Match[str]) -> str:
    scheme = match.group(2)
    return f"{match.group(1)}{scheme + ' ' if scheme else ''}{REDACTED}"
