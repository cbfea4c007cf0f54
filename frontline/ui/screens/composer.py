"""The reply composer: public reply or internal note, templates, macros, `$EDITOR`, submit-as, review, send.

Nothing leaves the machine before the review step's `y`. What happens to the draft (restored on opening,
saved at most half a second behind the keyboard and on leaving, deleted only once the helpdesk accepted
the reply) is `frontline.services.drafts.DraftKeeper`'s job; this screen renders, keeps the timer, and
says what to do when a send fails.
"""

from __future__ import annotations

import os
from functools import cached_property

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from frontline.domain.compose import (
    ComposerState,
    Template,
    apply_macro,
    build_editor_buffer,
    build_update,
    editor_command,
    template_variables,
)
from frontline.domain.models import Person, Status, TicketThread, TicketUpdate
from frontline.domain.text import one_line
from frontline.errors import ConflictError, FrontlineError, WriteOutcomeUnknown
from frontline.services.drafts import DraftKeeper, DraftLeftBehind, DraftNotKept
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.screens.composer_editor import edit_in_editor
from frontline.ui.screens.composer_inserts import choose_macro, choose_template, insert_template
from frontline.ui.screens.conversation import local_time
from frontline.ui.screens.pickers import ConfirmScreen
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
        self._sending = False
        self.saved_at_label = ""

    @property
    def ticket_id(self) -> str:
        return self.thread.ticket.id

    @cached_property
    def keeper(self) -> DraftKeeper:
        """This ticket's draft; built on first use, once the screen can reach the app's store."""
        return DraftKeeper.for_desk(self.desk, self.drafts, self.ticket_id)

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
        try:
            restored = self.keeper.restore()
        except FrontlineError as error:
            self.frontline.report_error(error)
            restored = None
        restored_at = self.keeper.saved_at
        if restored is not None and restored_at is not None:
            self.state = restored
            self.show_body(restored.body)
            self.set_notice(f"Restored draft from {local_time(restored_at)}")
        self.state = self.keeper.conform(self.state)
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

    def show_body(self, text: str) -> None:
        """Replace the text area's contents, cursor at the end."""
        self.body_area.load_text(text)
        self.body_area.move_cursor(self.body_area.document.end)

    def set_notice(self, text: str) -> None:
        self.query_one("#composer-notice", Static).update(Content(text))

    def show_saved(self) -> None:
        """The "Draft saved" note after the fields, from what the keeper last wrote."""
        saved_at = self.keeper.saved_at
        self.saved_at_label = f"Draft saved {local_time(saved_at)}" if saved_at is not None else ""
        self.show_fields()

    # Drafts

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.state.body = event.text_area.text
        self.schedule_save()

    def schedule_save(self) -> None:
        """Save soon: at most AUTOSAVE_SECONDS behind the last change, however fast the typing."""
        if self._save_timer is None and not self.keeper.closed:
            self._save_timer = self.set_timer(AUTOSAVE_SECONDS, self.flush_draft)

    def stop_autosave(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None

    def flush_draft(self, *, show: bool = True) -> None:
        """The autosave tick, and leaving: the keeper writes what changed; a store failure is reported."""
        self.stop_autosave()
        try:
            wrote = self.keeper.flush(self.state)
        except FrontlineError as error:
            self.frontline.report_error(error)
            return
        if wrote and show:
            self.show_saved()

    def _finish(self, result: str) -> None:
        self.stop_autosave()
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
        try:
            self.keeper.discard()
        except FrontlineError as error:
            self.frontline.report_error(error)
            return
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
        """The one write of the reviewed `update`; the keeper deletes the draft only once it was accepted."""
        self._sending = True
        self.refresh_bindings()
        self.set_notice("Sending…")
        self.body_area.read_only = True
        try:
            ticket = await self.keeper.send(self.desk, self.thread.ticket, self.state)
        except DraftLeftBehind as error:
            self.frontline.report_error(error)
            ticket = error.ticket
        except FrontlineError as error:
            self.not_sent(error)
            return
        finally:
            self._sending = False
            self.body_area.read_only = False
            self.refresh_bindings()
        kind = "Reply" if update.comment and update.comment.public else "Note"
        if update.comment is None:
            kind = "Changes"
        self.notify(f"{kind} sent to {ticket.display_key} · status {ticket.status.label}", timeout=4)
        self._finish("sent")

    def not_sent(self, error: FrontlineError) -> None:
        """Report a failed send and say what to do; the keeper kept the draft, or says it could not."""
        if isinstance(error, DraftNotKept):
            self.frontline.report_error(error.send_error)
            self.frontline.report_error(error)
            self.set_notice(f"Not sent: {error.send_error.message} {error.message}")
            return
        self.frontline.report_error(error)
        self.show_saved()
        self.set_notice(f"Not sent: {error.message} {self._what_to_do(error)}")

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
        text = edit_in_editor(self.app, command, buffer, ticket_id=self.ticket_id)
        if text is None:
            return
        self.show_body(text)
        self.state.body = text
        self.flush_draft()
        self.body_area.focus()

    @work(group="composer-ui", exclusive=True, exit_on_error=False)
    async def action_template(self) -> None:
        template = await choose_template(self.app)
        if template is not None:
            await self._insert_template(template)

    def use_template(self, template: Template) -> None:
        """Insert a template chosen in the command palette."""
        self.run_worker(self._insert_template(template), group="composer-ui", exit_on_error=False)

    async def _insert_template(self, template: Template) -> None:
        variables = template_variables(self.thread.ticket, await self._me())
        insert_template(self.app, self.body_area, template, variables)

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
        preview = await choose_macro(self.frontline, self.desk, self.ticket_id)
        if preview is None:
            return
        self.state = self.keeper.conform(apply_macro(self.state, preview, self.thread.ticket))
        self.show_body(self.state.body)
        self.show_mode()
        self.set_notice(
            f"Macro “{one_line(preview.macro.title)}” applied. Nothing is sent until you review (ctrl+s)."
        )
        self.schedule_save()
        self.body_area.focus()
