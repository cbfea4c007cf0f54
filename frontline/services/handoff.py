"""Writing the shift handoff: read the journal, fetch every touched ticket as it is now, summarise.

The journal says what the engineer did; the helpdesk says where each ticket stands now (status, SLA, a
customer reply since); the trackers say where each bug stands. A ticket or tracker that cannot be read
does not stop the handoff: it is listed as not read, with what the journal knows, and a warning says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from frontline.domain.clock import Clock
from frontline.domain.handoff import DEFAULT_SLA_HORIZON, Handoff, ShiftFacts, summarize
from frontline.domain.models import Person, Ticket, TicketThread
from frontline.domain.ports import EscalationRepository
from frontline.domain.shift import JournalKind, Shift
from frontline.errors import FrontlineError, InputError
from frontline.services.desk import Desk
from frontline.services.escalation import Escalations
from frontline.services.journal import ShiftLog, engineer_name

__all__ = ["HandoffWriter", "handoff_ref"]

READS_AT_ONCE = 4
"""Tickets read concurrently: a handoff of fifty tickets is quick without bursting the rate limit."""

VIEW_TICKETS_READ = 500
"""Tickets read from each of the engineer's views for SLAs at risk (the most urgent come first)."""


def handoff_ref(shift: Shift) -> str:
    """The handoff's reference, written into every post of it so a retry can recognise it."""
    return f"{shift.profile}-{shift.id}"


class HandoffWriter:
    """Builds the handoff of the running (or last) shift, or of everything since a moment.

    Args:
        desk: reads tickets and views.
        shift: the profile's shift and journal.
        escalation_records: the profile's escalations (bug keys, statuses as last read).
        escalations: refreshes bug statuses from the trackers; None when no tracker is configured.
    """

    def __init__(
        self,
        desk: Desk,
        shift: ShiftLog,
        escalation_records: Callable[[], EscalationRepository],
        *,
        escalations: Escalations | None,
        clock: Clock,
    ) -> None:
        self.desk = desk
        self.shift = shift
        self._records = escalation_records
        self.escalations = escalations
        self.clock = clock

    def shift_to_hand_off(self, since: datetime | None = None) -> Shift:
        """The running shift, else the last one; with `since`, a window from then until now.

        Raises:
            InputError: nothing was done through frontline yet and no `since` was given.
        """
        if since is not None:
            running = self.shift.current()
            window = f"since-{since.strftime('%Y%m%dT%H%M')}"
            return Shift(
                id=f"{running.id}-{window}" if running is not None else window,
                profile=self.shift.profile,
                started_at=since,
                engineer=running.engineer if running is not None else "",
            )
        shift = self.shift.current() or next(iter(self.shift.journal.latest(self.shift.profile, 1)), None)
        if shift is None:
            raise InputError(
                "No shift to hand off yet: nothing was done through frontline on this profile. Start one "
                "with `frontline shift start`, or give --since."
            )
        return shift

    async def write(
        self,
        *,
        since: datetime | None = None,
        horizon: timedelta = DEFAULT_SLA_HORIZON,
        include_views: bool = True,
    ) -> Handoff:
        """The handoff as of now. Reads the helpdesk (each touched ticket, the views) and the trackers.

        Raises:
            InputError: there is no shift to hand off.
            StoreError: the local database failed.
        """
        shift = self.shift_to_hand_off(since)
        lines = self.shift.lines(shift, since=since)
        warnings: list[str] = []
        touched = list(dict.fromkeys(line.ticket_id for line in lines if line.ticket_id is not None))
        threads = await self._threads(touched, warnings)
        me = await self._me(warnings)
        escalated = {
            line.ticket_id
            for line in lines
            if line.kind in (JournalKind.ESCALATED, JournalKind.LINKED) and line.ticket_id is not None
        }
        await self._refresh_bugs(sorted(escalated), warnings)
        view_tickets = await self._view_tickets(warnings) if include_views else []
        as_of = self.clock()
        engineer = shift.engineer or (engineer_name(me) if me is not None else "")
        handoff = summarize(
            ShiftFacts(
                shift=shift,
                journal=lines,
                threads=threads,
                as_of=shift.ended_at or as_of,
                helpdesk=self.desk.helpdesk_name,
                engineer=engineer,
                view_tickets=view_tickets,
                escalations=self._records().all(self.shift.profile),
                me_id=me.id if me is not None else None,
                horizon=horizon,
                ref=handoff_ref(shift),
            )
        )
        return replace(handoff, warnings=tuple(warnings))

    async def _threads(self, ticket_ids: Sequence[str], warnings: list[str]) -> dict[str, TicketThread]:
        gate = asyncio.Semaphore(READS_AT_ONCE)
        failures: list[str] = []

        async def read(ticket_id: str) -> TicketThread | None:
            async with gate:
                try:
                    return await self.desk.open_ticket(ticket_id)
                except FrontlineError as error:
                    failures.append(f"#{ticket_id}: {error.message.splitlines()[0]}")
                    return None

        results = await asyncio.gather(*(read(ticket_id) for ticket_id in ticket_ids))
        if failures:
            warnings.append(
                f"{len(failures)} ticket(s) could not be read; they are listed with what the journal knows "
                f"({'; '.join(sorted(failures)[:3])}{' …' if len(failures) > 3 else ''})."
            )
        return {
            ticket_id: thread
            for ticket_id, thread in zip(ticket_ids, results, strict=True)
            if thread is not None
        }

    async def _me(self, warnings: list[str]) -> Person | None:
        try:
            return await self.desk.whoami()
        except FrontlineError as error:
            warnings.append(f"Could not ask {self.desk.helpdesk_name} who you are: {error.title}.")
            return None

    async def _refresh_bugs(self, ticket_ids: Sequence[str], warnings: list[str]) -> None:
        if self.escalations is None:
            return
        for ticket_id in ticket_ids:
            try:
                await self.escalations.refresh_status(ticket_id)
            except FrontlineError as error:
                warnings.append(f"Bug status for #{ticket_id} is as last seen: {error.title}.")

    async def _view_tickets(self, warnings: list[str]) -> list[Ticket]:
        tickets: list[Ticket] = []
        try:
            views = await self.desk.views()
            for view in views:
                tickets += await self.desk.load_view(view.id, limit=VIEW_TICKETS_READ)
        except FrontlineError as error:
            warnings.append(
                f"SLAs at risk cover the touched tickets only: the views could not be read ({error.title})."
            )
        return tickets
