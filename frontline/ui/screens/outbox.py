"""The outbox screen (`O`): the profile's recent writes, newest first, and how each stands.

One row per write: when it was written, the ticket, what it changes, its state (queued, sending, sent,
partly sent, not sent, in doubt) and the outcome the helpdesk gave; the highlighted row's whole outcome is
shown below the table. Outcomes can quote a server's message, so every cell is plain text. Enter opens the
write's ticket, escape closes.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.ui.outbox_text import state_label, ticket_label
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.screens.conversation import local_time
from frontline.ui.screens.ticket import TicketScreen
from frontline.ui.widgets.signed_out_banner import SignedOutBanner

RECENT_LIMIT = 100
OUTCOME_CELL_CHARS = 60
STATE_STYLES = {
    WriteState.QUEUED: "bold",
    WriteState.SENDING: "bold",
    WriteState.UNKNOWN: "bold",
    WriteState.PARTIAL: "bold",
    WriteState.FAILED: "bold",
    WriteState.SENT: "dim",
}


class OutboxScreen(FrontlineScreen, Screen[None]):
    """Recent writes of this profile; enter opens the ticket of the highlighted one."""

    DEFAULT_CSS = """
    OutboxScreen #outbox-title { padding: 0 1; background: $panel; text-style: bold; }
    OutboxScreen #outbox-table { height: 1fr; }
    OutboxScreen #outbox-detail { height: auto; max-height: 6; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="outbox.close"),
        Binding("enter", "open_ticket", "Open ticket", id="outbox.open"),
        Binding("R", "reload", "Reload", id="outbox.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[OutboxEntry] = []

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#outbox-table", DataTable)

    def compose(self) -> ComposeResult:
        yield SignedOutBanner()
        yield Static(
            Content("Outbox: writes to the helpdesk from this profile, newest first"), id="outbox-title"
        )
        table: DataTable[Text] = DataTable(id="outbox-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("When", "Ticket", "What", "State", "Outcome")
        yield table
        yield Static(id="outbox-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.show_entries()
        self.table.focus()

    def show_entries(self) -> None:
        """Read the recent writes again and show them, keeping the highlighted one where it can."""
        desk = self.desk
        try:
            entries = desk.outbox.repository.recent(desk.profile_name, RECENT_LIMIT)
        except FrontlineError as error:
            self.frontline.report_error(error)
            return
        table = self.table
        keep = self.entries[table.cursor_row].id if self.entries and table.cursor_row >= 0 else None
        self.entries = entries
        table.clear()
        for entry in entries:
            outcome = one_line(entry.outcome)
            if len(outcome) > OUTCOME_CELL_CHARS:
                outcome = outcome[: OUTCOME_CELL_CHARS - 1] + "…"
            table.add_row(
                Text(local_time(entry.created_at)),
                Text(ticket_label(entry.ticket_id)),
                Text(entry.describe()),
                Text(state_label(entry.state), style=STATE_STYLES[entry.state]),
                Text(outcome),
                key=entry.id,
            )
        ids = [entry.id for entry in entries]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        self._show_detail()
        if not entries:
            self.query_one("#outbox-detail", Static).update(
                Content("Nothing sent from this profile yet. Replies, notes and field changes appear here.")
            )

    def outbox_changed(self, reload_ticket_ids: frozenset[str]) -> None:
        self.show_entries()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        entry = self.highlighted
        if entry is None:
            return
        detail = f"{ticket_label(entry.ticket_id)} · {entry.describe()} · {state_label(entry.state)}"
        if entry.outcome:
            detail += f"\n{one_line(entry.outcome)}"
        self.query_one("#outbox-detail", Static).update(Content(detail))

    @property
    def highlighted(self) -> OutboxEntry | None:
        row = self.table.cursor_row
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_ticket()

    def action_open_ticket(self) -> None:
        """Close the outbox and open the highlighted write's ticket."""
        entry = self.highlighted
        if entry is None:
            return
        self.dismiss(None)
        self.app.push_screen(TicketScreen(entry.ticket_id))

    def action_reload(self) -> None:
        self.frontline.outbox_watch.changed()

    def action_close(self) -> None:
        self.dismiss(None)
