"""`frontline --debug`: a rotating, private log of every request, with no credential and no reply text."""

from __future__ import annotations

import logging
import stat
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from frontline import debug_log, locations
from frontline.cli import main
from frontline.connectors import http_log
from frontline.connectors.http import ApiClient
from frontline.errors import ValidationFailed
from frontline.redaction import remember_secrets

TOKEN = "tok-DEBUG-4c2b1a"
Handler = Callable[[httpx.Request], httpx.Response]


def log_file() -> Path:
    return locations.data_dir() / debug_log.DEBUG_LOG


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def client_for(answers: list[httpx.Response], sleeps: list[float] | None = None) -> ApiClient:
    def handle(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    async def sleep(seconds: float) -> None:
        (sleeps if sleeps is not None else []).append(seconds)

    return ApiClient(
        "https://acme.example.com",
        service="Acme",
        auth=httpx.BasicAuth("ada@acme.test/token", TOKEN),
        transport=httpx.MockTransport(handle),
        sleep=sleep,
    )


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [(True, None, True), (False, None, False), (False, "1", True), (False, "yes", True), (False, "0", False)],
)
def test_the_flag_or_the_environment_turns_it_on(flag: bool, env: str | None, expected: bool) -> None:
    environ = {} if env is None else {debug_log.ENV_VAR: env}
    assert debug_log.wanted(flag, environ) is expected


