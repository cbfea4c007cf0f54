"""`u` on the ticket screen: the last field change made there, undone for a few seconds after it landed.

One slot per app (the newest change replaces the one before), timed by the app's clock so tests move time
instead of sleeping. The undo itself is an ordinary second write through the outbox (`domain.undo`).
"""

from __future__ import annotations

from datetime import datetime
from weakref import WeakKeyDictionary

from textual.app import App

from frontline.domain.models import Ticket, TicketUpdate
from frontline.domain.undo import UNDO_WINDOW, Undoable, UndoSlot, inverse_update

_SLOTS: WeakKeyDictionary[App[object], UndoSlot] = WeakKeyDictionary()


def slot(app: App[object]) -> UndoSlot:
    """The app's undo slot."""
    if app not in _SLOTS:
        _SLOTS[app] = UndoSlot()
    return _SLOTS[app]


def offer(
    app: App[object], now: datetime, before: Ticket | None, change: TicketUpdate, after: Ticket, done: str
) -> str:
    """Keep the inverse of `change` (made on `before`, giving `after`) for `u`; the words to add to the
    notification (" — u to undo"), empty when it cannot be undone."""
    if before is None or before.id != after.id:
        return ""
    inverse = inverse_update(before, change, after.stamp)
    if inverse is None:
        return ""
    slot(app).offer(Undoable(after.id, inverse, done, now))
    return f" — u to undo ({UNDO_WINDOW.seconds} s)"


def take(app: App[object], ticket_id: str, now: datetime) -> Undoable | None:
    """The change on `ticket_id` that `u` undoes at `now`, or None (nothing, or its time is up)."""
    return slot(app).take(ticket_id, now)
