"""Keeping one desk's views in step with the helpdesk: a queue per view, how fresh each is, when to reload.

These are the rules the queue screen follows, kept apart from Textual so plain tests can pin them. A view
is stale when it never loaded, when a local write may have changed it, or when it is older than its
refresh interval (the configured one, stretched by the desk's rate-limit budget for big views). A failed
load keeps the last good sync time, and automatic retries back off (10 s, 20 s, 40 s ... up to the refresh
interval) instead of hammering a helpdesk that is down; once the helpdesk refuses the token (401) they stop
until `resume` (signed in again). A write from this app updates the ticket in every cached view and drops
it from "unsolved" views it has left.

After a load, the conversations of tickets updated since they were last read are fetched (newest first,
a few at a time, a cap per load) to find customer replies on any ticket whatever its status; each reply is
announced once. What the engineer has seen (`SeenTickets`) is restored from the local store at start and
written back in batches off the UI thread, so markers and announcements survive a restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from frontline.domain.clock import Clock
from frontline.domain.models import Ticket, View
from frontline.domain.queue import QueueModel, RefreshResult, SortMode
from frontline.domain.queue_rules import no_longer_belongs
from frontline.domain.repositories import SeenRepository
from frontline.domain.text import one_line
from frontline.errors import AuthError, FrontlineError
from frontline.services.desk import Desk, ProgressCallback
from frontline.services.incremental import IncrementalLoader
from frontline.services.seen_keeper import CustomerReply, SeenKeeper

DEFAULT_REFRESH_SECONDS = 60
FIRST_RETRY_SECONDS = 10
"""After a failed load, the first automatic retry waits this long; each further failure doubles it."""
MAX_PLANS = 3
"""A load whose swap is refused (the sort or filter changed while it was prepared) is prepared again at
most this many times off the UI thread; then it is settled on it."""
SEEN_SLICE = 1_000
"""Tickets per slice of the seen-state passes (about a millisecond each), between which the UI runs."""
SLICE_PAUSE = 0.001
"""Seconds the event loop gets between two slices. Not `sleep(0)`: that is one loop iteration, and a
timer tick, a key or a repaint reaches its handler through several (task, message queue, handler), so
each hop waited a slice: 14 ms stalls at 50,000 tickets."""
SwapHook = Callable[[Callable[[], bool]], bool]
"""Makes a prepared load's swap: calls the install function given, returns what it returned."""
MAX_REPLY_NOTICES = 3
"""Up to this many customer replies are announced one by one; more are announced as one count."""


@dataclass(frozen=True)
class ViewLoaded:
    """What a completed load did to a view, for the screen to paint."""

    view_id: str
    first: bool
    """The view's first load: tickets never met before count as seen."""
    count: int
    refresh: RefreshResult | None
    """New and changed tickets (None on a first load)."""
    to_check: tuple[Ticket, ...] = ()
    """Tickets updated since their conversation was last read, newest first: maybe a customer reply."""
    replies: tuple[CustomerReply, ...] = ()
    """The customer replies `QueueSync.check_replies` found among them."""

    @property
    def customer_replies(self) -> list[Ticket]:
        """Tickets a customer answered since the last load: worth a notification."""
        return [reply.ticket for reply in self.replies]


@dataclass(frozen=True)
class LocalWrite:
    """Where a ticket changed by this app's own write landed in the cached views."""

    ticket: Ticket
    shown_position: int | None
    """Its row in the view on screen, updated in place (None when that view does not show it)."""
    removed_from: tuple[str, ...]
    """Views that dropped it because it no longer belongs there (their counts changed)."""


@dataclass(frozen=True)
class ReplyNotice:
    """One notification about customer replies: plain text, never markup (it holds ticket subjects)."""

    title: str
    message: str


def _install_only(install: Callable[[], bool]) -> bool:
    return install()


async def in_slices(tickets: Sequence[Ticket], work: Callable[[Sequence[Ticket]], object]) -> None:
    """`work` over `tickets` in slices of `SEEN_SLICE`, letting the event loop run between them."""
    for start in range(0, len(tickets), SEEN_SLICE):
        if start:
            await asyncio.sleep(SLICE_PAUSE)
        work(tickets[start : start + SEEN_SLICE])


def reply_notices(replies: Sequence[Ticket], *, max_each: int = MAX_REPLY_NOTICES) -> list[ReplyNotice]:
    """One notice per replied ticket, or a single count when there are too many to read."""
    if len(replies) <= max_each:
        return [
            ReplyNotice(
                "Customer replied",
                f"Customer replied on {one_line(ticket.display_key)}: {one_line(ticket.subject)}",
            )
            for ticket in replies
        ]
    return [ReplyNotice("Customers replied", f"{len(replies)} tickets have new customer replies.")]


