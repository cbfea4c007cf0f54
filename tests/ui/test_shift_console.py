"""The shift in the console: the status bar's shift clock from the journal, tickets opened, `h` handoff
notes (kept, and posted once as an internal note), and `H` the handoff: previewed as plain text, saved,
copied, and published once to the sandbox's Slack webhook over loopback HTTP."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sandbox_fixtures import reset_all, sandbox_fixture
from support.apps import make_app
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from support.pilot import settle
from support.sandbox_control import control_client
from support.ticket_app import TicketApp
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, OptionList, Static, TextArea

from frontline.bootstrap import attach_publisher
from frontline.config import HandoffDestination, HandoffSettings
from frontline.domain.handoff_render import render_markdown
from frontline.domain.handoff_text import render_text
from frontline.domain.ports import HelpdeskCapabilities
from frontline.domain.shift import JournalEntry, JournalKind, WritePurpose
from frontline.errors import StoreError
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.slack import webhook_path
from frontline.ui.app import FrontlineApp
from frontline.ui.commands import FrontlineCommands, action_commands, shift_commands
from frontline.ui.screens.handoff import HandoffScreen
from frontline.ui.screens.handoff_note import HandoffNoteScreen
from frontline.ui.screens.help import help_rows
from frontline.ui.screens.pickers import ChoiceScreen, ConfirmScreen
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.queue_list import QueueList
from frontline.ui.widgets.status_bar import StatusBar

SIZE = (140, 40)
HOSTILE = (
    "[b]bold[/b] <!channel> \x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07 [link=https://evil.example]x[/link]"
)

slack_server = sandbox_fixture("slack_server", systems=("slack",))


@pytest.fixture
def slack(slack_server: SandboxServer) -> SandboxServer:
    assert "slack" in slack_server.urls, slack_server.skipped
    return reset_all(slack_server)


@pytest.fixture
def slack_control(slack: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(slack, "slack") as client:
        yield client


@dataclass
class NoNotesHelpdesk(FakeHelpdesk):
    """A helpdesk without internal notes: the dialog offers no "also post"."""

    capabilities = HelpdeskCapabilities(internal_notes=False, sla=True)


def journal(app: FrontlineApp) -> list[JournalEntry]:
    return app.session.journal().entries("test")


def notifications(app: FrontlineApp) -> list[str]:
    return [n.message for n in app._notifications]


def bar_text(app: FrontlineApp) -> str:
    """The queue's status bar, wherever the queue is in the stack."""
    [bar] = [bar for screen in app.screen_stack for bar in screen.query(StatusBar)]
    bar.tick()
    return bar.text


def notice(app: FrontlineApp) -> str:
    return str(app.screen.query_one("#handoff-notice", Static).render())


def publishing_to_slack(app: FrontlineApp, slack: SandboxServer, *names: str) -> FrontlineApp:
    """Handoff destinations on the sandbox's Slack webhook (one per name)."""
    url = f"{slack.urls['slack']}{webhook_path(slack.token)}"
    destinations = [HandoffDestination(name=name, kind="slack") for name in names or ("team-slack",)]
    attach_publisher(app.session, HandoffSettings(destinations=destinations), webhook_url=lambda _d: url)
    return app


async def highlight(pilot: Pilot[None], ticket_id: str) -> None:
    await settle(pilot)
    queue_list = pilot.app.screen.query_one(QueueList)
    position = queue_list.model.position_of(ticket_id)
    assert position is not None
    queue_list.move_cursor(position)


async def open_handoff(pilot: Pilot[None]) -> HandoffScreen:
    await settle(pilot)
    await pilot.press("H")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HandoffScreen)
    return screen


# Shift clock


