"""GitHub's token from the `gh` CLI, for people already signed in there (`gh auth token`).

Used only after the keyring, the secrets file and the profile's variable had nothing. Any failure (no
`gh`, not signed in to that host, too slow) is an answer of None with the reason, never an exception;
the token itself never appears in a reason.
"""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlsplit

DEFAULT_HOST = "github.com"
TIMEOUT_SECONDS = 5.0
GITHUB_KINDS = frozenset({"github"})


def gh_host(host: str | None) -> str:
    """The host `gh` knows: github.com by default; a base URL is reduced to its host, and the public
    API's `api.github.com` (or a GHES `https://HOST/api/v3`) to the host people sign in to."""
    text = (host or "").strip()
    if not text:
        return DEFAULT_HOST
    name = urlsplit(text if "://" in text else f"https://{text}").hostname or DEFAULT_HOST
    return DEFAULT_HOST if name in ("api.github.com", "www.github.com") else name


def gh_token(host: str | None = None) -> tuple[str | None, str]:
    """`gh auth token --hostname HOST`'s token, or None; and a reason or note fit for a person."""
    hostname = gh_host(host)
    executable = shutil.which("gh")
    if executable is None:
        return None, "the gh CLI is not installed"
    try:
        result = subprocess.run(
            [executable, "auth", "token", "--hostname", hostname],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, f"the gh CLI did not answer within {TIMEOUT_SECONDS:g} s"
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return None, f"the gh CLI could not be run ({type(exc).__name__})"
    token = result.stdout.strip() if isinstance(result.stdout, str) else ""
    if result.returncode != 0 or not token or any(c.isspace() or not c.isprintable() for c in token):
        return None, f"the gh CLI has no token for {hostname}"
    return token, f"from the gh CLI ({hostname})"
