"""Issue 9's secrets check: a session with a known fake token, against a server that echoes credentials,
leaves the token in no file, log, snapshot, output, notification or exception message.

The sandbox Zendesk and JSM run in process (`httpx.ASGITransport`) behind `EchoingProxy`, which copies the
request's `Authorization` header, the `user:token` pair and the bare token into response headers, reason
phrases and every error body (JSON in each vendor's shape, or plain text), and forces 401, 403, 404, 422,
429 and 500 answers on demand. Sessions are built by the composition root from a profile whose token comes
from an environment variable; the CLI runs through `frontline.cli.main --debug`, the console through
Textual's pilot with the debug log on.
"""

from __future__ import annotations

import asyncio
import base64
import json
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.pilot import settle

from frontline import bootstrap, debug_log, locations
from frontline.cli import main
from frontline.config import load_settings
from frontline.connectors.http import ApiClient
from frontline.errors import FrontlineError
from frontline.sandbox.context import SANDBOX_EMAIL
from frontline.sandbox.control import build_app
from frontline.sandbox.server import SandboxServer
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.ticket import TicketScreen

TOKEN = "tok-LEAK-7f3a9c"
TOKEN_ENV = "LEAK_TEST_TOKEN"
BASE_URLS = {"zendesk": "https://acme.zendesk.test", "jsm": "https://acme.atlassian.test"}
_BODY_HEADERS = {"content-length", "content-encoding", "transfer-encoding"}


def login_of(kind: str) -> str:
    """What the connector puts before the token in its Basic credentials."""
    return f"{SANDBOX_EMAIL}/token" if kind == "zendesk" else SANDBOX_EMAIL


def needles(kind: str) -> list[str]:
    """Every form of the token that must never be stored or shown."""
    pair = f"{login_of(kind)}:{TOKEN}"
    encoded = base64.b64encode(pair.encode()).decode()
    return [TOKEN, "LEAK-7f3a", pair, encoded, encoded[-12:], f"Basic {encoded}", f"Bearer {TOKEN}"]


@dataclass
class Rule:
    method: str
    path: str
    status: int
    count: int = 1_000_000


@dataclass
class EchoingProxy(httpx.AsyncBaseTransport):
    """The sandbox behind a careless proxy that repeats the credentials it was sent everywhere it can."""

    inner: httpx.AsyncBaseTransport
    rules: list[Rule] = field(default_factory=list)
    crash: bool = False
    echoed: int = 0

    def force(self, status: int, path: str = "*", method: str = "*", count: int = 1_000_000) -> None:
        self.rules.append(Rule(method, path, status, count))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sent = request.headers.get("authorization", "")
        pair = _decoded(sent)
        if self.crash:  # a bug below the connector: an exception that is not ours, quoting the request
            raise RuntimeError(f"proxy crashed on {request.url.path} with {sent} ({pair})")
        self.echoed += 1
        echo = [("X-Echo-Authorization", sent), ("Set-Cookie", f"sid={TOKEN}"), ("X-Debug", pair)]
        status = self._forced(request)
        if status is None:
            response = await self.inner.handle_async_request(request)
            content = await response.aread()
            if response.status_code < 400:
                headers = [
                    (k, v) for k, v in response.headers.multi_items() if k.lower() not in _BODY_HEADERS
                ]
                return httpx.Response(response.status_code, headers=headers + echo, content=content)
            status = response.status_code
        said = f"You sent Authorization: {sent}, that is {pair}; token {TOKEN}"
        reason = {"extensions": {"reason_phrase": f"Rejected {TOKEN}".encode()}}
        if status in (404, 500):  # plain text, as a proxy or a crashed app server answers
            return httpx.Response(status, headers=echo, text=said, **reason)  # type: ignore[arg-type]
        body = {
            "error": said,
            "description": said,
            "details": {"base": [{"description": said}], "comment": [{"description": pair}]},
            "errorMessage": said,
            "errorMessages": [said, sent],
            "errors": {"comment": said, "summary": TOKEN},
            "message": said,
        }
        retry = [("Retry-After", "0")] if status == 429 else []
        return httpx.Response(status, headers=echo + retry, json=body, **reason)  # type: ignore[arg-type]

    def _forced(self, request: httpx.Request) -> int | None:
        for rule in self.rules:
            method_ok = rule.method in ("*", request.method)
            if rule.count > 0 and method_ok and fnmatchcase(request.url.path, rule.path):
                rule.count -= 1
                return rule.status
        return None


async def _no_wait(seconds: float) -> None:
    return None


def _decoded(header: str) -> str:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return value
    return base64.b64decode(value).decode()


@pytest.fixture(scope="module")
def sandbox() -> SandboxServer:
    """The fake vendors, never started: their ASGI apps are called in process."""
    server = SandboxServer(tickets=40, systems=("zendesk", "jsm"))
    for name in server.systems:
        server.system(name).context.token = TOKEN
    return server


