"""A one-shot web server on 127.0.0.1 that receives the browser's OAuth redirect.

A terminal app has no web address of its own; OAuth for native apps (RFC 8252 §7.3) sends the browser
back to a loopback address where the app listens for exactly one request. It binds before the browser
is sent off (a port in use fails at once, not after the person has approved), answers with a short page,
never echoes what it received, and logs nothing (the query carries the authorization code).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Generic, TypeVar
from urllib.parse import parse_qsl, urlsplit

from frontline.errors import AuthError, ConfigError, FrontlineError

T = TypeVar("T")

LOOPBACK = "127.0.0.1"
"""IPv4 loopback, as registered in the redirect URL: `localhost` may resolve to ::1 first."""

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>frontline</title></head>
<body style="font-family: sans-serif; margin: 3em"><h1>{title}</h1><p>{text}</p></body></html>"""


class RedirectListener(Generic[T]):
    """Listens on `127.0.0.1:{port}` for one request to `path` and hands its query to `accept`.

    `accept` returns the result (say the authorization code) or raises a `FrontlineError` (a wrong
    state, a refusal); either way that first request is the only one taken. Use it in a `with` block:
    the port is bound on entering and released on leaving.
    """

    def __init__(self, port: int, path: str, accept: Callable[[dict[str, str]], T]) -> None:
        self.port = port
        self.path = path
        self._accept = accept
        self._done = threading.Event()
        self._taking = threading.Lock()
        self._result: T | None = None
        self._error: FrontlineError | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def redirect_uri(self) -> str:
        return f"http://{LOOPBACK}:{self.port}{self.path}"

    def __enter__(self) -> RedirectListener[T]:
        try:
            server = ThreadingHTTPServer((LOOPBACK, self.port), _handler(self))
        except OSError as error:
            raise ConfigError(
                f"Cannot listen on {LOOPBACK}:{self.port} for the sign-in ({error.strerror or error}): "
                "another program (or another `frontline login`) uses that port. Close it and try again, "
                "or sign in with --paste."
            ) from None
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wait(self, timeout: float) -> T:
        """The result of the one request, once it came (Ctrl-C raises `KeyboardInterrupt` meanwhile).

        Raises:
            FrontlineError: what `accept` raised for that request.
            AuthError: no request within `timeout` seconds.
        """
        if not self._done.wait(timeout):
            minutes = f"{timeout / 60:g} minutes" if timeout >= 60 else f"{timeout:g} seconds"
            raise AuthError(f"No answer from the browser within {minutes}; nothing was stored.")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def _receive(self, target: str) -> tuple[int, str, str]:
        """Status, title and text for one request; only the first one to `path` is accepted."""
        parts = urlsplit(target)
        if parts.path != self.path:
            return 404, "Not found", "This address belongs to a frontline sign-in; nothing is here."
        if self._done.is_set():
            return 409, "Already answered", "This sign-in has already had its answer; return to the terminal."
        try:
            self._result = self._accept(dict(parse_qsl(parts.query, keep_blank_values=True)))
        except FrontlineError as error:
            self._error = error
            self._done.set()
            return 400, "Sign-in failed", f"{error.message} Return to the terminal."
        self._done.set()
        return (
            200,
            "Signed in",
            "frontline has your sign-in. You can close this tab and return to the terminal.",
        )


def _handler(listener: RedirectListener[T]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = 10  # a browser's idle speculative connection must not hold a thread for long
        server_version = "frontline"
        sys_version = ""

        def do_GET(self) -> None:
            status, title, text = listener._receive(self.path)
            body = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Referrer-Policy", "no-referrer")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Silent: the request line holds the authorization code."""

    return Handler
