"""The server runs each system on its own port, skips missing systems, and the CLI serves until stopped."""

from __future__ import annotations

import argparse
import ast
import io
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

import frontline.sandbox
from frontline.sandbox import cli, registry
from frontline.sandbox.server import SandboxServer


def _free_port_block(size: int) -> int:
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            start = probe.getsockname()[1]
        if start + size < 65535 and all(_is_free(start + i) for i in range(size)):
            return start
    pytest.skip("no block of free ports")


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_fixed_port_gives_consecutive_ports_in_systems_order() -> None:
    port = _free_port_block(2)
    with SandboxServer(systems=("zendesk", "nope"), port=port, tickets=20) as server:
        assert server.urls == {"zendesk": f"http://127.0.0.1:{port}"}
        assert "unknown sandbox system 'nope'" in server.skipped["nope"]
        info = httpx.get(f"{server.urls['zendesk']}/__sandbox__/").json()
        assert info["system"] == "zendesk" and "/__sandbox__/faults" in info["control"]


def test_missing_module_is_skipped_with_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.SYSTEMS, "ghost", "frontline.sandbox.ghost_system:Ghost")
    with pytest.raises(registry.SystemUnavailable, match="not available"):
        registry.load_system("ghost")
    server = SandboxServer(systems=("ghost",))
    assert server.systems == [] and "ghost" in server.skipped


def test_every_registered_system_answers_its_control_route() -> None:
    with SandboxServer(tickets=20, faults="latency:ms=1") as server:
        assert server.systems
        for name, url in server.urls.items():
            faults = httpx.get(f"{url}/__sandbox__/faults").json()
            assert faults["rules"][0]["mode"] == "latency", name


def test_stop_releases_a_hanging_timeout_fault() -> None:
    server = SandboxServer(systems=("zendesk",), tickets=20, faults="timeout:seconds=30")
    server.start()
    errors: list[BaseException] = []

    def hang() -> None:
        try:
            httpx.get(
                f"{server.urls['zendesk']}/api/v2/views",
                auth=(f"{server.email}/token", server.token),
                timeout=60,
            )
        except httpx.HTTPError as exc:
            errors.append(exc)

    caller = threading.Thread(target=hang)
    caller.start()
    while not server.runtime("zendesk").log.select():
        time.sleep(0.01)
    started = time.monotonic()
    server.stop()
    caller.join(10)
    assert not caller.is_alive() and errors
    assert time.monotonic() - started < 10


def test_cli_prints_urls_and_credentials_then_stops() -> None:
    parser = argparse.ArgumentParser(epilog=cli.EPILOG)
    cli.add_arguments(parser)
    args = parser.parse_args(["--systems", "zendesk", "--tickets", "30", "--seed", "3"])
    stop, out = threading.Event(), io.StringIO()
    result: list[int] = []
    runner = threading.Thread(target=lambda: result.append(cli.run(args, stop=stop, out=out)))
    runner.start()
    deadline = time.monotonic() + 10
    while "Ctrl-C" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    text = out.getvalue()
    url = next(word for word in text.split() if word.startswith("http://127.0.0.1:"))
    assert (
        httpx.get(f"{url}/api/v2/views", auth=("agent@sandbox.example/token", "sandbox-token")).status_code
        == 200
    )
    stop.set()
    runner.join(10)
    assert result == [0]
    assert "Zendesk Support" in text and "agent@sandbox.example" in text and "sandbox-token" in text


def test_cli_rejects_a_bad_fault_spec(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    assert cli.run(parser.parse_args(["--faults", "teapot"])) == 2
    assert "bad --faults" in capsys.readouterr().err


def test_help_documents_credentials_control_and_faults() -> None:
    for needle in (
        "curl -u agent@sandbox.example/token:sandbox-token",
        "/__sandbox__/faults",
        "drop_after_commit",
    ):
        assert needle in cli.EPILOG


def test_the_sandbox_imports_nothing_from_the_product() -> None:
    root = Path(frontline.sandbox.__file__).parent
    product_imports = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            product_imports += [
                f"{path.relative_to(root)}: {name}"
                for name in names
                if name.startswith("frontline") and not name.startswith("frontline.sandbox")
            ]
    assert product_imports == []


def test_the_cli_module_loads_no_web_stack() -> None:
    """`frontline --help` imports it to describe `frontline sandbox`; it must stay cheap."""
    code = (
        "import sys, frontline.sandbox.cli\n"
        "heavy = ('starlette', 'uvicorn', 'httpx', 'pydantic')\n"
        "loaded = [m for m, module in sys.modules.items() if module is not None]  # None: blocked\n"
        "print(','.join(sorted(m for m in loaded if m.split('.')[0] in heavy)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
