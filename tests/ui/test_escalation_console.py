"""`E` in the console with an in-memory tracker: the form, its preview and similar bugs, filing once, the
draft, an already escalated ticket, and the bug shown on the ticket and in the queue."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support.apps import make_app
from support.fake_helpdesk import FakeHelpdesk
from support.fake_tracker import FakeTracker
from support.pilot import settle
from support.ticket_app import TicketApp
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TextArea

from frontline.domain.escalation import Bug, BugReport, EscalationFields, TicketRef
from frontline.errors import ValidationFailed
from frontline.services.escalation import Escalations, Target
from frontline.ui.app import FrontlineApp
from frontline.ui.screens import escalate
from frontline.ui.screens.escalate import EscalationScreen
from frontline.ui.screens.escalated import ExistingBugScreen
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.escalation_form import ReportPreview, SimilarBugs
from frontline.ui.widgets.queue_list import QueueList

ENG = Target(name="eng", kind="jira", display_name="Jira", project="ENG", labels=("from-support",))
SIZE = (160, 48)


@pytest.fixture(autouse=True)
def quick_search(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The similar-bugs search waits for a pause in typing; tests need no pause that long."""
    monkeypatch.setattr(escalate, "SIMILAR_DEBOUNCE_SECONDS", 0.01)
    yield


def escalating(app: FrontlineApp, tracker: FakeTracker, *targets: Target) -> FrontlineApp:
    """Give the app's profile escalation targets, all on `tracker`."""
    session = app.session
    session.escalations = Escalations(
        session.desk,
        targets or (ENG,),
        lambda target: tracker,
        session.escalation_records,
        helpdesk_kind="zendesk",
        helpdesk_url="https://acme.zendesk.com",
        clock=session.clock,
    )
    return app


def notifications(app: FrontlineApp) -> list[str]:
    return [n.message for n in app._notifications]


def header(app: FrontlineApp) -> str:
    return str(app.screen.query_one("#ticket-header", Static).render())


def preview(app: FrontlineApp) -> str:
    return app.screen.query_one(ReportPreview).text


def notice(app: FrontlineApp) -> str:
    return str(app.screen.query_one("#escalate-notice", Static).render())


async def open_form(pilot: Pilot[None]) -> EscalationScreen:
    await settle(pilot)
    await pilot.press("E")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, EscalationScreen)
    return form


async def bug_for_another_ticket(tracker: FakeTracker, title: str) -> str:
    """A bug already in the tracker, filed from another ticket; returns its key."""
    other = TicketRef(helpdesk="zendesk", site="acme", ticket_id="999")
    bug = await tracker.create_bug(BugReport(title=title, body="", ticket=other, labels=(other.label,)))
    tracker.creates = 0
    return bug.key


