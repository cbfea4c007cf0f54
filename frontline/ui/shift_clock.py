"""The shift as the console shows it: when the running shift started, read from the journal, the journal
lines the console records itself (a ticket opened), and the previous shift's handoff as it was published.

The start comes from the local store, so the status bar's `shift 2h05m` counts from the real start and
survives restarts; `off shift` when none runs. It is read in a thread (one small SQLite query) on start,
every REFRESH_SECONDS, whenever this console changes a ticket, and when a screen says the journal changed
(a note, a publish). The status bar reads the value it keeps: its once-a-second tick costs no query.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from frontline.domain.models import Ticket
from frontline.domain.shift import JournalKind, Shift
from frontline.errors import FrontlineError
from frontline.services.session import Session
from frontline.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp

REFRESH_SECONDS = 15.0
"""How often the start is read again: writes queued elsewhere (the CLI, the outbox) start shifts too."""
CLOCK_GROUP = "shift-clock"


class ShiftClock:
    """The running shift's start as last read; None when no shift runs (or before the first read).

    Args:
        app: the console; the reads run as its workers.
    """

    def __init__(self, app: FrontlineApp) -> None:
        self.app = app
        self.started_at: datetime | None = None
        self._reading = False
        self._again = False

    def start(self) -> None:
        """Read now, then every REFRESH_SECONDS and after every ticket this console changes."""
        self.app.set_interval(REFRESH_SECONDS, self.refresh)
        self.app.desk.subscribe(lambda _ticket: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Read the running shift again, in the background; asked while a read runs, it reads once more."""
        self.app.session.journal()  # opened here, on the UI thread, if it was not yet
        if self._reading:
            self._again = True
            return
        self._reading = True
        self.app.run_worker(self._read(), group=CLOCK_GROUP, exit_on_error=False)

    async def _read(self) -> None:
        try:
            again = True
            while again:
                self._again = False
                shift: Shift | None = await asyncio.to_thread(self.app.session.shift.current)
                again = self._again
        except FrontlineError:
            return  # the clock keeps what it showed; a failing database is told by drafts and the outbox
        finally:
            self._reading = False
        self.show(shift)

    def show(self, shift: Shift | None) -> None:
        """Keep `shift`'s start and re-render the status bars at once (they tick each second anyway)."""
        self.started_at = shift.started_at if shift is not None else None
        for screen in self.app.screen_stack:
            for bar in screen.query(StatusBar):
                bar.tick()


def record_opened(app: FrontlineApp, ticket: Ticket) -> None:
    """Journal that the engineer opened `ticket` (starting the day's shift if none runs).

    A local database that fails is a warning, never a crash: the ticket is shown all the same.
    """
    try:
        app.session.shift.opened(ticket)
    except FrontlineError as error:
        app.notify(
            f"Not recorded in the shift journal: {error.message}",
            title="Shift journal",
            severity="warning",
            timeout=6,
            markup=False,
        )
        return
    app.shift_clock.refresh()


@dataclass(frozen=True)
class PreviousHandoff:
    """The handoff the previous shift published, as Markdown source (shown as plain text)."""

    shift: Shift
    text: str
    before_any_work: bool = False
    """No shift runs yet: the engineer is starting, the moment to read it."""
    named: frozenset[str] = frozenset()
    """Tickets it asks the next engineer to look at and nobody has opened since: marked in the queue."""

    @property
    def title(self) -> str:
        from frontline.domain.handoff_render import format_time

        ended = format_time(self.shift.ended_at) if self.shift.ended_at else "not recorded"
        return f"Previous shift's handoff · ended {ended} (as published then)"


def previous_handoff(session: Session) -> PreviousHandoff | None:
    """The newest ended shift of the profile whose handoff was kept (published), else None.

    A kept handoff that cannot be read (a newer or damaged document) counts as none: it is a convenience.

    Raises:
        StoreError: the local database failed.
    """
    # The handoff's JSON and text stacks load here, once the queue has painted (`start_watches`).
    from frontline.domain.handoff_json import handoff_from_json
    from frontline.domain.handoff_text import render_text

    journal = session.journal()
    shifts = journal.latest(session.profile_name, 2)
    ended = next((shift for shift in shifts if not shift.is_open()), None)
    document = journal.handoff(ended.id) if ended is not None else None
    if ended is None or document is None:
        return None
    try:
        handoff = handoff_from_json(json.loads(document))
        text = render_text(handoff)
    except (ValueError, KeyError, TypeError):
        return None
    since = ended.ended_at or ended.started_at
    opened = {
        line.ticket_id
        for line in journal.entries(session.profile_name, since=since)
        if line.kind is JournalKind.OPENED
    }
    named = frozenset(handoff.named_ticket_ids() - opened)
    return PreviousHandoff(ended, text, before_any_work=shifts[0] is ended, named=named)