async def test_the_status_bar_counts_from_the_stored_shift_start_across_restarts(tmp_path: Path) -> None:
    app = make_app(data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "off shift" in bar_text(app) and app.shift_started_at is None

    for restart in range(2):
        app = make_app(data_dir=tmp_path)
        if restart == 0:
            app.session.journal().start("test", FIXED_NOW - timedelta(hours=2), by="command")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.shift_started_at == FIXED_NOW - timedelta(hours=2)
            text = bar_text(app)
            assert "shift 2h00m" in text and "off shift" not in text


async def test_the_shift_clock_starts_with_the_first_thing_done(tmp_path: Path) -> None:
    app = make_app(data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "1000")
        await pilot.press("enter")  # opening a ticket is the day's first action: a shift starts
        await settle(pilot)
        assert app.shift_started_at == FIXED_NOW
        assert "shift <1m" in bar_text(app)


# Opened


async def test_opening_a_ticket_records_it_once_per_open(tmp_path: Path) -> None:
    app = TicketApp(data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")  # a reload is not another open
        await settle(pilot)
        [opened] = journal(app)
        assert (opened.kind, opened.ticket_id) == (JournalKind.OPENED, "1000")
        assert opened.subject == "Cannot log in after password reset"


async def test_a_journal_that_fails_is_a_warning_and_the_ticket_still_shows(tmp_path: Path) -> None:
    app = TicketApp(data_dir=tmp_path)

    def broken(_ticket: object) -> JournalEntry:
        raise StoreError("The local database is locked.")

    app.session.shift.opened = broken  # type: ignore[method-assign,assignment]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.thread is not None
        [warning] = [n for n in app._notifications if n.title == "Shift journal"]
        assert warning.severity == "warning" and "locked" in warning.message


# h: handoff notes


async def test_h_on_the_queue_keeps_a_note_in_the_journal(tmp_path: Path) -> None:
    helpdesk = FakeHelpdesk()
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "1001")
        await pilot.press("h")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, HandoffNoteScreen)
        title = str(dialog.query_one(".dialog-title", Static).render())
        assert title == "Handoff note on #1001: Invoice shows wrong VAT"

        await pilot.press("enter")  # nothing typed: nothing saved, the dialog stays
        await settle(pilot)
        assert app.screen is dialog and journal(app) == []
        assert "nothing was saved" in str(dialog.query_one("#handoff-note-notice", Static).render())

        await pilot.press(*"Customer calls back at 3pm")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        [note] = journal(app)
        assert (note.kind, note.ticket_id) == (JournalKind.NOTE, "1001")
        assert note.text == "Customer calls back at 3pm"
        assert note.subject == "Invoice shows wrong VAT"
        assert helpdesk.updates == []  # kept locally only
        assert "Handoff note saved on #1001." in notifications(app)
        assert app.shift_started_at == FIXED_NOW


async def test_h_also_posting_sends_one_internal_note_through_the_outbox(tmp_path: Path) -> None:
    app = TicketApp(data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandoffNoteScreen)
        await pilot.press(*"Waiting on eng for the cache fix")
        await pilot.press("tab", "space")
        assert app.screen.query_one(Checkbox).value is True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        [(ticket_id, update)] = app.helpdesk.updates
        assert ticket_id == "1000" and update.comment is not None
        assert update.comment.public is False
        assert update.comment.body == "Handoff note: Waiting on eng for the cache fix"
        lines = journal(app)
        assert [line.kind for line in lines] == [JournalKind.OPENED, JournalKind.NOTE, JournalKind.WRITE]
        assert lines[2].purpose is WritePurpose.HANDOFF_NOTE
        assert "Handoff note posted on #1000 as an internal note." in notifications(app)
        cards = app.helpdesk.comments["1000"]
        assert cards[-1].body == "Handoff note: Waiting on eng for the cache fix"


async def test_h_from_the_queue_can_post_too_reading_the_ticket_first(tmp_path: Path) -> None:
    helpdesk = FakeHelpdesk()
    app = make_app(helpdesk, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "1002")
        await pilot.press("h")
        await settle(pilot)
        app.screen.query_one(Input).value = "Rollback planned at 18:00"
        app.screen.query_one(Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.press("escape")  # leaving at once never cancels the post
        await settle(pilot)
        [(ticket_id, update)] = helpdesk.updates
        assert ticket_id == "1002" and update.comment is not None and not update.comment.public


async def test_no_also_post_where_the_helpdesk_has_no_internal_notes() -> None:
    app = TicketApp(NoNotesHelpdesk())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandoffNoteScreen)
        assert list(app.screen.query(Checkbox)) == []
        await pilot.press(*"Kept locally", "enter")
        await settle(pilot)
        assert app.helpdesk.updates == []
        assert [line.kind for line in journal(app)] == [JournalKind.OPENED, JournalKind.NOTE]


