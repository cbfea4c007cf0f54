"""The drafts list (`D`, palette "Drafts and outbox"): every unsent draft and every write the helpdesk has
not confirmed yet, and the question asked before quitting with any of them.

Drafts come from the draft store, writes from the outbox (the same entries the outbox screen `O` and the
status bar read). Enter on a draft opens its ticket with that draft in the composer; on a write, its
ticket. Subjects, first lines and outcomes are customer or server text: every cell is plain text.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from frontline.domain.drafts import Draft, DraftKind
from frontline.domain.outbox import OutboxEntry
from frontline.domain.text import clamp, one_line
from frontline.errors import FrontlineError
from frontline.services.drafts import Unfinished, unfinished
from frontline.ui.outbox_text import quit_question, state_label, ticket_label
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.screens.conversation import short_duration
from frontline.ui.screens.pickers import ConfirmScreen
from frontline.ui.screens.ticket import TicketScreen

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp

SUBJECT_CELL = 40
FIRST_LINE_CELL = 50


class DraftsScreen(FrontlineScreen, Screen[None]):
    """Unsent drafts (newest first), then writes not yet confirmed; enter continues the highlighted one."""

    DEFAULT_CSS = """
    DraftsScreen #drafts-title { padding: 0 1; background: $panel; text-style: bold; }
    DraftsScreen #drafts-table { height: 1fr; }
    DraftsScreen #drafts-detail { height: auto; max-height: 4; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="drafts.close"),
        Binding("enter", "open", "Open", id="drafts.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Draft | OutboxEntry] = []

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#drafts-table", DataTable)

    def compose(self) -> ComposeResult:
        yield Static(
            Content("Drafts and outbox: unsent drafts, then writes not yet confirmed"), id="drafts-title"
        )
        table: DataTable[Text] = DataTable(id="drafts-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Ticket", "Subject", "Kind", "Age", "First line / state")
        yield table
        yield Static(id="drafts-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.show_rows()
        self.table.focus()

    def show_rows(self) -> None:
        """Read the drafts and the outbox again and list them."""
        found = read_unfinished(self)
        if found is None:
            return
        now = self.frontline.clock()
        self.rows = [*found.drafts, *found.waiting]
        table = self.table
        table.clear()
        for draft in found.drafts:
            table.add_row(*draft_cells(draft, now), key=f"draft:{draft.ticket_id}:{draft.kind.value}")
        for entry in found.waiting:
            table.add_row(*entry_cells(entry, now), key=f"outbox:{entry.id}")
        detail = "enter continues a draft, or opens a write's ticket · escape closes"
        if not self.rows:
            detail = "No unsent drafts and nothing waiting in the outbox."
        self.query_one("#drafts-detail", Static).update(Content(detail))

    def outbox_changed(self, reload_ticket_ids: frozenset[str]) -> None:
        self.show_rows()

    def on_screen_resume(self) -> None:
        self.show_rows()

    @property
    def highlighted(self) -> Draft | OutboxEntry | None:
        row = self.table.cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        chosen = self.highlighted
        if isinstance(chosen, Draft):
            self.continue_draft(chosen)
        elif chosen is not None:
            self.dismiss(None)
            self.app.push_screen(TicketScreen(chosen.ticket_id))

    @work(group="drafts-open", exclusive=True, exit_on_error=False)
    async def continue_draft(self, draft: Draft) -> None:
        """Open the draft's ticket, then its composer on that draft (read first: the composer needs it)."""
        from frontline.ui.screens.composer import ComposerScreen

        self.query_one("#drafts-detail", Static).update(Content(f"Opening {ticket_label(draft.ticket_id)}…"))
        try:
            thread = await self.desk.open_ticket(draft.ticket_id)
        except FrontlineError as error:
            self.frontline.report_error(error)
            return
        self.dismiss(None)
        ticket_screen = TicketScreen(draft.ticket_id)
        self.app.push_screen(ticket_screen)

        def closed(result: str | None) -> None:
            if result == "sent":
                ticket_screen.load()
            ticket_screen.show_draft_banner()
            ticket_screen.show_outbox_banner()

        self.app.push_screen(ComposerScreen(thread, public=draft.kind is DraftKind.REPLY), closed)

    def action_close(self) -> None:
        self.dismiss(None)


def read_unfinished(screen: FrontlineScreen) -> Unfinished | None:
    """The profile's unsent drafts and unconfirmed writes; None (reported) when the database failed."""
    desk = screen.desk
    try:
        unsettled = desk.outbox.repository.unsettled(desk.profile_name)
        return unfinished(screen.drafts, desk.profile_name, unsettled)
    except FrontlineError as error:
        screen.frontline.report_error(error)
        return None


def draft_cells(draft: Draft, now: datetime) -> tuple[Text, ...]:
    subject = clamp(one_line(draft.subject), SUBJECT_CELL, 1) if draft.subject else "(subject not known)"
    first = clamp(one_line(draft.first_line()), FIRST_LINE_CELL, 1) or "(field changes only)"
    style = "bold" if draft.public else ""
    return (
        Text(ticket_label(draft.ticket_id)),
        Text(subject),
        Text(draft.kind.label.upper() if draft.public else draft.kind.label, style=style),
        Text(short_duration(now - draft.saved_at)),
        Text(first),
    )


def entry_cells(entry: OutboxEntry, now: datetime) -> tuple[Text, ...]:
    known = entry.draft.subject if entry.draft is not None else entry.subject
    subject = clamp(one_line(known), SUBJECT_CELL, 1) if known else "(subject not known)"
    return (
        Text(ticket_label(entry.ticket_id)),
        Text(subject),
        Text(f"outbox: {entry.describe()}"),
        Text(short_duration(now - entry.created_at)),
        Text(state_label(entry.state), style="bold"),
    )


def quit_question_for(app: FrontlineApp) -> tuple[str, str] | None:
    """The question before quitting `app`, from its drafts and outbox as they are now; None: just quit.

    A failing database is no reason to keep anyone from quitting: what could be read is asked about.
    """
    waiting = app.outbox_watch.refresh()
    try:
        found = unfinished(app.drafts(), app.desk.profile_name, waiting)
    except FrontlineError:
        found = unfinished(None, app.desk.profile_name, waiting)
    return quit_question_with_drafts(found)


def quit_question_with_drafts(found: Unfinished) -> tuple[str, str] | None:
    """(question, detail) before quitting with unsent drafts or unconfirmed writes; None when neither."""
    if not found.drafts:
        return quit_question(found.waiting)
    drafts = len(found.drafts)
    parts = [f"{drafts} draft{'s' if drafts != 1 else ''}"]
    waiting = len(found.waiting)
    if waiting:
        replies = sum(1 for entry in found.waiting if entry.update.comment is not None)
        if replies == waiting:
            parts.append(f"{waiting} {'reply' if waiting == 1 else 'replies'}")
        else:
            parts.append(f"{waiting} {'write' if waiting == 1 else 'writes'}")
    question = " and ".join(parts) + (" not yet confirmed" if waiting else " not sent") + " — quit anyway?"
    detail = "Drafts are kept and come back when you reply to their tickets (D lists them)."
    if waiting:
        detail += " Writes in the outbox are sent or checked the next time frontline starts."
    return question, detail + " y quits · n, escape or enter stays."


class QuitConfirmScreen(ConfirmScreen):
    """The quit question: only `y` quits; enter, like `n` and escape, stays."""

    BINDINGS = [
        Binding("y", "answer(True)", "Quit", id="quit.yes"),
        Binding("n,escape,enter", "answer(False)", "Stay", id="quit.no"),
    ]
