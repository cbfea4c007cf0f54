"""The reply composer: public reply or internal note, templates, macros, `$EDITOR`, submit-as, review, send.

The public reply (`r`) and the internal note (`n`) are separate drafts on a ticket; tab moves the text to
the other kind, refused when that kind has a draft. The thread stays in view beside or above the editor.
Nothing leaves the machine before the review step's `y`. What happens to the draft (restored on opening,
kept, deleted only once the helpdesk accepted the reply) is `frontline.services.drafts.DraftKeeper`'s job.
This screen saves at most half a second behind the keyboard, and at once when the text could be lost
sooner: when the body asks (`ComposerBody.SaveNow`: a paste, a large insertion, losing focus), before the
terminal is handed over (`$EDITOR`, ctrl+z), when another screen covers it, and on every way out. The send
itself is the app's (`frontline.ui.writes`), so leaving while it is in flight never cancels it; a
composer opened meanwhile for the same ticket shows that send rather than a second copy of the draft.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from frontline.domain.compose import (
    ComposerState,
    Template,
    build_update,
    template_variables,
)
from frontline.domain.drafts import DraftKind
from frontline.domain.models import TicketThread, TicketUpdate
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.services.drafts import DraftKeeper
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.screens.composer_editor import (
    ComposerBody,
    ComposerThread,
    edit_draft,
    fit_layout,
    kind_notice,
)
from frontline.ui.screens.composer_inserts import (
    choose_macro_state,
    choose_template,
    context_line,
    fields_summary,
    insert_template,
    signed_in_agent,
)
from frontline.ui.screens.conversation import local_time
from frontline.ui.screens.pickers import ConfirmScreen
from frontline.ui.screens.review import ReviewScreen
from frontline.ui.screens.submit_as import choose_submit_as
from frontline.ui.writes import DraftSend, SendOutcome, not_sent_notice

AUTOSAVE_SECONDS = 0.5
BLOCKED_WHILE_SENDING = frozenset(
    {"review", "discard", "editor", "macro", "template", "toggle_public", "submit_as"}
)
PUBLIC_BANNER = "PUBLIC REPLY — the customer will see this"
INTERNAL_BANNER = "Internal note — only agents see this"


class ComposerScreen(FrontlineScreen, Screen[str | None]):
    """Write one reply or note for `thread`; dismisses with "sent", "queued", "sending", "postponed",
    "discarded" or None.

    "sent" means the text left the drafts for the helpdesk (it landed, partly, or the outbox is checking);
    "queued" that it waits in the outbox for the helpdesk to be reachable; "sending" that the person left
    while the send was in flight, which goes on in the background.

    Args:
        thread: the ticket and conversation being answered.
        public: the ticket's public reply draft (`r`) or its internal note draft (`n`).
        start_with_macro: open the macro picker right away (`m` on the ticket screen).
    """

    DEFAULT_CSS = """
    ComposerScreen #composer-banner { height: 1; content-align: center middle; text-style: bold; width: 1fr; }
    ComposerScreen.-tall #composer-banner { height: 3; }
    ComposerScreen.-public #composer-banner { background: $error; color: $text; }
    ComposerScreen.-internal #composer-banner { background: $warning; color: $background; }
    ComposerScreen #composer-context { padding: 0 1; color: $text-muted; height: auto; max-height: 2; }
    ComposerScreen #composer-notice { padding: 0 1; color: $accent; height: auto; max-height: 2; }
    ComposerScreen #composer-main { layout: vertical; height: 1fr; }
    ComposerScreen.-wide #composer-main { layout: horizontal; }
    ComposerScreen #composer-thread { height: 30%; min-height: 3; }
    ComposerScreen.-narrow #composer-thread { border-bottom: solid $primary-muted; }
    ComposerScreen.-wide #composer-thread { width: 45%; height: 1fr; border-right: solid $primary-muted; }
    ComposerScreen #composer-thread .thread-earlier { color: $text-muted; padding: 0 1; }
    ComposerScreen #composer-editor { height: 1fr; width: 1fr; }
    ComposerScreen #composer-body { height: 1fr; min-height: 4; }
    ComposerScreen #composer-body > .text-area--placeholder { color: $text-disabled; }  /* 4.5:1, not 40% */
    ComposerScreen.-public #composer-body { border: thick $error; }
    ComposerScreen.-internal #composer-body { border: dashed $warning; background: $warning 10%; }
    ComposerScreen #composer-fields { padding: 0 1; height: auto; max-height: 2; background: $panel; }
    """

    BINDINGS = [
        Binding("ctrl+s", "review", "Review & send", id="composer.review", priority=True),
        Binding("tab", "toggle_public", "Public/internal", id="composer.toggle", priority=True),
        Binding("ctrl+e", "editor", "$EDITOR", id="composer.editor", priority=True),
        Binding("ctrl+t", "template", "Template", id="composer.template", priority=True),
        Binding("ctrl+g", "macro", "Macro", id="composer.macro", priority=True),
        Binding("ctrl+o", "submit_as", "Submit as", id="composer.submit-as", priority=True),
        Binding("escape", "close", "Close (keep draft)", id="composer.close"),
        Binding("ctrl+r", "discard", "Discard", id="composer.discard", priority=True),
        Binding("ctrl+up", "scroll_thread(-1)", "Thread up", id="composer.thread-up", show=False),
        Binding("ctrl+down", "scroll_thread(1)", "Thread down", id="composer.thread-down", show=False),
    ]

    def __init__(self, thread: TicketThread, *, public: bool = True, start_with_macro: bool = False) -> None:
        super().__init__()
        self.thread = thread
        self.kind = DraftKind.of(public)
        """Which of the ticket's drafts this composer holds; tab moves the text to the other."""
        self.state = ComposerState(public=public)
        self.start_with_macro = start_with_macro
        self._save_timer: Timer | None = None
        self._keeper: DraftKeeper | None = None
        self._send: DraftSend | None = None
        self._finish_on_resume: str | None = None
        self.saved_at_label = ""

    @property
    def ticket_id(self) -> str:
        return self.thread.ticket.id

    @property
    def keeper(self) -> DraftKeeper:
        """This ticket's draft; built on first use, once the screen can reach the app's store."""
        if self._keeper is None:
            subject = self.thread.ticket.subject
            self._keeper = DraftKeeper.for_desk(
                self.desk, self.drafts, self.ticket_id, self.kind, subject=subject
            )
            self.kind = self._keeper.kind
        return self._keeper

    @property
    def sending(self) -> bool:
        """A send of this draft is in flight: nothing may change it or send it again."""
        return self._send is not None

    @property
    def body_area(self) -> ComposerBody:
        return self.query_one("#composer-body", ComposerBody)

    def compose(self) -> ComposeResult:
        yield Static(id="composer-banner")
        yield Static(
            Content(context_line(self.thread.ticket, self.app.size.width - 2)), id="composer-context"
        )
        yield Static(id="composer-notice")
        with Horizontal(id="composer-main"):
            yield ComposerThread(self.thread, self.frontline.clock(), id="composer-thread")
            with Vertical(id="composer-editor"):
                yield ComposerBody(id="composer-body", placeholder="Write here · ctrl+s to review")
                yield Static(id="composer-fields")
        yield Footer()

    def on_resize(self) -> None:
        fit_layout(self, self.app.size)

    def action_scroll_thread(self, direction: int) -> None:
        """Page the thread while the cursor stays in the editor."""
        self.query_one(ComposerThread).page(direction)

    def on_mount(self) -> None:
        fit_layout(self, self.app.size)
        self.app.app_suspend_signal.subscribe(self, self._app_suspending, immediate=True)
        in_flight = self.frontline.writes.draft_send(self.ticket_id)
        if in_flight is not None and in_flight.keeper.kind is not self.keeper.kind:
            in_flight = None  # the ticket's other draft is on its way; this one is still a draft
        if in_flight is not None:
            self._keeper = in_flight.keeper
            self.state = replace(in_flight.state)
            self.body_area.replace_text(self.state.body)
            self.show_mode()
            self.follow(in_flight)
            return
        self.restore_draft()
        self.show_mode()
        self.body_area.focus()
        if self.start_with_macro:
            self.action_macro()

    def restore_draft(self) -> None:
        try:
            restored = self.keeper.restore()
        except FrontlineError as error:
            self.frontline.report_error(error)
            restored = None
        restored_at = self.keeper.saved_at
        if restored is not None and restored_at is not None:
            self.state = restored
            self.body_area.replace_text(restored.body)
            self.set_notice(f"Restored draft from {local_time(restored_at)}")
        self.state = self.keeper.conform(self.state)

    def on_unmount(self) -> None:
        self.flush_draft(show=False)
        self.unfollow()

    def on_screen_resume(self) -> None:
        if self._finish_on_resume is not None:
            self.dismiss(self._finish_on_resume)

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
        parts = fields_summary(self.state, self.thread.ticket)
        if self.saved_at_label:
            parts.append(self.saved_at_label)
        self.query_one("#composer-fields", Static).update(Content("  ·  ".join(parts)))

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

    def on_composer_body_save_now(self, event: ComposerBody.SaveNow) -> None:
        self.state.body = event.body.text
        self.flush_draft(show=self.is_active)

    def on_screen_suspend(self) -> None:
        self.flush_draft(show=False)

    def _app_suspending(self, app: App[Any]) -> None:
        """Before the terminal goes to `$EDITOR` or the shell (ctrl+z): the process may not come back."""
        self.flush_draft(show=False)

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
        """Leave with `result`; with another screen on top (help, say), once it is closed."""
        self.flush_draft(show=False)
        self.stop_autosave()
        self.unfollow()
        if self.is_active:
            self.dismiss(result)
        else:
            self._finish_on_resume = result

    # Actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_public":
            return self.desk.capabilities.internal_notes
        if action == "macro":
            return self.desk.capabilities.macros
        if self.sending and action in BLOCKED_WHILE_SENDING:
            return None
        return True

    def action_toggle_public(self) -> None:
        """Move the text to the ticket's other draft; refused (and said why) when that one has text."""
        self.stop_autosave()
        try:
            self.state = self.keeper.switch_kind(self.state)
        except FrontlineError as error:
            self.frontline.report_error(error)
            return
        self.kind = self.keeper.kind
        self.show_mode()
        message, severity = kind_notice(self.state.public)
        self.notify(message, severity=severity, timeout=5)
        self.show_saved()

    @work(group="composer-ui", exclusive=True, exit_on_error=False)
    async def action_submit_as(self) -> None:
        """Pick the status to submit as: the helpdesk's statuses (JSM: the issue's transitions) or keep."""
        chosen = await choose_submit_as(self.app, self.desk, self.thread.ticket, self.state)
        if chosen is not None and not self.sending:
            self.state = chosen
            self.show_fields()
            self.schedule_save()
        self.body_area.focus()

    def action_close(self) -> None:
        """Leave; the draft stays (restored next time the ticket's composer opens), a send goes on."""
        if self._send is not None:
            what = self._send.what.lower()
            self.notify(
                f"Sending… the {what} finishes in the background; you will be told how it went.", timeout=4
            )
            self._finish("sending")
            return
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
        review = ReviewScreen(update, self.thread.ticket, status_label=self.state.submit_label)
        choice = await self.app.push_screen_wait(review)
        if choice == "send" and not self.sending:
            self.send(update)
        elif choice == "postpone":
            self.flush_draft()
            self.notify("Draft postponed. It comes back when you reply to this ticket again.", timeout=4)
            self._finish("postponed")
        else:
            self.body_area.focus()

    def send(self, update: TicketUpdate) -> None:
        """Hand the reviewed `update` to the app's writes; one send per draft, however often `y` is hit."""
        send = self.frontline.writes.send_draft(self.keeper, self.thread, self.state, update)
        if send is None:
            self.notify("This ticket's reply is already on its way.", severity="warning", timeout=4)
            return
        self.follow(send)

    def follow(self, send: DraftSend) -> None:
        """Show `send` in flight and hear how it ends; the text cannot change meanwhile."""
        self._send = send
        send.listener = self.send_settled
        self.body_area.read_only = True
        self.set_notice("Sending… escape leaves; the send finishes in the background.")
        self.refresh_bindings()

    def unfollow(self) -> None:
        """Stop hearing about the send: the notification tells the outcome wherever the person is."""
        if self._send is not None and self._send.listener == self.send_settled:
            self._send.listener = None
        self._send = None

    def send_settled(self, outcome: SendOutcome) -> None:
        """The send ended (the notification is already shown): close, or keep the draft and say why."""
        self.unfollow()
        self.body_area.read_only = False
        self.refresh_bindings()
        if not outcome.draft_kept:
            self._finish("queued" if outcome.queued else "sent")
            return
        self.body_area.focus()
        if outcome.error is not None:  # the keeper kept the draft, or says it could not
            self.show_saved()
            self.set_notice(not_sent_notice(outcome.error))

    def action_editor(self) -> None:
        """Suspend the app and edit the draft in $VISUAL/$EDITOR with the thread quoted below the scissors."""
        self.flush_draft()
        text = edit_draft(self.app, self.frontline.settings.ui.editor, self.state, self.thread)
        if text is None:
            return
        self.body_area.replace_text(text)
        self.state.body = text
        self.flush_draft()
        self.body_area.focus()

    @work(group="composer-ui", exclusive=True, exit_on_error=False)
    async def action_template(self) -> None:
        template = await choose_template(self.app)
        if template is not None:
            await self._insert_template(template)

    def use_template(self, template: Template) -> None:
        """Insert a template chosen in the command palette; not into a draft on its way."""
        if self.sending:
            self.notify("This draft is being sent; it cannot change now.", severity="warning", timeout=4)
            return
        self.run_worker(self._insert_template(template), group="composer-ui", exit_on_error=False)

    async def _insert_template(self, template: Template) -> None:
        variables = template_variables(self.thread.ticket, await signed_in_agent(self.desk))
        insert_template(self.app, self.body_area, template, variables)

    @work(group="composer-ui", exclusive=True, exit_on_error=False)
    async def action_macro(self) -> None:
        """Pick a macro, preview what it changes, and fill the composer; nothing is sent until review."""
        chosen = await choose_macro_state(self.frontline, self.keeper, self.state, self.thread.ticket)
        if chosen is None:
            return
        self.state, preview = chosen
        self.kind = self.keeper.kind
        self.body_area.replace_text(self.state.body)
        self.show_mode()
        self.set_notice(
            f"Macro “{one_line(preview.macro.title)}” applied. Nothing is sent until you review (ctrl+s)."
        )
        self.schedule_save()
        self.body_area.focus()