async def test_help_and_the_palette_list_the_shift_keys() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = {row.binding_id: row for row in help_rows(app.screen)}
        assert rows["queue.handoff-note"].keys == "h" and rows["queue.handoff"].keys == "H"
        titles = [command.title for command in action_commands(app, app.screen)]
        assert "shift: handoff" in titles and "shift: handoff note on the highlighted ticket" in titles

    ticket_app = TicketApp()
    async with ticket_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = {row.binding_id: row for row in help_rows(ticket_app.screen)}
        assert rows["ticket.handoff-note"].keys == "h" and rows["ticket.handoff-note"].enabled


# H: the handoff


async def test_h_without_a_shift_says_so_and_offers_nothing_to_save() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_handoff(pilot)
        assert "No shift to hand off yet" in notice(app)
        assert screen.text is None
        await pilot.press("s")
        await settle(pilot)
        assert not (app.data_dir / "handoffs").exists()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_h_previews_the_handoff_as_plain_text_with_a_hostile_subject(tmp_path: Path) -> None:
    helpdesk = FakeHelpdesk()
    helpdesk.tickets["1000"] = helpdesk.tickets["1000"].replace(subject=HOSTILE)
    app = make_app(helpdesk, data_dir=tmp_path)
    app.session.shift.note("1000", "Call back at [red]3pm[/red]", subject=HOSTILE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_handoff(pilot)
        assert screen.handoff is not None and screen.text is not None
        text = app.screen.query_one(TextArea).text
        assert text == screen.text
        assert "## Counts" in text and "## Notes for the next shift" in text
        assert "#1000" in text and "Call back at" in text and "3pm" in text
        assert "bold" in text and "\x1b" not in text and "\x07" not in text
        painted = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        # Shown literally: no console markup applied, no escape sequence passed on.
        assert "[b]bold[/b] <!channel> red [link=" in painted
        assert "[red]3pm[/red]" in painted
        assert "Shift handoff · test · as of 2026-11-23 09:00 UTC" in painted


async def test_s_saves_a_private_file_j_its_json_and_c_copies(tmp_path: Path) -> None:
    app = make_app(data_dir=tmp_path)
    app.session.shift.note("1000", "Watch the cache", subject="Cannot log in after password reset")
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign,assignment]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_handoff(pilot)
        await pilot.press("s", "j", "c")
        await settle(pilot)
        saved = tmp_path / "handoffs" / "handoff-20261123T0900Z.md"
        assert screen.handoff is not None
        assert saved.read_text(encoding="utf-8") == render_markdown(screen.handoff)
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        data = json.loads(saved.with_suffix(".json").read_text(encoding="utf-8"))
        assert data["notes"][0]["text"] == "Watch the cache"
        assert copied == [screen.text]
        assert [p.name for p in saved.parent.iterdir() if p.name.startswith(".")] == []  # no temporaries
        assert any(str(saved) in message for message in notifications(app))


