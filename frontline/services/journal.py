"""The shift and its journal as the console and the CLI use them: start, end, status, opened, notes.

A shift starts with `frontline shift start` or by itself at the day's first action, and ends with
`frontline shift end` or when its handoff is published (anything done after that starts the next one).
Writes are journalled by the outbox (same transaction); this service records what is not a write: a
ticket opened, a handoff note.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from frontline.domain.clock import Clock
from frontline.domain.journal_ports import ShiftJournal
from frontline.domain.models import CommentDraft, Person, Ticket, TicketUpdate
from frontline.domain.outbox import OutboxEntry
from frontline.domain.publication import Publication
from frontline.domain.shift import (
    JournalEntry,
    JournalKind,
    Shift,
    clean_note,
    journal_subject,
    shift_is_stale,
)
from frontline.errors import FrontlineError, InputError

__all__ = ["MemoryJournal", "ShiftLog", "ShiftStatus", "engineer_name"]


@dataclass(frozen=True)
class ShiftStatus:
    """Where the shift stands: since when, and what was done (`frontline shift status`)."""

    shift: Shift | None
    lines: tuple[JournalEntry, ...] = ()

    @property
    def tickets(self) -> int:
        return len({line.ticket_id for line in self.lines if line.ticket_id is not None})


class ShiftLog:
    """One profile's shift.

    Args:
        journal: a callable giving the journal store (the local database, opened on first use).
        profile: the profile whose shift it is.
        clock: stamps every line.
        whoami: the signed-in engineer, to name who was on shift.
        submit: sends a write through the desk's outbox (a handoff note also posted on the ticket).
    """

    def __init__(
        self,
        journal: Callable[[], ShiftJournal],
        *,
        profile: str,
        clock: Clock,
        whoami: Callable[[], Awaitable[Person]] | None = None,
    ) -> None:
        self._journal = journal
        self.profile = profile
        self.clock = clock
        self._whoami = whoami

    @property
    def journal(self) -> ShiftJournal:
        return self._journal()

    def current(self) -> Shift | None:
        """The running shift, or None (none started, or the last one went idle)."""
        shift = self.journal.current(self.profile)
        if shift is None:
            return None
        last = self.journal.last_activity(shift.id)
        return None if shift_is_stale(shift, last, self.clock()) else shift

    async def start(self) -> Shift:
        """Start a shift now (or return the one running), naming the engineer when the helpdesk answers."""
        shift = self.journal.start(self.profile, self.clock(), by="command")
        await self.name_engineer(shift)
        return self.journal.get_shift(shift.id) or shift

    def end(self) -> Shift | None:
        """End the running shift now; None when none was running."""
        return self.journal.end(self.profile, self.clock())

    async def name_engineer(self, shift: Shift) -> None:
        """Record who is on the shift, if not yet known and the helpdesk can say (offline: later)."""
        if shift.engineer or self._whoami is None:
            return
        try:
            me = await self._whoami()
        except FrontlineError:
            return
        self.journal.set_engineer(shift.id, engineer_name(me))

    def status(self) -> ShiftStatus:
        """The running shift, else the last one (one left idle shows as ended at its last action)."""
        shift = self.current() or next(iter(self.journal.latest(self.profile, 1)), None)
        if shift is None:
            return ShiftStatus(shift=None)
        lines = tuple(self.journal.entries(self.profile, shift_id=shift.id))
        if shift.is_open() and shift_is_stale(shift, lines[-1].at if lines else None, self.clock()):
            shift = replace(shift, ended_at=lines[-1].at if lines else shift.started_at)
        return ShiftStatus(shift=shift, lines=lines)

    def lines(self, shift: Shift, *, since: datetime | None = None) -> list[JournalEntry]:
        """The shift's journal, or every line since `since` when given."""
        if since is not None:
            return self.journal.entries(self.profile, since=since)
        return self.journal.entries(self.profile, shift_id=shift.id)

    def opened(self, ticket: Ticket) -> JournalEntry:
        """The engineer opened `ticket` (the ticket screen, `frontline show`); like any action, it starts
        the day's shift when none runs."""
        return self.journal.append(
            JournalEntry(
                kind=JournalKind.OPENED,
                at=self.clock(),
                profile=self.profile,
                ticket_id=ticket.id,
                subject=journal_subject(ticket.subject),
            )
        )

    def note(self, ticket_id: str, text: str, *, subject: str = "") -> JournalEntry:
        """Attach a handoff note to a ticket for the next shift (kept locally).

        Raises:
            InputError: the note is empty.
        """
        note = clean_note(text)
        if not note:
            raise InputError("The handoff note is empty: write a line for the next engineer.")
        return self.journal.append(
            JournalEntry(
                kind=JournalKind.NOTE,
                at=self.clock(),
                profile=self.profile,
                ticket_id=ticket_id,
                subject=journal_subject(subject),
                text=note,
            )
        )