async def test_e_files_one_bug_shown_on_the_ticket_and_in_the_queue() -> None:
    tracker = FakeTracker()
    app = escalating(make_app(), tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue_list = app.screen.query_one(QueueList)
        position = queue_list.model.position_of("1000")
        assert position is not None
        queue_list.move_cursor(position)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and "Linked bug none" in header(app)

        form = await open_form(pilot)
        assert form.query_one("#escalate-summary", Input).value == "Cannot log in after password reset"
        assert "Title:  Cannot log in after password reset (ZD #1000)" in preview(app)
        steps = form.query_one("#escalate-steps", TextArea)
        steps.focus()
        await pilot.press(*"Reset the password")
        await settle(pilot)
        assert "## Steps to reproduce\n\nReset the password" in preview(app)
        assert "Labels: from-support, zd-acme-1000" in preview(app)

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert tracker.creates == 1
        [(_, report)] = tracker.bugs.values()
        assert "Reset the password" in report.body
        assert any(m.startswith("Filed ENG-1 in eng") for m in notifications(app))
        assert isinstance(app.screen, TicketScreen)
        assert "Linked bug ENG-1 · To Do" in header(app)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        queue_list = app.screen.query_one(QueueList)
        position = queue_list.model.position_of("1000")
        assert position is not None
        row = queue_list.rows.row(queue_list.model, position, -1, app.clock(), SIZE[0])  # no preview pane
        assert "ENG-1" in row.text

        await pilot.press("E")  # the queue's E, on the same ticket: already escalated, nothing filed
        await settle(pilot)
        assert isinstance(app.screen, ExistingBugScreen)
        assert tracker.creates == 1


async def test_escape_keeps_the_form_as_a_draft_restored_by_the_next_e(tmp_path: Path) -> None:
    tracker = FakeTracker()
    app = escalating(TicketApp(data_dir=tmp_path), tracker)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#escalate-expected", TextArea).text = "The new password works"
        form.query_one("#escalate-severity", Input).value = "S2"
        await settle(pilot)
        await pilot.pause(escalate.AUTOSAVE_SECONDS + 0.2)
        escalations = app.session.escalations
        assert escalations is not None
        saved = escalations.repository.load_form("test", "1000")
        assert saved is not None and saved[1].expected == "The new password works"  # before escape

        form.query_one("#escalate-actual", TextArea).text = "Login says the password is wrong"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and tracker.creates == 0
        banner = str(app.screen.query_one("#ticket-draft", Static).render())
        assert "An escalation form is kept for this ticket. Press E to continue it." in banner

        form = await open_form(pilot)
        assert form.query_one("#escalate-expected", TextArea).text == "The new password works"
        assert form.query_one("#escalate-actual", TextArea).text == "Login says the password is wrong"
        assert form.query_one("#escalate-severity", Input).value == "S2"
        assert "Your draft of this escalation is back" in notice(app)

    restarted = escalating(TicketApp(data_dir=tmp_path), tracker)  # as after a kill -9
    async with restarted.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        assert form.query_one("#escalate-actual", TextArea).text == "Login says the password is wrong"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert tracker.creates == 1
        escalations = restarted.session.escalations
        assert escalations is not None and escalations.repository.load_form("test", "1000") is None


async def test_e_on_an_escalated_ticket_adds_context_and_files_nothing() -> None:
    tracker = FakeTracker()
    app = escalating(TicketApp(), tracker)
    async with app.run_test(size=SIZE) as pilot:
        escalations = app.session.escalations
        assert escalations is not None
        await escalations.escalate("1000", EscalationFields())
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExistingBugScreen)
        shown = str(dialog.query_one("#existing-bug", Static).render())
        assert "ENG-1 · To Do" in shown and "https://acme.atlassian.net/browse/ENG-1" in shown

        await pilot.press("ctrl+s")  # nothing new written yet: nothing is sent
        await settle(pilot)
        assert tracker.comments == []
        await pilot.press(*"Also fails on mobile")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        [(key, body)] = tracker.comments
        assert key == "ENG-1" and "Also fails on mobile" in body and "#1000" in body
        assert tracker.creates == 1
        assert any("Added the new context to ENG-1" in m for m in notifications(app))


async def test_a_bug_the_tracker_already_has_for_the_ticket_is_shown_not_filed_again() -> None:
    tracker = FakeTracker()
    ref = TicketRef(helpdesk="zendesk", site="acme", ticket_id="1000")
    await tracker.create_bug(BugReport(title="Filed elsewhere", body="", ticket=ref, labels=(ref.label,)))
    app = escalating(TicketApp(), tracker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, ExistingBugScreen)
        await pilot.press(*"More logs attached")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [key for key, _ in tracker.comments] == ["ENG-1"] and tracker.creates == 1
        assert "ENG-1" in header(app)  # recorded here now


async def test_link_to_a_similar_bug_instead_of_filing() -> None:
    tracker = FakeTracker()
    key = await bug_for_another_ticket(tracker, "Password reset breaks login for SSO users")
    app = escalating(TicketApp(), tracker)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        similar = form.query_one(SimilarBugs)
        assert [bug.key for bug in similar.bugs] == [key]
        assert tracker.searches[-1] == "Cannot log in after password reset"
        option_list = similar.query_one(OptionList)
        assert "Password reset breaks login for SSO users" in str(option_list.get_option_at_index(0).prompt)
        option_list.focus()
        option_list.highlighted = 0
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert tracker.creates == 0
        assert (key, "frontline:zendesk:acme:ticket:1000") in tracker.links
        assert any(m.startswith(f"Linked #1000 to {key} in eng") for m in notifications(app))
        assert isinstance(app.screen, TicketScreen) and key in header(app)


async def test_similar_bugs_follow_the_summary_as_it_is_typed() -> None:
    tracker = FakeTracker()
    await bug_for_another_ticket(tracker, "Webhook storm")
    app = escalating(TicketApp(), tracker)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        assert form.query_one(SimilarBugs).bugs == []
        summary = form.query_one("#escalate-summary", Input)
        summary.value = ""
        summary.focus()
        await pilot.press(*"webhook")
        await settle(pilot)
        assert [bug.title for bug in form.query_one(SimilarBugs).bugs] == ["Webhook storm"]
        assert tracker.searches[-1] == "webhook"
        assert "Title:  webhook (ZD #1000)" in preview(app)


