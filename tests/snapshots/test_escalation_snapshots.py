"""Pictures of escalation: the form (fields, similar bugs, the preview) on a ticket with hostile text, and
the dialog for a ticket already escalated.

Fixed clock, seeded fake helpdesk, an in-memory tracker, UTC display time. Regenerate on purpose with
`.venv/bin/pytest tests/snapshots/test_escalation_snapshots.py --snapshot-update` and review the diff.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support.fake_tracker import FakeTracker
from support.ticket_app import TicketApp
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from frontline.domain.escalation import BugReport, EscalationFields, TicketRef
from frontline.services.escalation import Escalations, Target
from frontline.ui.screens import escalate

SIZE = (140, 42)
ENG = Target(name="eng", kind="jira", display_name="Jira", project="ENG", labels=("from-support",))
SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """UTC display time, and no pause before the similar-bugs search."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(escalate, "SIMILAR_DEBOUNCE_SECONDS", 0.0)
    yield
    monkeypatch.undo()
    time.tzset()


def escalating_app(ticket_id: str) -> tuple[TicketApp, FakeTracker]:
    tracker = FakeTracker()
    app = TicketApp(ticket_id=ticket_id)
    session = app.session
    session.escalations = Escalations(
        session.desk,
        [ENG],
        lambda target: tracker,
        session.escalation_records,
        helpdesk_kind="zendesk",
        helpdesk_url="https://acme.zendesk.com",
        clock=session.clock,
    )
    return app, tracker


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False


def test_escalation_form(snap_compare: SnapCompare) -> None:
    app, tracker = escalating_app("1004")

    async def run_before(pilot: Pilot[Any]) -> None:
        other = TicketRef(helpdesk="zendesk", site="acme", ticket_id="999")
        for title in ("URGENT: red banner on checkout", "Please help: [b]export[/b] is empty"):
            await tracker.create_bug(BugReport(title=title, body="", ticket=other, labels=(other.label,)))
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        steps = pilot.app.screen.query_one("#escalate-steps", TextArea)
        steps.text = "1. Open the checkout\n2. Look at the banner"
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_already_escalated_dialog(snap_compare: SnapCompare) -> None:
    app, tracker = escalating_app("1000")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        escalations = app.session.escalations
        assert escalations is not None
        await escalations.escalate("1000", EscalationFields())
        tracker.set_status("ENG-1", "In Progress")
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
