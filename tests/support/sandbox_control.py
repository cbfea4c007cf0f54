"""Driving a running sandbox from tests: its control routes and a sleep that only records."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from frontline.sandbox.server import SandboxServer


@contextmanager
def control_client(server: SandboxServer, system: str) -> Iterator[httpx.Client]:
    """A client on `system`'s `/__sandbox__` routes.

    No faults or recorded requests before the test; the seeded state again after it.
    """
    with httpx.Client(base_url=f"{server.urls[system]}/__sandbox__", timeout=10) as client:
        client.delete("/faults")
        client.delete("/requests")
        yield client
        client.delete("/faults")
        client.post("/reset").raise_for_status()


class SleepRecorder:
    """Stands in for `asyncio.sleep` in the HTTP client: records each delay instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
