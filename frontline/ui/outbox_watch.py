"""The outbox seen from the console: checked on start, again while anything waits, told when it settles.

Writes in flight when frontline last stopped are settled on start from the helpdesk's record; writes queued
while the helpdesk was unreachable go out once it answers again (a successful refresh, or a check every
CHECK_SECONDS); writes with no clear answer are checked until they land or are given back. Each check runs
as one of the app's writes (quitting waits for it, closing a screen never cancels it) and only one runs at
a time, so a queued write is never flushed twice. Only writes that settle are told, in one notification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from frontline.domain.outbox import OutboxEntry, WriteState
from frontline.domain.ports import ConnectionState
from frontline.errors import AuthError, FrontlineError
from frontline.ui.outbox_text import Origin, settled_notice

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp

CHECK_SECONDS = 30.0
"""How often writes that wait (queued, in doubt) are checked: one cheap request while anything waits."""
UNREACHABLE = (ConnectionState.OFFLINE, ConnectionState.RATE_LIMITED, ConnectionState.SIGNED_OUT)


@runtime_checkable
class FollowsOutbox(Protocol):
    """A screen that shows outbox entries (the ticket's banner, the outbox list)."""

    def outbox_changed(self, reload_ticket_ids: frozenset[str]) -> None:
        """Show the outbox as it is now; a ticket in `reload_ticket_ids` changed on the helpdesk too."""
        ...


class OutboxWatch:
    """Keeps the console's view of the outbox current and sends what waits once the helpdesk is back.

    Args:
        app: the console; checks run as its writes.
    """

    def __init__(self, app: FrontlineApp) -> None:
        self.app = app
        self.unsettled: list[OutboxEntry] = []
        """The profile's writes not settled yet, as last read (the status bar's count, the quit question)."""
        self._running = False
        self._again = False
        self._store_error_reported = False

    def start(self) -> None:
        """On start: settle what was in flight when frontline stopped, send what was queued, then watch."""
        self.app.set_interval(CHECK_SECONDS, self.tick)
        if self.refresh():
            self.check(at_start=True)

    def refresh(self) -> list[OutboxEntry]:
        """Read the unsettled writes again (a query of the local database, no request)."""
        desk = self.app.desk
        try:
            self.unsettled = desk.outbox.repository.unsettled(desk.profile_name)
        except FrontlineError as error:
            self._store_failed(error)
        return self.unsettled

    def tick(self) -> None:
        """Every CHECK_SECONDS: check what waits, unless signed out or a write is on its way."""
        if self.app.signed_out or self._running or self.app.writes.in_flight():
            return
        if self.refresh():
            self.check()

    def helpdesk_answered(self) -> None:
        """A read just succeeded, so the helpdesk is reachable: what waits for it can go now."""
        if self.app.signed_out or self.app.desk.connection_state in UNREACHABLE:
            return
        if any(entry.state is not WriteState.SENDING for entry in self.refresh()):
            self.check(probe=False)

    def check(self, *, probe: bool = True, at_start: bool = False) -> None:
        """Reconcile and flush in the background; asked while one runs, it runs once more afterwards.

        With `probe`, the helpdesk is asked who is signed in first, so nothing is sent with a dead token
        or to a helpdesk that is still down.
        """
        if self._running:
            self._again = True
            return
        if self.app.signed_out:
            return
        self._running = True
        self.app.writes.run(self._check(probe=probe, at_start=at_start), name="the outbox check")

    async def _check(self, *, probe: bool, at_start: bool) -> None:
        settled: list[tuple[OutboxEntry, Origin]] = []
        try:
            again = True
            while again:
                self._again = False
                settled += await self._check_once(probe=probe, at_start=at_start)
                again, probe, at_start = self._again, False, False
        except FrontlineError as error:  # the local database failed; the next check tries again
            self._store_failed(error)
        finally:
            self._running = False
        self._tell(settled)

    async def _check_once(self, *, probe: bool, at_start: bool) -> list[tuple[OutboxEntry, Origin]]:
        waiting = self.refresh()
        if not waiting:
            return []
        # A write still `sending` here belongs to a frontline that stopped mid-send (this one's own sends
        # are never reconciled while in flight); the rest had no clear answer.
        was_sending = {entry.id for entry in waiting if entry.state is WriteState.SENDING}
        desk = self.app.desk
        if probe:
            try:
                await desk.connect()
            except AuthError as error:
                self.app.report_error(error)
                return []
            except FrontlineError:
                return []  # still unreachable: the next check tries again
        settled = [
            (entry, Origin.RESTART if at_start or entry.id in was_sending else Origin.DOUBT)
            for entry in await desk.outbox.reconcile()
            if entry.state.settled
        ]
        if self.app.signed_out or desk.connection_state in UNREACHABLE:
            return settled
        if any(entry.state is WriteState.QUEUED for entry in self.refresh()):
            flushed = await desk.outbox.flush()
            settled += [(entry, Origin.QUEUED) for entry in flushed if entry.state.settled]
            if desk.connection_state is ConnectionState.SIGNED_OUT:
                self.app.auth.signed_out()
        return settled

    def _tell(self, settled: list[tuple[OutboxEntry, Origin]]) -> None:
        """One notification for what settled; screens showing those tickets read them again."""
        self.changed(frozenset(entry.ticket_id for entry, _ in settled))
        notice = settled_notice(settled)
        if notice is None:
            return
        text, trouble = notice
        self.app.notify(
            text,
            title="Outbox",
            severity="warning" if trouble else "information",
            timeout=20 if trouble else 10,
            markup=False,
        )

    def changed(self, reload_ticket_ids: frozenset[str] = frozenset()) -> None:
        """The outbox changed (a write ended, a check settled some): show it wherever it is shown."""
        self.refresh()
        for screen in list(self.app.screen_stack):
            if isinstance(screen, FollowsOutbox):
                screen.outbox_changed(reload_ticket_ids)

    def _store_failed(self, error: FrontlineError) -> None:
        if not self._store_error_reported:
            self._store_error_reported = True
            self.app.report_error(error)
