"""Painting from the local cache: the queue at start, a ticket's conversation as it opens.

At start the queue screen asks `cached_start(screen).start()`: the cached views become the tabs and the
first cached view's tickets its rows, read in a thread before any request; then the usual loads run in
the background and replace them. A view painted from the cache stays marked in the status bar ("cached
2h ago · refreshing…", then "stale" or "refresh failed") until a load confirms it. Each load that
succeeds is written back (`QueueCache.remember_view`, off the UI thread), and so is each conversation
read; a ticket screen shows its cached conversation at once and reads it again behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from textual.widget import Widget
from textual.widgets import Tab, Tabs

from frontline.domain.models import Ticket, TicketThread
from frontline.domain.queue import QueueModel
from frontline.errors import FrontlineError
from frontline.services.cache import QueueCache
from frontline.ui.queue_apply import settle_loaded_tickets
from frontline.ui.widgets.offline_banner import OfflineBanner
from frontline.ui.widgets.signed_out_banner import SignedOutBanner

if TYPE_CHECKING:
    from frontline.domain.cached import CachedViewTickets
    from frontline.ui.screens.queue import QueueScreen
    from frontline.ui.screens.ticket import TicketScreen

__all__ = ["CachedStart", "banners", "cached_start", "remember_thread", "show_cached_thread"]

_HELPERS: WeakKeyDictionary[QueueScreen, CachedStart] = WeakKeyDictionary()


def banners() -> Iterator[Widget]:
    """The lines above helpdesk data on every screen: signed out, offline."""
    yield SignedOutBanner()
    yield OfflineBanner()


CHECKING_VIEWS = "checking views…"
"""The status bar's activity while the view list is asked for (with cached rows shown: "refreshing…")."""


def cached_start(screen: QueueScreen) -> CachedStart:
    """The screen's cache helper (made on first use)."""
    helper = _HELPERS.get(screen)
    if helper is None:
        helper = _HELPERS[screen] = CachedStart(screen)
    return helper


