"""Reusable sandbox fixtures: a server started once per session, reset to its seeded state per test.

Enable for the whole suite with one line in tests/conftest.py:

    pytest_plugins = ["sandbox_fixtures"]

then ask for `sandbox` (a `SandboxServer`, every system freshly reset) or `sandbox_server` (shared, not
reset). `sandbox_fixture(...)` builds more variants (other seed, size, systems, clock or scope).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from frontline.sandbox.server import SandboxServer


def sandbox_fixture(
    name: str = "sandbox_server", *, scope: str = "session", **server_options: Any
) -> Callable[..., Any]:
    """A pytest fixture named `name` that runs one `SandboxServer(**server_options)` for `scope`."""

    @pytest.fixture(scope=scope, name=name)  # type: ignore[call-overload]
    def _server() -> Iterator[SandboxServer]:
        with SandboxServer(**server_options) as server:
            yield server

    return _server


def reset_all(server: SandboxServer) -> SandboxServer:
    """Seeded state, no faults, empty request logs and the original token, on every system."""
    for name in server.systems:
        server.runtime(name).reset()
    return server


sandbox_server = sandbox_fixture()


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    """The shared sandbox, reset before the test."""
    return reset_all(sandbox_server)