def note_update(note: str, ticket: Ticket) -> TicketUpdate:
    """The internal note that posts a handoff note on its ticket."""
    comment = CommentDraft(body=f"Handoff note: {note}", public=False)
    return TicketUpdate(comment=comment, revision=ticket.stamp)


def engineer_name(person: Person) -> str:
    """ "Ada Lovelace <ada@example.com>", or the name alone."""
    return f"{person.name} <{person.email}>" if person.email else person.name


class MemoryJournal:
    """The journal and publications in memory, when the local database is unusable (forgotten on exit).

    Args:
        outbox_entry: looks up a write's outbox entry, for its state.
    """

    def __init__(self, outbox_entry: Callable[[str], OutboxEntry | None] = lambda _id: None) -> None:
        self.shifts: dict[str, Shift] = {}
        self.lines: list[JournalEntry] = []
        self.handoffs: dict[str, str] = {}
        self.publications: dict[tuple[str, str, str], Publication] = {}
        self._outbox_entry = outbox_entry
        self._ids = iter(range(1, 1 << 62))

    def current(self, profile: str) -> Shift | None:
        return next((s for s in self.latest(profile, 1_000) if s.is_open()), None)

    def latest(self, profile: str, limit: int = 10) -> list[Shift]:
        mine = sorted((s for s in self.shifts.values() if s.profile == profile), key=lambda s: s.started_at)
        return mine[::-1][:limit]

    def get_shift(self, shift_id: str) -> Shift | None:
        return self.shifts.get(shift_id)

    def start(self, profile: str, at: datetime, *, engineer: str = "", by: str = "command") -> Shift:
        shift = self._usable(profile, at, by)
        if engineer and not shift.engineer:
            shift = self.shifts[shift.id] = replace(shift, engineer=engineer)
        return shift

    def _usable(self, profile: str, at: datetime, by: str) -> Shift:
        shift = self.current(profile)
        if shift is not None:
            last = self.last_activity(shift.id)
            if not shift_is_stale(shift, last, at):
                return shift
            self.shifts[shift.id] = replace(shift, ended_at=last or shift.started_at)
        new = Shift(id=f"m{next(self._ids)}", profile=profile, started_at=at, started_by=by)
        self.shifts[new.id] = new
        return new

    def end(self, profile: str, at: datetime) -> Shift | None:
        shift = self.current(profile)
        if shift is None:
            return None
        ended = self.shifts[shift.id] = replace(shift, ended_at=max(at, shift.started_at))
        return ended

    def set_engineer(self, shift_id: str, engineer: str) -> None:
        if shift_id in self.shifts:
            self.shifts[shift_id] = replace(self.shifts[shift_id], engineer=engineer)

    def last_activity(self, shift_id: str) -> datetime | None:
        return max((line.at for line in self.lines if line.shift_id == shift_id), default=None)

    def append(self, entry: JournalEntry) -> JournalEntry:
        shift_id = entry.shift_id or self._usable(entry.profile, entry.at, "auto").id
        line = replace(entry, shift_id=shift_id, id=next(self._ids))
        self.lines.append(line)
        return line

    def entries(
        self, profile: str, *, shift_id: str | None = None, since: datetime | None = None
    ) -> list[JournalEntry]:
        chosen: Iterable[JournalEntry] = (
            line
            for line in self.lines
            if line.profile == profile
            and (shift_id is None or line.shift_id == shift_id)
            and (since is None or line.at >= since)
        )
        return sorted((self._with_state(line) for line in chosen), key=lambda line: (line.at, line.id or 0))

    def _with_state(self, line: JournalEntry) -> JournalEntry:
        entry = self._outbox_entry(line.outbox_id) if line.outbox_id else None
        if entry is None:
            return line
        return replace(line, write_state=entry.state, not_applied=entry.not_applied)

    def save_handoff(self, shift_id: str, document: str) -> None:
        self.handoffs[shift_id] = document

    def handoff(self, shift_id: str) -> str | None:
        return self.handoffs.get(shift_id)

    # PublicationRepository
    def get(self, profile: str, shift_id: str, destination: str) -> Publication | None:
        return self.publications.get((profile, shift_id, destination))

    def put(self, publication: Publication, *, journal: JournalEntry | None = None) -> None:
        self.publications[(publication.profile, publication.shift_id, publication.destination)] = publication
        if journal is not None:
            self.append(journal)

    def for_shift(self, profile: str, shift_id: str) -> list[Publication]:
        mine = [p for (pr, s, _), p in self.publications.items() if pr == profile and s == shift_id]
        return sorted(mine, key=lambda p: p.created_at)
