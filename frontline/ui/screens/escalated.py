"""`E` on a ticket that already has its bug: show that bug, and offer to add new context to it as a comment.

A second bug is never filed from here. The comment is the app's write (`frontline.ui.escalation_writes`);
the dialog stays open until it lands, so a failure leaves the text where it was typed.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from frontline.domain.escalation import Bug
from frontline.domain.models import TicketThread
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.services.escalation import Escalations, Target
from frontline.ui.bug_links import bug_label
from frontline.ui.escalation_writes import EscalationOutcome
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.screens.ticket_bugs import render_header


def context_template(thread: TicketThread) -> str:
    """Where the new context comes from, for the developers; the engineer writes the rest below it."""
    ticket = thread.ticket
    where = f" ({one_line(ticket.url)})" if ticket.url else ""
    return f"More from {one_line(ticket.display_key)}{where}:\n\n"


class ExistingBugScreen(FrontlineScreen, ModalScreen[str | None]):
    """The bug the ticket is escalated to; dismisses with "commented" or None.

    Args:
        thread: the ticket.
        escalations: the profile's escalations.
        target: the target the bug is in.
        bug: the bug as last seen.
        recorded: whether this machine has the escalation on record (else adding context records it first).
    """

    DEFAULT_CSS = """
    ExistingBugScreen { align: center middle; }
    ExistingBugScreen > Vertical {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ExistingBugScreen .dialog-title { text-style: bold; margin-bottom: 1; }
    ExistingBugScreen #existing-bug { height: auto; }
    ExistingBugScreen #existing-context { height: 8; margin-top: 1; }
    ExistingBugScreen #existing-notice { height: auto; color: $text-muted; margin-top: 1; display: none; }
    ExistingBugScreen #existing-notice.-shown { display: block; }
    ExistingBugScreen #existing-notice.-error { color: $text; background: $error 30%; }
    ExistingBugScreen .dialog-hint { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "add_context", "Add as comment", id="escalated.add-context", priority=True),
        Binding("ctrl+o", "open_bug", "Open bug", id="escalated.open", priority=True),
        Binding("escape", "close", "Close", id="escalated.close"),
    ]

    def __init__(
        self, thread: TicketThread, escalations: Escalations, target: Target, bug: Bug, *, recorded: bool
    ) -> None:
        super().__init__()
        self.thread = thread
        self.escalations = escalations
        self.target = target
        self.bug = bug
        self.recorded = recorded
        self.sending = False

    @property
    def ticket_id(self) -> str:
        return self.thread.ticket.id

    def compose(self) -> ComposeResult:
        key = one_line(self.thread.ticket.display_key)
        with Vertical():
            yield Static(
                Content(f"{key} is already escalated: no second bug is filed."), classes="dialog-title"
            )
            yield Static(Content(self._bug_text()), id="existing-bug")
            yield Static(
                Content(f"New context for {one_line(self.bug.key)}, added as a comment on it:"),
                classes="dialog-hint",
            )
            yield TextArea(context_template(self.thread), id="existing-context", soft_wrap=True)
            yield Static(id="existing-notice")
            yield Static(
                "ctrl+s add as a comment · ctrl+o open the bug · escape close (nothing sent)",
                classes="dialog-hint",
                markup=False,
            )

    def _bug_text(self) -> str:
        bug = self.bug
        lines = [f"{bug_label(bug)}  in {one_line(self.target.name)} ({one_line(self.target.display_name)})"]
        if bug.title:
            lines.append(one_line(bug.title))
        lines.append(one_line(bug.url) or "(no web address known)")
        return "\n".join(lines)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self.read_status()

    @work(group="escalated-read", exclusive=True, exit_on_error=False)
    async def read_status(self) -> None:
        """The bug's current status (the one on record may be old), remembered for the ticket header and
        the queue too; best effort."""
        try:
            if self.recorded:
                fresh = await self.escalations.refresh_status(self.ticket_id)
            else:
                fresh = [await self.escalations.tracker(self.target).get_bug(self.bug.key)]
        except FrontlineError:
            return
        bug = next((b for b in fresh if b.key == self.bug.key), None)
        if bug is None:
            return
        self.bug = bug.model_copy(update={"tracker": self.target.name})
        self.query_one("#existing-bug", Static).update(Content(self._bug_text()))
        if self.recorded:
            self.frontline.bug_links.reload()
            for screen in self.app.screen_stack:
                if isinstance(screen, TicketScreen) and screen.ticket_id == self.ticket_id and screen.thread:
                    render_header(screen, screen.thread)

    def _notice(self, text: str, *, error: bool = False) -> None:
        notice = self.query_one("#existing-notice", Static)
        notice.update(Content(text))
        notice.set_class(bool(text), "-shown")
        notice.set_class(error, "-error")

    def action_add_context(self) -> None:
        if self.sending:
            return
        text = self.query_one(TextArea).text
        if not text.strip() or text.strip() == context_template(self.thread).strip():
            self._notice("Write the new context first: nothing is sent without it.", error=True)
            return
        started = self.frontline.escalation_writes.add_context(
            self.thread.ticket,
            self.target,
            self.bug,
            text.strip(),
            recorded=self.recorded,
            listener=self._settled,
        )
        if started:
            self.sending = True
            self._notice(f"Adding it to {one_line(self.bug.key)}…")

    def _settled(self, outcome: EscalationOutcome) -> bool:
        if not self.is_attached:
            return False
        self.sending = False
        if outcome.done:
            self.dismiss("commented")
        else:
            self._notice(f"{outcome.notice} Press ctrl+s to try again.", error=True)
        return True

    def action_open_bug(self) -> None:
        if not self.bug.url:
            self.notify("No web address is known for this bug.", severity="warning", timeout=4)
            return
        self.app.open_url(self.bug.url)
        self.notify(f"Opening {self.bug.url}", timeout=3, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
