"""The one review step of a bulk action: every marked ticket with its change; `y` sends them, each through
the outbox as a single change would go (written down before it is sent, so a retry never sends twice),
and each row then says how it ended. The failed tickets stay marked on the queue to try again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from frontline.domain.models import Ticket
from frontline.domain.shift import WritePurpose
from frontline.domain.text import one_line
from frontline.errors import FrontlineError, WriteQueued
from frontline.ui.bulk_plan import BulkChange, choose_plan
from frontline.ui.screens.base import FrontlineScreen

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp


@dataclass(frozen=True)
class BulkResult:
    """How one ticket's change ended: `done` (sent, or queued to go out once) or failed with `reason`."""

    ticket_id: str
    done: bool
    outcome: str


BulkDone = Callable[[list[BulkResult]], None]
BULK_UI_GROUP = "bulk-ui"
"""The worker asking which bulk change to make: it waits on pickers, so a refresh never cancels it."""


def start_bulk(app: FrontlineApp, tickets: Sequence[Ticket], on_done: BulkDone) -> None:
    """Ask which change to make to `tickets`, then open the review of it (nothing is sent before `y`)."""
    if not tickets:
        app.notify("Mark tickets first: space marks the highlighted one.", timeout=4)
        return

    async def ask() -> None:
        plan = await choose_plan(app, app.desk, tickets)
        if plan:
            await app.push_screen(BulkScreen(plan, on_done=on_done))

    app.run_worker(ask(), group=BULK_UI_GROUP, exclusive=True, exit_on_error=False)


class BulkScreen(FrontlineScreen, Screen[None]):
    """Review a bulk action, send it, and show each ticket's result."""

    DEFAULT_CSS = """
    BulkScreen #bulk-title { padding: 0 1; background: $panel; text-style: bold; }
    BulkScreen #bulk-table { height: 1fr; }
    BulkScreen #bulk-summary { height: auto; padding: 0 1; }
    """

    BINDINGS = [
        Binding("y", "apply", "Apply to all", id="bulk.apply"),
        Binding("escape", "close", "Close", id="bulk.close"),
    ]

    def __init__(self, plan: Sequence[BulkChange], *, on_done: BulkDone | None = None) -> None:
        super().__init__()
        self.plan = list(plan)
        self.on_done = on_done
        self.results: dict[str, BulkResult] = {}
        self.state = "review"
        """review → sending → done: `y` sends once; pressing it again never sends a second time."""

    @property
    def to_send(self) -> list[BulkChange]:
        return [change for change in self.plan if change.update is not None]

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#bulk-table", DataTable)

    def compose(self) -> ComposeResult:
        count, skipped = len(self.to_send), len(self.plan) - len(self.to_send)
        title = f"Bulk change: {count} tickets change" + (f", {skipped} left as they are" if skipped else "")
        yield Static(Content(title), id="bulk-title")
        table: DataTable[Text] = DataTable(id="bulk-table", cursor_type="row", zebra_stripes=True)
        table.add_column("Ticket", key="ticket")
        table.add_column("Subject", key="subject", width=36)
        table.add_column("Change", key="change")
        table.add_column("Result", key="result")
        for change in self.plan:
            ticket = change.ticket
            result = "" if change.update is not None else "unchanged"
            table.add_row(
                Text(ticket.display_key),
                Text(one_line(ticket.subject)[:36]),
                Text(change.what),
                Text(result),
                key=ticket.id,
            )
        yield table
        yield Static(Content("y apply to all · escape cancel"), id="bulk-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return self.state == "review" and bool(self.to_send)
        return True

    def action_close(self) -> None:
        self.dismiss(None)

    def action_apply(self) -> None:
        if self.state != "review" or not self.to_send:
            return
        self.state = "sending"
        self.refresh_bindings()
        self._summary(f"Sending {len(self.to_send)} changes…")
        self.frontline.writes.run(
            self._send_all(self.to_send), name=f"the bulk change of {len(self.to_send)}"
        )

    async def _send_all(self, changes: list[BulkChange]) -> None:
        """One change after another, each its own outbox entry: one failing stops none of the others."""
        for change in changes:
            result = await self._send(change)
            self.results[result.ticket_id] = result
            if self.is_attached:
                self.table.update_cell(result.ticket_id, "result", Text(result.outcome))
        self.state = "done"
        results = [self.results[change.ticket.id] for change in changes]
        failed = [result for result in results if not result.done]
        summary = f"{len(results) - len(failed)} of {len(results)} changed"
        summary += f"; {len(failed)} failed and stay marked" if failed else ""
        if self.is_attached:
            self.refresh_bindings()
            self._summary(summary + " · escape close")
        self.frontline.notify(
            f"Bulk change: {summary}.",
            title="Bulk change",
            severity="warning" if failed else "information",
            timeout=8,
            markup=False,
        )
        if self.on_done is not None:
            self.on_done(results)

    async def _send(self, change: BulkChange) -> BulkResult:
        ticket_id = change.ticket.id
        assert change.update is not None
        try:
            await self.desk.submit(
                ticket_id, change.update, queue_if_unreachable=True, purpose=WritePurpose.CHANGE
            )
        except WriteQueued:
            return BulkResult(ticket_id, True, "queued: goes out once when the helpdesk is back")
        except FrontlineError as error:
            reason = (error.message.splitlines() or [error.title])[0]
            return BulkResult(ticket_id, False, f"failed: {one_line(reason)}")
        return BulkResult(ticket_id, True, "done")

    def _summary(self, text: str) -> None:
        self.query_one("#bulk-summary", Static).update(Content(text))