class QueueSync:
    """The desk's views, one `QueueModel` each, and when each was last in step with the helpdesk.

    Args:
        desk: the helpdesk session the views are read from (and whose writes are followed).
        clock: the source of "now" for sync times and SLA sorting.
        refresh_seconds: the configured interval between automatic refreshes of a view.
        sort: the sort mode new view models start in (every view shares one).
        seen_store: opens where the seen state is kept (the session's local database); None, or a store
            that cannot be opened, keeps it in memory for this run only.
    """

    def __init__(
        self,
        desk: Desk,
        *,
        clock: Clock,
        refresh_seconds: int = DEFAULT_REFRESH_SECONDS,
        sort: SortMode = "sla",
        seen_store: Callable[[], SeenRepository | None] | None = None,
    ) -> None:
        self.desk = desk
        self.clock = clock
        self.refresh_seconds = refresh_seconds
        self.sort_mode: SortMode = sort
        self.sort_reverse = False
        """The shared sort column's order turned round (choosing the sorted column again)."""
        self.views: list[View] = []
        self.models: dict[str, QueueModel] = {}
        self.counts: dict[str, int] = {}
        """How many tickets each view holds, as last learnt (for the tab labels)."""
        self.current_view_id: str | None = None
        self.loading = False
        self._loaded: set[str] = set()
        self._synced_at: dict[str, datetime] = {}
        self._dirty: set[str] = set()  # loaded views a local write may have changed
        self._failed: set[str] = set()  # views whose last load failed
        self._unchanged: set[str] = set()  # views whose last fetch was a delta that found nothing
        self._failures: dict[str, tuple[int, datetime]] = {}  # failed loads in a row, and the last one's time
        self.signed_out = False
        """The helpdesk refused the token: no automatic refresh until `resume`."""
        self.keeper = SeenKeeper(desk, seen_store)
        self.incremental = IncrementalLoader(desk)
        """A loaded view refreshes by update time (`services.incremental`)."""
        self.seen = self.keeper.seen

    # -- seen state ------------------------------------------------------------------------------------

    def mark_seen(self, ticket: Ticket) -> None:
        """The engineer opened `ticket`: its markers clear, and stay cleared after a restart."""
        self.keeper.mark(ticket)

    async def check_replies(self, loaded: ViewLoaded) -> ViewLoaded:
        """Read the conversations of `loaded.to_check` for customer replies (`SeenKeeper.read_replies`);
        `loaded` comes back with them. The seen state is saved either way."""
        replies = await self.keeper.read_replies(loaded.view_id, loaded.to_check)
        return replace(loaded, replies=tuple(replies))

    # -- views -----------------------------------------------------------------------------------------

    async def load_views(self) -> list[View]:
        """Fetch the view list, keeping any counts the helpdesk sent with it (the seen state first).

        Raises:
            FrontlineError: the helpdesk could not list the views.
        """
        await self.keeper.restore()
        self.views = await self.desk.views()
        for view in self.views:
            if view.count is not None:
                self.counts[view.id] = view.count
        return self.views

    async def load_counts(self, on_count: Callable[[str, int], None]) -> None:
        """Ask how many tickets each view without a known count holds (best effort, errors skipped)."""
        for view in list(self.views):
            if view.id in self.counts:
                continue
            try:
                count = await self.desk.adapter.view_count(view.id)
            except FrontlineError:
                continue
            if count is not None and view.id not in self.counts:  # a load may have counted it meanwhile
                self.counts[view.id] = count
                on_count(view.id, count)

    def view(self, view_id: str | None) -> View | None:
        return next((view for view in self.views if view.id == view_id), None)

    def model_for(self, view_id: str) -> QueueModel:
        """The view's queue, made empty (in the shared sort mode) the first time it is asked for."""
        model = self.models.get(view_id)
        if model is None:
            model = QueueModel(
                seen=self.seen, sort=self.sort_mode, reverse=self.sort_reverse, now=self.clock()
            )
            self.models[view_id] = model
        return model

    def show_as_given(self, view_id: str, tickets: Sequence[Ticket]) -> QueueModel:
        """A view's queue holding `tickets` in the order given, made at the cost of the rows on screen
        (`QueueModel.as_given`), for a first paint from the local cache; `accept_view_async` then sorts
        and indexes it off the UI thread. Tickets on the first screens count as seen, as a first load's do."""
        self.seen.baseline(tickets[:SEEN_SLICE])
        model = QueueModel.as_given(
            tickets, seen=self.seen, sort=self.sort_mode, reverse=self.sort_reverse, now=self.clock()
        )
        self.models[view_id] = model
        return model

    def select(self, view_id: str) -> QueueModel:
        """Make a view the one on screen; its queue is returned in the shared sort mode."""
        self.current_view_id = view_id
        model = self.model_for(view_id)
        if model.sort_mode != self.sort_mode or model.sort_reverse != self.sort_reverse:
            model.set_sort(self.sort_mode, now=self.clock(), reverse=self.sort_reverse)
        if self.desk.me is not None:
            model.set_me(self.desk.me.id)
        return model

    # -- freshness -------------------------------------------------------------------------------------

    def is_loaded(self, view_id: str) -> bool:
        return view_id in self._loaded

    def synced_at(self, view_id: str) -> datetime | None:
        """When the view last loaded completely; a failed load leaves it as it was."""
        return self._synced_at.get(view_id)

    def sync_failed(self, view_id: str) -> bool:
        """Whether the view's last load failed (its rows are older than they look)."""
        return view_id in self._failed

    def is_dirty(self, view_id: str) -> bool:
        """Whether a local write since the last load may have moved tickets into or out of the view."""
        return view_id in self._dirty

    def refresh_interval(self, view_id: str) -> timedelta:
        """The configured interval, stretched by the desk so big views stay within the rate limit."""
        return timedelta(seconds=self.desk.refresh_seconds(view_id, self.refresh_seconds))

    def is_stale(self, view_id: str) -> bool:
        """Never loaded, changed by a local write, or older than its refresh interval: reload on showing."""
        synced = self._synced_at.get(view_id)
        if synced is None or view_id in self._dirty:
            return True
        return self.clock() - synced >= self.refresh_interval(view_id)

    def auto_refresh_due(self, view_id: str) -> bool:
        """Whether a loaded view has outlived its refresh interval and no load is under way.

        A view never loaded is left to its first load; a dirty one reloads when it is next shown. After a
        failed load the next try waits `retry_delay`; while signed out, nothing is due.
        """
        if view_id not in self._loaded or self.loading or self.signed_out:
            return False
        failures = self._failures.get(view_id)
        if failures is not None:
            return self.clock() - failures[1] >= self.retry_delay(view_id)
        synced = self._synced_at.get(view_id)
        return synced is None or self.clock() - synced >= self.refresh_interval(view_id)

    def retry_delay(self, view_id: str) -> timedelta:
        """How long after a failed load the next automatic one waits: doubling, at most the interval."""
        count = self._failures.get(view_id, (0, self.clock()))[0]
        if count == 0:
            return timedelta(0)
        backoff = timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** min(count - 1, 16))
        return min(backoff, self.refresh_interval(view_id))

    def resume(self) -> None:
        """Signed in again: automatic refreshes start over (the next one right away)."""
        self.signed_out = False
        self._failures.clear()

    # -- loading ---------------------------------------------------------------------------------------

    async def fetch_view(self, view_id: str, *, on_progress: ProgressCallback | None = None) -> list[Ticket]:
        """Every ticket of a view, from the helpdesk (a loaded one by what changed since, merged:
        `services.incremental`); nothing cached changes until `accept_view`.

        Raises:
            FrontlineError: the load failed; the view is marked failed and keeps its last sync time.
        """
        self.loading = True
        try:
            tickets = await self.incremental.load(view_id, on_progress=on_progress)
            report = self.incremental.reports.get(view_id)
            if report is not None and report.kind == "delta" and not report.changed and not report.departed:
                self._unchanged.add(view_id)
            return tickets
        except FrontlineError as error:
            self._failed.add(view_id)
            count = self._failures.get(view_id, (0, self.clock()))[0]
            self._failures[view_id] = (count + 1, self.clock())
            self.signed_out = self.signed_out or isinstance(error, AuthError)
            raise
        finally:
            self.loading = False

    def accept_view(self, view_id: str, tickets: list[Ticket]) -> ViewLoaded:
        """Put a fresh load in the view's queue and record it as in step with the helpdesk now.

        All on the calling thread: `accept_view_async` is the one the UI uses for big views."""
        first = view_id not in self._loaded
        model = self.model_for(view_id)
        refresh: RefreshResult | None = None
        if first:
            self.seen.baseline(tickets)
            model.replace(tickets, now=self.clock())
        else:
            refresh = model.apply_refresh(tickets, self.seen, now=self.clock())
        return self._accepted(view_id, tickets, first, refresh, tuple(self.seen.to_check(tickets)))

    async def accept_view_async(
        self, view_id: str, tickets: list[Ticket], *, swap: SwapHook | None = None
    ) -> ViewLoaded:
        """`accept_view` without holding the event loop: the model is built on a worker thread and
        swapped in at once (`QueueModel.plan_load`/`install`); the seen-state passes run in slices.

        `swap(install)` is called on the event loop's thread to make the swap: it reads what it must
        keep (the highlighted ticket), calls `install` and repaints when it returns True. A swap refused
        because the model moved on meanwhile (another sort or filter) is planned again.
        """
        first = view_id not in self._loaded
        model = self.model_for(view_id)
        if view_id in self._unchanged:  # a delta that found nothing: the queue shown is the view now
            self._unchanged.discard(view_id)
            if not first and model.total == len(tickets):
                return self._accepted(view_id, tickets, first, RefreshResult(), ())
        if first:
            await in_slices(tickets, self.seen.baseline)
        swap_with = swap or _install_only
        for attempt in range(MAX_PLANS + 1):
            plan = model.plan_load(
                tickets, now=self.clock(), seen=self.seen, refresh=not first, off_thread=attempt < MAX_PLANS
            )
            if attempt < MAX_PLANS:
                await asyncio.to_thread(plan.run)
            else:  # the model kept moving all along: settle it here, once, on this thread
                plan.run()
            if swap_with(partial(model.install, plan)):
                break
        await asyncio.to_thread(plan.release)  # the replaced rows and indexes, freed off this thread
        due: list[Ticket] = []
        await in_slices(tickets, lambda part: due.extend(self.seen.to_check(part)))
        due.sort(key=lambda ticket: ticket.updated_at, reverse=True)
        return self._accepted(view_id, tickets, first, None if first else plan.result, tuple(due))

    def _accepted(
        self,
        view_id: str,
        tickets: list[Ticket],
        first: bool,
        refresh: RefreshResult | None,
        to_check: tuple[Ticket, ...],
    ) -> ViewLoaded:
        self._loaded.add(view_id)
        self._synced_at[view_id] = self.clock()
        self._dirty.discard(view_id)
        self._failed.discard(view_id)
        self._failures.pop(view_id, None)
        self.signed_out = False
        self.counts[view_id] = len(tickets)
        return ViewLoaded(
            view_id=view_id, first=first, count=len(tickets), refresh=refresh, to_check=to_check
        )

    def mark_cached(self, view_id: str, synced_at: datetime) -> None:
        """A view just accepted from the local cache: as old as `synced_at` (when the cache had it from
        the helpdesk), and stale, so the next showing or refresh loads it and confirms its rows."""
        self._synced_at[view_id] = synced_at
        self._dirty.add(view_id)

    async def load_view(self, view_id: str, *, on_progress: ProgressCallback | None = None) -> ViewLoaded:
        """`fetch_view`, `accept_view` then `check_replies`: one whole load.

        Raises:
            FrontlineError: the load failed; the view keeps its rows and its last sync time.
        """
        tickets = await self.fetch_view(view_id, on_progress=on_progress)
        return await self.check_replies(self.accept_view(view_id, tickets))

    # -- local writes ----------------------------------------------------------------------------------

    def follow_local_writes(self, on_write: Callable[[LocalWrite], None]) -> Callable[[], None]:
        """Apply every ticket the desk changes to the cached views, then tell `on_write`.

        Returns a function that stops following.
        """

        def changed(ticket: Ticket) -> None:
            on_write(self.apply_local_write(ticket))

        return self.desk.subscribe(changed)

    def apply_local_write(self, ticket: Ticket) -> LocalWrite:
        """A write from this app changed a ticket: update it in every cached view.

        The view on screen updates the row in place (rows do not jump under the cursor). Other views drop
        a solved ticket when their title says they hold unsolved ones. The write may also move the ticket
        into or out of views in ways only the helpdesk knows, so every loaded view is marked dirty and
        reloads when it is next shown. The engineer has seen their own change: it is not "changed", and
        a customer waiting on it is answered.
        """
        self.mark_seen(ticket)
        shown_position: int | None = None
        removed: list[str] = []
        for view_id, model in self.models.items():
            shown = view_id == self.current_view_id
            view = self.view(view_id)
            if (
                not shown
                and view is not None
                and no_longer_belongs(ticket, view)
                and model.remove_ticket(ticket.id)
            ):
                self.counts[view_id] = model.total
                removed.append(view_id)
                continue
            position = model.update_ticket(ticket)
            if shown:
                shown_position = position
        self._dirty.update(self._loaded)
        return LocalWrite(ticket=ticket, shown_position=shown_position, removed_from=tuple(removed))
