"""Marks on the queue's tickets for a bulk action: space marks or unmarks the highlighted ticket, ctrl+a
marks every ticket shown (or unmarks them when all are marked already), B asks what to change on them.

Marks are ticket ids, so they survive filtering, sorting and refreshes; after a bulk action only the
tickets whose change failed stay marked, ready to try again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from textual.app import App

    from frontline.domain.models import Ticket
    from frontline.domain.queue import QueueModel
    from frontline.ui.screens.bulk import BulkResult
    from frontline.ui.widgets.queue_rows import RowRenderer


class MarksTickets:
    """Mix into `QueueList` (before `ScrollView`); its `BINDINGS` carry the keys (`queue.mark` ...)."""

    if TYPE_CHECKING:
        rows: RowRenderer
        model: QueueModel
        cursor: int

        app: App[Any]

        @property
        def highlighted_ticket_id(self) -> str | None: ...
        def _move(self, position: int, *, force_scroll: bool = False) -> None: ...

    @property
    def marked(self) -> set[str]:
        """The marked ticket ids (the row renderer's set: rows show a ✓ for them)."""
        return self.rows.marked

    def shown_tickets(self) -> list[Ticket]:
        """The tickets the filter shows, in the order shown."""
        return [self.model.ticket_at(position) for position in range(len(self.model))]

    def marked_tickets(self) -> list[Ticket]:
        """The marked tickets of this view, in the order shown."""
        return [ticket for ticket in self.shown_tickets() if ticket.id in self.marked]

    def set_marks(self, ticket_ids: set[str]) -> None:
        self.marked.clear()
        self.marked.update(ticket_ids)
        self._repaint()

    def _repaint(self) -> None:
        cast("Any", self).refresh()

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted ticket and move on, so space space space marks a run."""
        ticket_id = self.highlighted_ticket_id
        if ticket_id is not None:
            self.marked.symmetric_difference_update({ticket_id})
            self._move(self.cursor + 1)
            self._repaint()

    def action_mark_all(self) -> None:
        shown = {ticket.id for ticket in self.shown_tickets()}
        self.set_marks(self.marked - shown if shown <= self.marked else self.marked | shown)

    def action_bulk(self) -> None:
        from frontline.ui.screens.bulk import start_bulk

        def done(results: list[BulkResult]) -> None:
            self.set_marks({result.ticket_id for result in results if not result.done})

        start_bulk(self.app, self.marked_tickets(), done)  # type: ignore[arg-type]
