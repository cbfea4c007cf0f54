"""Composer flows with the in-memory helpdesk: reply, note, templates, macros, submit-as, review, drafts."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from support.fake_helpdesk import FakeHelpdesk
from support.ticket_app import TicketApp
from textual import events
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from frontline import locations
from frontline.domain.compose import SCISSORS_LINE
from frontline.domain.models import Status
from frontline.domain.ports import HelpdeskCapabilities
from frontline.store.db import Store
from frontline.store.drafts import DraftStore
from frontline.ui.commands import template_commands
from frontline.ui.screens import composer as composer_module
from frontline.ui.screens.composer import INTERNAL_BANNER, PUBLIC_BANNER, ComposerScreen
from frontline.ui.screens.pickers import ChoiceScreen, ConfirmScreen, MacroPreviewScreen
from frontline.ui.screens.review import ReviewScreen
from frontline.ui.screens.ticket import TicketScreen


def saved_drafts() -> DraftStore:
    return DraftStore(Store.open(locations.data_dir()))


def notifications(app: TicketApp) -> list[str]:
    return [n.message for n in app._notifications]


async def open_composer(app: TicketApp, pilot: Pilot[None], key: str = "r") -> ComposerScreen:
    await app.workers.wait_for_complete()
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, ComposerScreen)
    return app.screen


def banner(screen: ComposerScreen) -> str:
    return str(screen.query_one("#composer-banner", Static).render())


async def test_public_reply_review_and_send() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        assert banner(composer) == PUBLIC_BANNER
        assert composer.has_class("-public")
        await pilot.press(*"Fixed now.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert "PUBLIC REPLY: Grace Hopper will see this" in str(
            review.query_one("#review-audience", Static).render()
        )
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen)
        [(ticket_id, update)] = app.helpdesk.updates
        assert ticket_id == "1000"
        assert update.comment is not None and update.comment.body == "Fixed now." and update.comment.public
        assert update.status is None
        assert saved_drafts().load("test", "1000") is None
        assert app.screen.thread is not None and len(app.screen.thread.comments) == 3, "reloaded"
        assert any("Reply sent to #1000" in m for m in notifications(app))


async def test_internal_note_and_tab_toggle() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "n")
        assert banner(composer) == INTERNAL_BANNER and composer.has_class("-internal")
        await pilot.press(*"cache again")
        await pilot.press("tab")
        assert banner(composer) == PUBLIC_BANNER and composer.state.public
        await pilot.press("tab")
        assert banner(composer) == INTERNAL_BANNER and not composer.state.public
        assert composer.query_one(TextArea).text == "cache again", "tab never types into the text"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "only agents see this" in str(app.screen.query_one("#review-audience", Static).render())
        await pilot.press("y")
        await app.workers.wait_for_complete()
        [(_, update)] = app.helpdesk.updates
        assert update.comment is not None and update.comment.public is False


class NoNotesHelpdesk(FakeHelpdesk):
    capabilities = HelpdeskCapabilities(internal_notes=False)


async def test_tab_does_nothing_without_internal_notes() -> None:
    app = TicketApp(NoNotesHelpdesk())
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press("tab")
        assert composer.state.public and banner(composer) == PUBLIC_BANNER


async def test_template_insertion_fills_variables_and_reports_unknown_ones() -> None:
    templates = locations.templates_dir()
    templates.mkdir(parents=True)
    (templates / "greeting.md").write_text(
        "Hi {{requester_first_name}},\n\nAbout {{ticket_key}} ({{subject}}): {{shoe_size}}\n\n{{agent_name}}",
        encoding="utf-8",
    )
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = composer.query_one(TextArea).text
        assert text == (
            "Hi Grace,\n\nAbout #1000 (Cannot log in after password reset): {{shoe_size}}\n\nAda Agent"
        )
        assert any("{{shoe_size}}" in m for m in notifications(app))


async def test_no_templates_says_where_to_put_them() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_composer(app, pilot, "r")
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        assert any(str(locations.templates_dir()) in m for m in notifications(app))


async def test_macro_preview_then_apply_fills_the_composer_and_sends_nothing() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, MacroPreviewScreen)
        assert "Status → solved" in str(preview.query_one("#macro-changes", Static).render())
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is composer
        assert composer.query_one(TextArea).text == "Thanks for reaching out! Closing this now."
        assert composer.state.submit_status is Status.SOLVED
        assert "Submit as: solved" in str(composer.query_one("#composer-fields", Static).render())
        assert app.helpdesk.updates == [], "a macro changes nothing before submit"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        [(_, update)] = app.helpdesk.updates
        assert update.status is Status.SOLVED and update.comment is not None


async def test_m_on_the_ticket_opens_the_macro_picker() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("m")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)


async def test_submit_as_solved() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press(*"All done.")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen), "ctrl+o opens the status picker"
        await pilot.press("down", "down", "down", "down", "enter")  # keep, open, pending, hold, solved
        await pilot.pause()
        assert composer.state.submit_status is Status.SOLVED
        assert "Submit as: solved" in str(composer.query_one("#composer-fields", Static).render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        changes = str(app.screen.query_one("#review-changes", Static).render())
        assert changes == "Status: new → solved"
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [(_, update)] = app.helpdesk.updates
        assert update.status is Status.SOLVED
        assert "solved" in str(app.screen.query_one("#ticket-header", Static).render())


async def test_review_edit_escape_and_postpone() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press("ctrl+s")
        assert any("Nothing to send" in m for m in notifications(app))
        await pilot.press(*"first")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert app.screen is composer and composer.query_one(TextArea).has_focus
        await pilot.press(*" second")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is composer
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen)
        assert app.helpdesk.updates == []
        draft = saved_drafts().load("test", "1000")
        assert draft is not None and draft.body == "first second"
        draft_banner = app.screen.query_one("#ticket-draft", Static)
        assert draft_banner.has_class("-visible")
        assert "Unsent public reply saved" in str(draft_banner.render())


async def test_conflict_keeps_the_draft_and_says_what_to_do() -> None:
    helpdesk = FakeHelpdesk(conflict_next_update=True)
    app = TicketApp(helpdesk)
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press(*"Important answer")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is composer
        assert helpdesk.updates == []
        notice = str(composer.query_one("#composer-notice", Static).render())
        assert "Not sent" in notice and "draft is kept" in notice and "R to reload" in notice
        draft = saved_drafts().load("test", "1000")
        assert draft is not None and draft.body == "Important answer"
        assert composer.query_one(TextArea).text == "Important answer"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        assert len(helpdesk.updates) == 1
        assert saved_drafts().load("test", "1000") is None


async def test_draft_is_restored_in_a_fresh_app() -> None:
    first = TicketApp()
    async with first.run_test(size=(120, 40)) as pilot:
        await open_composer(first, pilot, "n")
        await pilot.press(*"half a thought")
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("down", "enter")  # open
        await pilot.pause()
        # The app goes away with the composer open: unmount flushes the draft.
    second = TicketApp()
    async with second.run_test(size=(120, 40)) as pilot:
        await second.workers.wait_for_complete()
        await pilot.pause()
        assert "Unsent internal note" in str(second.screen.query_one("#ticket-draft", Static).render())
        composer = await open_composer(second, pilot, "n")
        assert composer.query_one(TextArea).text == "half a thought"
        assert composer.state.public is False, "a restored note stays a note"
        assert composer.state.submit_status is Status.OPEN
        notice = str(composer.query_one("#composer-notice", Static).render())
        assert notice.startswith("Restored draft from ")


async def test_discard_asks_first() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press(*"keep me?")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is composer and composer.query_one(TextArea).text == "keep me?"
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen)
        assert saved_drafts().load("test", "1000") is None
        assert not app.screen.query_one("#ticket-draft", Static).has_class("-visible")


async def test_blank_composer_closes_without_asking() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_composer(app, pilot, "r")
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TicketScreen)


@pytest.fixture
def fake_editor(tmp_path: Path) -> Path:
    """An "editor" that writes a line above the draft and junk at the end, and keeps what it saw."""
    script = tmp_path / "fake-editor.sh"
    script.write_text(
        "#!/bin/sh\n"
        'cp "$1" "$(dirname "$0")/seen.txt"\n'
        '{ printf "From the editor\\n"; cat "$1"; printf "junk below the scissors\\n"; } > "$1.new"\n'
        'mv "$1.new" "$1"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


async def test_editor_round_trip(fake_editor: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", str(fake_editor))
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press(*"typed first")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert composer.query_one(TextArea).text == "From the editor\ntyped first"
        seen = (fake_editor.parent / "seen.txt").read_text(encoding="utf-8")
        assert seen.startswith("typed first\n")
        assert SCISSORS_LINE in seen and "# > Hello, cannot log in after password reset." in seen
        draft = saved_drafts().load("test", "1000")
        assert draft is not None and draft.body == "From the editor\ntyped first"


async def test_missing_editor_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press(*"kept")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert composer.query_one(TextArea).text == "kept"
        assert any("Could not start the editor" in m for m in notifications(app))


async def test_a_template_from_the_palette_goes_on_a_line_of_its_own() -> None:
    templates = locations.templates_dir()
    templates.mkdir(parents=True)
    (templates / "thanks.md").write_text("Thanks, {{requester_first_name}}!", encoding="utf-8")
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press(*"Fixed.")
        (template,) = [c for c in template_commands(app) if c.title == "template: thanks"]
        template.run()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert composer.query_one(TextArea).text == "Fixed.\nThanks, Grace!"


@pytest.fixture
def slow_autosave(monkeypatch: pytest.MonkeyPatch) -> None:
    """The debounce timer never fires during the test: whatever is on disk was saved at once."""
    monkeypatch.setattr(composer_module, "AUTOSAVE_SECONDS", 3600)


def saved_body() -> str | None:
    draft = saved_drafts().load("test", "1000")
    return draft.body if draft is not None else None


@pytest.mark.usefixtures("slow_autosave")
async def test_a_paste_is_saved_at_once() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press(*"Hi ")
        await pilot.pause()
        assert saved_body() is None, "typing waits for the timer"
        app.post_message(events.Paste("see KB-12"))
        await pilot.pause()
        assert composer.query_one(TextArea).text == "Hi see KB-12"
        assert saved_body() == "Hi see KB-12"
        composer.query_one(TextArea).insert("\n" + "a long template paragraph " * 3)
        await pilot.pause()
        assert saved_body() == composer.query_one(TextArea).text, "a large insertion is saved at once"


@pytest.mark.usefixtures("slow_autosave")
async def test_losing_focus_saves_at_once() -> None:
    app = TicketApp()
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await open_composer(app, pilot, "r")
        await pilot.press(*"half")
        await pilot.pause()
        assert saved_body() is None
        app.post_message(events.AppBlur())
        await pilot.pause()
        assert saved_body() == "half", "the terminal lost focus"
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert composer.query_one(TextArea).has_focus
        await pilot.press(*" done")
        composer.query_one(TextArea).blur()
        await pilot.pause()
        assert saved_body() == "half done", "the body lost focus"
        composer.query_one(TextArea).focus()
        await pilot.press(*"!")
        app.app_suspend_signal.publish(app)
        assert saved_body() == "half done!", "saved before the terminal is handed over"
