"""`h` on the queue or a ticket: a line for the next shift, kept in the journal and listed in the handoff.

The note is saved locally at once (the shift journal). Ticked, "also post" sends it as an internal note on
the ticket through the outbox, as the app's write: closing the dialog or leaving the screen never cancels
it, and a helpdesk that cannot be reached gets it once it is back. Subjects are shown as plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from frontline.domain.models import Ticket, TicketThread
from frontline.domain.shift import MAX_NOTE_CHARS, WritePurpose, clean_note
from frontline.domain.text import one_line
from frontline.errors import FrontlineError, InputError, Unavailable, WriteOutcomeUnknown, WriteQueued
from frontline.services.journal import note_update
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.worker_errors import report_worker_error

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp

SUBJECT_CHARS = 60


def open_handoff_note(app: FrontlineApp, ticket: Ticket | None, thread: TicketThread | None = None) -> None:
    """Open the note dialog on `ticket` (the highlighted or shown one); says so when there is none."""
    if ticket is None:
        app.notify("No ticket highlighted to leave a handoff note on.", timeout=3)
        return
    app.push_screen(HandoffNoteScreen(ticket, thread))


class HandoffNoteScreen(FrontlineScreen, ModalScreen[bool]):
    """A short note on one ticket for the next engineer; dismisses with True once saved.

    Args:
        ticket: the ticket the note is about.
        thread: its conversation, when the caller has it loaded (else it is read before posting).
    """

    DEFAULT_CSS = """
    HandoffNoteScreen { align: center middle; }
    HandoffNoteScreen > Vertical {
        width: 80; max-width: 95%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    HandoffNoteScreen .dialog-title { text-style: bold; margin-bottom: 1; }
    HandoffNoteScreen .dialog-hint { color: $text-muted; margin-top: 1; }
    HandoffNoteScreen #handoff-note-notice { height: auto; margin-top: 1; display: none; }
    HandoffNoteScreen #handoff-note-notice.-shown { display: block; background: $error 30%; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", id="handoff-note.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="handoff-note.cancel"),
    ]

    def __init__(self, ticket: Ticket, thread: TicketThread | None = None) -> None:
        super().__init__()
        self.ticket = ticket
        self.thread = thread

    @property
    def can_post(self) -> bool:
        """Whether this helpdesk has internal notes to post the note as."""
        return self.desk.capabilities.internal_notes

    def compose(self) -> ComposeResult:
        key = one_line(self.ticket.display_key)
        subject = one_line(self.ticket.subject) or "(no subject)"
        if len(subject) > SUBJECT_CHARS:
            subject = subject[: SUBJECT_CHARS - 1] + "…"
        with Vertical():
            yield Static(Content(f"Handoff note on {key}: {subject}"), classes="dialog-title")
            yield Static(
                "For the next engineer: kept in your shift journal and listed in the handoff (H).",
                markup=False,
            )
            yield Input(
                placeholder="What the next shift should know or do",
                id="handoff-note-text",
                max_length=MAX_NOTE_CHARS,
            )
            if self.can_post:
                yield Checkbox("Also post as an internal note on the ticket", id="handoff-note-post")
            yield Static(id="handoff-note-notice")
            yield Static("enter or ctrl+s save · escape cancel", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def _notice(self, text: str) -> None:
        notice = self.query_one("#handoff-note-notice", Static)
        notice.update(Content(text))
        notice.set_class(bool(text), "-shown")

    @property
    def also_post(self) -> bool:
        boxes = self.query("#handoff-note-post").results(Checkbox)
        return self.can_post and any(box.value for box in boxes)

    def action_save(self) -> None:
        """Keep the note in the journal; with "also post", send it to the ticket as the app's write."""
        text = self.query_one(Input).value
        note = clean_note(text)
        if not note:
            self._notice("Write a line for the next engineer first: nothing was saved.")
            return
        app = self.frontline
        try:
            app.session.shift.note(self.ticket.id, text, subject=self.ticket.subject)
        except InputError as error:
            self._notice(error.message)
            return
        except FrontlineError as error:
            app.report_error(error)
            self._notice(f"Not saved: {error.message}")
            return
        key = one_line(self.ticket.display_key)
        if self.also_post:
            post_note(app, self.ticket, self.thread, note)
            saved = f"Handoff note saved on {key}; posting it as an internal note…"
            app.notify(saved, timeout=4, markup=False)
        else:
            app.notify(f"Handoff note saved on {key}.", timeout=3, markup=False)
        app.shift_clock.refresh()
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


def post_note(app: FrontlineApp, ticket: Ticket, thread: TicketThread | None, note: str) -> None:
    """Post `note` on `ticket` as an internal note: the app's write, so no screen closing cancels it."""
    key = one_line(ticket.display_key)
    app.writes.run(_post(app, ticket, thread, note), name=f"the handoff note to {key}")


async def _post(app: FrontlineApp, ticket: Ticket, thread: TicketThread | None, note: str) -> None:
    desk = app.desk
    key = one_line(ticket.display_key)
    if thread is None:
        try:
            thread = await desk.open_ticket(ticket.id)  # its current revision, and the comments seen
        except Unavailable:
            thread = None  # unreachable: sent with the queue's copy, queued until the helpdesk is back
        except FrontlineError as error:
            _not_posted(app, key, error)
            return
    current = thread.ticket if thread is not None else ticket
    known = [comment.id for comment in thread.comments] if thread is not None else []
    try:
        await desk.submit(
            ticket.id,
            note_update(note, current),
            known_comment_ids=known,
            purpose=WritePurpose.HANDOFF_NOTE,
            queue_if_unreachable=True,
        )
    except WriteQueued:
        app.notify(
            f"Queued: the handoff note to {key} goes out when {desk.helpdesk_name} is back.",
            title="Queued",
            timeout=8,
            markup=False,
        )
        return
    except WriteOutcomeUnknown as error:
        app.notify(
            f"{key}: {error.message} The outbox checks whether the handoff note arrived; do not post it "
            "again.",
            title=error.title,
            severity="warning",
            timeout=20,
            markup=False,
        )
        return
    except FrontlineError as error:
        _not_posted(app, key, error)
        return
    except Exception as error:  # a bug: said once, with where the details are
        report_worker_error(app, error)
        return
    app.notify(f"Handoff note posted on {key} as an internal note.", timeout=4, markup=False)
    app.outbox_watch.changed(frozenset({ticket.id}))


def _not_posted(app: FrontlineApp, key: str, error: FrontlineError) -> None:
    app.report_error(error)
    app.notify(
        f"The handoff note is kept in your journal but was not posted on {key}: add it with n on the "
        "ticket if it is needed there.",
        severity="warning",
        timeout=12,
        markup=False,
    )