class CachedStart:
    """What the queue screen does with the local cache."""

    def __init__(self, screen: QueueScreen) -> None:
        self.screen = screen
        self._me_kept = False
        self.unconfirmed: set[str] = set()
        """Views showing the cache's rows that no load has confirmed yet (the status bar's "cached")."""

    @property
    def cache(self) -> QueueCache:
        return self.screen.frontline.session.cache

    def start(self) -> None:
        """Paint the cached queue, then load the views from the helpdesk as usual."""
        self.screen.run_worker(self._start(), group="queue-cache", exit_on_error=False)

    async def _start(self) -> None:
        bar = self.screen.status_bar
        bar.activity = bar.activity or CHECKING_VIEWS  # cached rows are "refreshing…" from the first paint
        painted = False
        try:
            painted = await self.paint()
        finally:
            self.screen.sync.incremental.cached_done()  # a load waiting for a view never cached reads it
            # After the rows paint: the footer's keys, and the first request (it builds the TLS context
            # and signs in, ~50 ms of the UI thread) would otherwise hold the cached rows off the terminal.
            # Nothing cached: the first rows are the views' own, asked at once.
            if painted:
                self.screen.app.call_after_refresh(self.screen.load_views)
            else:
                self.screen.load_views()
            self.screen.app.call_after_refresh(self.screen.frontline.start_watches)
            self.screen.app.call_after_refresh(self.screen.show_footer)

    async def paint(self) -> bool:
        """Cached views as tabs and the first cached view's rows; False when nothing was cached."""
        screen, sync = self.screen, self.screen.sync
        cached = await self.cache.queue()
        if cached is None or not cached.views or sync.views:
            return False  # nothing cached, or the helpdesk answered first
        await sync.keeper.restore()
        desk = sync.desk
        if desk.me is None and cached.me is not None:
            desk.me = cached.me  # writes made offline need their author
        sync.views = [entry.view for entry in cached.views]
        # A view's key pressed before its cached tickets are in: its load waits for them, then reads a delta.
        sync.incremental.expect_cached(e.view.id for e in cached.views if e.synced_at is not None)
        sync.counts.update({e.view.id: e.count for e in cached.views if e.count is not None})
        first = cached.first
        if first is not None:
            await self.accept(first, show=True)  # its rows paint as soon as its queue is built
        screen.refresh_bindings()
        tabs = screen.query_one(Tabs)
        for index, view in enumerate(sync.views):
            await tabs.add_tab(Tab(screen._tab_label(view), id=f"view-{index}"))
        if first is not None:
            tabs.active = f"view-{next(i for i, v in enumerate(sync.views) if v.id == first.view_id)}"
            screen._relabel(first.view_id)  # Tabs scrolled to it before the tabs had widths: again, in sight
            if sync.current_view_id == first.view_id:
                screen.load_view(first.view_id)  # the background refresh that confirms the rows
        for entry in cached.views:  # the other views, so they open at once (and offline)
            if entry.synced_at is not None and not sync.is_loaded(entry.view.id):
                other = await self.cache.view(entry.view.id, share_with=sync.incremental.held())
                if other is not None and not sync.is_loaded(other.view_id):
                    await self.accept(other)
        return True

    async def accept(self, cached: CachedViewTickets, *, show: bool = False) -> None:
        """Put a cached view's tickets in its queue (built off the UI thread), marked as old as the cache;
        with `show`, it is painted at once in the order it was cached (`QueueSync.show_as_given`) and
        sorted the moment its queue is ready."""
        screen, sync = self.screen, self.screen.sync
        show = show and sync.current_view_id in (None, cached.view_id)
        if show and cached.view_id not in sync.models:  # painted now in the order it was last shown
            screen.queue_list.empty_text = "Loading…"
            sync.show_as_given(cached.view_id, cached.tickets)
            screen.queue_list.set_model(sync.select(cached.view_id))

        def swap(install: Callable[[], bool]) -> bool:
            queue_list = screen.queue_list
            shown = sync.models.get(cached.view_id) is queue_list.model
            moved = shown and queue_list.cursor > 0  # a cursor left at the top stays at the top
            keep = queue_list.highlighted_ticket_id if moved else None
            if not install():
                return False
            if shown:
                queue_list.model_changed(keep_ticket_id=keep)
            elif show and sync.current_view_id in (None, cached.view_id):
                queue_list.empty_text = "Loading…"
                queue_list.set_model(sync.select(cached.view_id))
            return True

        settle_loaded_tickets()
        await sync.accept_view_async(cached.view_id, cached.tickets, swap=swap)
        settle_loaded_tickets()  # the cached tickets leave the collector's generations, as a load's do
        sync.mark_cached(cached.view_id, cached.synced_at)
        sync.incremental.remember(cached.view_id, cached.tickets)  # the next load asks what changed since
        self.unconfirmed.add(cached.view_id)
        screen.status_bar.showing_cached = lambda: sync.current_view_id in self.unconfirmed
        screen._relabel(cached.view_id)
        screen._update_status()

    def loaded(self, view_id: str, tickets: list[Ticket]) -> None:
        """A load succeeded: keep the view list, counts and these tickets for the next start."""
        sync = self.screen.sync
        self.unconfirmed.discard(view_id)
        self.screen.status_bar.tick()
        synced_at = sync.synced_at(view_id)
        if synced_at is None:
            return
        cache = self.cache
        cache.remember_views(sync.views, sync.counts)
        model = sync.models.get(view_id)  # kept in the order shown: the next start paints it as it is
        cache.remember_view(view_id, model.in_sort_order() if model is not None else tickets, synced_at)
        if not self._me_kept:
            self._me_kept = True
            self.screen.run_worker(self._keep_me(), group="queue-cache-me", exit_on_error=False)

    async def _keep_me(self) -> None:
        """Keep who is signed in (asked once if no write asked yet): a reply typed offline at the next
        start goes to the outbox under their name."""
        desk = self.screen.sync.desk
        try:
            me = await desk.whoami()
        except FrontlineError:
            self._me_kept = False  # asked again after the next load
            return
        self.cache.remember_me(me)


async def show_cached_thread(screen: TicketScreen) -> bool:
    """Show the ticket's cached conversation while it is read again; False when none is shown."""
    if screen.thread is not None and screen.thread.ticket.id == screen.ticket_id:
        return False  # a reload: the conversation on screen stays until the new one arrives
    cache = screen.frontline.session.cache
    if not cache.may_have_thread(screen.ticket_id):
        return False
    cached = await cache.thread(screen.ticket_id)
    if cached is None or cached.thread.ticket.id != screen.ticket_id:
        return False
    await screen.show_thread(cached.thread)
    return True


async def show_queued_row(screen: TicketScreen) -> bool:
    """With no conversation cached, show what the queue holds of the ticket (its header) while it is
    read; False when the queue it was opened from does not hold it."""
    queue = screen.neighbours
    if not isinstance(queue, QueueModel) or screen.thread is not None:
        return False
    position = queue.position_of(screen.ticket_id)
    if position is None:
        return False
    await screen.show_thread(TicketThread(ticket=queue.ticket_at(position), comments=()))
    return True


def remember_thread(screen: TicketScreen, thread: TicketThread) -> None:
    """Keep a conversation just read, for the next time it opens (offline too)."""
    screen.frontline.session.cache.remember_thread(thread)
