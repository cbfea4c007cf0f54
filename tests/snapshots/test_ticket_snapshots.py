"""Pictures of the ticket screen, the composer (public and internal) and the review step.

Fixed clock, seeded fake helpdesk, UTC display time. Regenerate on purpose with
`.venv/bin/pytest tests/snapshots/test_ticket_snapshots.py --snapshot-update` and review the diff.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support.fake_helpdesk import FakeHelpdesk
from support.ticket_app import TicketApp
from textual.pilot import Pilot
from textual.widgets import TextArea

from frontline.domain.models import Attachment

SIZE = (120, 40)
SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def utc_display(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in local time; pin it so pictures match on every machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def hostile_ticket_app() -> TicketApp:
    helpdesk = FakeHelpdesk()
    first = helpdesk.comments["1004"][0]
    helpdesk.comments["1004"][0] = first.model_copy(
        update={
            "attachments": (
                Attachment(id="a1", file_name="screenshot.png", content_type="image/png", size=183_211),
                Attachment(id="a2", file_name="[red]trace[/].log", content_type=None, size=None),
            )
        }
    )
    return TicketApp(helpdesk, ticket_id="1004")


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False


def type_in(key: str, text: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
        await pilot.press(*text)
        await settle(pilot)

    return run_before


def test_ticket_screen(snap_compare: SnapCompare) -> None:
    assert snap_compare(hostile_ticket_app(), terminal_size=SIZE, run_before=settle)


def test_composer_public_reply(snap_compare: SnapCompare) -> None:
    assert snap_compare(hostile_ticket_app(), terminal_size=SIZE, run_before=type_in("r", "Hi, on it."))


def test_composer_internal_note(snap_compare: SnapCompare) -> None:
    assert snap_compare(hostile_ticket_app(), terminal_size=SIZE, run_before=type_in("n", "Cache again?"))


def test_review_step(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await type_in("r", "Fixed in 2.3, please retry.")(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("down", "down", "down", "down", "enter")  # the picker: keep, open … solved
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()  # the review modal waits for an answer: no waiting on workers here

    assert snap_compare(hostile_ticket_app(), terminal_size=SIZE, run_before=run_before)
