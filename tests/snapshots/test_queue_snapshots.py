"""Pictures of the queue screen: the first view, a live filter, and refresh markers.

Fixed clock (SLA countdowns, ages and the shift clock never move), seeded fake helpdesk. Regenerate on
purpose with `.venv/bin/pytest tests/snapshots/test_queue_snapshots.py --snapshot-update` and review.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from support.apps import make_app
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from textual.pilot import Pilot
from textual.widgets import Input

from frontline.domain.models import Status

SIZE = (140, 40)
SnapCompare = Callable[..., bool]


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def test_queue_first_view(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("j", "j")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_queue_filtered_as_you_type(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*"globex")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_queue_refresh_markers_sorted_by_priority(snap_compare: SnapCompare) -> None:
    helpdesk = FakeHelpdesk()

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        changed = helpdesk.tickets["1004"]
        helpdesk.tickets["1004"] = changed.replace(updated_at=FIXED_NOW - timedelta(minutes=2))
        newcomer = helpdesk.tickets["1000"].replace(
            id="2000", key="#2000", subject="Brand new: 支払い 🔥", status=Status.NEW
        )
        helpdesk.tickets["2000"] = newcomer
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("s", "up", "up", "enter")  # the sort picker: from sla up to priority
        await pilot.pause()

    assert snap_compare(make_app(helpdesk), terminal_size=SIZE, run_before=run_before)