async def test_without_debug_nothing_is_written_or_even_formatted(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(*args: object, **kwargs: object) -> dict[str, str]:
        raise AssertionError("headers were formatted for a log nobody reads")

    monkeypatch.setattr(http_log, "redact_headers", must_not_run)
    with debug_log.debug_logging(False, command="queue") as path:
        assert path is None
        assert not logging.getLogger("frontline.http").isEnabledFor(logging.DEBUG)
        client = client_for([httpx.Response(200, json={"ok": True})])
        assert await client.get_json("/api/v2/x") == {"ok": True}
        await client.aclose()
    assert not log_file().exists()


async def test_every_exchange_and_decision_is_logged_without_secrets_or_bodies() -> None:
    echoed = f"Authorization: Basic {TOKEN}; token={TOKEN}"
    sleeps: list[float] = []
    answers = [
        httpx.Response(200, json={}, headers={"X-Echo": echoed, "Set-Cookie": f"sid={TOKEN}"}),
        httpx.Response(503),
        httpx.Response(200, json={}),
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(422, json={"message": f"bad request from {TOKEN}"}),
    ]
    with debug_log.debug_logging(True, command="test") as path:
        assert path == log_file()
        client = client_for(answers, sleeps)
        await client.get_json(f"/api/v2/views?access_token={TOKEN}&page=2")
        await client.get_json("/api/v2/tickets/1")
        with pytest.raises(ValidationFailed):
            await client.send_json("PUT", "/api/v2/tickets/1", {"comment": {"body": "CUSTOMER-WORDS"}})
        await client.aclose()
    text = log_file().read_text(encoding="utf-8")
    assert sleeps == [1.0, 3.0]
    assert "frontline" in text.splitlines()[0] and ": test" in text.splitlines()[0]
    assert "GET https://acme.example.com/api/v2/views?access_token=[redacted]&page=2 -> 200 OK in " in text
    assert "GET https://acme.example.com/api/v2/tickets/1 -> 503 Service Unavailable" in text
    assert "GET /api/v2/tickets/1: answered 503; retry 1 in 1.0 s" in text
    assert "PUT /api/v2/tickets/1: throttled (429); retry 1 in 3.0 s" in text
    assert "PUT https://acme.example.com/api/v2/tickets/1 -> 422" in text
    assert "request body: " in text and "bytes (not logged)" in text
    assert "PUT /api/v2/tickets/1: gave up: ValidationFailed: Acme refused the request (422)" in text
    assert "'authorization': '[redacted]'" in text and "'set-cookie': '[redacted]'" in text
    assert "'x-echo': 'Authorization: [redacted]" in text
    assert TOKEN not in text
    assert "CUSTOMER-WORDS" not in text


async def test_a_request_without_an_answer_is_logged_with_its_time() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect to https://acme.example.com/?token={TOKEN}")

    async def no_wait(seconds: float) -> None:
        return None

    client = ApiClient(
        "https://acme.example.com",
        service="Acme",
        transport=httpx.MockTransport(refuse),
        sleep=no_wait,
        max_retries=1,
    )
    with debug_log.debug_logging(True, command="test"):
        with pytest.raises(Exception, match="Cannot reach Acme"):
            await client.get_json("/x")
        await client.aclose()
    text = log_file().read_text(encoding="utf-8")
    assert "GET https://acme.example.com/x -> no answer after " in text
    assert "connection refused or DNS failure (ConnectError)" in text
    assert "GET /x: no answer (connection refused or DNS failure); retry 1 in 1.0 s" in text
    assert "gave up: NotDelivered" in text
    assert TOKEN not in text


def test_messages_arguments_and_tracebacks_are_redacted() -> None:
    secret = "sekrit-value-0451"
    remember_secrets([secret])
    logger = logging.getLogger("frontline.test")
    with debug_log.debug_logging(True, command="test"):
        logger.debug("args: %s and %r", secret, {"Authorization": "Bearer abcdef0123456789"})
        logger.debug("bad format %s %s", secret)  # a broken call must not lose the redaction
        try:
            raise RuntimeError(f"the proxy said {secret}")
        except RuntimeError:
            logger.exception("failed while holding %s", "nothing")
    text = log_file().read_text(encoding="utf-8")
    assert "args: [redacted]" in text
    assert "abcdef0123456789" not in text
    assert "RuntimeError: the proxy said [redacted]" in text
    assert secret not in text


def test_the_file_is_private_rotates_and_keeps_three_old_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    path = log_file()
    path.parent.mkdir(parents=True)
    path.write_text("an older, world-readable log\n")
    path.chmod(0o644)
    monkeypatch.setattr(debug_log, "MAX_BYTES", 2_000)
    logger = logging.getLogger("frontline.test")
    with debug_log.debug_logging(True, command="test"):
        assert mode_of(path) == 0o600
        for line in range(400):
            logger.debug("line %d %s", line, "x" * 40)
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == [debug_log.DEBUG_LOG] + [f"{debug_log.DEBUG_LOG}.{n}" for n in (1, 2, 3)]
    for name in files:
        assert mode_of(path.parent / name) == 0o600
        assert (path.parent / name).stat().st_size <= 2_000
    assert "line 399" in path.read_text(encoding="utf-8")


def test_leaving_the_block_detaches_the_log() -> None:
    logger = logging.getLogger("frontline")
    with debug_log.debug_logging(True, command="test"):
        assert logger.handlers and not logger.propagate
        logging.getLogger("frontline.test").debug("inside")
    logging.getLogger("frontline.test").debug("after")
    assert logger.handlers == [] and logger.propagate and logger.level == logging.NOTSET
    text = log_file().read_text(encoding="utf-8")
    assert "inside" in text and "after" not in text


@pytest.mark.parametrize(
    "argv", [["--debug", "doctor"], ["doctor", "--debug"], ["queue", "--debug", "--json"]]
)
def test_main_takes_the_flag_before_or_after_the_command(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(argv)
    assert code == 2  # no profile is configured: the command fails as usual, and the log says so
    err = capsys.readouterr().err
    assert f"debug log in {log_file()}" in err
    assert f": {argv[0] if argv[0] != '--debug' else argv[1]}" in log_file().read_text(encoding="utf-8")
    assert not logging.getLogger("frontline").handlers


def test_the_environment_variable_turns_it_on_for_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["doctor"])
    assert not log_file().exists()
    monkeypatch.setenv(debug_log.ENV_VAR, "1")
    main(["doctor"])
    assert log_file().exists()
    assert "debug log in" in capsys.readouterr().err


def test_a_log_that_cannot_be_written_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(blocker))
    assert main(["--debug", "doctor"]) == 2
    err = capsys.readouterr().err
    assert "Cannot write the debug log" in err and "Traceback" not in err
