"""Pictures of the queue's split layout at 80x24 (pane hidden, then under the list), 160x45 (beside the
list) and 240x60 (beside it, a larger share).

Fixed clock, seeded fake helpdesk, UTC display time; the preview is read when the test says so (the
debounce never fires by itself). Regenerate on purpose with
`.venv/bin/pytest tests/snapshots/test_layout_snapshots.py --snapshot-update` and review the pictures.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support.apps import make_app
from textual.pilot import Pilot
from textual.widgets import Input

from frontline.ui.widgets import preview_pane
from frontline.ui.widgets.preview_pane import PreviewPane

SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def deterministic_preview(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times in UTC on every machine; the conversation is read only when the test flushes it."""
    monkeypatch.setattr(preview_pane, "DEBOUNCE_SECONDS", 3600.0)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def preview_after(*keys: str) -> Callable[[Pilot[Any]], Any]:
    """Press `keys` on the loaded queue, then let the cursor rest so the pane reads its ticket."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        await pilot.pause()
        pilot.app.screen.query_one(PreviewPane).flush()
        await settle(pilot)

    return run_before


def test_layout_80x24_pane_hidden_by_default(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=preview_after("j"))


def test_layout_80x24_pane_under_the_list(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=preview_after("v", "j"))


def test_layout_160x45_pane_beside_the_list(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=preview_after("j"))


def test_layout_240x60_pane_wider(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=(240, 60), run_before=preview_after("j", "j"))