@pytest.fixture(params=["zendesk", "jsm"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def proxy(kind: str, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[EchoingProxy]:
    """A profile reading its token from the environment, and every session built over the proxy."""
    sandbox.runtime(kind).reset()
    sandbox.system(kind).context.token = TOKEN
    locations.config_file().parent.mkdir(parents=True, exist_ok=True)
    locations.config_file().write_text(
        f'[profiles.leak.helpdesk]\nkind = "{kind}"\nauth = "api_token"\nbase_url = "{BASE_URLS[kind]}"\n'
        f'email = "{SANDBOX_EMAIL}"\ntoken_env = "{TOKEN_ENV}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setitem(ApiClient.__init__.__kwdefaults__, "sleep", _no_wait)  # retried 5xx reads: no pause
    transport = EchoingProxy(httpx.ASGITransport(app=build_app(sandbox.runtime(kind))))
    monkeypatch.setattr(bootstrap, "open_session", partial(bootstrap.open_session, transport=transport))
    yield transport


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--debug", "--profile", "leak", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_clean(kind: str, where: str, text: str) -> None:
    for needle in needles(kind):
        assert needle not in text, f"{needle!r} leaked into {where}"


def assert_no_file_holds_the_token(kind: str, root: Path) -> list[Path]:
    files = [p for p in root.rglob("*") if p.is_file()]
    for path in files:
        data = path.read_bytes()
        for needle in needles(kind):
            assert needle.encode() not in data, f"{needle!r} leaked into {path}"
    return files


def test_the_cli_never_prints_logs_or_stores_the_token(
    kind: str, proxy: EchoingProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy.force(429, count=1)  # one throttled request, waited out (Retry-After: 0)
    code, out, err = run_cli(capsys, "queue", "--json")
    assert code == 0, err
    tickets = [t["id"] for t in json.loads(out)["tickets"]]
    first, second, third = tickets[:3]
    outputs = [out, err]

    def attempt(expected: set[int], *argv: str) -> str:
        code, out, err = run_cli(capsys, *argv)
        assert code in expected, (argv, code, out, err)
        outputs.extend([out, err])
        return out + err

    attempt({0}, "show", first)
    body = tmp_path / "reply.txt"
    body.write_text("Thanks, looking into it.", encoding="utf-8")

    proxy.force(403, path=f"*{second}*", method="GET")
    assert "403" in attempt({1}, "show", second)
    assert "404" in attempt({1}, "show", "99999" if kind == "zendesk" else "SD-99999")
    proxy.force(422, method="PUT")
    proxy.force(422, method="POST")
    assert "[redacted]" in attempt({1}, "reply", first, "--public", "--body-file", str(body))
    proxy.rules.clear()
    proxy.force(500, method="PUT")
    proxy.force(500, method="POST")
    attempt({1, 3, 4}, "reply", third, "--internal", "--body-file", str(body))
    proxy.rules.clear()
    proxy.force(401)
    doctor = attempt({1}, "doctor")
    assert "401" in doctor and "[redacted]" in doctor

    assert proxy.echoed > 8
    for index, text in enumerate(outputs):
        assert_clean(kind, f"output #{index}", text)
    log = locations.data_dir() / debug_log.DEBUG_LOG
    logged = log.read_text(encoding="utf-8")
    assert " -> 200 OK in " in logged and " -> 403 " in logged and " -> 401 " in logged
    assert "gave up: AuthError" in logged and "throttled (429)" in logged
    assert "'x-echo-authorization': '[redacted]'" in logged
    files = assert_no_file_holds_the_token(kind, tmp_path)
    assert log in files and any(p.suffix == ".sqlite3" for p in files), files


def test_exceptions_from_the_connector_never_quote_the_token(kind: str, proxy: EchoingProxy) -> None:
    async def collect() -> list[FrontlineError]:
        session = bootstrap.open_session(load_settings(), "leak")
        helpdesk = session.helpdesk
        errors: list[FrontlineError] = []
        views = await helpdesk.list_views()
        page = await helpdesk.list_view_tickets(views[0].id)
        ticket_id = page.items[0].id
        for status in (401, 403, 404, 422, 500):
            proxy.rules.clear()
            proxy.force(status)
            for call in (helpdesk.whoami(), helpdesk.get_ticket(ticket_id)):
                try:
                    await call
                except FrontlineError as error:
                    errors.append(error)
        await session.aclose()
        return errors

    errors = asyncio.run(collect())
    assert len(errors) == 10
    for error in errors:
        shown = " ".join(
            [str(error), repr(error), error.title, "".join(traceback.format_exception(error))]
            + [" ".join(m) for m in getattr(error, "details", {}).values()]
        )
        assert_clean(kind, type(error).__name__, shown)


async def test_the_console_never_shows_logs_or_stores_the_token(
    kind: str, proxy: EchoingProxy, tmp_path: Path
) -> None:
    session = bootstrap.open_session(load_settings(), "leak")
    app = FrontlineApp(session)
    shown: list[str] = []
    notify = app.notify

    def recording_notify(message: str, **kwargs: Any) -> None:
        shown.append(f"{kwargs.get('title', '')} {message}")
        notify(message, **kwargs)

    app.notify = recording_notify  # type: ignore[method-assign]
    with debug_log.debug_logging(True, command="console"):
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, TicketScreen)
            for status in (403, 401):
                proxy.rules.clear()
                proxy.force(status)
                await pilot.press("R")
                await settle(pilot)
            proxy.crash = True
            await pilot.press("R")
            await settle(pilot)
            screenshot = app.export_screenshot()
            notifications = [f"{n.title} {n.message}" for n in app._notifications]
            await pilot.press("q")
    assert any("403" in text for text in shown) and any("401" in text for text in shown), shown
    assert any("RuntimeError" in text and "[redacted]" in text for text in shown), shown
    for index, text in enumerate([*shown, *notifications, screenshot]):
        assert_clean(kind, f"console text #{index}", text)
    errors_log = locations.data_dir() / "errors.log"
    assert "RuntimeError: proxy crashed" in errors_log.read_text(encoding="utf-8")
    logged = (locations.data_dir() / debug_log.DEBUG_LOG).read_text(encoding="utf-8")
    assert " -> 401 " in logged and "uncaught worker error" in logged
    assert_no_file_holds_the_token(kind, tmp_path)
