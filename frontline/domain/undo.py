"""Undoing the last field change: the inverse write, and how long it may be asked for.

The undo is a second write through the same path as the first (never a deletion of the first), built from
the ticket as it was before the change. A change with no inverse frontline can express (a priority set
where there was none) offers no undo rather than a wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from frontline.domain.models import Ticket, TicketUpdate

UNDO_WINDOW = timedelta(seconds=8)
"""How long after a change `u` undoes it."""


def inverse_update(before: Ticket, change: TicketUpdate, revision: str | None) -> TicketUpdate | None:
    """The write that puts back what `change` changed on `before`; None when it cannot be put back.

    `revision` is the ticket's stamp after the change (the undo is guarded against a later edit).
    """
    if change.comment is not None:
        return None
    fields: dict[str, object] = {}
    if change.status is not None:
        fields["status"] = before.status
        fields["status_id"] = before.status_id
    if change.priority is not None:
        if before.priority is None:
            return None
        fields["priority"] = before.priority
    if change.assignee_id is not None:
        fields["assignee_id"] = before.assignee.id if before.assignee is not None else ""
    if change.group_id is not None:
        if before.group_id is None:
            return None
        fields["group_id"] = before.group_id
    if change.tags_add or change.tags_remove:
        fields["tags_add"] = tuple(t for t in change.tags_remove if t in before.tags)
        fields["tags_remove"] = tuple(t for t in change.tags_add if t not in before.tags)
    inverse = TicketUpdate.model_validate({**fields, "revision": revision})
    return None if inverse.is_empty() else inverse


@dataclass(frozen=True)
class Undoable:
    """The last change on one ticket that can still be undone."""

    ticket_id: str
    inverse: TicketUpdate
    done: str
    """What the change did, in words ("Status set to pending")."""
    at: datetime

    def open_at(self, now: datetime) -> bool:
        """Whether `u` still undoes it at `now`."""
        return timedelta(0) <= now - self.at <= UNDO_WINDOW


class UndoSlot:
    """The one change that `u` undoes; a newer change replaces it, taking it empties the slot."""

    def __init__(self) -> None:
        self._last: Undoable | None = None

    def offer(self, undoable: Undoable) -> None:
        self._last = undoable

    def take(self, ticket_id: str, now: datetime) -> Undoable | None:
        """The change on `ticket_id` to undo at `now`, or None (none, another ticket's, or too late)."""
        last = self._last
        if last is None or last.ticket_id != ticket_id or not last.open_at(now):
            return None
        self._last = None
        return last