async def test_p_without_destinations_says_how_to_add_one(tmp_path: Path) -> None:
    app = make_app(data_dir=tmp_path)
    app.session.shift.note("1000", "Watch the cache")
    async with app.run_test(size=SIZE) as pilot:
        await open_handoff(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert "[[profiles.test.handoff.destinations]]" in notice(app)


async def test_p_publishes_once_to_slack_and_again_says_already_published(
    tmp_path: Path, slack: SandboxServer, slack_control: httpx.Client
) -> None:
    helpdesk = FakeHelpdesk()
    helpdesk.tickets["1000"] = helpdesk.tickets["1000"].replace(subject=HOSTILE)
    app = publishing_to_slack(make_app(helpdesk, data_dir=tmp_path), slack)
    app.session.shift.note("1000", "Call back at 3pm", subject=HOSTILE)
    async with app.run_test(size=SIZE) as pilot:
        await open_handoff(pilot)
        await pilot.press("p")
        await settle(pilot)
        [post] = slack_control.get("/slack/posts").json()
        assert "Call back at 3pm" in post["text"] and "Counts" in post["text"]
        assert "<!channel>" not in post["text"] and "\x1b" not in post["text"]
        assert "Published the handoff to team-slack." in notice(app)
        assert app.shift_started_at is None  # publishing ended the shift
        assert "off shift" in bar_text(app)

        await pilot.press("p")
        await settle(pilot)
        assert len(slack_control.get("/slack/posts").json()) == 1
        assert "Already published to team-slack" in notice(app)


async def test_several_destinations_are_picked_from_a_list(
    tmp_path: Path, slack: SandboxServer, slack_control: httpx.Client
) -> None:
    app = publishing_to_slack(make_app(data_dir=tmp_path), slack, "team-slack", "ops-slack")
    app.session.shift.note("1000", "Call back at 3pm")
    async with app.run_test(size=SIZE) as pilot:
        await open_handoff(pilot)
        await pilot.press("p")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ChoiceScreen)
        options = picker.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == ["team-slack — Slack (team-slack)", "ops-slack — Slack (ops-slack)"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HandoffScreen)
        assert len(slack_control.get("/slack/posts").json()) == 1
        assert "Published the handoff to ops-slack." in notice(app)


async def test_a_lost_slack_answer_is_asked_about_and_posted_again_only_on_yes(
    tmp_path: Path, slack: SandboxServer, slack_control: httpx.Client
) -> None:
    app = publishing_to_slack(make_app(data_dir=tmp_path), slack)
    app.session.shift.note("1000", "Call back at 3pm")
    slack_control.post("/slack/errors", json={"error": "rollup_error", "count": 1}).raise_for_status()
    async with app.run_test(size=SIZE) as pilot:
        await open_handoff(pilot)
        await pilot.press("p")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert "again anyway" in question.question and "Slack" in question.detail
        assert slack_control.get("/slack/posts").json() == []

        await pilot.press("n")  # not now: nothing is posted, and p asks again
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert len(slack_control.get("/slack/posts").json()) == 1
        assert isinstance(app.screen, HandoffScreen)
        assert "Published the handoff to team-slack." in notice(app)


async def test_the_previous_shifts_handoff_is_offered_on_start_as_published(tmp_path: Path) -> None:
    earlier = make_app(data_dir=tmp_path)
    shift_log = earlier.session.shift
    shift_log.note("1004", "Refund approved, tell the customer", subject=HOSTILE)
    handoff = await earlier.session.handoff.write()
    shift = shift_log.current()
    assert shift is not None
    earlier.session.journal().save_handoff(shift.id, json.dumps(handoff.as_json(), sort_keys=True))
    shift_log.end()
    await earlier.session.aclose()

    app = make_app(data_dir=tmp_path)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign,assignment]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("previous shift left a handoff" in message for message in notifications(app))
        [command] = shift_commands(app)
        assert command.title == "shift: previous handoff"
        command.run()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HandoffScreen)
        assert screen.query_one(TextArea).text == render_text(handoff)  # as it was published
        assert "Refund approved" in screen.query_one(TextArea).text
        await pilot.press("p", "s")  # a kept handoff is read and copied, not published again
        await settle(pilot)
        assert app.screen is screen and not (tmp_path / "handoffs").exists()
        await pilot.press("c")
        assert copied == [render_text(handoff)]


async def test_no_previous_handoff_no_offer() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shift_commands(app) == [] and app.previous_handoff is None
        provider = FrontlineCommands(app.screen)
        await provider.startup()
        assert "shift: previous handoff" not in [command.title for command in provider.commands]
