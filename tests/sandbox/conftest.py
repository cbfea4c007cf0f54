"""Fixtures for the sandbox's own tests: one Zendesk-only server on a fixed clock, and the spec checker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sandbox_fixtures import reset_all, sandbox_fixture
from zendesk_spec import ZendeskSpec

from frontline.domain.clock import fixed_clock
from frontline.sandbox.server import SandboxServer

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)

zd_server = sandbox_fixture("zd_server", systems=("zendesk",), seed=7, tickets=300, clock=fixed_clock(NOW))


@pytest.fixture
def zd(zd_server: SandboxServer) -> SandboxServer:
    """The Zendesk-only sandbox, reset to its seeded state."""
    return reset_all(zd_server)


@pytest.fixture
def client(zd: SandboxServer) -> Iterator[httpx.Client]:
    """An authenticated client on the Zendesk base URL."""
    auth = httpx.BasicAuth(f"{zd.email}/token", zd.token)
    with httpx.Client(base_url=zd.urls["zendesk"], auth=auth, timeout=10) as http:
        yield http


@pytest.fixture
def control(zd: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{zd.urls['zendesk']}/__sandbox__", timeout=10) as http:
        yield http


@pytest.fixture(scope="session")
def zendesk_spec() -> ZendeskSpec:
    return ZendeskSpec.load()
