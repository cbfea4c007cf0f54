"""Refreshing a loaded view by update time: one request when nothing changed, a full reload when needed.

The first load of a view reads every page (`Desk.load_view`). Later loads ask the helpdesk for what
changed since the view's watermark (`Helpdesk.view_changes`, newest first, stopping at the watermark
minus an overlap) and merge it (`domain.watermark.merge`): changed and new tickets replace or join,
the rest keep their place, departures the helpdesk names leave. The rule for falling back to a full
reload (`domain.watermark.full_reload_reason`): every `FULL_RELOAD_EVERY`th refresh, a delta too long
to read, a view count that disagrees with the merged list, or a helpdesk that cannot list by update time.

At a start from the local cache the cached views are read one after another while the console runs: a
load of a view whose cached tickets are still on their way (`expect_cached`) waits for them (`remember`)
and reads only what changed, instead of the whole view (504 pages for a 50,000-ticket view).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from frontline.domain.models import Ticket
from frontline.domain.watermark import (
    FULL_RELOAD_EVERY,
    OVERLAP,
    ViewChanges,
    delta_since,
    full_reload_reason,
    known_versions,
    merge,
)
from frontline.errors import FrontlineError, Unsupported
from frontline.services.desk import Desk, ProgressCallback

LoadKind = Literal["full", "delta"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class LoadReport:
    """How the last load of a view went, for the status line, logs and tests."""

    kind: LoadKind
    changed: int
    """Tickets the delta replaced or added (a full load: every ticket)."""
    departed: int = 0
    reason: str | None = None
    """Why a refresh became a full reload (None for a first load or a delta that stood)."""


class IncrementalLoader:
    """Each loaded view's tickets as last merged, and how many refreshes since its last full load.

    Args:
        desk: the helpdesk session the views are read through.
        full_every: every Nth refresh of a view reloads it in full.
    """

    def __init__(self, desk: Desk, *, full_every: int = FULL_RELOAD_EVERY) -> None:
        self.desk = desk
        self.full_every = max(1, full_every)
        self._tickets: dict[str, list[Ticket]] = {}
        self._since_full: dict[str, int] = {}
        self._full_pages: dict[str, int] = {}
        self._outside: dict[str, dict[str, datetime]] = {}
        """Per view, tickets a delta found changed but outside the view, within the overlap window."""
        self._coming: dict[str, asyncio.Event] = {}
        """Views whose cached tickets are being read (`expect_cached`), set when they arrive."""
        self.reports: dict[str, LoadReport] = {}

    def expect_cached(self, view_ids: Iterable[str]) -> None:
        """The cached tickets of `view_ids` are on their way (`remember`): a load of one of them asked
        before they arrive waits for them, then reads only what changed. `cached_done` ends the wait."""
        for view_id in view_ids:
            if view_id not in self._tickets:
                self._coming.setdefault(view_id, asyncio.Event())

    def cached_done(self) -> None:
        """No more cached tickets are coming: a load still waiting for some reads its view in full."""
        coming, self._coming = self._coming, {}
        for arrived in coming.values():
            arrived.set()

    def remember(self, view_id: str, tickets: Sequence[Ticket], *, refreshes_since_full: int = 0) -> None:
        """Start from `tickets` (a view painted from the local cache): the next load is a delta."""
        self._tickets[view_id] = list(tickets)
        self._since_full[view_id] = refreshes_since_full
        arrived = self._coming.pop(view_id, None)
        if arrived is not None:
            arrived.set()

    def held(self) -> list[list[Ticket]]:
        """Each view's tickets as last merged or remembered (lists never changed in place once held)."""
        return list(self._tickets.values())

    def forget(self, view_id: str) -> None:
        """The next load of the view reads it in full."""
        self._tickets.pop(view_id, None)
        self._since_full.pop(view_id, None)
        self._outside.pop(view_id, None)

    async def load(self, view_id: str, *, on_progress: ProgressCallback | None = None) -> list[Ticket]:
        """The view's tickets now: a delta merged into the last load, or a full load when the rule says.

        Raises:
            FrontlineError: the helpdesk could not be read; what was loaded before is kept.
        """
        coming = self._coming.get(view_id)
        if coming is not None:
            await coming.wait()  # its cached tickets are being read: they are the delta's base
        previous = self._tickets.get(view_id)
        # A full read saw the view as it was: the delta after it reads from its watermark, no overlap
        # (JSM's project-wide search would otherwise meet, and check, every other request updated then).
        overlap = timedelta(0) if self._since_full.get(view_id) == 0 else OVERLAP
        since = delta_since(previous or (), overlap)
        if previous is None or since is None:
            return await self._full(view_id, on_progress, reason=None)
        known = known_versions(previous, also=self._outside.get(view_id))
        try:
            changes = await self.desk.adapter.view_changes(view_id, since, known)
        except Unsupported as error:
            return await self._full(view_id, on_progress, reason=error.message)
        merged = merge(previous, changes.tickets, changes.departed or frozenset())
        count = self._since_full.get(view_id, 0)
        reason = full_reload_reason(changes, len(merged), refreshes_since_full=count, every=self.full_every)
        if reason is not None:
            return await self._full(view_id, on_progress, reason=reason)
        self._keep(view_id, merged, changes, since, refreshes_since_full=count + 1)
        self._budget(view_id)
        gone = len(previous) + len(changes.tickets) - len(merged)
        self.reports[view_id] = LoadReport("delta", len(changes.tickets), departed=max(gone, 0))
        if on_progress is not None:
            on_progress(len(merged))
        return merged

    def _keep(
        self,
        view_id: str,
        tickets: list[Ticket],
        changes: ViewChanges,
        since: datetime,
        *,
        refreshes_since_full: int,
    ) -> None:
        """Hold `tickets` as the view's list; changed tickets outside it are remembered while they are
        within the next delta's reach."""
        self._tickets[view_id] = tickets
        self._since_full[view_id] = refreshes_since_full
        outside = {**self._outside.get(view_id, {}), **changes.outside}
        self._outside[view_id] = {key: at for key, at in outside.items() if at >= since}

    async def _full(
        self, view_id: str, on_progress: ProgressCallback | None, *, reason: str | None
    ) -> list[Ticket]:
        tickets = await self.desk.load_view(view_id, on_progress=on_progress)
        self._full_pages[view_id] = self.desk.pages_per_view.get(view_id, 1)
        self._outside.pop(view_id, None)
        since = delta_since(tickets, timedelta(0))
        changes = ViewChanges()
        if self.desk.capabilities.delta_after_full and since is not None:
            try:  # best effort: the next refresh does it otherwise
                changes = await self.desk.adapter.view_changes(view_id, since, known_versions(tickets))
            except FrontlineError:
                changes = ViewChanges()
            tickets = merge(tickets, changes.tickets, changes.departed or frozenset())
        self._keep(view_id, list(tickets), changes, since or _EPOCH, refreshes_since_full=0)
        self.reports[view_id] = LoadReport("full", len(tickets), reason=reason)
        return tickets

    def _budget(self, view_id: str) -> None:
        """What a refresh of the view costs on average now (a delta request, and a full reload's pages
        spread over its period), for the desk's refresh budget."""
        pages = self._full_pages.get(view_id, 1)
        self.desk.pages_per_view[view_id] = 1 + math.ceil(pages / self.full_every)
