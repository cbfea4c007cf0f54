"""The reply composer: public reply or internal note, templates, macros, `$EDITOR`, submit-as, review, send.

Nothing leaves the machine before the review step's `y`. The draft is saved to the local database at most
half a second behind the keyboard and whenever the composer closes, and it is deleted only once the
helpdesk accepted the reply. A failed send (409 conflict, network) keeps the draft and says what to do.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from textual import work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from frontline import locations
from frontline.domain.compose import (
    ComposerState,
    Template,
    apply_macro,
    build_editor_buffer,
    build_update,
    discover_templates,
    editor_command,
    parse_editor_buffer,
    render_template,
    template_variables,
)
from frontline.domain.models import Person, Status, TicketThread, TicketUpdate
from frontline.domain.text import one_line
from frontline.errors import ConflictError, FrontlineError, WriteOutcomeUnknown
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.screens.conversation import local_time
from frontline.ui.screens.pickers import ChoiceScreen, ConfirmScreen, MacroPreviewScreen
from frontline.ui.screens.review import ReviewScreen

AUTOSAVE_SECONDS = 0.5
PUBLIC_BANNER = "PUBLIC REPLY — the customer will see this"
INTERNAL_BANNER = "Internal note — only agents see this"


class ComposerScreen(FrontlineScreen, Screen[str | None]):
    """Write one reply or note for `thread`; dismisses with "sent", "postponed", "discarded" or None.

    Args:
        thread: the ticket and conversation being answered.
        public: public reply (`r`) or internal note (`n`); a restored draft keeps its own choice.
        start_with_macro: open the macro picker right away (`m` on the ticket screen).
    """

    DEFAULT_CSS = """
    ComposerScreen #composer-banner { height: 3; content-align: center middle; text-style: bold; width: 1fr; }
    ComposerScreen.-public #composer-banner { background: $error; color: $text; }
    ComposerScreen.-internal #composer-banner { background: $warning; color: $background; }
    ComposerScreen #composer-context { padding: 0 1; color: $text-muted; height: auto; }
    ComposerScreen #composer-notice { padding: 0 1; color: $accent; height: auto; }
    ComposerScreen #composer-body { height: 1fr; }
    ComposerScreen.-public #composer-body { border: thick $error; }
    ComposerScreen.-internal #composer-body { border: dashed $warning; background: $warning 10%; }
    ComposerScreen #composer-fields { padding: 0 1; height: auto; background: $panel; }
    """

    BINDINGS = [
        Binding("ctrl+s", "review", "Review & send", id="composer.review", priority=True),
        Binding("tab", "toggle_public", "Public/internal", id="composer.toggle", priority=True),
        Binding("ctrl+e", "editor", "$EDITOR", id="composer.editor", priority=True),
        Binding("ctrl+t", "template", "Template", id="composer.template", priority=True),
        Binding("ctrl+g", "macro", "Macro", id="composer.macro", priority=True),
        Binding("ctrl+o", "cycle_submit_as", "Submit as", id="composer.submit-as", priority=True),
        Binding("escape", "close", "Close (keep draft)", id="composer.close"),
        Binding("ctrl+r", "discard", "Discard", id="composer.discard", priority=True),
    ]

    def __init__(self, thread: TicketThread, *, public: bool = True, start_with_macro: bool = False) -> None:
        super().__init__()
        self.thread = thread
        self.state = ComposerState(public=public)
        self.start_with_macro = start_with_macro
        self._save_timer: Timer | None = None
        self._dirty = False
        self._finished = False
        self._sending = False
        self.saved_at_label = ""

    @property
    def ticket_id(self) -> str:
        return self.thread.ticket.id

    @property
    def body_area(self) -> TextArea:
        return self.query_one("#composer-body", TextArea)

    def compose(self) -> ComposeResult:
        ticket = self.thread.ticket
        yield Static(id="composer-banner")
        requester = "unknown requester"
        if ticket.requester is not None:
            requester = one_line(ticket.requester.name)
            if ticket.requester.email:
                requester += f" <{one_line(ticket.requester.email)}>"
        yield Static(
            Content(f"{ticket.display_key} {one_line(ticket.subject)} · requester {requester}"),
            id="composer-context",
        )
        yield Static(id="composer-notice")
        yield TextArea(id="composer-body", soft_wrap=True, placeholder="Write here · ctrl+s to review")
        yield Static(id="composer-fields")
        yield Footer()

    def on_mount(self) -> None:
        draft = self.drafts.load(self.desk.profile_name, self.ticket_id) if self.drafts else None
        if draft is not None and not draft.is_blank():
            self.state = ComposerState(
                body=draft.body,
                public=draft.public or not self.desk.capabilities.internal_notes,
                submit_status=draft.submit_status,
                priority=draft.priority,
                assignee_id=draft.assignee_id,
                group_id=draft.group_id,
                tags_add=draft.tags_add,
                tags_remove=draft.tags_remove,
                macro_id=draft.macro_id,
            )
            self.body_area.load_text(draft.body)
            self.body_area.move_cursor(self.body_area.document.end)
            self.set_notice(f"Restored draft from {local_time(draft.saved_at)}")
        if not self.desk.capabilities.internal_notes:
            self.state.public = True
        self.show_mode()
        self.body_area.focus()
        if self.start_with_macro:
            self.action_macro()

    def on_unmount(self) -> None:
        self.flush_draft(show=False)

    # Display

    def show_mode(self) -> None:
        public = self.state.public
        self.set_class(public, "-public")
        self.set_class(not public, "-internal")
        self.query_one("#composer-banner", Static).update(
            Content(PUBLIC_BANNER if public else INTERNAL_BANNER)
        )
        self.show_fields()

    def show_fields(self) -> None:
        current = self.thread.ticket.status.label
        status = self.state.submit_status.label if self.state.submit_status else f"{current} (unchanged)"
        parts = [f"Submit as: {status}"]
        if self.state.priority is not None:
            parts.append(f"Priority → {self.state.priority.value}")
        if self.state.assignee_id is not None:
            parts.append(f"Assignee → agent {self.state.assignee_id}")
        if self.state.group_id is not None:
            parts.append(f"Group → group {one_line(self.state.group_id)}")
        if self.state.tags_add or self.state.tags_remove:
            tags = [f"+{t}" for t in self.state.tags_add] + [f"-{t}" for t in self.state.tags_remove]
            parts.append("Tags " + " ".join(one_line(t) for t in tags))
        if self.saved_at_label:
            parts.append(self.saved_at_label)
        self.query_one("#composer-fields", Static).update(Content("  ·  ".join(parts)))

    def set_notice(self, text: str) -> None:
        self.query_one("#composer-notice", Static).update(Content(text))

    # Drafts

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.state.body = event.text_area.text
        self.schedule_save()

    def schedule_save(self) -> None:
        """Save soon: at most AUTOSAVE_SECONDS behind the last change, however fast the typing."""
        self._dirty = True
        if self._save_timer is None and not self._finished:
            self._save_timer = self.set_timer(AUTOSAVE_SECONDS, self.flush_draft)

    def flush_draft(self, *, show: bool = True) -> None:
        """Write the draft now (or forget it when blank); a no-op once sent or discarded."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if not self._dirty or self._finished:
            return
        self._dirty = False
        drafts = self.drafts
        if drafts is None:
            return
        profile = self.desk.profile_name
        try:
            if self.state.is_blank():
                drafts.delete(profile, self.ticket_id)
                self.saved_at_label = ""
            else:
                saved = self.state.to_draft(profile, self.ticket_id, self.frontline.clock())
                drafts.put(saved)
                self.saved_at_label = f"Draft saved {local_time(saved.saved_at)}"
        except FrontlineError as error:
            self.frontline.report_error(error)
            return
        if show:
            self.show_fields()

    def _finish(self, result: str) -> None:
        self._finished = True
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        self.dismiss(result)

    # Actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_public":
            return self.desk.capabilities.internal_notes
        if action == "macro":
            return self.desk.capabilities.macros
        if self._sending and action in ("review", "discard", "editor", "macro", "template"):
            return None
        return True

    def action_toggle_public(self) -> None:
        self.state.public = not self.state.public
        self.show_mode()
        self.schedule_save()

    def action_cycle_submit_as(self) -> None:
        """Keep the status, then each status the helpdesk allows, in turn."""
        options: list[Status | None] = [None, *self.desk.capabilities.statuses]
        index = options.index(self.state.submit_status) if self.state.submit_status in options else 0
        self.state.submit_status = options[(index + 1) % len(options)]
        self.show_fields()
        self.schedule_save()

    def action_close(self) -> None:
        """Leave; the draft stays (restored next time the ticket's composer opens)."""
        self.flush_draft()
        if not self.state.is_blank():
            self.notify("Draft kept. It comes back when you reply to this ticket again.", timeout=4)
        self._finish("postponed" if not self.state.is_blank() else "closed")

    @work(group="composer-ui", exclusive=True, exit_on_error=False)
    async def action_discard(self) -> None:
        if not self.state.is_blank():
            confirmed = await self.app.push_screen_wait(
                ConfirmScreen(
                    "Discard this draft?", "The text and the submit-as choices are deleted for good."
                )
            )
            if not confirmed:
                return
        if self.drafts is not None:
            self.drafts.delete(self.desk.profile_name, self.ticket_id)
        self.notify("Draft discarded.", timeout=3)
        self._finish("discarded")

    @work(group="composer-ui", exclusive=True, exit_on_error=False)
    async def action_review(self) -> None:
        update = build_update(self.state, self.thread.ticket)
        if update.is_empty():
            self.notify("Nothing to send: write something or choose a status.", severity="warning", timeout=4)
            return
        self.flush_draft()
        choice = await self.app.push_screen_wait(ReviewScreen(update, self.thread.ticket))
        if choice == "send":
            self.send(update)
        elif choice == "postpone":
            self.flush_draft()
            self.notify("Draft postponed. It comes back when you reply to this ticket again.", timeout=4)
            self._finish("postponed")
        else:
            self.body_area.focus()

    @work(group="ticket-write", exclusive=False, exit_on_error=False)
    async def send(self, update: TicketUpdate) -> None:
        """The one write; the draft is deleted only after the helpdesk accepted it."""
        self._sending = True
        self.refresh_bindings()
        self.set_notice("Sending…")
        self.body_area.read_only = True
        try:
            ticket = await self.desk.submit(self.ticket_id, update)
        except FrontlineError as error:
            self._dirty = True
            self.flush_draft()
            self.frontline.report_error(error)
            self.set_notice(f"Not sent: {error.message} {self._what_to_do(error)}")
            return
        finally:
            self._sending = False
            self.body_area.read_only = False
            self.refresh_bindings()
        if self.drafts is not None:
            self.drafts.delete(self.desk.profile_name, self.ticket_id)
        kind = "Reply" if update.comment and update.comment.public else "Note"
        if update.comment is None:
            kind = "Changes"
        self.notify(f"{kind} sent to {ticket.display_key} · status {ticket.status.label}", timeout=4)
        self._finish("sent")

    @staticmethod
    def _what_to_do(error: FrontlineError) -> str:
        if isinstance(error, ConflictError):
            return (
                "Your draft is kept. Press escape, R to reload the ticket, then r to review and send again."
            )
        if isinstance(error, WriteOutcomeUnknown):
            return "Your draft is kept. Reload the ticket to check whether it arrived before sending again."
        return "Your draft is kept. Press ctrl+s to try again."

    def action_editor(self) -> None:
        """Suspend the app and edit the draft in $VISUAL/$EDITOR with the thread quoted below the scissors."""
        command = editor_command(self.frontline.settings.ui.editor, os.environ)
        buffer = build_editor_buffer(self.state.body, self.thread, public=self.state.public)
        handle, name = tempfile.mkstemp(prefix=f"frontline-{self.ticket_id}-", suffix=".md")
        path = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(buffer)
            try:
                with self.app.suspend():
                    result = subprocess.run([*command, str(path)], check=False)
            except SuspendNotSupported:
                self.notify("This terminal cannot hand over to an editor.", severity="error", timeout=6)
                return
            except OSError as error:
                self.notify(
                    f"Could not start the editor {command[0]!r}: {error.strerror or error}. "
                    "Set ui.editor in the config, or $VISUAL / $EDITOR.",
                    severity="error",
                    timeout=10,
                    markup=False,
                )
                return
            if result.returncode != 0:
                self.notify(
                    f"The editor exited with status {result.returncode}; the draft is unchanged.",
                    severity="warning",
                    timeout=6,
                )
                return
            text = parse_editor_buffer(path.read_text(encoding="utf-8", errors="replace"))
        finally:
            path.unlink(missing_ok=True)
        self.body_area.load_text(text)
        self.body_area.move_cursor(self.body_area.document.end)
        self.state.body = text
        self._dirty = True
        self.flush_draft()
        self.body_area.focus()

    @work(group="composer-ui", exclusive=True, exit_on_error=False)
    async def action_template(self) -> None:
        directory = locations.templates_dir()
        templates = discover_templates(directory)
        if not templates:
            self.notify(f"No templates yet: add Markdown files to {directory}.", timeout=8, markup=False)
            return
        by_name = {template.name: template for template in templates}
        choice = await self.app.push_screen_wait(
            ChoiceScreen("Insert template", [(t.name, t.name) for t in templates])
        )
        if choice is not None:
            await self._insert_template(by_name[choice])

    def use_template(self, template: Template) -> None:
        """Insert a template chosen in the command palette."""
        self.run_worker(self._insert_template(template), group="composer-ui", exit_on_error=False)

    async def _insert_template(self, template: Template) -> None:
        """Insert on a line of its own, with the ticket's values filled in."""
        rendered = render_template(template.text, template_variables(self.thread.ticket, await self._me()))
        text = rendered.text
        if "\ufffd" in text:
            self.notify(
                f"{template.path.name} is not valid UTF-8; unreadable bytes are shown as \ufffd.",
                severity="warning",
                markup=False,
            )
        _row, column = self.body_area.cursor_location
        if column > 0:
            text = "\n" + text
        self.body_area.insert(text)
        self.body_area.focus()
        if rendered.unknown:
            names = ", ".join("{{" + name + "}}" for name in rendered.unknown)
            self.notify(
                f"Unknown template variables left as typed: {names}",
                severity="warning",
                timeout=8,
                markup=False,
            )

    async def _me(self) -> Person | None:
        if self.desk.me is not None:
            return self.desk.me
        try:
            return await self.desk.connect()
        except FrontlineError:
            return None

    @work(group="composer-ui", exclusive=True, exit_on_error=False)
    async def action_macro(self) -> None:
        """Pick a macro, preview what it changes, and fill the composer; nothing is sent until review."""
        try:
            macros = await self.desk.macros()
        except FrontlineError as error:
            self.frontline.report_error(error)
            return
        if not macros:
            self.notify("This helpdesk has no macros for you.", timeout=4)
            return
        choice = await self.app.push_screen_wait(
            ChoiceScreen("Apply a macro", [(m.id, m.title) for m in macros])
        )
        if choice is None:
            return
        try:
            preview = await self.desk.preview_macro(self.ticket_id, choice)
        except FrontlineError as error:
            self.frontline.report_error(error)
            return
        if not await self.app.push_screen_wait(MacroPreviewScreen(preview)):
            return
        self.state = apply_macro(self.state, preview, self.thread.ticket)
        if not self.desk.capabilities.internal_notes:
            self.state = replace(self.state, public=True)
        self.body_area.load_text(self.state.body)
        self.body_area.move_cursor(self.body_area.document.end)
        self.show_mode()
        self.set_notice(
            f"Macro “{one_line(preview.macro.title)}” applied. Nothing is sent until you review (ctrl+s)."
        )
        self.schedule_save()
        self.body_area.focus()
