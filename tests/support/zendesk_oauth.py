"""Signing in to the sandbox's Zendesk with OAuth from tests: a profile, a scripted browser, the CLI.

The browser is httpx: it fetches the authorization URL and follows Zendesk's 302 to frontline's loopback
listener, as a real one would, optionally tampering with the redirect on the way.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from frontline import locations
from frontline.cli import build_parser
from frontline.sandbox.context import SANDBOX_OAUTH_CLIENT_ID
from frontline.sandbox.server import SandboxServer

PROFILE = "acme"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_profile(sandbox: SandboxServer, port: int, extra: str = "") -> Path:
    """The config file with profile `acme`: Zendesk on the sandbox, OAuth (the default) with its client."""
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[profiles.{PROFILE}.helpdesk]\nkind = "zendesk"\nbase_url = "{sandbox.urls["zendesk"]}"\n'
        f'client_id = "{SANDBOX_OAUTH_CLIENT_ID}"\nredirect_port = {port}\n{extra}',
        encoding="utf-8",
    )
    return path


def with_query(url: str, **changes: str | None) -> str:
    """`url` with query parameters replaced (None removes one)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


class Browser:
    """Opens the authorization URL the way a person's browser would, in a thread (login blocks).

    `tamper` rewrites the redirect Zendesk answered with before it is followed to the listener. `login`
    returns once the listener has answered, which can be before this thread has read that answer, so the
    results (`redirects`, `pages`, `errors`) wait for the visits to finish.
    """

    def __init__(self, tamper: Callable[[str], str] | None = None) -> None:
        self.tamper = tamper or (lambda url: url)
        self.opened: list[str] = []
        self._redirects: list[str] = []
        self._pages: list[httpx.Response] = []
        self._errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []

    @property
    def redirects(self) -> list[str]:
        self.join()
        return self._redirects

    @property
    def pages(self) -> list[httpx.Response]:
        self.join()
        return self._pages

    @property
    def errors(self) -> list[BaseException]:
        self.join()
        return self._errors

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        thread = threading.Thread(target=self._visit, args=(url,), daemon=True)
        self._threads.append(thread)
        thread.start()
        return True

    def redirect_for(self, url: str) -> str:
        """Where Zendesk sends the browser for `url` (its 302 `Location`), not followed."""
        answer = httpx.get(url, follow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=10)

    def _visit(self, url: str) -> None:
        try:
            target = self.tamper(self.redirect_for(url))
            self._redirects.append(target)
            self._pages.append(httpx.get(target, timeout=10))
        except BaseException as error:  # reported by the test, which asserts on `errors`
            self._errors.append(error)


def run_login(*argv: str, stdin: io.StringIO | None = None) -> tuple[int, str, str]:
    """`frontline login ARGV...` as the CLI parses it; returns (exit code, out, err)."""
    args = build_parser().parse_args(["login", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = args.handler(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def sandbox_oauth(sandbox: SandboxServer) -> dict[str, object]:
    """The fake Zendesk's OAuth counters (`GET /__sandbox__/oauth/state`)."""
    answer = httpx.get(f"{sandbox.urls['zendesk']}/__sandbox__/oauth/state", timeout=10)
    answer.raise_for_status()
    state: dict[str, object] = answer.json()
    return state


def control(sandbox: SandboxServer, path: str, body: object | None = None) -> None:
    """POST to a Zendesk control route (`/oauth/access-ttl`, `/oauth/expire-access-tokens`, ...)."""
    url = f"{sandbox.urls['zendesk']}/__sandbox__{path}"
    httpx.post(url, json=body if body is not None else {}, timeout=10).raise_for_status()


def token_requests(sandbox: SandboxServer) -> list[dict[str, object]]:
    """What the sandbox received at `/oauth/tokens`, in order (bodies decoded)."""
    answer = httpx.get(
        f"{sandbox.urls['zendesk']}/__sandbox__/requests", params={"path": "/oauth/tokens"}, timeout=10
    )
    records: list[dict[str, object]] = answer.json()["requests"]
    return records


def api_statuses(sandbox: SandboxServer, path: str = "/api/v2/*") -> list[tuple[str, int | None]]:
    """(path, status) of each API request the sandbox received."""
    answer = httpx.get(f"{sandbox.urls['zendesk']}/__sandbox__/requests", params={"path": path}, timeout=10)
    return [(record["path"], record["status"]) for record in answer.json()["requests"]]
