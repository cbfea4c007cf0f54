"""Waiting on the app's workers in pilot tests, instead of sleeping."""

from __future__ import annotations

import contextlib
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

MODAL_GROUPS = frozenset({"composer-ui", "ticket-ui", "bulk-ui"})
"""Workers in these groups wait for a modal screen's answer, which the test gives next."""


async def settle(pilot: Pilot[Any], *, rounds: int = 100) -> None:
    """Wait until no I/O worker runs; exclusive workers may cancel and start one another on the way."""
    for _ in range(rounds):
        await pilot.pause()
        busy = [w for w in pilot.app.workers if w.is_running and w.group not in MODAL_GROUPS]
        if not busy:
            return
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete(busy)
    raise AssertionError(f"workers did not settle: {list(pilot.app.workers)}")