class RequiredFieldTracker(FakeTracker):
    """A Jira project with a required field frontline cannot fill."""

    async def create_bug(self, report: BugReport) -> Bug:
        raise ValidationFailed(
            "Jira project ENG requires Team on a new Bug, and frontline has no value for it.",
            details={"customfield_10010": ["Team is required."]},
        )


async def test_a_required_field_refused_by_the_tracker_keeps_the_form() -> None:
    tracker = RequiredFieldTracker()
    app = escalating(TicketApp(), tracker)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#escalate-steps", TextArea).text = "Reset, then log in"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and not form.filing and not form.form.disabled
        told = notice(app)
        assert "Jira refused the bug" in told and "Team is required." in told and "ctrl+s" in told
        assert form.query_one("#escalate-steps", TextArea).text == "Reset, then log in"
        assert tracker.bugs == {}


async def test_a_lost_create_is_told_honestly() -> None:
    tracker = FakeTracker(lose_next_create=True, hide_lost=True)
    app = escalating(TicketApp(), tracker)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "escalating again will not file a second one" in notice(app)
        assert any("not sure it was filed" in (n.title or "") for n in app._notifications)


async def test_no_targets_says_so_and_opens_no_form() -> None:
    app = TicketApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        [told] = [n for n in app._notifications if n.title == "Nowhere to escalate"]
        assert "[[profiles.test.escalation]]" in told.message


async def test_ticket_text_stays_plain_in_the_form() -> None:
    app = escalating(TicketApp(FakeHelpdesk(), ticket_id="1004"), FakeTracker())
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        title = str(form.query_one("#escalate-title", Static).render())
        assert "[bold red]URGENT[/] red please help" in title
        assert "Title:  [bold red]URGENT[/] red please help (ZD #1004)" in preview(app)
        assert "\x1b" not in preview(app)


async def test_the_header_reads_the_bug_status_when_the_ticket_opens() -> None:
    tracker = FakeTracker()
    app = escalating(TicketApp(), tracker)
    async with app.run_test(size=SIZE) as pilot:
        escalations = app.session.escalations
        assert escalations is not None
        await escalations.escalate("1000", EscalationFields())
        tracker.set_status("ENG-1", "In Progress")
        app.bug_links.reload()
        await pilot.press("R")
        await settle(pilot)
        assert "Linked bug ENG-1 · In Progress" in header(app)


async def test_e_on_the_queue_opens_the_form_for_the_highlighted_ticket() -> None:
    app = escalating(make_app(), FakeTracker())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        highlighted = app.screen.query_one(QueueList).highlighted_ticket_id
        form = await open_form(pilot)
        assert form.ticket_id == highlighted
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


@dataclass
class SlowTracker(FakeTracker):
    """Holds every create until the test opens `gate`, like a tracker still saving the issue."""

    gate: asyncio.Event = field(default_factory=asyncio.Event)

    async def create_bug(self, report: BugReport) -> Bug:
        await self.gate.wait()
        return await super().create_bug(report)


async def test_leaving_the_form_while_filing_never_cancels_it() -> None:
    tracker = SlowTracker()
    app = escalating(TicketApp(), tracker)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.filing and "Filing in eng" in notice(app)
        await pilot.press("ctrl+s")  # a second press while filing files nothing more
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen)
        await pilot.press("E")  # nor does E while it is in flight
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen)
        tracker.gate.set()
        await settle(pilot)
        assert tracker.creates == 1
        assert any(m.startswith("Filed ENG-1 in eng") for m in notifications(app))
        assert "ENG-1" in header(app)
        escalations = app.session.escalations
        assert escalations is not None and escalations.repository.load_form("test", "1000") is None


async def test_ctrl_l_outside_the_list_only_moves_to_it() -> None:
    tracker = FakeTracker()
    await bug_for_another_ticket(tracker, "Password reset breaks login")
    app = escalating(TicketApp(), tracker)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press("ctrl+l")  # typing in the summary: nothing is linked yet
        await settle(pilot)
        assert tracker.links == [] and app.screen is form
        assert form.query_one(SimilarBugs).query_one(OptionList).has_focus
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert tracker.links == [("ENG-1", "frontline:zendesk:acme:ticket:1000")] and tracker.creates == 0
